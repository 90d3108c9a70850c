"""Storage: what the history takes on disk — images, text, the rest — against the image
budget, the retention rule in words, and a button to change it.

Sizes are measured on the store pool (`memory.api.storage_usage`, plain data); the GUI
thread only formats them. The status bar's line is measured at start, after each refresh
of the window, and soon after the timeline finds frames newer than any it showed
(`StorageButton.refresh_soon`: debounced, so a burst of captures is one measure).

The retention rule is two capture settings (`max_frames_mb`, `max_frame_age_days`, enforced
by capture/retention.py); the small dialog here changes them and hands the new settings tree
to `save`, which the composition root supplies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from memory.api import StorageUsage, storage_usage
from models.errors import CommonplaceError
from ui.style import Colours, colours

UNITS = (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3))   # decimal, as the budget's MB
# the parts of the bar, in order: (key, label, the ui.style.Colours field of its colour)
PARTS = (("images", "Images", "accent"), ("text", "Text", "mark"), ("other", "Other", "muted"))
SOON_MS = 1000   # new frames: measure once they have stopped arriving for this long


def human(n: float) -> str:
    """Bytes as people read them: 0 B, 812 kB, 3.4 MB, 21 GB."""
    for unit, size in UNITS:
        if n >= size:
            v = n / size
            return f"{v:.1f} {unit}" if v < 10 else f"{v:.0f} {unit}"
    return f"{int(n)} B"


def budget_words(mb: int) -> str:
    """The image budget (settings' MB) in words: 20 GB, 1.5 GB, 800 MB."""
    return f"{mb / 1000:g} GB" if mb >= 1000 else f"{mb} MB"


def retention_rule(capture) -> str:
    """The rule capture/retention.py enforces, in one sentence."""
    days = capture.max_frame_age_days
    return (f"Images older than {days} day{'s' * (days != 1)} or beyond "
            f"{budget_words(capture.max_frames_mb)} are deleted, oldest first; text and "
            "memories stay.")


def theme_colours(widget: QWidget) -> Colours:
    """The theme's colours for a painted widget: its window's palette says light or dark
    (the stylesheet hands plain child widgets the application's palette, not the theme's)."""
    return colours(widget.window().palette().color(QPalette.ColorRole.Window).lightness() < 128)


def image_share(u: StorageUsage, capture) -> float:
    """The images' share of their budget (1.0 = full; retention keeps it at most 1)."""
    return u.image_bytes / max(1.0, capture.max_frames_mb * 1e6)


class UsageBar(QWidget):
    """The image budget as a bar: images filled in, text and other beside them for scale,
    the budget a line. Its accessible description says the same in words."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Disk use against the image budget")
        self.setMinimumHeight(22)
        self.parts: dict[str, int] = {}
        self.budget = 0

    def sizeHint(self) -> QSize:
        return QSize(420, 22)

    def set_usage(self, u: StorageUsage, budget_bytes: int) -> None:
        self.parts = {"images": u.image_bytes, "text": u.text_bytes, "other": u.other_bytes}
        self.budget = budget_bytes
        self.setAccessibleDescription(
            f"Images {human(u.image_bytes)} of {human(budget_bytes)}, text "
            f"{human(u.text_bytes)}, other {human(u.other_bytes)}")
        self.update()

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = theme_colours(self)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QColor(c.border))
        p.setBrush(QColor(c.surface))
        p.drawRoundedRect(r, 5, 5)
        scale = max(self.budget, sum(self.parts.values()), 1)
        x = r.left()
        p.setPen(Qt.PenStyle.NoPen)
        for key, _label, colour in PARTS:
            w = r.width() * self.parts.get(key, 0) / scale
            if w > 0:
                p.setBrush(QColor(getattr(c, colour)))
                p.drawRoundedRect(QRectF(x, r.top(), max(w, 2.0), r.height()), 4, 4)
                x += w
        if self.budget and self.budget < scale:   # text and the rest go past the budget
            bx = r.left() + r.width() * self.budget / scale
            p.setPen(QColor(c.text))
            p.drawLine(int(bx), int(r.top()), int(bx), int(r.bottom()))
        p.end()


class Swatch(QWidget):
    """A small square of a palette colour: the legend of a bar part."""

    def __init__(self, colour: str, parent=None) -> None:
        super().__init__(parent)
        self._colour = colour   # a ui.style.Colours field
        self.setFixedSize(12, 12)

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(getattr(theme_colours(self), self._colour)))
        p.drawRoundedRect(QRectF(self.rect()), 3, 3)
        p.end()


class RetentionDialog(QDialog):
    """How long images are kept and how much room they may take; Save hands the new
    settings to `save` (an error shown inline, the dialog stays open)."""

    saved = Signal(object)   # the new Settings

    def __init__(self, settings, save: Callable[[Any], None], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Image retention")
        self.setAccessibleName("Image retention")
        self._settings = settings
        self._save = save
        c = settings.capture
        self.age = QSpinBox(minimum=1, maximum=36500, value=c.max_frame_age_days,
                            suffix=" days")
        self.age.setAccessibleName("Keep images for")
        self.budget = QDoubleSpinBox(decimals=1, minimum=0.1, maximum=10_000.0,
                                     singleStep=1.0, suffix=" GB",
                                     value=c.max_frames_mb / 1000)
        self.budget.setAccessibleName("Image disk budget")
        note = QLabel("Older images, and the oldest beyond the budget, are deleted by "
                      "capture while it runs: at once when the limit is tightened, then "
                      "every few minutes. The text read from them, chats and memories are "
                      "kept.")
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Retention error")
        self.error.hide()
        form = QFormLayout()
        form.addRow("Keep images for", self.age)
        form.addRow("Image disk budget", self.budget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def edited(self):
        s = self._settings
        return dataclasses.replace(s, capture=dataclasses.replace(
            s.capture, max_frame_age_days=self.age.value(),
            max_frames_mb=int(round(self.budget.value() * 1000))))

    def accept(self) -> None:
        try:
            new = self.edited()
            self._save(new)
        except (ValueError, TypeError, OSError, CommonplaceError) as e:
            self.error.setText(f"Not saved: {e}")
            self.error.show()
            return
        self._settings = new
        self.saved.emit(new)
        super().accept()


class StoragePanel(QDialog):
    """Storage at a glance. `load()` measures on the pool; `measured` follows."""

    measured = Signal(object)          # the StorageUsage shown
    settingsSaved = Signal(object)     # the new Settings, after the retention changed
    failed = Signal(str)

    def __init__(self, store, pool, settings, save: Callable[[Any], None] | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Storage — Commonplace")
        self.setAccessibleName("Storage")
        self.resize(560, 420)
        self._store = store
        self._pool = pool
        self.settings = settings
        self._save = save or (lambda s: None)
        self.usage: StorageUsage | None = None
        title = QLabel("Storage")
        title.setObjectName("title")
        self.summary = QLabel("Measuring…")
        self.summary.setAccessibleName("Storage summary")
        self.summary.setWordWrap(True)
        self.bar = UsageBar()
        self.rows: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setColumnStretch(2, 1)
        for i, (key, label, colour) in enumerate((*PARTS, ("free", "Free on disk", None))):
            if colour is not None:
                grid.addWidget(Swatch(colour), i, 0, Qt.AlignmentFlag.AlignVCenter)
            name = QLabel(f"<b>{label}</b>")
            value = QLabel("…")
            value.setWordWrap(True)
            value.setAccessibleName(f"{label} size")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, i, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, i, 2)
            self.rows[key] = value
        self.rule = QLabel()
        self.rule.setObjectName("notice")
        self.rule.setWordWrap(True)
        self.rule.setAccessibleName("Retention rule")
        self.change = QPushButton("Change retention…")
        self.change.setAccessibleName("Change retention")
        self.change.clicked.connect(self.change_retention)
        self.refresh_button = QPushButton("Measure again")
        self.refresh_button.setAccessibleName("Measure storage again")
        self.refresh_button.clicked.connect(self.load)
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close storage")
        self.close_button.clicked.connect(self.close)
        self.where = QLabel()
        self.where.setObjectName("muted")
        self.where.setWordWrap(True)
        self.where.setAccessibleName("Data location")
        buttons = QHBoxLayout()
        buttons.addWidget(self.change)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.setSpacing(12)
        lay.addWidget(title)
        lay.addWidget(self.summary)
        lay.addWidget(self.bar)
        lay.addLayout(grid)
        lay.addWidget(self.rule)
        lay.addStretch(1)
        lay.addWidget(self.where)
        lay.addLayout(buttons)
        self.retention: RetentionDialog | None = None
        self._show_rule()

    # -- measuring -------------------------------------------------------------------------
    def load(self) -> None:
        """Measure on the store pool; the numbers follow (`measured`)."""
        self.refresh_button.setEnabled(False)
        if self.usage is None:
            self.summary.setText("Measuring…")
        self._pool.submit(storage_usage, self._store, on_returned=self.show_usage,
                          on_errored=self._error)

    def _error(self, e: Exception) -> None:
        self.refresh_button.setEnabled(True)
        msg = str(e) or type(e).__name__
        self.summary.setText(f"Could not measure the storage: {msg}")
        self.failed.emit(msg)

    def show_usage(self, u: StorageUsage) -> None:
        self.usage = u
        self.refresh_button.setEnabled(True)
        c = self.settings.capture
        budget = c.max_frames_mb * 1_000_000
        share = image_share(u, c)
        self.summary.setText(
            f"Commonplace uses <b>{human(u.total_bytes)}</b> on this computer; images take "
            f"{share:.0%} of their {budget_words(c.max_frames_mb)} budget.")
        self.bar.set_usage(u, budget)
        oldest = (f", the oldest from {dt.datetime.fromtimestamp(u.oldest_image_ts):%d %b %Y}"
                  if u.oldest_image_ts else "")
        self.rows["images"].setText(
            f"{human(u.image_bytes)} · {u.image_count:,} screenshot"
            f"{'s' * (u.image_count != 1)}{oldest}")
        self.rows["text"].setText(
            f"{human(u.text_bytes)} · the words of {u.frames:,} screen"
            f"{'s' * (u.frames != 1)}, chats and memories (database "
            f"{human(u.database_bytes)}, search index {human(u.vector_bytes)})")
        self.rows["other"].setText(
            f"{human(u.other_bytes)}" + (" · " + ", ".join(f"{label} {human(b)}"
                                                          for label, b in u.other)
                                         if u.other else ""))
        self.rows["free"].setText(human(u.free_bytes))
        self.where.setText(f"In {u.data_dir}")
        self.measured.emit(u)

    # -- the rule --------------------------------------------------------------------------
    def _show_rule(self) -> None:
        self.rule.setText(retention_rule(self.settings.capture))

    def change_retention(self) -> RetentionDialog:
        """The small dialog for the two retention settings; saved, the rule and the share
        of the budget follow."""
        dlg = RetentionDialog(self.settings, self._save, self)
        dlg.setPalette(self.palette())   # a palette does not reach a dialog (the style does)
        dlg.saved.connect(self._retention_saved)
        self.retention = dlg
        dlg.open()
        return dlg

    def _retention_saved(self, new) -> None:
        self.settings = new
        self._show_rule()
        if self.usage is not None:
            self.show_usage(self.usage)
        self.settingsSaved.emit(new)

    def changeEvent(self, e) -> None:
        """The theme changed (light, dark): the open retention dialog follows."""
        super().changeEvent(e)
        dlg = getattr(self, "retention", None)   # None until first opened (and in __init__)
        if e.type() == QEvent.Type.PaletteChange and dlg is not None:
            dlg.setPalette(self.palette())

    def focus(self) -> None:
        self.show()
        self.activateWindow()
        self.change.setFocus()


class StorageButton(QPushButton):
    """The status bar's storage line ("Images 3.1 GB of 20 GB"); a click opens the panel.
    `refresh()` measures on the pool; `refresh_soon()` after new frames were stored."""

    measured = Signal(object)   # the StorageUsage now shown

    def __init__(self, store, pool, settings, parent=None) -> None:
        super().__init__("Storage", parent)
        self.setFlat(True)
        self.setObjectName("status_button")
        self.setAccessibleName("Storage")
        self.setToolTip("What the history takes on disk, and how long images are kept")
        self._store = store
        self._pool = pool
        self.settings = settings
        self.usage: StorageUsage | None = None
        self._in_flight = 0          # measures asked for whose numbers have not come back
        self._soon = QTimer(self, singleShot=True, interval=SOON_MS)
        self._soon.timeout.connect(self.refresh)

    def refresh(self) -> None:
        """Measure now, on the pool."""
        self._soon.stop()
        self._in_flight += 1
        self._pool.submit(storage_usage, self._store, on_returned=self.show_usage,
                          on_errored=self._not_measured)

    def refresh_soon(self, *_) -> None:
        """Frames were stored (the timeline found newer ones): measure shortly, once for a
        burst. A measure still out already counts them: the store pool runs one job at a
        time, in order, so it was asked for after the read that found them."""
        if not self._in_flight:
            self._soon.start()

    def _not_measured(self, _e: Exception) -> None:
        self._in_flight -= 1
        self.setText("Storage")

    def show_usage(self, u: StorageUsage) -> None:
        self._in_flight = max(self._in_flight - 1, 0)
        self.usage = u
        c = self.settings.capture
        self.setText(f"Images {human(u.image_bytes)} of {budget_words(c.max_frames_mb)}")
        self.setAccessibleDescription(f"{self.text()}; text {human(u.text_bytes)}")
        self.measured.emit(u)
