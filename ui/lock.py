"""What a locked Commonplace shows: a small window that says so, with Unlock and Quit.

Nothing of the history is on it: while locked the store is closed and its keys are gone.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class LockScreen(QWidget):
    unlockRequested = Signal()
    quitRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Commonplace — locked")
        self.title = QLabel("<b>Commonplace is locked</b>")
        self.body = QLabel("Capture is stopped and your history is closed. "
                           "Unlock with your passphrase to go on.")
        self.body.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.unlock_button = QPushButton("Unlock…")
        self.unlock_button.setDefault(True)
        self.quit_button = QPushButton("Quit")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        for w in (self.title, self.body, self.message):
            layout.addWidget(w)
        layout.addLayout(buttons)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.resize(420, 160)
        self.unlock_button.clicked.connect(self.unlockRequested)
        self.quit_button.clicked.connect(self.quitRequested)

    def say(self, text: str) -> None:
        """A calm line under the explanation (a wrong passphrase, say)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))
