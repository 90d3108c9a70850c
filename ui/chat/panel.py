"""The chat panel: a conversation with the user's own history.

A thread of question and answer bubbles (ui/chat/bubbles.py), kept in the store and listed
by day (ui/chat/threads.py). A follow-up carries the last turn's subject and time
(memory/followup.py): "and the day before?" is asked as the question it stands for, and
the bubble shows what was asked. Each answer streams in, can be cancelled, copied and
retried, and gets its evidence as cards (ui/chat/evidence.py) that open the frame in the
timeline with what answered marked. An abstention says what was searched. An empty thread
offers questions drawn from the user's recent days.

The answer runs on the chat pool; everything that reads or writes the store on the store
pool. Without a store (and its pool) the panel still answers, but keeps nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from memory.api import canonical
from memory.followup import LastTurn, carry, describe_searched, searched_for
from memory.timefmt import parse_iso
from models.backend import CancelToken
from ui.chat.bubbles import AnswerBubble, QuestionBubble
from ui.chat.evidence import (  # noqa: F401
    CHIP_ICON,
    MAX_CHIPS,
    Cited,
    frame_card,
    read_citations,
    turn_card,
    when,
)
from ui.chat.streaming import ask_streaming
from ui.chat.threads import ThreadList, list_threads, read_thread, save_message, suggestions
from ui.timeline.viewer import Highlight

log = logging.getLogger(__name__)


class ChatPanel(QWidget):
    citationClicked = Signal(int, object)   # frame id, the Highlight of what answered
    citationsShown = Signal(int)            # cards shown under the answer
    answered = Signal(object)               # the Answer
    streamed = Signal(str)                  # one piece of the answer as the model writes it
    failed = Signal(str)
    saved = Signal(int)                     # thread id the last answer was kept in
    threadsListed = Signal(int)             # threads in the list
    threadShown = Signal(int)               # thread id whose messages are shown
    suggestionsShown = Signal(int)

    def __init__(self, pool, make_answerer: Callable, backend: Callable | None, *,
                 store=None, store_pool=None,
                 now: Callable[[], dt.datetime | None] = lambda: None, parent=None) -> None:
        """`make_answerer(backend_or_None)` builds an Answerer; `backend` is the lazy
        LLM factory (None = extractive only); `store` and `store_pool` keep the threads
        and resolve what an answer cites (without them: no cards, nothing kept); `now`
        pins "today" (tests, evaluation)."""
        super().__init__(parent)
        self._pool = pool
        self._make = make_answerer
        self._backend = backend
        self._store = store
        self._store_pool = store_pool
        self._now = now
        self._worker = None
        self._cancel: CancelToken | None = None
        self._cancelled = False
        self._seq = 0           # the ask the cards being read belong to
        self.thread_id: int | None = None
        self.bubbles: list[QWidget] = []
        self.current: AnswerBubble | None = None   # the bubble being answered
        self.suggestion_buttons: list[QPushButton] = []

        self.threads = ThreadList()
        self.question = QLineEdit()
        self.question.setPlaceholderText("Ask about anything you saw…")
        self.question.setObjectName("question")
        self.question.setAccessibleName("Question")
        self.ask_button = QPushButton("Ask")
        self.ask_button.setObjectName("primary")
        self.ask_button.setAccessibleName("Ask")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel answer")
        self.cancel_button.setEnabled(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("muted")
        self.status.setAccessibleName("Answer status")
        # the thread: bubbles in a scroll area, suggestions while it is empty
        self.empty = QWidget()
        self.empty_title = QLabel("What would you like to find?")
        self.empty_title.setObjectName("title")
        self.empty_hint = QLabel("Questions from your recent days:")
        self.empty_hint.setObjectName("muted")
        self.suggestions = QVBoxLayout()
        e = QVBoxLayout(self.empty)
        e.addWidget(self.empty_title)
        e.addWidget(self.empty_hint)
        e.addLayout(self.suggestions)
        self.empty_hint.hide()
        self.body = QWidget()
        self.column = QVBoxLayout(self.body)
        self.column.setSpacing(10)
        self.column.addWidget(self.empty)
        self.column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        self.scroll.setAccessibleName("Conversation")
        row = QHBoxLayout()
        row.addWidget(self.question, 1)
        row.addWidget(self.ask_button)
        row.addWidget(self.cancel_button)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.scroll, 1)
        rl.addLayout(row)
        rl.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.threads)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 900])
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        if store is None or store_pool is None:
            self.threads.hide()
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.ask_button.clicked.connect(self.ask)
        self.question.returnPressed.connect(self.ask)
        self.cancel_button.clicked.connect(self.cancel)
        self.threads.newRequested.connect(self.new_thread)
        self.threads.threadChosen.connect(self.open_thread)

    def start(self) -> None:
        """Shown for the first time: the kept threads and suggestions for an empty one."""
        self.refresh_threads()
        self._load_suggestions()

    @property
    def busy(self) -> bool:
        return self._worker is not None

    @property
    def answer(self):
        """The latest answer's text (a label), or None before the first question."""
        return self.current.text if self.current is not None else None

    @property
    def chip_buttons(self) -> list:
        return self.current.cards if self.current is not None else []

    def _today(self) -> dt.datetime:
        return self._now() or dt.datetime.now().astimezone()

    # -- asking ------------------------------------------------------------------------------
    def last_turn(self) -> LastTurn | None:
        answered = [b for b in self.bubbles if isinstance(b, AnswerBubble)
                    and b.answer is not None]
        if not answered:
            return None
        b = answered[-1]
        day = b.searched.get("day") if b.searched else ""
        return LastTurn(b.asked, dt.date.fromisoformat(day) if day else None, b.person)

    def ask(self) -> None:
        typed = self.question.text().strip()
        if not typed or self.busy:
            return
        carried = carry(typed, self.last_turn(), now=self._today())
        if carried.rewritten:
            log.info("follow-up carried over (%s)", carried.rule)
        self.question.clear()
        self.empty.hide()
        self._append(QuestionBubble(typed, carried.question))
        bubble = AnswerBubble()
        bubble.asked = carried.question
        bubble.setProperty("typed", typed)
        bubble.retryRequested.connect(lambda b=bubble: self.retry(b))
        self._append(bubble)
        self.current = bubble
        self._run(bubble)

    def retry(self, bubble: AnswerBubble) -> None:
        if self.busy:
            return
        self.current = bubble
        bubble.restart()
        self._run(bubble)

    def _run(self, bubble: AnswerBubble) -> None:
        self._seq += 1
        self.status.setText("Searching your history…")
        self.ask_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._cancel = CancelToken()
        self._cancelled = False
        self._worker = self._pool.submit(
            ask_streaming, self._make, self._backend, bubble.asked, cancel=self._cancel,
            now=self._now(), on_yielded=self._on_piece,
            on_returned=lambda ans, b=bubble: self._on_answer(b, ans),
            on_errored=self._on_error, on_finished=self._on_finished)

    def _append(self, w: QWidget) -> None:
        self.column.insertWidget(self.column.count() - 1, w)
        self.bubbles.append(w)
        QTimer.singleShot(0, self._scroll_to_end)

    def _scroll_to_end(self) -> None:
        bar = self.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())

    def cancel(self) -> None:
        if self._worker is None:
            return
        self._cancelled = True   # a result already on its way is dropped
        self._cancel.cancel()
        self._worker.abort()
        self.status.setText("Cancelled.")
        if self.current is not None:
            self.current.set_stopped("Cancelled.")

    def _on_piece(self, piece: str) -> None:
        if self._cancelled or self.current is None:
            return
        if not self.current.text.text():
            self.status.setText("Answering…")
        self.current.add_piece(piece)   # token by token, at the end
        self.streamed.emit(piece)

    def _on_answer(self, bubble: AnswerBubble, ans) -> None:
        if self._cancelled:
            return
        searched = searched_for(bubble.asked, ans.evidence, ans.citations, now=self._today())
        bubble.set_answer(ans, searched, describe_searched(searched))
        log.info("answered: tier %s, %d citation(s)%s", ans.tier, len(ans.citations),
                 ", abstained" if ans.abstained else "")
        self.status.setText(bubble.status.text() + (" · no supporting evidence"
                                                    if ans.abstained else ""))
        if self._store is not None and self._store_pool is not None:
            seq, hl = self._seq, Highlight(ans.answer, bubble.asked)
            if ans.citations:
                self._store_pool.submit(
                    read_citations, self._store, list(ans.citations), hl,
                    on_returned=lambda r: self._show_cards(seq, bubble, hl, *r),
                    on_errored=lambda e: log.warning("citations could not be read: %s",
                                                     type(e).__name__))
            self._store_pool.submit(
                save_message, self._store, self.thread_id,
                question=bubble.property("typed") or bubble.asked, ans=ans,
                asked=bubble.asked, searched=searched, message_id=bubble.message_id,
                at=self._today(),
                on_returned=lambda r, b=bubble: self._saved(b, *r),
                on_errored=lambda e: log.warning("the answer could not be kept: %s",
                                                 type(e).__name__))
        self.answered.emit(ans)

    def _saved(self, bubble: AnswerBubble, thread_id: int, message_id: int) -> None:
        new = self.thread_id is None
        self.thread_id = thread_id
        bubble.message_id = message_id
        if new:
            self.refresh_threads()
        self.saved.emit(thread_id)

    def _show_cards(self, seq: int, bubble: AnswerBubble, hl: Highlight, cited: list[Cited],
                    missing: list[str]) -> None:
        if seq != self._seq:
            return   # a later question is being answered, or the thread changed
        if missing:   # a bug (or a moment forgotten meanwhile): keys only, never text
            log.warning("%d citation(s) name nothing in the store: %s (+%d alias(es))",
                        len(missing), ", ".join(k for k in missing if canonical(k)),
                        sum(1 for k in missing if not canonical(k)))
        for c in cited:
            if c.kind == "frame":
                b = frame_card(c)
                b.clicked.connect(lambda _=False, fid=c.id: self.citationClicked.emit(fid, hl))
            else:
                b = turn_card(c)
                bubble.person = bubble.person or c.speaker
            bubble.add_card(b)
        outside = _outside(bubble.searched, [c.ts for c in cited])
        if outside and not bubble.answer.abstained:
            bubble.searched_note.setText(outside)
            bubble.searched_note.show()
        log.info("answer cites frame(s) %s, %d turn(s)",
                 [c.id for c in cited if c.kind == "frame"],
                 sum(1 for c in cited if c.kind == "turn"))
        self.citationsShown.emit(len(cited))

    def _on_error(self, e: Exception) -> None:
        if self._cancelled:
            return
        msg = str(e) or e.__class__.__name__
        self.status.setText(f"Could not answer: {msg}")
        if self.current is not None:
            self.current.set_stopped(f"Could not answer: {msg}")
        self.failed.emit(msg)

    def _on_finished(self) -> None:
        self._worker = None
        self.ask_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    # -- threads and suggestions ----------------------------------------------------------
    def refresh_threads(self) -> None:
        if self._store is None or self._store_pool is None:
            return
        self._store_pool.submit(list_threads, self._store, on_returned=self._show_threads,
                                on_errored=lambda e: log.warning(
                                    "threads could not be listed: %s", type(e).__name__))

    def _show_threads(self, threads) -> None:
        self.threads.show_threads(threads, current=self.thread_id, today=self._today().date())
        self.threadsListed.emit(len(threads))

    def new_thread(self) -> None:
        """An empty thread (the kept ones stay in the list)."""
        if self.busy:
            self.cancel()
        self._clear_bubbles()
        self.thread_id = None
        self.threads.list.clearSelection()
        self.empty.show()
        self._load_suggestions()
        self.question.setFocus()

    def open_thread(self, thread_id: int) -> None:
        if self.busy or self._store is None:
            return
        self._store_pool.submit(read_thread, self._store, thread_id,
                                on_returned=lambda r: self._show_thread(*r),
                                on_errored=lambda e: self.status.setText(
                                    f"This conversation could not be read: {e}"))

    def _show_thread(self, thread_id: int, messages) -> None:
        self._clear_bubbles()
        self.thread_id = thread_id
        self.empty.setVisible(not messages)
        for m in messages:
            self._append(QuestionBubble(m.question, m.asked))
            b = AnswerBubble()
            b.asked, b.message_id, b.searched = m.asked, m.id, m.searched
            b.setProperty("typed", m.question)
            b.retryRequested.connect(lambda bb=b: self.retry(bb))
            ans = _Stored(m)
            b.set_answer(ans, m.searched, describe_searched(m.searched))
            self._append(b)
            self.current = b
            if m.citations:
                seq, hl = self._seq, Highlight(m.answer, m.asked)
                self._store_pool.submit(
                    read_citations, self._store, list(m.citations), hl,
                    on_returned=lambda r, bb=b, h=hl, s=seq: self._show_cards(s, bb, h, *r))
        self.threadShown.emit(thread_id)

    def _load_suggestions(self) -> None:
        if self._store is None or self._store_pool is None:
            return
        self._store_pool.submit(suggestions, self._store, self._now(),
                                on_returned=self._show_suggestions,
                                on_errored=lambda e: log.info(
                                    "no suggestions: %s", type(e).__name__))

    def _show_suggestions(self, questions: list[str]) -> None:
        for b in self.suggestion_buttons:
            self.suggestions.removeWidget(b)
            b.deleteLater()
        self.suggestion_buttons = []
        for q in questions:
            b = QPushButton(q)
            b.setObjectName("suggestion")
            b.setAccessibleName(f"Suggested question: {q}")
            b.clicked.connect(lambda _=False, text=q: self._ask_suggested(text))
            self.suggestions.addWidget(b)
            self.suggestion_buttons.append(b)
        self.empty_hint.setVisible(bool(questions))
        self.suggestionsShown.emit(len(questions))

    def _ask_suggested(self, text: str) -> None:
        self.question.setText(text)
        self.ask()

    def _clear_bubbles(self) -> None:
        self._seq += 1   # cards still being read land nowhere
        for w in self.bubbles:
            if isinstance(w, AnswerBubble):
                w.forget()
            self.column.removeWidget(w)
            w.deleteLater()
        self.bubbles = []
        self.current = None

    def clear(self) -> None:
        """Drop the question, the thread on screen and its cards (thumbnails of decrypted
        frames), the suggestions: the app locks."""
        self.question.clear()
        self._clear_bubbles()
        self._show_suggestions([])
        self.threads.list.clear()


def _outside(searched: dict, times: list[str]) -> str:
    """When an answer to a question about a time cites only moments from other times, a
    line saying so (the closest the history has, not what was asked); else ""."""
    if not searched or not searched.get("start") or not times:
        return ""
    start = parse_iso(searched["start"], naive="keep")
    end = parse_iso(searched["end"], naive="keep")
    inside = []
    for ts in times:
        try:
            t = parse_iso(ts, naive="keep")
        except ValueError:
            continue   # an unreadable time is neither inside nor outside
        inside.append(start <= (t if t.tzinfo else t.astimezone()) < end)
    if not inside or any(inside):
        return ""
    last = end - dt.timedelta(seconds=1)
    span = f"{start:%d %b}" if last.date() == start.date() else \
        f"{start:%d %b} – {last:%d %b}"
    return f"Nothing from {span} answers this; the closest is from {when(times[0])}."


class _Stored:
    """A kept message, shaped as the Answer a bubble shows."""

    def __init__(self, m) -> None:
        self.answer, self.abstained, self.citations = m.answer, m.abstained, m.citations
        self.model, self.tier = m.model or "?", m.tier or "?"
        self.extractive = m.tier != "llm-chat"   # only the chat tier writes its own words
        self.evidence = []
