"""The chat panel: ask, watch the answer stream in, open what it cites."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from models.backend import CancelToken
from ui.chat.streaming import ask_streaming


def cited_frames(answer) -> list:
    """Evidence hits of kind 'frame' that the answer cites (by source), in rank order."""
    cited = set(answer.citations)
    out, seen = [], set()
    for h in answer.evidence:
        if h.kind == "frame" and h.ref_id not in seen and cited & set(h.sources):
            seen.add(h.ref_id)
            out.append(h)
    return out


class ChatPanel(QWidget):
    citationClicked = Signal(int)    # frame id
    answered = Signal(object)        # the Answer
    streamed = Signal(str)           # one piece of the answer as the model writes it
    failed = Signal(str)

    def __init__(self, pool, make_answerer: Callable, backend: Callable | None, *,
                 now: Callable[[], dt.datetime | None] = lambda: None, parent=None) -> None:
        """`make_answerer(backend_or_None)` builds an Answerer; `backend` is the lazy
        LLM factory (None = extractive only); `now` pins "today" (tests, evaluation)."""
        super().__init__(parent)
        self._pool = pool
        self._make = make_answerer
        self._backend = backend
        self._now = now
        self._worker = None
        self._cancel: CancelToken | None = None
        self.question = QLineEdit()
        self.question.setPlaceholderText("Ask about anything you saw…")
        self.ask_button = QPushButton("Ask")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.answer = QPlainTextEdit()
        self.answer.setReadOnly(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.chips = QHBoxLayout()
        self.chip_buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.addWidget(self.question, 1)
        row.addWidget(self.ask_button)
        row.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.answer, 1)
        lay.addLayout(self.chips)
        lay.addWidget(self.status)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.ask_button.clicked.connect(self.ask)
        self.question.returnPressed.connect(self.ask)
        self.cancel_button.clicked.connect(self.cancel)

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def ask(self) -> None:
        q = self.question.text().strip()
        if not q or self.busy:
            return
        self._clear_chips()
        self.answer.clear()
        self.status.setText("Searching your history…")
        self.ask_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._cancel = CancelToken()
        self._cancelled = False
        self._worker = self._pool.submit(
            ask_streaming, self._make, self._backend, q, cancel=self._cancel, now=self._now(),
            on_yielded=self._on_piece, on_returned=self._on_answer,
            on_errored=self._on_error, on_finished=self._on_finished)

    def cancel(self) -> None:
        if self._worker is None:
            return
        self._cancelled = True   # a result already on its way is dropped
        self._cancel.cancel()
        self._worker.abort()
        self.status.setText("Cancelled.")

    def _on_piece(self, piece: str) -> None:
        if self._cancelled:
            return
        if self.answer.toPlainText() == "":
            self.status.setText("Answering…")
        self.answer.insertPlainText(piece)   # token by token, at the end
        self.answer.ensureCursorVisible()
        self.streamed.emit(piece)

    def _on_answer(self, ans) -> None:
        if self._cancelled:
            return
        self.answer.setPlainText(ans.answer)   # the checked answer replaces the stream
        how = "extractive (quoted from your screen)" if ans.extractive else "generated"
        state = " · no supporting evidence" if ans.abstained else ""
        self.status.setText(f"model: {ans.model} · {how} · tier {ans.tier}{state}")
        for h in cited_frames(ans):
            when = (h.timestamp or "")[11:16]
            b = QPushButton(f"{when} {h.app}".strip() or f"frame {h.ref_id}")
            b.setToolTip(h.text[:300])
            b.clicked.connect(lambda _=False, fid=h.ref_id: self.citationClicked.emit(fid))
            self.chips.addWidget(b)
            self.chip_buttons.append(b)
        self.answered.emit(ans)

    def _on_error(self, e: Exception) -> None:
        if self._cancelled:
            return
        msg = str(e) or e.__class__.__name__
        self.status.setText(f"Could not answer: {msg}")
        self.failed.emit(msg)

    def _on_finished(self) -> None:
        self._worker = None
        self.ask_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _clear_chips(self) -> None:
        for b in self.chip_buttons:
            self.chips.removeWidget(b)
            b.deleteLater()
        self.chip_buttons = []
