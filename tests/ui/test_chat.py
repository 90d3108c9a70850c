"""Chat over the real store: a streamed answer, model/extractive shown, a chip for every cited
moment (frame, chat turn, a memory's frames), a frame chip opening the frame in the timeline
with what answered boxed on the image."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt

from memory.answer import Answer
from memory.items import SEMANTIC
from memory.store.frames import OcrLine, encode_image
from memory.store.memories import MemoryRepo
from memory.store.sources import frame_key, resolve
from models.fake import ScriptedLlm
from tests.conftest import import_turns
from ui.chat.panel import ChatPanel, read_citations
from ui.main_window import MainWindow

ASKED_AT = dt.datetime(2026, 2, 17, 20, 0).astimezone()
DAY = dt.date(2026, 2, 17)


def evidence_answer(prompt: str) -> str:
    """What a good small instruct model does: answers in a sentence from the evidence line
    that holds the amount."""
    line = next(l for l in prompt.splitlines() if "1,240" in l or "1240" in l)
    amount = next(w for w in line.split() if "1,240" in w or "1240" in w).strip(".,;:")
    return f"The Marrow Studio invoice came to {amount}."


@pytest.fixture
def window(qtbot, screens_core, pools):
    llm = ScriptedLlm(evidence_answer, capability="instruct", name="scripted-gemma")
    core = SimpleNamespace(settings=screens_core.settings, store=screens_core.store,
                           retriever=screens_core.retriever, backend=lambda: llm)
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], now=lambda: ASKED_AT)
    qtbot.addWidget(w)
    w.llm = llm
    w.show()
    with qtbot.waitSignal(w.timeline.dayLoaded, timeout=20000):
        w.start(DAY)
    return w


def test_streamed_answer_and_citation_opens_frame(qtbot, window, grab):
    chat = window.chat
    window.tabs.setCurrentWidget(chat)
    pieces: list[str] = []
    chat.streamed.connect(pieces.append)
    with qtbot.waitSignal(chat.answered, timeout=60000) as got:
        chat.question.setText("How much was the Marrow Studio invoice?")
        qtbot.keyClick(chat.question, Qt.Key.Key_Return)
    ans = got.args[0]
    assert window.llm.calls and window.llm.calls[0].method == "chat"
    assert "".join(pieces) == evidence_answer(window.llm.calls[0].prompt), \
        "what the model wrote was shown as it came"
    assert not ans.abstained and "1,240" in ans.answer
    assert chat.answer.toPlainText() == ans.answer
    assert "scripted-gemma" in chat.status.text() and "generated" in chat.status.text()
    # every citation names a stored moment, and each cited frame has its chip
    found = resolve(window.core.store.db, ans.citations)
    assert ans.citations and set(found) == set(ans.citations)
    qtbot.waitUntil(lambda: len(chat.chip_buttons) > 0, timeout=10000)
    cited = {m.id for m in found.values() if m.kind == "frame"}
    chips = {b.property("frame_id") for b in chat.chip_buttons}
    assert chips == cited
    chip = chat.chip_buttons[0]
    assert not chip.icon().isNull(), "a frame chip shows the frame's thumbnail"
    assert chip.accessibleName().startswith("Cited screen:")
    grab(window, "chat_answer")

    fid = chip.property("frame_id")
    with qtbot.waitSignals([window.timeline.frameShown, window.timeline.imageShown],
                           timeout=10000, check_params_cbs=[lambda i: i == fid] * 2):
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    viewer = window.timeline.viewer
    assert window.tabs.currentWidget() is window.timeline
    assert viewer.frame.id == fid
    # the line that answered is boxed on the image and marked in the text
    assert viewer.marked and all(l in viewer.frame.ocr_lines for l in viewer.marked)
    assert any("1,240" in l.text for l in viewer.marked)
    assert_boxed(viewer, viewer.marked[0])
    assert viewer.text.extraSelections()
    grab(window, "chat_citation_opened")


def assert_boxed(viewer, line) -> None:
    """The box's top edge, drawn on the shown image in the mark colour."""
    img = viewer.image.pixmap().toImage()
    scale = img.width() / viewer.frame.width
    x0, y0, x1, _y1 = line.box
    c = img.pixelColor(int((x0 + x1) / 2 * scale), max(0, round(y0 * scale - 3)))
    assert c.red() > 180 and c.blue() < 90 and c.green() < 190, c.getRgb()


def test_extractive_without_model_and_cancel(qtbot, screens_core, pools, grab):
    from ui.chat.panel import ChatPanel
    from memory.answer import Answerer

    panel = ChatPanel(pools[1], lambda b: Answerer(screens_core.retriever, b), None,
                      now=lambda: ASKED_AT)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.answered, timeout=60000) as got:
        panel.question.setText("How long do the lentils simmer?")
        panel.ask()
    ans = got.args[0]
    assert ans.extractive and ans.model == "extractive"
    assert "model: extractive" in panel.status.text()
    grab(panel, "chat_extractive")
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)

    # cancel: no answer arrives, the panel is ready again
    panel.question.setText("What budget did Orchard Health approve?")
    with qtbot.waitSignal(panel.cancel_button.clicked, timeout=1000):
        panel.ask()
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)
    assert panel.status.text() == "Cancelled." and panel.ask_button.isEnabled()


def _frame(store, minute: int, lines: list[str], *, sources=(), app="Thunderbird",
           title="Parcel tracking") -> int:
    img = Image.new("RGB", (640, 40 * len(lines) + 20), "white")
    draw = ImageDraw.Draw(img)
    for i, t in enumerate(lines):
        draw.text((20, 10 + 40 * i), t, fill="black")
    ts = dt.datetime(2026, 3, 2, 9, minute).astimezone()
    return store.add_frame(image_bytes=encode_image(img), ts=ts, app=app, window_title=title,
                           url=None, width=img.width, height=img.height, phash="0",
                           sources=list(sources),
                           ocr_lines=[OcrLine(t, (20, 10 + 40 * i, 400, 30 + 40 * i), 0.9)
                                      for i, t in enumerate(lines)])


class Cites:
    """An answerer that cites what it is given: the chips are what is under test here."""

    def __init__(self, citations: list[str]) -> None:
        self.citations = citations

    def ask(self, question, *, now=None):
        return Answer("ZX-4471-QP", False, self.citations, "extractive", True, "reader", [])


def test_every_cited_kind_gets_a_chip_and_a_dangling_one_is_logged(qtbot, open_store, pools,
                                                                   tmp_path, caplog, grab):
    store = open_store()
    live = _frame(store, 1, ["Your parcel is on its way", "Tracking number: ZX-4471-QP"])
    imported = _frame(store, 2, ["Order 88213 shipped"], sources=["0042.png"], app="Firefox",
                      title="Orders")
    import_turns(tmp_path, store, [[("Ana", "The parcel number is ZX-4471-QP, keep it."),
                                    ("Ben", "Thanks!")]])
    turn_src = "c:D1:1"
    # a memory made from the live frame cites it through its source key
    memory = MemoryRepo(store.db, store.docs, store.keys).add(
        SEMANTIC, {"name": "Parcel", "summary": "Tracking number ZX-4471-QP"},
        sources=[frame_key(live)])
    mem_sources = MemoryRepo(store.db, store.docs, store.keys).get(memory).sources
    citations = [*mem_sources, "0042.png", frame_key(imported), turn_src, "frame:99999",
                 "gone.png"]
    panel = ChatPanel(pools[1], lambda b: Cites(citations), None, store=store,
                      store_pool=pools[0])
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    clicked = []
    panel.citationClicked.connect(lambda fid, hl: clicked.append((fid, hl)))
    with caplog.at_level(logging.INFO, logger="ui.chat.panel"):
        with qtbot.waitSignal(panel.citationsShown, timeout=20000) as shown:
            panel.question.setText("What is the tracking number of my parcel?")
            panel.ask()
    assert shown.args == [3]    # the memory's frame, the imported frame (alias = key), the turn
    qtbot.waitUntil(lambda: all(b.isVisible() for b in panel.chip_buttons), timeout=2000)
    kinds = [b.objectName() for b in panel.chip_buttons]
    assert kinds == ["citation_frame", "citation_frame", "citation_turn"]
    assert [b.property("frame_id") for b in panel.chip_buttons[:2]] == [live, imported]
    assert "Thunderbird" in panel.chip_buttons[0].text()
    assert not panel.chip_buttons[0].icon().isNull()
    turn = panel.chip_buttons[2]
    assert turn.text().startswith("Ana · ") and "ZX-4471-QP" in turn.text()
    assert "Ana: The parcel number is ZX-4471-QP" in turn.toolTip()
    # the dangling keys: logged by key, no chip, never the answer's or a screen's text
    warned = [r.getMessage() for r in caplog.records
              if r.name == "ui.chat.panel" and r.levelno == logging.WARNING]
    assert len(warned) == 1 and "frame:99999" in warned[0] and "1 alias" in warned[0]
    assert "ZX-4471" not in " ".join(r.getMessage() for r in caplog.records)
    grab(panel, "chat_chips_every_kind")

    qtbot.mouseClick(turn, Qt.MouseButton.LeftButton)     # a turn opens nothing
    qtbot.mouseClick(panel.chip_buttons[0], Qt.MouseButton.LeftButton)
    assert len(clicked) == 1 and clicked[0][0] == live
    hl = clicked[0][1]
    assert hl.answer == "ZX-4471-QP" and "tracking number" in hl.question
    assert [l.text for l in hl.lines(store.frames.get(live).ocr_lines)] == \
        ["Tracking number: ZX-4471-QP"]

    panel.clear()   # the app locks: no decrypted thumbnail stays
    assert not panel.chip_buttons and not panel.answer.toPlainText()


def test_read_citations_reads_one_chip_per_moment(open_store):
    store = open_store()
    fid = _frame(store, 3, ["Dentist appointment moved to 16:45"], sources=["a.png", "b.png"],
                 app="Calendar", title="March")
    cited, missing = read_citations(store, ["a.png", frame_key(fid), "b.png", "turn:123456"])
    assert missing == ["turn:123456"]
    assert len(cited) == 1 and cited[0].id == fid and cited[0].kind == "frame"
    assert cited[0].sources == ("a.png", frame_key(fid), "b.png")
    assert cited[0].app == "Calendar" and cited[0].thumb is not None
    assert cited[0].thumb.width() <= 192
