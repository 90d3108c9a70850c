"""Chat over the real store: a thread of bubbles, a streamed answer, model/extractive shown, an
evidence card for every cited moment (frame, chat turn, a memory's frames) with the line that
answered, a frame card opening the frame in the timeline with what answered boxed on the image;
follow-ups carrying the last turn's subject and time, an honest abstention saying what was
searched, threads kept in the store and listed by day, suggestions from the user's own days,
copy and retry."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt

from capture.images import encode_image
from memory.answer import Answer
from memory.items import SEMANTIC
from memory.ocr_types import OcrLine
from memory.store.sources import frame_key
from models.fake import ScriptedLlm
from tests.conftest import import_turns
from tests.ui.conftest import core_with_backend
from tests.ui.shots import themed_shots
from ui.chat.bubbles import AnswerBubble, QuestionBubble
from ui.chat.panel import ChatPanel, read_citations
from ui.main_window import MainWindow
from ui.timeline.viewer import Highlight

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
    core = core_with_backend(screens_core, lambda: llm)
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
    assert chat.answer.text() == ans.answer
    assert "scripted-gemma" in chat.status.text() and "written by the model" in \
        chat.status.text()
    # every citation names a stored moment, and each cited frame has its chip
    found = window.core.store.resolve(ans.citations)
    assert ans.citations and set(found) == set(ans.citations)
    qtbot.waitUntil(lambda: len(chat.chip_buttons) > 0, timeout=10000)
    cited = {m.id for m in found.values() if m.kind == "frame"}
    chips = {b.property("frame_id") for b in chat.chip_buttons}
    assert chips == cited
    # the card of the frame the amount is on shows the line that answered
    chip = next(b for b in chat.chip_buttons if "1,240" in b.text())
    assert not chip.icon().isNull(), "a frame chip shows the frame's thumbnail"
    assert chip.accessibleName().startswith("Cited screen:")
    themed_shots(qtbot, window, window.theme, "chat_answer")

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
    from memory.answer import Answerer
    from ui.chat.panel import ChatPanel

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
    assert panel.current.copy_button.isEnabled()
    grab(panel, "chat_extractive")
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)

    # cancel: no answer arrives, the panel is ready again
    panel.question.setText("What budget did Orchard Health approve?")
    with qtbot.waitSignal(panel.cancel_button.clicked, timeout=1000):
        panel.ask()
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)
    assert panel.status.text() == "Cancelled." and panel.ask_button.isEnabled()
    cancelled = panel.current
    assert cancelled.status.text() == "Cancelled." and cancelled.retry_button.isEnabled()
    # retry asks it again, in the same bubble
    with qtbot.waitSignal(panel.answered, timeout=60000) as again:
        qtbot.mouseClick(cancelled.retry_button, Qt.MouseButton.LeftButton)
    assert panel.current is cancelled and cancelled.text.text() == again.args[0].answer


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
    memory = store.memories.add(
        SEMANTIC, {"name": "Parcel", "summary": "Tracking number ZX-4471-QP"},
        sources=[frame_key(live)])
    mem_sources = store.memories.get(memory).sources
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
    assert not panel.chip_buttons and panel.answer is None and not panel.bubbles


def test_read_citations_reads_one_chip_per_moment(open_store):
    store = open_store()
    fid = _frame(store, 3, ["Dentist appointment moved to 16:45"], sources=["a.png", "b.png"],
                 app="Calendar", title="March")
    cited, missing = read_citations(store, ["a.png", frame_key(fid), "b.png", "turn:123456"],
                                    Highlight("16:45", "When is the dentist?"))
    assert missing == ["turn:123456"]
    assert len(cited) == 1 and cited[0].id == fid and cited[0].kind == "frame"
    assert cited[0].sources == ("a.png", frame_key(fid), "b.png")
    assert cited[0].app == "Calendar" and cited[0].thumb is not None
    assert cited[0].thumb.width() <= 192
    assert cited[0].line == "Dentist appointment moved to 16:45"


@pytest.fixture
def reader_window(qtbot, screens_core, pools):
    """The main window with the real answerer and no model: the reader answers."""
    core = core_with_backend(screens_core, lambda: None)
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], use_llm=False,
                   now=lambda: ASKED_AT)
    qtbot.addWidget(w)
    w.resize(1200, 820)
    w.show()
    with qtbot.waitSignal(w.chat.suggestionsShown, timeout=20000) as shown:
        w.start(DAY)
    w.tabs.setCurrentWidget(w.chat)
    w.suggested = shown.args[0]
    return w


def _ask(qtbot, chat, text: str):
    with qtbot.waitSignals([chat.answered, chat.saved], timeout=60000):
        qtbot.keyClicks(chat.question, text)
        qtbot.keyClick(chat.question, Qt.Key.Key_Return)
    return chat.current.answer


def test_a_thread_with_a_follow_up_an_honest_no_kept_and_reopened(qtbot, reader_window):
    w, chat = reader_window, reader_window.chat
    # an empty thread offers questions from the user's own day (its apps and titles)
    assert w.suggested >= 2
    asks = [b.text() for b in chat.suggestion_buttons]
    assert any("Chromium" in q or "Zoom" in q for q in asks), asks
    assert all(b.accessibleName().startswith("Suggested question:")
               for b in chat.suggestion_buttons)
    themed_shots(qtbot, w, w.theme, "chat_empty_suggestions")

    first = _ask(qtbot, chat, "How much was the Marrow Studio invoice?")
    assert not first.abstained and "1,240" in first.answer
    qtbot.waitUntil(lambda: len(chat.chip_buttons) > 0, timeout=10000)
    day_bubble = chat.current
    assert day_bubble.searched["day"] == DAY.isoformat()

    # the follow-up carries the subject and the day before the one that answered
    follow = _ask(qtbot, chat, "and the day before?")
    asked = chat.current.asked
    assert asked == "How much was the Marrow Studio invoice on 16 February 2026?"
    assert chat.current.searched["start"].startswith("2026-02-16")
    questions = [b for b in chat.bubbles if isinstance(b, QuestionBubble)]
    assert questions[-1].asked.text() == f"asked as: {asked}"   # shown under the question
    # the history has that invoice on the 17th only: the answer says it is not from the 16th
    qtbot.waitUntil(lambda: len(chat.chip_buttons) > 0 or follow.abstained, timeout=10000)
    if not follow.abstained:
        assert chat.current.searched_note.text().startswith(
            "Nothing from 16 Feb answers this; the closest is from 17 Feb")

    # an honest no: what was searched, in words
    nothing = _ask(qtbot, chat, "How much was the Brackenfeather Studio invoice?")
    assert nothing.abstained and nothing.answer == "I don't see that in your history."
    note = chat.current.searched_note
    assert note.isVisibleTo(w) and note.text().startswith("Searched all of your history")
    assert "moments read in" in note.text() or "nothing close" in note.text()
    said = note.text()
    themed_shots(qtbot, w, w.theme, "chat_thread")

    # copy puts the answer on the clipboard
    from PySide6.QtGui import QGuiApplication

    qtbot.mouseClick(day_bubble.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == first.answer

    # the thread is kept, listed by day, and reopens with its answers and their cards
    tid = chat.thread_id
    qtbot.waitUntil(lambda: tid in chat.threads.thread_ids(), timeout=10000)
    assert chat.threads.list.item(0).text() == "Today"
    with qtbot.waitSignal(chat.suggestionsShown, timeout=20000):
        qtbot.mouseClick(chat.threads.new_button, Qt.MouseButton.LeftButton)
    assert not chat.bubbles and chat.thread_id is None
    with qtbot.waitSignal(chat.citationsShown, timeout=20000):
        with qtbot.waitSignal(chat.threadShown, timeout=20000):
            item = chat.threads.item_for(tid)
            qtbot.mouseClick(chat.threads.list.viewport(), Qt.MouseButton.LeftButton,
                             pos=chat.threads.list.visualItemRect(item).center())
    answers = [b for b in chat.bubbles if isinstance(b, AnswerBubble)]
    assert [b.text.text() for b in answers][0] == first.answer
    assert answers[1].asked == asked and answers[2].answer.abstained
    assert answers[2].searched_note.text() == said


def test_a_follow_up_about_her_names_the_speaker_who_answered(qtbot, open_store, pools,
                                                              tmp_path):
    """"What did she say about it?" after an answer from Ana's chat turn: Ana, and the
    subject, are carried into the question asked (the real answerer over a real chat)."""
    from memory.answer import Answerer
    from memory.retrieval import Retriever

    store = open_store()
    import_turns(tmp_path, store, [[("Ana", "The parcel from Nordpost comes on Friday."),
                                    ("Ben", "Great, I'll be home.")]])
    panel = ChatPanel(pools[1], lambda b: Answerer(Retriever(store), b, store=store), None,
                      store=store, store_pool=pools[0], now=lambda: ASKED_AT)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.citationsShown, timeout=60000):
        panel.question.setText("When does the parcel from Nordpost come?")
        panel.ask()
    assert panel.current.person == "Ana"
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    with qtbot.waitSignal(panel.answered, timeout=60000):
        panel.question.setText("what did she say about it?")
        panel.ask()
    assert panel.current.asked == "what did Ana say about the parcel from Nordpost?"
