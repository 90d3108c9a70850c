"""The week: seven rows, Monday to Sunday, each day's app time as coloured blocks over
its 24 hours. A click (or the wheel zooming in, or Enter) opens that day at that time.
Above the rows, the week's dates and buttons to the previous, next and current week (keys:
Alt+←/Alt+→ or [ and ]); each asks for its week (`weekRequested`), which the view loads.

Rows come from `load_week` on the store pool: each day's frames as (time, app) stamps only
(`FrameRepo.stamps_between`: no OCR text, boxes or sources), cut into minute blocks
(`day.minute_blocks`). Apps are coloured from one palette for the week, in order of time
used (`colors`; a reload of the same week keeps each app's colour). The rows are drawn
once into a layer per size and theme (one drawRects per app colour), which every repaint
blits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ui.timeline import colors
from ui.timeline.day import WeekDay, build_runs, day_bounds, duration_text, minute_blocks, week_of
from ui.timeline.track import tint

LABEL_W = 118          # day name and its total, left of the bars
ROW_H = 30             # at least; rows share the height they are given, up to MAX_ROW_H
MAX_ROW_H = 64
ROW_GAP = 8
HEADER_H = 34          # the week's dates and its buttons
TOP = HEADER_H + 18    # hour labels above the rows
HOURS = (0, 3, 6, 9, 12, 15, 18, 21)
# Keys that step a week back (-1) or on (+1): with Alt, the arrows; alone, the brackets.
WEEK_KEYS = {(Qt.Key.Key_Left, True): -1, (Qt.Key.Key_Right, True): 1,
             (Qt.Key.Key_BracketLeft, False): -1, (Qt.Key.Key_BracketRight, False): 1}


def load_week(frames_repo, date: dt.date) -> list[WeekDay]:
    """Worker job: each day of `date`'s week as minute blocks of app runs, read as (time,
    app) stamps alone (`frames_repo.stamps_between`), never the frames' full rows."""
    out = []
    for d in week_of(date):
        start, end = day_bounds(d)
        stamps = frames_repo.stamps_between(start, end)
        runs = build_runs(stamps)
        out.append(WeekDay(d, start, end, minute_blocks(runs, start, end), len(stamps),
                           sum(r.end - r.start for r in runs),
                           stamps[0].ts_epoch if stamps else None))
    return out


def week_text(monday: dt.date) -> str:
    """"Mon 1 – Sun 7 Dec 2026", "Mon 29 Dec 2025 – Sun 4 Jan 2026"."""
    sunday = monday + dt.timedelta(days=6)
    end = f"{sunday:%a} {sunday.day} {sunday:%b %Y}"
    if monday.year != sunday.year:
        return f"{monday:%a} {monday.day} {monday:%b %Y} – {end}"
    if monday.month != sunday.month:
        return f"{monday:%a} {monday.day} {monday:%b} – {end}"
    return f"{monday:%a} {monday.day} – {end}"


class WeekView(QWidget):
    """Seven days as rows; `dayOpened(date, epoch)` when one is clicked; `weekRequested(date)`
    when another week is asked for (a day in it: the view loads it and calls `set_week`)."""

    dayOpened = Signal(object, float)   # datetime.date, epoch seconds at the pointer
    weekRequested = Signal(object)      # datetime.date in the week wanted

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.days: list[WeekDay] = []
        self.current: dt.date | None = None     # the day the timeline shows
        self.monday: dt.date | None = None      # the week shown (or asked for)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Week overview")
        self.setObjectName("timeline_week")      # the stylesheet's surface as Base, in either theme
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)   # paints every pixel
        self.setMinimumHeight(TOP + 7 * (ROW_H + ROW_GAP) + 4)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._colour: colors.Lookup[QColor] = colors.Lookup({}, QColor)
        self._cache: QPixmap | None = None
        self._cache_key: tuple | None = None
        self._build_header()

    def _build_header(self) -> None:
        self.prev_week = QPushButton("‹ Previous week")
        self.prev_week.setAccessibleName("Previous week")
        self.prev_week.setToolTip("The week before (Alt+← or [)")
        self.next_week = QPushButton("Next week ›")
        self.next_week.setAccessibleName("Next week")
        self.next_week.setToolTip("The week after (Alt+→ or ])")
        self.this_week = QPushButton("This week")
        self.this_week.setAccessibleName("This week")
        self.this_week.setToolTip("The week of today")
        self.dates = QLabel()
        self.dates.setAccessibleName("Week shown")
        f = self.dates.font()
        f.setBold(True)
        self.dates.setFont(f)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 8, 2)
        bar.addWidget(self.prev_week)
        bar.addWidget(self.dates)
        bar.addWidget(self.next_week)
        bar.addStretch(1)
        bar.addWidget(self.this_week)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(bar)
        outer.addStretch(1)
        self.prev_week.clicked.connect(lambda: self.step_week(-1))
        self.next_week.clicked.connect(lambda: self.step_week(1))
        self.this_week.clicked.connect(lambda: self.request_week(dt.date.today()))
        self._show_week_of(None)

    def set_week(self, days: list[WeekDay], current: dt.date | None,
                 colours: colors.Lookup[QColor] | None = None) -> None:
        """Show `days` (a week), `current` the day the timeline shows; apps in `colours`
        (the view's for its weeks; without them, assigned afresh for this week)."""
        self.days, self.current = days, current
        self._colour = colours if colours is not None else colors.Lookup(
            colors.for_week(days), QColor)
        self._cache = None
        self._show_week_of(days[0].date if days else None)
        self.setAccessibleDescription(self.describe())
        self.update()

    # -- which week ----------------------------------------------------------------
    def _show_week_of(self, date: dt.date | None) -> None:
        """The header for the week of `date` (None: none yet)."""
        self.monday = week_of(date)[0] if date is not None else None
        this_monday = week_of(dt.date.today())[0]
        self.dates.setText(week_text(self.monday) if self.monday else "")
        self.prev_week.setEnabled(self.monday is not None)
        self.next_week.setEnabled(self.monday is not None and self.monday < this_monday)
        self.this_week.setEnabled(self.monday != this_monday)

    def request_week(self, date: dt.date) -> None:
        """Ask for the week of `date` (the header says it at once; the rows follow)."""
        self._show_week_of(date)
        self.weekRequested.emit(date)

    def step_week(self, direction: int) -> None:
        """The week before (-1) or after (+1) the one shown; none after the current one."""
        if self.monday is None:
            return
        monday = self.monday + dt.timedelta(days=7 * direction)
        if monday > dt.date.today():
            return
        self.request_week(monday)

    def describe(self) -> str:
        """The week in words (screen readers): its dates, then each day's time."""
        if not self.days:
            return "No week loaded"
        days = "; ".join(f"{d.date:%A} {d.date.day} {d.date:%B}: "
                         + (duration_text(d.seconds) if d.blocks else "nothing captured")
                         for d in self.days)
        return f"Week of {week_text(self.days[0].date)}. {days}"

    # -- geometry ------------------------------------------------------------------
    def row_rect(self, k: int) -> QRectF:
        """The bar of day `k` (0 = Monday)."""
        h = min(max((self.height() - TOP - 4) / 7 - ROW_GAP, ROW_H), MAX_ROW_H)
        return QRectF(LABEL_W, TOP + k * (h + ROW_GAP), self.width() - LABEL_W - 8, h)

    def x_of(self, k: int, epoch: float) -> float:
        r, d = self.row_rect(k), self.days[k]
        return r.left() + (epoch - d.start) / (d.end - d.start) * r.width()

    def at(self, pos: QPointF) -> tuple[WeekDay, float] | None:
        """The day row under `pos` and the time under it (a label: that day's first run)."""
        for k, d in enumerate(self.days):
            r = self.row_rect(k)
            if r.top() - ROW_GAP / 2 <= pos.y() <= r.bottom() + ROW_GAP / 2:
                if pos.x() < r.left():
                    return d, (d.first if d.first is not None else d.start)
                frac = min(max((pos.x() - r.left()) / max(r.width(), 1), 0.0), 1.0)
                return d, d.start + frac * (d.end - d.start)
        return None

    # -- painting ------------------------------------------------------------------
    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        p.drawPixmap(0, 0, self._layer())
        if self.hasFocus() and self.days:
            p.setPen(QPen(self.palette().highlight().color(), 2))
            p.drawLine(0, 1, self.width(), 1)
        p.end()

    def _layer(self) -> QPixmap:
        dpr = self.devicePixelRatioF()
        key = (self.width(), self.height(), dpr, self.current, dt.date.today(),
               self.palette().base().color().rgba(), self.palette().text().color().rgba())
        if self._cache is None or self._cache_key != key:
            pm = QPixmap(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)))
            pm.setDevicePixelRatio(dpr)
            p = QPainter(pm)
            self._paint_rows(p)
            p.end()
            self._cache, self._cache_key = pm, key
        return self._cache

    def _paint_rows(self, p: QPainter) -> None:
        pal = self.palette()
        p.fillRect(QRectF(0, 0, self.width(), self.height()), pal.base())
        text, grid = pal.text().color(), tint(pal.text().color(), pal.base().color(), 0.14)
        trough = tint(pal.text().color(), pal.base().color(), 0.05)
        today = dt.date.today()
        if self.days:
            r0 = self.row_rect(0)
            p.setPen(text)
            for h in HOURS:
                x = r0.left() + h / 24 * r0.width()
                p.drawText(QPointF(x + 2, TOP - 5), f"{h:02d}:00")
        for k, d in enumerate(self.days):
            r = self.row_rect(k)
            p.fillRect(r, trough)
            p.setPen(QPen(grid, 1))
            xs = [r.left() + h / 24 * r.width() for h in HOURS]
            p.drawLines([QLineF(x, r.top(), x, r.bottom()) for x in xs])
            self._paint_blocks(p, d, r)
            bold = d.date == self.current
            f = p.font()
            f.setBold(bold)
            p.setFont(f)
            p.setPen(text if d.frames or bold else tint(text, pal.base().color(), 0.5))
            name = f"{d.date:%a %d %b}" + (" · today" if d.date == today else "")
            p.drawText(QRectF(4, r.top(), LABEL_W - 8, r.height() / 2 + 2),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, name)
            f.setBold(False)
            p.setFont(f)
            total = duration_text(d.seconds) if d.blocks else "—"
            p.drawText(QRectF(4, r.center().y(), LABEL_W - 8, r.height() / 2),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, total)
            if bold:
                p.setPen(QPen(pal.highlight().color(), 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(r.adjusted(-1, -1, 1, 1))
        if self.days:
            r = self.row_rect(len(self.days) - 1)
            p.setPen(tint(text, pal.base().color(), 0.6))
            p.drawText(QRectF(r.left(), r.bottom() + ROW_GAP, r.width(), 20),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                       "Click a day, or turn the wheel in over it, to open it there · "
                       "↑/↓ and Enter · Alt+←/→ or [ ] another week")

    def _paint_blocks(self, p: QPainter, d: WeekDay, r: QRectF) -> None:
        """One drawRects per app; a block is at least a pixel wide."""
        scale = r.width() / d.minutes
        rects: dict[str, list[QRectF]] = defaultdict(list)
        left, top, h = r.left(), r.top() + 2, r.height() - 4
        for a, b, app in d.blocks:
            rects[app].append(QRectF(left + a * scale, top, max((b - a) * scale, 1.0), h))
        p.setPen(Qt.PenStyle.NoPen)
        for app, rs in rects.items():
            p.setBrush(self._colour(app))
            p.drawRects(rs)

    def focusInEvent(self, e) -> None:
        super().focusInEvent(e)
        self.update()

    def focusOutEvent(self, e) -> None:
        super().focusOutEvent(e)
        self.update()

    # -- input ---------------------------------------------------------------------
    def mousePressEvent(self, e) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            hit = self.at(e.position())
            if hit is not None:
                self.dayOpened.emit(hit[0].date, hit[1])

    def block_at(self, pos: QPointF) -> tuple[WeekDay, tuple[int, int, str]] | None:
        """The day and minute block (first minute, end minute, app) under `pos`."""
        for k, d in enumerate(self.days):
            r = self.row_rect(k)
            if r.contains(pos):
                m = (pos.x() - r.left()) / max(r.width(), 1) * d.minutes
                hit = next((b for b in d.blocks if b[0] <= m < b[1]), None)
                return (d, hit) if hit is not None else None
        return None

    def event(self, e) -> bool:
        """A block's tooltip: its app (the colour's name) and when."""
        if e.type() == QEvent.Type.ToolTip:
            hit = self.block_at(QPointF(e.pos()))
            if hit is not None:
                d, (a, b, app) = hit
                at = dt.datetime.fromtimestamp(d.start)
                lo, hi = at + dt.timedelta(minutes=a), at + dt.timedelta(minutes=b)
                QToolTip.showText(e.globalPos(), f"{app or 'unknown app'}\n{d.date:%a} "
                                  f"{lo:%H:%M}–{hi:%H:%M} ({duration_text((b - a) * 60)})", self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def wheelEvent(self, e) -> None:
        """Zooming in over a day opens it there; zooming out stays on the week."""
        if e.angleDelta().y() > 0:
            hit = self.at(e.position())
            if hit is not None:
                self.dayOpened.emit(hit[0].date, hit[1])
        e.accept()

    def keyPressEvent(self, e) -> None:
        """↑/↓ pick a day, Enter opens it; Alt+←/→ (or [ and ]) the week before or after."""
        dates = [d.date for d in self.days]
        k = dates.index(self.current) if self.current in dates else -1
        alt = bool(e.modifiers() & Qt.KeyboardModifier.AltModifier)
        step = WEEK_KEYS.get((e.key(), alt))
        if step is not None:
            self.step_week(step)
        elif e.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and dates:
            k = max(0, min(len(dates) - 1, k + (1 if e.key() == Qt.Key.Key_Down else -1)))
            self.current = dates[k]
            self.update()
        elif e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and k >= 0:
            d = self.days[k]
            self.dayOpened.emit(d.date, d.first if d.first is not None else d.start)
        else:
            super().keyPressEvent(e)
