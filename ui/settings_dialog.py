"""The settings dialog, bound to the typed settings tree.

It builds a new frozen tree with `dataclasses.replace` (each section validates itself) and
hands it to `save`, which the composition root supplies (it owns the TOML file). A
validation error is shown inline and the dialog stays open.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.errors import CommonplaceError


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(l.strip() for l in edit.toPlainText().splitlines() if l.strip())


class SettingsDialog(QDialog):
    saved = Signal(object)   # the new Settings

    def __init__(self, settings, save: Callable[[Any], None], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Commonplace settings")
        self._settings = settings
        self._save = save
        c, p, l = settings.capture, settings.privacy, settings.llm
        self.interval = QDoubleSpinBox(decimals=1, minimum=0.2, maximum=3600.0,
                                       suffix=" s", value=c.interval_s)
        self.monitor = QSpinBox(minimum=0, maximum=16, value=c.monitor)
        self.monitor.setSpecialValueText("all monitors")
        self.apps = QPlainTextEdit("\n".join(p.excluded_apps))
        self.titles = QPlainTextEdit("\n".join(p.excluded_titles))
        self.age = QSpinBox(minimum=1, maximum=36500, value=c.max_frame_age_days, suffix=" days")
        self.budget = QSpinBox(minimum=100, maximum=10_000_000, value=c.max_frames_mb,
                               suffix=" MB")
        self.backend = QComboBox()
        self.backend.addItems(["llama", "openai"])
        self.backend.setCurrentText(l.backend)
        self.model = QComboBox(editable=True)
        self.model.addItem("bundled")
        self.model.setCurrentText(l.model)
        self.ram = QSpinBox(minimum=0, maximum=1_000_000, value=l.ram_budget_mb, suffix=" MB")
        self.ram.setSpecialValueText("automatic")
        self.server = QLineEdit(l.server_url)
        self.server.setPlaceholderText("http://127.0.0.1:8080 (only for the openai backend)")
        self.data_dir = QLineEdit(str(settings.paths.data_dir))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        data_row = QWidget()
        h = QHBoxLayout(data_row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.data_dir, 1)
        h.addWidget(browse)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()

        form = QFormLayout()
        form.addRow("Capture every", self.interval)
        form.addRow("Monitor", self.monitor)
        form.addRow("Never capture apps\n(one per line)", self.apps)
        form.addRow("Never capture titles\n(patterns, one per line)", self.titles)
        form.addRow("Keep images for", self.age)
        form.addRow("Image disk budget", self.budget)
        form.addRow("Language model backend", self.backend)
        form.addRow("Model (bundled or a .gguf path)", self.model)
        form.addRow("Model RAM budget", self.ram)
        form.addRow("Remote server URL", self.server)
        form.addRow("Data location", data_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Data location", self.data_dir.text())
        if d:
            self.data_dir.setText(d)

    def edited(self):
        """The settings as edited; ValueError/TypeError if a section rejects a value."""
        s = self._settings
        r = dataclasses.replace
        return r(s,
                 paths=r(s.paths, data_dir=Path(self.data_dir.text().strip()).expanduser()),
                 capture=r(s.capture, interval_s=self.interval.value(),
                           max_interval_s=max(s.capture.max_interval_s, self.interval.value()),
                           monitor=self.monitor.value(),
                           max_frame_age_days=self.age.value(),
                           max_frames_mb=self.budget.value()),
                 privacy=r(s.privacy, excluded_apps=_lines(self.apps),
                           excluded_titles=_lines(self.titles)),
                 llm=r(s.llm, backend=self.backend.currentText(),
                       model=self.model.currentText().strip() or "bundled",
                       ram_budget_mb=self.ram.value(), server_url=self.server.text().strip()))

    def accept(self) -> None:
        try:
            new = self.edited()
            self._save(new)
        except (ValueError, TypeError, OSError, CommonplaceError) as e:
            self.error.setText(str(e))
            self.error.show()
            return
        self._settings = new
        self.saved.emit(new)
        super().accept()
