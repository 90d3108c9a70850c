"""A thread's bubbles: the user's question, and the answer with its evidence cards.

An `AnswerBubble` goes through: pending ("Searching your history…") → streaming (the model's
words as they come) → answered (the checked answer, how it was made, its cards), or
cancelled / failed (what was written so far stays, with Retry). An abstention says what was
searched (time range, apps). Copy puts the answer on the clipboard.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

BUBBLE_MAX = 720       # px: a bubble wider than this is hard to read


def _fit(lab: QLabel, text: str) -> None:
    """A short text on one line: a wrapping label would otherwise shrink to its longest
    word in a bubble that hugs it."""
    lab.setMinimumWidth(min(lab.fontMetrics().horizontalAdvance(text) + 6, BUBBLE_MAX - 24))


def _label(text: str = "", name: str = "") -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    lab.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if name:
        lab.setObjectName(name)
    return lab


class QuestionBubble(QWidget):
    """The user's question, on the right; a follow-up also shows what was asked."""

    def __init__(self, question: str, asked: str = "", parent=None) -> None:
        super().__init__(parent)
        box = QFrame()
        box.setObjectName("bubble_question")
        box.setMaximumWidth(BUBBLE_MAX)
        self.text = _label(question)
        self.text.setAccessibleName("Your question")
        _fit(self.text, question)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.addWidget(self.text)
        self.asked = None
        if asked and asked != question:
            self.asked = _label(f"asked as: {asked}", "muted")
            _fit(self.asked, self.asked.text())
            self.asked.setAccessibleName("Asked as")
            inner.addWidget(self.asked)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(80, 0, 0, 0)
        lay.addStretch(1)
        lay.addWidget(box)


class AnswerBubble(QWidget):
    copyRequested = Signal()
    retryRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.answer = None          # the Answer, once in
        self.asked = ""             # the question as asked (after carry-over)
        self.searched: dict = {}
        self.person = ""            # a cited chat turn's speaker (a follow-up's "she")
        self.message_id: int | None = None
        self.cards: list = []
        box = QFrame()
        box.setObjectName("bubble_answer")
        box.setMaximumWidth(BUBBLE_MAX + 80)
        self.text = _label()
        self.text.setObjectName("answer")
        self.text.setAccessibleName("Answer")
        self.status = _label("Searching your history…", "muted")
        self.status.setAccessibleName("Answer status")
        self.searched_note = _label("", "muted")
        self.searched_note.setAccessibleName("What was searched")
        self.searched_note.hide()
        self.cards_row = QHBoxLayout()
        self.cards_row.setSpacing(8)
        self.cards_row.addStretch(1)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAccessibleName("Copy answer")
        self.copy_button.setToolTip("Copy the answer")
        self.retry_button = QPushButton("Retry")
        self.retry_button.setAccessibleName("Retry question")
        self.retry_button.setToolTip("Ask this question again")
        for b in (self.copy_button, self.retry_button):
            b.setEnabled(False)
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.retry_button)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(12, 10, 12, 8)
        inner.setSpacing(6)
        inner.addWidget(self.text)
        inner.addWidget(self.searched_note)
        inner.addLayout(self.cards_row)
        inner.addLayout(actions)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 80, 0)
        lay.addWidget(box, 1)
        lay.addStretch(0)
        self.copy_button.clicked.connect(self.copy)
        self.retry_button.clicked.connect(self.retryRequested)

    # -- states ---------------------------------------------------------------------------
    def restart(self) -> None:
        self.answer = None
        self.text.clear()
        self.clear_cards()
        self.searched_note.hide()
        self.status.setText("Searching your history…")
        self.copy_button.setEnabled(False)
        self.retry_button.setEnabled(False)

    def add_piece(self, piece: str) -> None:
        if not self.text.text():
            self.status.setText("Answering…")
        self.text.setText(self.text.text() + piece)

    def set_answer(self, ans, searched: dict, described: str) -> None:
        self.answer = ans
        self.searched = searched
        self.text.setText(ans.answer)
        how = "quoted from your history" if ans.extractive else "written by the model"
        self.status.setText(f"model: {ans.model} · {how} · tier {ans.tier}")
        self.status.setToolTip("extractive" if ans.extractive else "generated")
        if ans.abstained:
            self.searched_note.setText(described)
            self.searched_note.show()
        self.copy_button.setEnabled(True)
        self.retry_button.setEnabled(True)

    def set_stopped(self, message: str) -> None:
        """Cancelled or failed: what was written stays; Retry asks again."""
        self.status.setText(message)
        self.copy_button.setEnabled(bool(self.text.text()))
        self.retry_button.setEnabled(True)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.text())
        self.status.setText(self.status.text().split(" · copied")[0] + " · copied")

    # -- cards ----------------------------------------------------------------------------
    def add_card(self, card) -> None:
        self.cards_row.insertWidget(len(self.cards), card)
        self.cards.append(card)

    def clear_cards(self) -> None:
        for b in self.cards:
            self.cards_row.removeWidget(b)
            b.deleteLater()
        self.cards = []

    def forget(self) -> None:
        """The app locks: no decrypted text or thumbnail stays."""
        self.text.clear()
        self.clear_cards()
