"""A simple browser of memories by type; says so calmly when there are none yet."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListWidget, QPushButton,
                               QVBoxLayout, QWidget)

from ui.memories.query import list_memories

ALL = "All types"


class MemoriesBrowser(QWidget):
    loaded = Signal(int)   # rows shown (-1: no memories table yet)

    def __init__(self, db, pool, parent=None) -> None:
        super().__init__(parent)
        self._db = db
        self._pool = pool
        self.types = QComboBox()
        self.types.addItem(ALL)
        self.refresh_button = QPushButton("Refresh")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Type"))
        row.addWidget(self.types, 1)
        row.addWidget(self.refresh_button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.notice)
        lay.addWidget(self.list, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.types.activated.connect(lambda _i: self.refresh())

    def refresh(self) -> None:
        t = self.types.currentText()
        self._pool.submit(list_memories, self._db, type_=None if t == ALL else t,
                          on_returned=self._show, on_errored=self._error)

    def _show(self, result: dict | None) -> None:
        self.list.clear()
        if result is None:
            self.notice.setText("No memories yet: they appear here once the memory "
                                "pipeline has read your day.")
            self.notice.show()
            self.loaded.emit(-1)
            return
        current = self.types.currentText()
        self.types.blockSignals(True)
        self.types.clear()
        self.types.addItems([ALL, *result["types"]])
        self.types.setCurrentText(current if current in result["types"] else ALL)
        self.types.blockSignals(False)
        for r in result["rows"]:
            when = f" ({str(r['when'])[:16]})" if r["when"] else ""
            tag = f"[{r['type']}] " if r["type"] else ""
            self.list.addItem(f"{tag}{r['text']}{when}")
        self.notice.setVisible(not result["rows"])
        self.notice.setText("No memories of this type yet.")
        self.loaded.emit(len(result["rows"]))

    def _error(self, e: Exception) -> None:
        self.notice.setText(f"Could not read memories: {e}")
        self.notice.show()
        self.loaded.emit(-1)
