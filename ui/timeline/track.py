"""The track: one coloured block per app run, search marks, and a draggable scrubber."""

from __future__ import annotations

import bisect
import datetime as dt

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.timeline.day import ZOOMS, Day, app_colour


class TrackWidget(QWidget):
    """Shows [view_start, view_start + span] of a day; click or drag to scrub."""

    scrubbed = Signal(float)   # epoch seconds under the pointer

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(56)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(False)
        self._day: Day | None = None
        self._span = ZOOMS["day"]
        self._view_start = 0.0
        self._cursor: float | None = None
        self._marks: list[float] = []
        self._colours: dict[str, QColor] = {}

    # -- state ---------------------------------------------------------------------
    def set_day(self, day: Day | None) -> None:
        self._day = day
        self._marks = []
        self._cursor = None
        self._view_start = day.start if day else 0.0
        self._span = ZOOMS["day"]
        self.update()

    def set_zoom(self, zoom: str) -> None:
        self._span = ZOOMS[zoom]
        self._centre_on(self._cursor if self._cursor is not None else self._view_start)

    def set_cursor(self, epoch: float) -> None:
        self._cursor = epoch
        if not self._view_start <= epoch <= self._view_start + self._span:
            self._centre_on(epoch)
        self.update()

    def set_marks(self, epochs: list[float]) -> None:
        self._marks = sorted(epochs)
        self.update()

    @property
    def view_range(self) -> tuple[float, float]:
        return self._view_start, self._view_start + self._span

    def _centre_on(self, epoch: float) -> None:
        if self._day is None:
            return
        start = epoch - self._span / 2
        start = max(self._day.start, min(start, self._day.end - self._span))
        self._view_start = start
        self.update()

    # -- geometry ------------------------------------------------------------------
    def x_of(self, epoch: float) -> float:
        return (epoch - self._view_start) / self._span * self.width()

    def epoch_at(self, x: float) -> float:
        x = min(max(x, 0.0), float(self.width()))
        return self._view_start + x / max(self.width(), 1) * self._span

    # -- painting ------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        w, h = self.width(), self.height()
        p.fillRect(0, 0, w, h, self.palette().base())
        bar = QRectF(0, 16, w, h - 24)
        day = self._day
        if day is not None:
            self._paint_ticks(p, h)
            lo, hi = self.view_range
            # only the runs that overlap the view; runs are few compared to frames
            for run in day.runs[self._first_run(lo):]:
                if run.start > hi:
                    break
                x0, x1 = self.x_of(run.start), self.x_of(run.end)
                p.fillRect(QRectF(x0, bar.top(), max(x1 - x0, 1.0), bar.height()),
                           self._colour(run.app))
            pen = QPen(QColor(255, 196, 0), 2)
            p.setPen(pen)
            a = bisect.bisect_left(self._marks, lo)
            for m in self._marks[a:bisect.bisect_right(self._marks, hi)]:
                x = self.x_of(m)
                p.drawLine(int(x), int(bar.top()) - 4, int(x), int(bar.top()) + 6)
        if self._cursor is not None:
            p.setPen(QPen(self.palette().highlight().color(), 2))
            x = int(self.x_of(self._cursor))
            p.drawLine(x, 0, x, h)
        p.end()

    def _first_run(self, lo: float) -> int:
        runs = self._day.runs
        a, b = 0, len(runs)
        while a < b:
            m = (a + b) // 2
            if runs[m].end < lo:
                a = m + 1
            else:
                b = m
        return a

    def _paint_ticks(self, p: QPainter, h: int) -> None:
        lo, hi = self.view_range
        step = {ZOOMS["day"]: 3600 * 2, ZOOMS["hour"]: 600, ZOOMS["minute"]: 10}[self._span]
        fmt = "%H:%M" if self._span > 60 else "%H:%M:%S"
        p.setPen(self.palette().text().color())
        t = (int(lo) // step + 1) * step
        while t < hi:
            x = int(self.x_of(t))
            p.drawLine(x, 10, x, 15)
            p.drawText(x + 2, 11, dt.datetime.fromtimestamp(t).strftime(fmt))
            t += step

    def _colour(self, app: str) -> QColor:
        c = self._colours.get(app)
        if c is None:
            c = self._colours[app] = QColor(*app_colour(app))
        return c

    # -- input ---------------------------------------------------------------------
    def mousePressEvent(self, e) -> None:
        if e.button() == Qt.MouseButton.LeftButton and self._day is not None:
            self.scrubbed.emit(self.epoch_at(e.position().x()))

    def mouseMoveEvent(self, e) -> None:
        if e.buttons() & Qt.MouseButton.LeftButton and self._day is not None:
            self.scrubbed.emit(self.epoch_at(e.position().x()))

    def wheelEvent(self, e) -> None:
        """Wheel pans the view by a tenth of its span."""
        if self._day is None:
            return
        delta = -e.angleDelta().y() / 120 * self._span / 10
        self._centre_on(self._view_start + self._span / 2 + delta)
