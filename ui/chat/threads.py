"""The list of kept conversations, by day, and the store-pool jobs behind the chat thread.

The jobs are plain functions over the store (run on the store pool, the one reader and
writer of its database): list the threads, read one, save a question and its answer,
and draw suggested questions from the user's recent days.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from memory.api import Thread
from memory.followup import suggest_questions
from memory.timefmt import parse_iso

THREAD_ROLE = Qt.ItemDataRole.UserRole


# -- store-pool jobs --------------------------------------------------------------------------
def list_threads(store) -> list[Thread]:
    with store.errors():
        return store.threads.threads()


def read_thread(store, thread_id: int):
    with store.errors():
        return thread_id, store.threads.messages(thread_id)


def save_message(store, thread_id: int | None, *, question: str, ans, asked: str,
                 searched: dict, message_id: int | None = None,
                 at: dt.datetime | None = None) -> tuple[int, int]:
    """A question and its answer kept in the thread (a new thread for the first one; a
    retried answer replaces the one it retried). Returns (thread id, message id)."""
    repo = store.threads
    with store.errors(), store.transaction():
        if thread_id is None:
            thread_id = repo.start(question, at=at)
        if message_id is not None:
            repo.delete_message(message_id)
        mid = repo.add(thread_id, question=question, asked=asked, answer=ans.answer,
                       abstained=ans.abstained, citations=list(ans.citations),
                       searched=searched, model=ans.model, tier=ans.tier, at=at)
    return thread_id, mid


def suggestions(store, now: dt.datetime | None, n: int = 4) -> list[str]:
    now = now or dt.datetime.now().astimezone()
    with store.errors():
        material = store.threads.recent_material(now=now)
    return suggest_questions(material, now=now, n=n)


# -- the list -----------------------------------------------------------------------------
def day_title(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "Today"
    if day == today - dt.timedelta(days=1):
        return "Yesterday"
    return f"{day:%a %d %b}" if day.year == today.year else f"{day:%d %b %Y}"


class ThreadList(QWidget):
    """Conversations, newest first under their day; "New conversation" above them."""

    threadChosen = Signal(int)
    newRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.new_button = QPushButton("New conversation")
        self.new_button.setAccessibleName("New conversation")
        self.list = QListWidget()
        self.list.setAccessibleName("Conversations")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        title = QLabel("Conversations")
        title.setObjectName("group_header")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.new_button)
        lay.addWidget(title)
        lay.addWidget(self.list, 1)
        self.new_button.clicked.connect(self.newRequested)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)

    def show_threads(self, threads: list[Thread], *, current: int | None = None,
                     today: dt.date | None = None) -> None:
        today = today or dt.date.today()
        self.list.clear()
        last_day = None
        for t in threads:
            try:
                day = parse_iso(t.started_at, naive="keep").astimezone().date()
            except ValueError:
                day = today
            if day != last_day:
                head = QListWidgetItem(day_title(day, today))
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                f = head.font()
                f.setBold(True)
                head.setFont(f)
                self.list.addItem(head)
                last_day = day
            item = QListWidgetItem(t.title if len(t.title) <= 48 else t.title[:47] + "…")
            item.setData(THREAD_ROLE, t.id)
            item.setToolTip(f"{t.title}\n{t.messages} question(s)")
            self.list.addItem(item)
            if t.id == current:
                self.list.setCurrentItem(item)

    def thread_ids(self) -> list[int]:
        return [self.list.item(i).data(THREAD_ROLE) for i in range(self.list.count())
                if self.list.item(i).data(THREAD_ROLE) is not None]

    def item_for(self, thread_id: int) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(THREAD_ROLE) == thread_id:
                return self.list.item(i)
        return None

    def _chosen(self, item: QListWidgetItem) -> None:
        tid = item.data(THREAD_ROLE)
        if tid is not None:
            self.threadChosen.emit(tid)
