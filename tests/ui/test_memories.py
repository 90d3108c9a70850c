"""The memory browser over a real (encrypted) store: tabs with counts, detail with provenance
and history, edit / pin / delete persisted through the real MemoryRepo, a sensitive vault
value masked until Reveal, frame sources opening the timeline, calm empty and error states."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from capture.images import encode_image
from memory.items import CORE, EPISODIC, MASK, PROCEDURAL, RESOURCE, SEMANTIC, VAULT
from memory.ocr_types import OcrLine
from memory.store.memories import MemoryRepo
from ui.memories.browser import ID, MemoriesBrowser

DAY = dt.date(2026, 3, 2)
SECRET = "4729-1138"
FRAME_SRC = "capture/2026-03-02/0901.png"
TURN_SRC = "conv-7:D1:3"


def _frame(store, minute: int, text: str, source: str) -> int:
    img = Image.new("RGB", (640, 400), "white")
    ImageDraw.Draw(img).text((20, 20), text, fill="black")
    ts = dt.datetime.combine(DAY, dt.time(9, minute)).astimezone()
    return store.add_frame(image_bytes=encode_image(img), ts=ts, app="Editor",
                           window_title="invoice-0142.pdf", url=None, width=640, height=400,
                           phash="0", sources=[source],
                           ocr_lines=[OcrLine(text, (0, 0, 10, 10), 0.9)])


def _turn(store, source: str, speaker: str, text: str) -> None:
    ts = dt.datetime(2023, 5, 8, 13, 56, tzinfo=dt.UTC)
    sample, dia = source.split(":", 1)
    store.db["turns"].insert({"source": source, "sample_id": sample, "dia_id": dia,
                              "session": 1, "speaker": speaker, "text": text, "caption": None,
                              "ts": ts.isoformat(), "ts_epoch": ts.timestamp()})


@pytest.fixture
def filled(open_store):
    """An encrypted store with a frame, a chat turn and memories of all six types."""
    store = open_store()
    fid = _frame(store, 1, "Invoice 0142 to Marrow Studio: 1,240", FRAME_SRC)
    _turn(store, TURN_SRC, "Caroline", "I sent Leo's invoice to Marrow Studio this morning.")
    repo = store.memories
    ids = {
        "core": repo.add(CORE, {"label": "name", "text": "The user is Leo Marsh"},
                         sources=[TURN_SRC]),
        "invoice": repo.add(EPISODIC, {"occurred_at": "2026-03-02T09:01:00+00:00",
                                       "summary": "Sent the Marrow Studio invoice",
                                       "app": "Editor"},
                            sources=[FRAME_SRC, TURN_SRC], importance=0.5),
        "older": repo.add(EPISODIC, {"occurred_at": "2026-03-01T15:00:00+00:00",
                                     "summary": "Read the tax letter", "app": "Mail"},
                          sources=["gone/old-shot.png"]),
        "fact": repo.add(SEMANTIC, {"name": "Marrow Studio",
                                    "summary": "A design studio Leo invoices monthly"},
                         sources=[FRAME_SRC]),
        "howto": repo.add(PROCEDURAL, {"description": "Export an invoice",
                                       "steps": ["Open the ledger", "File, Export PDF"]},
                          sources=[FRAME_SRC]),
        "doc": repo.add(RESOURCE, {"title": "invoice-0142.pdf", "resource_type": "document",
                                   "uri": "file:///invoices/0142.pdf"}, sources=[FRAME_SRC]),
        "pin": repo.add(VAULT, {"entry_type": "credential", "caption": "Bank card PIN",
                                "value": SECRET, "sensitivity": "high"}, sources=[FRAME_SRC]),
        "address": repo.add(VAULT, {"entry_type": "address", "caption": "Office address",
                                    "value": "12 Quay Street", "sensitivity": "low"},
                            sources=[FRAME_SRC]),
    }
    # the browser reads on its pool thread: the test writes over a connection of its own
    return SimpleNamespace(store=store, fid=fid, ids=ids, side=fresh_repo(store))


@pytest.fixture
def browser(qtbot, pools):
    made = []

    def make(store):
        b = MemoriesBrowser(store, pools[0])
        b.resize(1100, 760)
        qtbot.addWidget(b)
        b.show()
        with qtbot.waitSignal(b.loaded, timeout=10000):
            b.refresh()
        made.append(b)
        return b
    return make


def fresh_repo(store) -> MemoryRepo:
    """A repository over a new connection to the same database file: what was committed."""
    return store.sibling().memories


def rows(lw) -> list[str]:
    return [lw.item(i).text() for i in range(lw.count())]


def show(qtbot, b, type_: str) -> None:
    with qtbot.waitSignal(b.loaded, timeout=10000):
        b.show_type(type_)


def select(qtbot, b, mid: int) -> None:
    row = next(i for i in range(b.list.count()) if b.row_id(i) == mid)
    b.list.setCurrentRow(row)
    qtbot.waitUntil(lambda: b.detail_id == mid, timeout=10000)


def double_click(qtbot, lw, row: int) -> None:
    """What a real double-click sends: QTest's mouseDClick alone has no first press, so an
    item view (which needs a pressed index) would ignore it."""
    lw.scrollToItem(lw.item(row))
    at = lw.visualItemRect(lw.item(row)).center()
    qtbot.mouseClick(lw.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseDClick(lw.viewport(), Qt.MouseButton.LeftButton, pos=at)


def test_tabs_show_counts_and_lists_pinned_then_newest(qtbot, filled, browser, grab):
    b = browser(filled.store)
    texts = [b.tabs.tabText(i) for i in range(b.tabs.count())]
    assert texts == ["Core (1)", "Episodic (2)", "Semantic (1)", "Procedural (1)",
                     "Resource (1)", "Knowledge Vault (2)"]
    assert b.current_type == CORE and rows(b.list) == ["name: The user is Leo Marsh"]
    assert not b.notice.isVisibleTo(b)

    show(qtbot, b, EPISODIC)
    assert [b.row_id(i) for i in range(2)] == [filled.ids["invoice"],
                                                           filled.ids["older"]]
    filled.side.pin(filled.ids["older"])           # pinned first, then newest
    with qtbot.waitSignal(b.loaded, timeout=10000):
        b.refresh()
    assert [b.row_id(i) for i in range(2)] == [filled.ids["older"],
                                                           filled.ids["invoice"]]
    assert b.list.item(0).text().startswith("★ ")

    with qtbot.waitSignal(b.loaded, timeout=10000) as got:
        b.filter.setText("MARROW")
    assert got.args == [1] and "Marrow Studio invoice" in b.list.item(0).text()
    with qtbot.waitSignal(b.loaded, timeout=10000) as got:
        b.filter.setText("lentils")
    assert got.args == [0] and "Nothing in Episodic contains" in b.notice.text()
    assert b.pane.currentIndex() == 0          # nothing selected: the placeholder
    with qtbot.waitSignal(b.loaded, timeout=10000):
        b.filter.clear()
    grab(b, "memories_browser")


def test_detail_shows_fields_provenance_and_history(qtbot, filled, browser, grab):
    b = browser(filled.store)
    show(qtbot, b, EPISODIC)
    select(qtbot, b, filled.ids["invoice"])
    assert "Sent the Marrow Studio invoice" in b.title.text()
    assert "Sent the Marrow Studio invoice" in b.fields_label.text()
    assert "Editor" in b.fields_label.text()
    meta = b.meta_label.text()
    assert "floor" in meta and "importance 0.50" in meta and "recalled 0 times" in meta
    assert "created" in meta and "Pinned" not in meta and b.pin_button.text() == "Pin"

    src = rows(b.sources)
    assert len(src) == 2
    frame_row = next(i for i, t in enumerate(src) if "Screen" in t)
    turn_row = 1 - frame_row
    assert "Editor — invoice-0142.pdf" in src[frame_row]
    assert b.sources.item(frame_row).data(ID) == filled.fid
    assert "Caroline: I sent Leo's invoice" in src[turn_row]
    assert b.sources.item(turn_row).data(ID) is None

    hist = rows(b.history)
    assert any("version 1 (add)" in h and "Sent the Marrow Studio invoice" in h for h in hist)
    assert any(" · add by floor" in h for h in hist)

    # the frame source is ready to open: one click
    assert b.sources.currentRow() == frame_row and b.open_source_button.isEnabled()
    b.sources.setCurrentRow(turn_row)              # a chat turn has nothing to open
    assert not b.open_source_button.isEnabled()
    b.sources.setCurrentRow(frame_row)
    assert b.open_source_button.isEnabled()
    with qtbot.waitSignal(b.frameRequested, timeout=2000) as got:
        double_click(qtbot, b.sources, frame_row)
    assert got.args[0] == filled.fid
    assert "Marrow Studio" in got.args[1].answer   # the memory's words, to mark on the frame
    with qtbot.waitSignal(b.frameRequested, timeout=2000) as got:
        qtbot.mouseClick(b.open_source_button, Qt.MouseButton.LeftButton)
    assert got.args[0] == filled.fid
    grab(b, "memories_detail")

    select(qtbot, b, filled.ids["older"])          # a source no longer in the store
    assert rows(b.sources) and "no longer in the store" in rows(b.sources)[0]
    assert b.sources.item(0).data(ID) is None


def test_edit_supersedes_and_persists(qtbot, filled, browser, grab):
    b = browser(filled.store)
    old = filled.ids["fact"]
    show(qtbot, b, SEMANTIC)
    select(qtbot, b, old)
    qtbot.mouseClick(b.edit_button, Qt.MouseButton.LeftButton)
    assert not b.editor.isHidden()
    assert b.editors["name"].text() == "Marrow Studio"
    b.editors["summary"].setPlainText("A design studio in Leith; Leo invoices it monthly")
    grab(b, "memories_edit")
    with qtbot.waitSignal(b.actionDone, timeout=10000) as got:
        qtbot.mouseClick(b.save_button, Qt.MouseButton.LeftButton)
    op, new = got.args
    assert op == "edit" and new != old
    qtbot.waitUntil(lambda: b.detail_id == new, timeout=10000)
    assert b.editor.isHidden() and "in Leith" in b.fields_label.text()
    assert b.list.count() == 1 and b.row_id(b.list.currentRow()) == new
    assert "in Leith" in b.list.item(0).text()
    assert "Made by you" in b.meta_label.text()
    assert any("version 2 (update)" in h and "edited by the user" in h
               for h in rows(b.history))

    repo = fresh_repo(filled.store)
    was, now = repo.get(old), repo.get(new)
    assert was.status == "superseded" and was.superseded_by == new
    assert was.fields["summary"] == "A design studio Leo invoices monthly"
    assert now.status == "active" and now.tier == "user"
    assert now.fields == {"name": "Marrow Studio",
                          "summary": "A design studio in Leith; Leo invoices it monthly"}
    assert now.sources == [FRAME_SRC]              # provenance follows the new version
    versions = [h for h in repo.history(new) if h["kind"] == "version"]
    assert [(v["version"], v["op"]) for v in versions] == [(1, "add"), (2, "update")]
    assert versions[1]["reason"] == "edited by the user"
    assert [m.id for m in repo.list_by_type(SEMANTIC)] == [new]


def test_a_bad_edit_and_a_stale_item_are_calm_inline_messages(qtbot, filled, browser):
    b = browser(filled.store)
    show(qtbot, b, SEMANTIC)
    select(qtbot, b, filled.ids["fact"])
    b.start_edit()
    b.editors["name"].setText("")                  # the key field
    b.editors["summary"].setPlainText("")
    with qtbot.waitSignal(b.failed, timeout=10000) as got:
        b.save_edit()
    assert "Could not save the memory" in b.message.text() and "Traceback" not in got.args[0]
    assert b.message.isVisibleTo(b) and not b.editor.isHidden()

    filled.side.update(filled.ids["fact"], {"summary": "changed elsewhere"})  # behind its back
    b.editors["name"].setText("Marrow Studio Ltd")
    with qtbot.waitSignal(b.failed, timeout=10000):
        b.save_edit()
    assert "superseded" in b.message.text()
    assert not any(isinstance(w, QMessageBox) for w in QApplication.topLevelWidgets())


def test_pin_and_delete_persist(qtbot, filled, browser, grab):
    b = browser(filled.store)
    show(qtbot, b, PROCEDURAL)
    mid = filled.ids["howto"]
    select(qtbot, b, mid)
    assert "1. Open the ledger" in b.fields_label.text()
    with qtbot.waitSignal(b.actionDone, timeout=10000) as got:
        qtbot.mouseClick(b.pin_button, Qt.MouseButton.LeftButton)
    assert got.args == ["pin", mid]
    qtbot.waitUntil(lambda: b.pin_button.text() == "Unpin", timeout=10000)
    assert b.list.item(0).text().startswith("★ ") and "Pinned" in b.meta_label.text()
    assert fresh_repo(filled.store).get(mid).pinned
    assert any(" · pin by you" in h for h in rows(b.history))
    with qtbot.waitSignal(b.actionDone, timeout=10000) as got:
        qtbot.mouseClick(b.pin_button, Qt.MouseButton.LeftButton)
    assert got.args == ["unpin", mid]
    qtbot.waitUntil(lambda: b.pin_button.text() == "Pin", timeout=10000)
    assert not fresh_repo(filled.store).get(mid).pinned

    asked = []
    b.confirm = lambda parent, text: asked.append(text) or False   # the user says No
    qtbot.mouseClick(b.delete_button, Qt.MouseButton.LeftButton)
    assert asked and "Export an invoice" in asked[0]
    assert fresh_repo(filled.store).get(mid).status == "active"
    b.confirm = lambda parent, text: True
    with qtbot.waitSignals([b.actionDone, b.loaded], timeout=10000):
        qtbot.mouseClick(b.delete_button, Qt.MouseButton.LeftButton)
    assert b.list.count() == 0 and b.tabs.tabText(3) == "Procedural (0)"
    assert "No Procedural memories yet" in b.notice.text() and b.pane.currentIndex() == 0
    repo = fresh_repo(filled.store)
    assert repo.get(mid).status == "deleted" and repo.list_by_type(PROCEDURAL) == []
    assert repo.ops(limit=1)[0]["op"] == "delete"
    grab(b, "memories_deleted")


def test_sensitive_vault_value_masked_until_reveal(qtbot, filled, browser, grab):
    assert filled.store.encrypted
    b = browser(filled.store)
    show(qtbot, b, VAULT)
    pin, address = filled.ids["pin"], filled.ids["address"]
    select(qtbot, b, pin)

    def everything() -> str:
        return "\n".join([b.title.text(), b.fields_label.text(), b.meta_label.text(),
                          *rows(b.list), *rows(b.sources), *rows(b.history)])
    assert SECRET not in everything() and MASK in b.fields_label.text()
    assert any("version 1 (add)" in h and MASK in h for h in rows(b.history))
    assert b.reveal_button.isVisibleTo(b)
    grab(b, "memories_vault_masked")
    with qtbot.waitSignal(b.actionDone, timeout=10000) as got:
        qtbot.mouseClick(b.reveal_button, Qt.MouseButton.LeftButton)
    assert got.args == ["reveal", pin]
    assert SECRET in b.fields_label.text() and b.reveal_button.text() == "Hide value"
    assert SECRET not in b.title.text() and SECRET not in "\n".join(rows(b.history))
    grab(b, "memories_vault_revealed")

    select(qtbot, b, address)                      # for that item only
    assert "12 Quay Street" in b.fields_label.text() and not b.reveal_button.isVisibleTo(b)
    select(qtbot, b, pin)
    assert SECRET not in everything() and MASK in b.fields_label.text()

    b.start_edit()                                 # the editor never shows it either
    assert b.editors["value"].text() == "" and b.editors["caption"].text() == "Bank card PIN"
    b.cancel_edit()
    with qtbot.waitSignal(b.actionDone, timeout=10000):
        b.toggle_reveal()
    assert SECRET in b.fields_label.text()
    b.toggle_reveal()                              # Hide
    assert SECRET not in b.fields_label.text()

    # marked sensitive by an edit: its value and every earlier version are masked from now
    select(qtbot, b, address)
    b.start_edit()
    b.editors["sensitivity"].setText("high")
    with qtbot.waitSignal(b.actionDone, timeout=10000) as got:
        b.save_edit()
    new = got.args[1]
    qtbot.waitUntil(lambda: b.detail_id == new, timeout=10000)
    assert "12 Quay Street" not in everything() and b.reveal_button.isVisibleTo(b)
    assert sum("version" in h and MASK in h for h in rows(b.history)) == 2
    with qtbot.waitSignal(b.actionDone, timeout=10000):
        b.toggle_reveal()
    assert "12 Quay Street" in b.fields_label.text()
    assert fresh_repo(filled.store).get(new).fields["value"] == MASK


def test_unencrypted_store_says_the_value_was_not_kept(qtbot, open_store, browser):
    store = open_store(encrypt=False, passphrase=None)
    mid = store.memories.add(
        VAULT, {"entry_type": "credential", "caption": "Door code", "value": "9911",
                "sensitivity": "high"}, sources=[])
    b = browser(store)
    assert b.current_type == VAULT
    select(qtbot, b, mid)
    with qtbot.waitSignal(b.actionDone, timeout=10000):
        b.toggle_reveal()
    assert "not kept" in b.message.text() and "9911" not in b.fields_label.text()
    assert rows(b.sources) == ["No recorded sources."]


def test_frame_source_opens_the_frame_in_the_timeline(qtbot, filled, pools, settings_factory):
    from ui.main_window import MainWindow

    core = SimpleNamespace(settings=settings_factory(), store=filled.store, retriever=None,
                           backend=lambda: None, answerer=lambda backend: None)
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], use_llm=False)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.memories.loaded, timeout=10000):
        w.tabs.setCurrentWidget(w.memories)        # the tab refreshes when shown
    b = w.memories
    show(qtbot, b, SEMANTIC)
    select(qtbot, b, filled.ids["fact"])
    with qtbot.waitSignal(w.timeline.frameShown, timeout=10000,
                          check_params_cb=lambda i: i == filled.fid):
        double_click(qtbot, b.sources, 0)
    assert w.tabs.currentWidget() is w.timeline
    assert w.timeline.viewer.frame.id == filled.fid


def test_a_live_frame_source_opens_with_where_it_came_from_marked(
        qtbot, open_store, pools, settings_factory, grab):
    """A frame captured live has no manifest file: the memory made from it cites its
    canonical key, and "Where it came from" opens it (never "no longer in the store")."""
    from memory.store.sources import frame_key
    from ui.main_window import MainWindow

    store = open_store()
    img = Image.new("RGB", (640, 200), "white")
    draw = ImageDraw.Draw(img)
    lines = ["Dentist - Calendar", "Dr Brandt, dental check-up", "Thursday 16:45, room 2"]
    for i, t in enumerate(lines):
        draw.text((20, 20 + 50 * i), t, fill="black")
    fid = store.add_frame(image_bytes=encode_image(img),
                          ts=dt.datetime.combine(DAY, dt.time(9, 5)).astimezone(),
                          app="gnome-calendar", window_title="Dentist - Calendar", url=None,
                          width=640, height=200, phash="0", sources=[],
                          ocr_lines=[OcrLine(t, (20, 20 + 50 * i, 300, 36 + 50 * i), 0.9)
                                     for i, t in enumerate(lines)])
    mid = store.memories.add(
        EPISODIC, {"occurred_at": f"{DAY}T09:05:00+00:00", "app": "gnome-calendar",
                   "summary": "Dental check-up with Dr Brandt on Thursday 16:45"},
        sources=[frame_key(fid)])
    core = SimpleNamespace(settings=settings_factory(), store=store, retriever=None,
                           backend=lambda: None, answerer=lambda backend: None)
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], use_llm=False)
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.show()
    with qtbot.waitSignal(w.memories.loaded, timeout=10000):
        w.tabs.setCurrentWidget(w.memories)
    b = w.memories
    assert b.current_type == EPISODIC     # the first tab with items
    select(qtbot, b, mid)
    assert rows(b.sources) and "Screen · gnome-calendar — Dentist - Calendar" in \
        rows(b.sources)[0]
    assert "no longer" not in " ".join(rows(b.sources)) and b.open_source_button.isEnabled()
    grab(w, "memories_live_source")
    with qtbot.waitSignal(w.timeline.imageShown, timeout=10000,
                          check_params_cb=lambda i: i == fid):
        qtbot.mouseClick(b.open_source_button, Qt.MouseButton.LeftButton)
    assert w.tabs.currentWidget() is w.timeline and w.timeline.viewer.frame.id == fid
    assert [l.text for l in w.timeline.viewer.marked] == ["Thursday 16:45, room 2"] or \
        "Dr Brandt, dental check-up" in [l.text for l in w.timeline.viewer.marked]
    grab(w, "memories_live_source_opened")


def test_empty_store_is_calm(qtbot, open_store, browser, grab):
    b = browser(open_store())
    assert "No memories yet" in b.notice.text() and b.notice.isVisibleTo(b)
    assert b.list.count() == 0 and b.pane.currentIndex() == 0
    assert b.tabs.tabText(0) == "Core (0)" and b.tabs.tabText(5) == "Knowledge Vault (0)"
    grab(b, "memories_empty")
