"""The track: the day's episode and summary bands, one coloured block per app run, search
marks, and a draggable scrubber.

Rows, top to bottom: hour (and day) summaries as thin segments, episodes as labelled rounded
blocks (overlaps stack in lanes), the app runs, then the time axis. All follow the zoom and
scroll of the view. Band geometry in time (order, lanes, reach) is laid out once per day
(`set_bands`); everything of a view but the cursor (axis, runs, search marks, bands;
bisecting to what is visible) is drawn once into a layer, which every repaint of that view
(a scrub moving the cursor) only blits. The zoom is continuous, a minute to the day.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from ui.timeline import colors
from ui.timeline.bands import Bands, Episode, Summary
from ui.timeline.day import MAX_SPAN, MIN_SPAN, ZOOMS, Day

SUM_TOP, SUM_H = 3.0, 6.0       # summaries row
EP_TOP, EP_H = 11.0, 16.0       # episodes row
BAR_TOP = 29.0                  # app runs, down to the axis
AXIS_H = 17                     # ticks and their times, under the bar
HEIGHT = 84
MIN_W = 4.0                     # a short episode still gets a visible, clickable block
ROUND_MIN_W = 8.0               # narrower blocks are drawn as plain (batched) rects
LABEL_MIN_W = 18.0              # narrower blocks carry no text
WHEEL_ZOOM = 1.4                # the span grows or shrinks by this much per wheel notch
TICK_STEPS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600)
TICK_MIN_PX = 64                # labels on the axis at least this far apart
DIMMED_ALPHA = 60               # runs of other apps while one app is picked (of 255)


class TrackWidget(QWidget):
    """Shows [view_start, view_start + span] of a day; click or drag to scrub; click an
    episode to go to it. Wheel: zoom in and out at the pointer (a minute to the whole day;
    once more out: `zoomedOutOfDay`, the week); Shift+wheel or a horizontal wheel: scroll."""

    scrubbed = Signal(float)        # epoch seconds under the pointer
    episodeClicked = Signal(int)    # memory id of the episode clicked
    spanChanged = Signal(float)     # the zoom changed (seconds shown across the width)
    viewMoved = Signal()            # zoom or scroll changed what is visible
    zoomedOutOfDay = Signal()       # the wheel zoomed out past the whole day: the week

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFixedHeight(HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # arrows, PgUp/PgDn, Home/End
        self.setAccessibleName("Timeline track")
        self.setObjectName("timeline_track")      # the stylesheet's surface as Base, in either theme
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)   # paints every pixel
        self._filter: str | None = None
        self._day: Day | None = None
        self._span = ZOOMS["day"]
        self._view_start = 0.0
        self._cursor: float | None = None
        self._marks: list[float] = []
        # app -> colour (ui/timeline/colors.py: stable while the view shows the day)
        self._colour: colors.Lookup[QColor] = colors.Lookup({}, QColor)
        self._label_font = QFont(self.font())
        self._label_font.setPixelSize(10)
        self._label_metrics = QFontMetricsF(self._label_font)
        self._elided: dict[tuple[int, int], str] = {}
        self._press: QPointF | None = None
        self._press_on_episode = False
        self._layer: QPixmap | None = None
        self._layer_key: tuple | None = None
        self.set_bands(Bands([], []))

    # -- state ---------------------------------------------------------------------
    def set_day(self, day: Day | None, colours: colors.Lookup[QColor] | None = None) -> None:
        """Show `day`, its apps in `colours` (the view's, shared with its overview; without
        them, assigned afresh for this day)."""
        self._day = day
        self._colour = colours if colours is not None else colors.Lookup(
            colors.for_runs(day.runs) if day else {}, QColor)
        self._marks = []
        self._cursor = None
        self._view_start = day.start if day else 0.0
        self._span = ZOOMS["day"]
        if day is None:
            self.set_bands(Bands([], []))
        else:
            self.set_bands(day.bands if day.bands is not None
                           else Bands(day.episodes, day.summaries))

    def set_bands(self, bands: Bands) -> None:
        """Take a day's laid-out bands (a new day, or the pipeline added memories to it)."""
        self.bands = bands
        self.episode_spans, self.hour_spans, self.day_spans = \
            bands.episodes, bands.hours, bands.days
        self._elided.clear()
        self._layer = None
        self.update()

    def set_zoom(self, zoom: str) -> None:
        self.set_span(ZOOMS[zoom])

    @property
    def cursor(self) -> float | None:
        return self._cursor

    @property
    def span(self) -> float:
        return self._span

    def set_span(self, span: float, *, anchor: float | None = None,
                 anchor_x: float | None = None) -> None:
        """Zoom to `span` seconds (clamped to a minute .. the day). The time `anchor` stays
        under `anchor_x` (the pointer); without them the view centres on the cursor."""
        span = min(max(span, MIN_SPAN), MAX_SPAN)
        changed = span != self._span
        self._span = span
        if anchor is None or anchor_x is None:
            self._centre_on(self._cursor if self._cursor is not None else self._view_start)
        else:
            self._set_view_start(anchor - anchor_x / max(self.width(), 1) * span)
        if changed:
            self.spanChanged.emit(span)

    def set_filter(self, app: str | None) -> None:
        """Show one app's runs at full colour and the others faint (None: all)."""
        self._filter = app
        self._layer = None
        self.update()

    @property
    def app_filter(self) -> str | None:
        return self._filter

    def set_cursor(self, epoch: float) -> None:
        self._cursor = epoch
        if not self._view_start <= epoch <= self._view_start + self._span:
            self._centre_on(epoch)
        self.update()

    def set_marks(self, epochs: list[float]) -> None:
        self._marks = sorted(epochs)
        self._layer = None
        self.update()

    @property
    def view_range(self) -> tuple[float, float]:
        return self._view_start, self._view_start + self._span

    def _centre_on(self, epoch: float) -> None:
        self._set_view_start(epoch - self._span / 2)

    def _set_view_start(self, start: float) -> None:
        if self._day is None:
            return
        start = max(self._day.start, min(start, self._day.end - self._span))
        if start != self._view_start:
            self._view_start = start
            self.viewMoved.emit()
        self.update()

    # -- geometry ------------------------------------------------------------------
    def x_of(self, epoch: float) -> float:
        return (epoch - self._view_start) / self._span * self.width()

    def epoch_at(self, x: float) -> float:
        x = min(max(x, 0.0), float(self.width()))
        return self._view_start + x / max(self.width(), 1) * self._span

    @property
    def bar_rect(self) -> QRectF:
        return QRectF(0, BAR_TOP, self.width(), self.height() - BAR_TOP - AXIS_H)

    def _px_pad(self) -> float:
        """MIN_W pixels in seconds at the current zoom."""
        return MIN_W / max(self.width(), 1) * self._span

    def _episode_rect_at(self, i: int) -> QRectF:
        sp = self.episode_spans
        e = sp.items[i]
        lane_h = EP_H / sp.n_lanes
        x0, x1 = self.x_of(e.start), self.x_of(e.end)
        if x1 - x0 < MIN_W:
            mid = (x0 + x1) / 2
            x0, x1 = mid - MIN_W / 2, mid + MIN_W / 2
        gap = 1.0 if sp.n_lanes > 1 else 0.0
        return QRectF(x0, EP_TOP + sp.lanes[i] * lane_h, x1 - x0, lane_h - gap)

    def episode_rect(self, memory_id: int) -> QRectF | None:
        """Where the episode is drawn now (widget pixels; may lie outside the widget)."""
        for i, e in enumerate(self.episode_spans.items):
            if e.id == memory_id:
                return self._episode_rect_at(i)
        return None

    def episode_at(self, pos: QPointF) -> Episode | None:
        """The episode block under `pos` (the topmost, when blocks overlap)."""
        if self._day is None or not EP_TOP <= pos.y() <= EP_TOP + EP_H:
            return None
        t, pad = self.epoch_at(pos.x()), self._px_pad()
        hit = None
        for i in self.episode_spans.visible(t - pad, t + pad):
            if self._episode_rect_at(i).contains(pos):
                hit = self.episode_spans.items[i]
        return hit

    def summary_at(self, pos: QPointF) -> Summary | None:
        """The hour summary under `pos`, else the day summary there."""
        if self._day is None or not SUM_TOP - 1 <= pos.y() <= SUM_TOP + SUM_H + 1:
            return None
        t = self.epoch_at(pos.x())
        for spans in (self.hour_spans, self.day_spans):
            hit = None
            for i in spans.visible(t, t):
                s = spans.items[i]
                if s.start <= t <= s.end:
                    hit = s
            if hit is not None:
                return hit
        return None

    def tooltip_at(self, pos: QPointF) -> str:
        band = self.episode_at(pos) or self.summary_at(pos)
        return band.tooltip if band is not None else ""

    # -- painting ------------------------------------------------------------------
    # Draw calls are batched (one drawRects / drawLines per colour, not one call per item):
    # a paint costs a few dozen calls however many runs, marks or episodes are in view.
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        w, h = self.width(), self.height()
        p.fillRect(0, 0, w, h, self.palette().base())
        if self._day is not None:
            p.drawPixmap(0, 0, self._view_layer())
        if self._cursor is not None:
            p.setPen(QPen(self.palette().highlight().color(), 2))
            x = int(self.x_of(self._cursor))
            p.drawLine(x, 0, x, h)
        if self.hasFocus():   # where the keys go: accent lines above and below
            p.setPen(QPen(self.palette().highlight().color(), 2))
            p.drawLines([QLineF(0, 1, w, 1), QLineF(0, h - 1, w, h - 1)])
        p.end()

    def focusInEvent(self, e) -> None:
        super().focusInEvent(e)
        self.update()

    def focusOutEvent(self, e) -> None:
        super().focusOutEvent(e)
        self.update()

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

    def _paint_ticks(self, p: QPainter, bar: QRectF) -> None:
        lo, hi = self.view_range
        step = tick_step(self._span, self.width())
        fmt = "%H:%M" if step >= 60 else "%H:%M:%S"
        p.setPen(self.palette().text().color())
        y0, base = int(bar.bottom()) + 1, self.height() - 3
        ticks = []
        # on local clock times: hours and minutes as the user reads them
        off = dt.datetime.fromtimestamp(lo).astimezone().utcoffset().total_seconds()
        t = ((int(lo) + off) // step + 1) * step - off
        while t < hi:
            x = int(self.x_of(t))
            ticks.append(QLineF(x, y0, x, y0 + 4))
            p.drawText(x + 2, base, dt.datetime.fromtimestamp(t).strftime(fmt))
            t += step
        if ticks:
            p.drawLines(ticks)

    def _view_layer(self) -> QPixmap:
        """Ticks, app runs, search marks and bands over the current view, drawn once per
        view (zoom, scroll, size, new bands, marks or app filter): a scrub repaints only
        the cursor over this layer."""
        dpr = self.devicePixelRatioF()
        key = (self._view_start, self._span, self.width(), self.height(), dpr)
        if self._layer is None or self._layer_key != key:
            pm = QPixmap(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)))
            pm.setDevicePixelRatio(dpr)
            pm.fill(Qt.GlobalColor.transparent)
            lp = QPainter(pm)
            bar = self.bar_rect
            lo, hi = self.view_range
            self._paint_ticks(lp, bar)
            self._paint_runs(lp, bar, lo, hi)
            self._paint_marks(lp, bar, lo, hi)
            if len(self.bands):
                lp.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                self._paint_summaries(lp, lo, hi)
                self._paint_episodes(lp)
            lp.end()
            self._layer, self._layer_key = pm, key
        return self._layer

    def _paint_runs(self, p: QPainter, bar: QRectF, lo: float, hi: float) -> None:
        """Only the runs that overlap the view; runs are few compared to frames."""
        blocks: dict[str, list[QRectF]] = defaultdict(list)
        v0, scale = self._view_start, self.width() / self._span
        top, height = bar.top(), bar.height()
        for run in self._day.runs[self._first_run(lo):]:
            if run.start > hi:
                break
            x0, x1 = (run.start - v0) * scale, (run.end - v0) * scale
            blocks[run.app].append(QRectF(x0, top, max(x1 - x0, 1.0), height))
        p.setPen(Qt.PenStyle.NoPen)
        for app, rects in blocks.items():
            colour = self._colour(app)
            if self._filter is not None and app != self._filter:
                colour = QColor(colour)
                colour.setAlpha(DIMMED_ALPHA)
            p.setBrush(colour)
            p.drawRects(rects)

    def _paint_marks(self, p: QPainter, bar: QRectF, lo: float, hi: float) -> None:
        a = bisect.bisect_left(self._marks, lo)
        v0, scale = self._view_start, self.width() / self._span
        xs = {int((m - v0) * scale) for m in self._marks[a:bisect.bisect_right(self._marks, hi)]}
        if xs:
            p.setPen(QPen(QColor(255, 196, 0), 2))
            top = bar.top()
            p.drawLines([QLineF(x, top, x, top + 10) for x in sorted(xs)])

    def changeEvent(self, e) -> None:
        if e.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._layer = None
        super().changeEvent(e)

    def _paint_summaries(self, p: QPainter, lo: float, hi: float) -> None:
        """The day summary as a faint band, its hours as thin segments over it."""
        pal = self.palette()
        p.setPen(Qt.PenStyle.NoPen)
        text, base = pal.text().color(), pal.base().color()
        for spans, colour, inset in ((self.day_spans, tint(text, base, 0.12), 0.0),
                                     (self.hour_spans, tint(text, base, 0.3), 1.0)):
            rects = []
            for i in spans.visible(lo, hi):
                s = spans.items[i]
                if s.end >= lo:
                    x0, x1 = self.x_of(s.start) + inset, self.x_of(s.end) - inset
                    rects.append(QRectF(x0, SUM_TOP, max(x1 - x0, 1.0), SUM_H))
            if rects:
                p.setBrush(colour)
                p.drawRects(rects)

    def _paint_episodes(self, p: QPainter) -> None:
        """Rounded blocks in their app's colour, each labelled with what it was (elided to
        the part on screen). Blocks too narrow to show rounding are plain rects, and
        touching ones of one app and lane are drawn as one: at day zoom a busy day is a
        few dozen rects, not thousands."""
        sp = self.episode_spans
        if not len(sp):
            return
        lo, hi = self.view_range
        pad = self._px_pad()
        v0, scale, w = self._view_start, self.width() / self._span, float(self.width())
        lane_h = EP_H / sp.n_lanes
        h = lane_h - (1.0 if sp.n_lanes > 1 else 0.0)
        items, lanes = sp.items, sp.lanes
        narrow: dict[tuple[str, int], list[list[float]]] = defaultdict(list)
        wide: dict[str, list[QRectF]] = defaultdict(list)
        labels: list[tuple[QRectF, str]] = []
        for i in sp.visible(lo - pad, hi + pad):
            e = items[i]
            if e.end < lo - pad:
                continue
            x0, x1 = (e.start - v0) * scale, (e.end - v0) * scale
            if x1 - x0 < MIN_W:   # as _episode_rect_at
                mid = (x0 + x1) / 2
                x0, x1 = mid - MIN_W / 2, mid + MIN_W / 2
            if x1 - x0 < ROUND_MIN_W:
                spans = narrow[(e.app, lanes[i])]
                if spans and x0 <= spans[-1][1] + 1.0:
                    spans[-1][1] = max(spans[-1][1], x1)
                else:
                    spans.append([x0, x1])
                continue
            y = EP_TOP + lanes[i] * lane_h
            wide[e.app].append(QRectF(x0, y, x1 - x0, h))
            left, right = max(x0, 0.0), min(x1, w)
            if right - left >= LABEL_MIN_W:
                text = self._elide(i, right - left - 6)
                if text:
                    labels.append((QRectF(left + 3, y, right - left - 6, h), text))
        for app in dict.fromkeys([a for a, _ in narrow] + list(wide)):
            fill = self._colour(app)
            p.setPen(QPen(fill.darker(140), 1))
            p.setBrush(fill)
            rects = [QRectF(x0, EP_TOP + lane * lane_h, x1 - x0, h)
                     for (a, lane), spans in narrow.items() if a == app for x0, x1 in spans]
            if rects:
                p.drawRects(rects)
            for r in wide.get(app, ()):
                p.drawRoundedRect(r, 3, 3)
        if labels:
            p.setPen(QColor(20, 20, 20))
            p.setFont(self._label_font)
            flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
            for rect, text in labels:
                p.drawText(rect, flags, text)

    def _elide(self, i: int, width: float) -> str:
        key = (i, int(width))
        text = self._elided.get(key)
        if text is None:
            if len(self._elided) > 4000:
                self._elided.clear()
            text = self._elided[key] = self._label_metrics.elidedText(
                self.episode_spans.items[i].label, Qt.TextElideMode.ElideRight, int(width))
        return text

    # -- input ---------------------------------------------------------------------
    def mousePressEvent(self, e) -> None:
        if e.button() == Qt.MouseButton.LeftButton and self._day is not None:
            pos = e.position()
            episode = self.episode_at(pos)
            self._press, self._press_on_episode = pos, episode is not None
            if episode is not None:
                self.episodeClicked.emit(episode.id)
            else:
                self.scrubbed.emit(self.epoch_at(pos.x()))

    def mouseMoveEvent(self, e) -> None:
        if e.buttons() & Qt.MouseButton.LeftButton and self._day is not None:
            if self._press_on_episode and self._press is not None and (
                    e.position() - self._press).manhattanLength() < \
                    QApplication.startDragDistance():
                return   # a click on an episode that trembled is still that click
            self._press_on_episode = False
            self.scrubbed.emit(self.epoch_at(e.position().x()))

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(QPointF(e.pos()))
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def wheelEvent(self, e) -> None:
        """Wheel: zoom at the pointer; Shift+wheel (or a horizontal wheel): scroll by a
        tenth of the span per notch."""
        if self._day is None:
            return
        d = e.angleDelta()
        pan = (d.x() if abs(d.x()) > abs(d.y()) else 0) or (
            d.y() if e.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0)
        if pan:
            self._set_view_start(self._view_start - pan / 120 * self._span / 10)
        elif d.y():
            self.zoom_by(WHEEL_ZOOM ** (-d.y() / 120), e.position().x())
        e.accept()

    def zoom_by(self, factor: float, x: float) -> None:
        """Multiply the span by `factor` keeping the time under `x` where it is; zooming out
        when the whole day is already shown asks for the week."""
        if factor > 1 and self._span >= MAX_SPAN:
            self.zoomedOutOfDay.emit()
            return
        self.set_span(self._span * factor, anchor=self.epoch_at(x), anchor_x=x)


def tint(a: QColor, b: QColor, t: float) -> QColor:
    """`t` of `a` over `b` (a tint of the text on the background): reads in either theme."""
    return QColor(round(a.red() * t + b.red() * (1 - t)),
                  round(a.green() * t + b.green() * (1 - t)),
                  round(a.blue() * t + b.blue() * (1 - t)))


def tick_step(span: float, width: int) -> int:
    """Seconds between labelled ticks: the finest step keeping labels TICK_MIN_PX apart."""
    room = max(width, 1) / TICK_MIN_PX
    return next((s for s in TICK_STEPS if span / s <= room), TICK_STEPS[-1])
