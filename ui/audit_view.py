"""The MCP audit log, read-only: every call another tool made through `commonplace mcp` —
when, which client, which tool, with which arguments, whether it was answered, and which
moments (source keys) it was given. Rows are read on the store pool, never on the GUI
thread; nothing here writes."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from memory.api import AuditEntry

COLUMNS = ("When", "Client", "Tool", "Arguments", "Outcome", "Returned")
ROWS = 1000   # the newest calls shown


def read_entries(store, limit: int = ROWS) -> list[AuditEntry]:
    """The newest audit rows (runs on the store pool)."""
    with store.errors():
        return store.audit.entries(limit=limit)


def returned_text(sources: list[str], detail: str) -> str:
    keys = ", ".join(sources[:6]) + (f" … (+{len(sources) - 6})" if len(sources) > 6 else "")
    return "; ".join(p for p in (detail, keys) if p)


class AuditView(QDialog):
    """A dialog listing the audit rows, newest first."""

    def __init__(self, store, store_pool, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What other tools read (MCP audit log)")
        self.resize(1000, 500)
        self._store = store
        self._pool = store_pool
        self.status = QLabel("Reading…")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)

    def load(self) -> None:
        self._pool.submit(read_entries, self._store, on_returned=self.show_entries,
                          on_errored=self._failed)

    def show_entries(self, entries: list[AuditEntry]) -> None:
        self.table.setRowCount(len(entries))
        for i, e in enumerate(entries):
            args = json.dumps(e.arguments, ensure_ascii=False)
            for j, text in enumerate((e.at[:19].replace("T", " "), e.client, e.tool, args,
                                      e.outcome, returned_text(e.sources, e.detail))):
                item = QTableWidgetItem(text)
                item.setToolTip(text if j != 5 else "\n".join(e.sources) or e.detail)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.status.setText(f"{len(entries)} calls, newest first." if entries else
                            "No tool has used your memory through MCP yet.")

    def _failed(self, e: Exception) -> None:
        self.status.setText(f"Could not read the audit log: {e}")
