"""The chat panel: ask, watch the answer stream in, follow what it cites.

An answer cites source keys (memory/store/sources.py): a frame, a chat turn, or through a
memory the frames and turns it was made from. Once the answer is in, the keys are resolved
on the store pool (`read_citations`) and each moment gets a chip: a frame's with its
thumbnail, app and time (a click opens it in the timeline with the answer marked on the
image); a turn's with its speaker, time and line. A key that resolves to nothing is a bug:
it is logged (keys only) and gets no chip.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QToolButton, QVBoxLayout, QWidget)

from memory.store.sources import canonical, resolve
from models.backend import CancelToken
from ui.chat.streaming import ask_streaming
from ui.timeline.images import THUMB, decode_frame
from ui.timeline.viewer import Highlight

log = logging.getLogger(__name__)
MAX_CHIPS = 8          # moments shown under an answer; the timeline has the rest
TURN_CHARS = 90        # a chat turn's line on its chip (the tooltip has it whole)
CHIP_ICON = QSize(96, 60)


@dataclass(frozen=True)
class Cited:
    """One cited moment, read for its chip."""

    kind: str                   # "frame" | "turn"
    id: int                     # frames.id or turns.id
    sources: tuple[str, ...]    # the citation keys that name it
    ts: str
    app: str = ""
    title: str = ""
    speaker: str = ""
    text: str = ""
    thumb: QImage | None = None  # a frame's thumbnail (None: its image is gone)


def read_citations(store, citations: list[str], *,
                   limit: int = MAX_CHIPS) -> tuple[list[Cited], list[str]]:
    """Store-pool job: the moments `citations` name, in citation order, one per moment
    (an alias and a canonical key of one frame are one chip), each frame with its
    thumbnail; and the keys that name nothing."""
    with store.errors():
        found = resolve(store.db, citations)
    missing = [c for c in dict.fromkeys(citations) if c not in found]
    keys: dict[tuple[str, int], list[str]] = {}
    for c in citations:
        m = found.get(c)
        if m is not None:
            keys.setdefault((m.kind, m.id), []).append(c)
    out = []
    for (kind, mid), srcs in list(keys.items())[:limit]:
        m = found[srcs[0]]
        thumb = None
        if kind == "frame":
            try:
                thumb = decode_frame(store.frames, store.frames.get(mid), THUMB)[1]
            except Exception as e:  # a missing image still leaves the moment and its text
                log.info("no thumbnail for frame %d: %s", mid, type(e).__name__)
        out.append(Cited(kind=kind, id=mid, sources=tuple(dict.fromkeys(srcs)), ts=m.ts,
                         app=m.app, title=m.title, speaker=m.speaker, text=m.text,
                         thumb=thumb))
    return out, missing


def when(ts: str) -> str:
    """'17 Feb 09:31' in local time; an unreadable time as it is."""
    try:
        t = dt.datetime.fromisoformat(ts)
    except ValueError:
        return ts
    return (t.astimezone() if t.tzinfo else t).strftime("%d %b %H:%M")


class ChatPanel(QWidget):
    citationClicked = Signal(int, object)   # frame id, the Highlight of what answered
    citationsShown = Signal(int)            # chips shown under the answer
    answered = Signal(object)               # the Answer
    streamed = Signal(str)           # one piece of the answer as the model writes it
    failed = Signal(str)

    def __init__(self, pool, make_answerer: Callable, backend: Callable | None, *,
                 store=None, store_pool=None,
                 now: Callable[[], dt.datetime | None] = lambda: None, parent=None) -> None:
        """`make_answerer(backend_or_None)` builds an Answerer; `backend` is the lazy
        LLM factory (None = extractive only); `store` and `store_pool` resolve what an
        answer cites (without them, no chips); `now` pins "today" (tests, evaluation)."""
        super().__init__(parent)
        self._pool = pool
        self._make = make_answerer
        self._backend = backend
        self._store = store
        self._store_pool = store_pool
        self._now = now
        self._worker = None
        self._cancel: CancelToken | None = None
        self._asked = ""
        self._seq = 0           # the ask the chips being read belong to
        self.question = QLineEdit()
        self.question.setPlaceholderText("Ask about anything you saw…")
        self.question.setObjectName("question")
        self.question.setAccessibleName("Question")
        self.ask_button = QPushButton("Ask")
        self.ask_button.setAccessibleName("Ask")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.answer = QPlainTextEdit()
        self.answer.setReadOnly(True)
        self.answer.setObjectName("answer")
        self.answer.setAccessibleName("Answer")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Answer status")
        self.chips = QHBoxLayout()
        self.chips.addStretch(1)
        self.chip_buttons: list[QToolButton] = []
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
        self._asked = q
        self._seq += 1
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
        if ans.citations and self._store is not None:
            seq, hl = self._seq, Highlight(ans.answer, self._asked)
            self._store_pool.submit(
                read_citations, self._store, list(ans.citations),
                on_returned=lambda r: self._show_chips(seq, hl, *r),
                on_errored=lambda e: log.warning("citations could not be read: %s",
                                                 type(e).__name__))
        self.answered.emit(ans)

    def _show_chips(self, seq: int, hl: Highlight, cited: list[Cited],
                    missing: list[str]) -> None:
        if seq != self._seq:
            return   # a later question is being answered
        if missing:   # a bug (or a moment forgotten meanwhile): keys only, never text
            log.warning("%d citation(s) name nothing in the store: %s (+%d alias(es))",
                        len(missing), ", ".join(k for k in missing if canonical(k)),
                        sum(1 for k in missing if not canonical(k)))
        for c in cited:
            b = self._frame_chip(c, hl) if c.kind == "frame" else self._turn_chip(c)
            self.chips.insertWidget(len(self.chip_buttons), b)
            self.chip_buttons.append(b)
        log.info("answer cites frame(s) %s, %d turn(s)",
                 [c.id for c in cited if c.kind == "frame"],
                 sum(1 for c in cited if c.kind == "turn"))
        self.citationsShown.emit(len(cited))

    def _frame_chip(self, c: Cited, hl: Highlight) -> QToolButton:
        b = QToolButton()
        b.setObjectName("citation_frame")
        b.setProperty("frame_id", c.id)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        b.setText(f"{c.app or 'Screen'}\n{when(c.ts)}")
        if c.thumb is not None:
            b.setIcon(QIcon(QPixmap.fromImage(c.thumb)))   # QPixmap only here, on the GUI thread
            b.setIconSize(CHIP_ICON)
        b.setAccessibleName(f"Cited screen: {c.app or 'unknown app'}, {when(c.ts)}")
        b.setToolTip(f"{c.title or c.app}\nOpen this moment in the timeline")
        b.clicked.connect(lambda _=False, fid=c.id: self.citationClicked.emit(fid, hl))
        return b

    def _turn_chip(self, c: Cited) -> QToolButton:
        line = " ".join(c.text.split())
        short = line if len(line) <= TURN_CHARS else line[:TURN_CHARS - 1] + "…"
        b = QToolButton()
        b.setObjectName("citation_turn")
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        b.setText(f"{c.speaker or 'Chat'} · {when(c.ts)}\n{short}")
        b.setAccessibleName(f"Cited chat turn: {c.speaker}, {when(c.ts)}")
        b.setToolTip(f"{c.speaker}: {line}" if c.speaker else line)
        return b

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

    def clear(self) -> None:
        """Drop the question, the answer and its chips (thumbnails of decrypted frames):
        the app locks."""
        self._seq += 1   # chips still being read land nowhere
        self.question.clear()
        self.answer.clear()
        self._clear_chips()

    def _clear_chips(self) -> None:
        for b in self.chip_buttons:
            self.chips.removeWidget(b)
            b.deleteLater()
        self.chip_buttons = []
