"""Chat over the real store: a streamed answer, model/extractive shown, citations open frames."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from models.fake import ScriptedLlm
from ui.main_window import MainWindow

ASKED_AT = dt.datetime(2026, 2, 17, 20, 0).astimezone()
DAY = dt.date(2026, 2, 17)


def evidence_span(prompt: str) -> str:
    """What a good small model does: copy the words around the amount from the evidence."""
    text = prompt.rsplit("Text: ", 1)[1].split("\nQuestion:")[0]
    words = text.split()
    i = next(i for i, w in enumerate(words) if "1,240" in w or "1240" in w)
    return " ".join(words[max(i - 1, 0):i + 1])


@pytest.fixture
def window(qtbot, screens_core, pools):
    llm = ScriptedLlm(evidence_span, capability="completion", name="scripted-gemma")
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
    assert window.llm.calls and window.llm.calls[0].method == "stream"
    assert len(pieces) >= 2, "the answer arrives token by token"
    assert not ans.abstained and "1,240" in ans.answer
    assert chat.answer.toPlainText() == ans.answer
    assert "scripted-gemma" in chat.status.text() and "extractive" in chat.status.text()
    assert chat.chip_buttons, "the answer cites frames"
    grab(window, "chat_answer")

    fid = next(h.ref_id for h in ans.evidence if h.kind == "frame"
               and set(h.sources) & set(ans.citations))
    with qtbot.waitSignals([window.timeline.frameShown, window.timeline.imageShown],
                           timeout=10000, check_params_cbs=[lambda i: i == fid] * 2):
        qtbot.mouseClick(chat.chip_buttons[0], Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.timeline
    assert window.timeline.viewer.frame.id == fid
    grab(window, "chat_citation_opened")


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
