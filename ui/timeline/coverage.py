"""The coverage strip: a thin band under the track saying, for every stretch of the day, what
capture was doing: recording, or why not (paused, idle, the screen or the app locked, an
excluded app in front, a capture problem, the disk almost full, capture off, the app not
running).

It follows the track's zoom and scroll (`TrackWidget.view_range`, its `viewMoved` and
`spanChanged`). The spans are read on the store pool (`memory.api.capture_coverage`, handed
in as `load(start, end)`); the GUI thread only paints. A tooltip names the cause, its time
span and its reason; the accessible description lists the day's gaps in words.

Tab reaches the strip: ←/→ (Home/End: the first/last) move between its gaps (every span
not recording); the gap in focus is outlined, scrolled into the track's view when outside
it, and its tooltip text (cause, span, reason) is the strip's accessible description, so a
screen reader says it. Without focus the description is the day's summary again. Each move
is told (`gapFocused`): the timeline shows the gap's time in the track and the viewer.
Tabbing in only outlines the first gap in view; it moves nothing (focus passing through
must not change the frame shown).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from memory.api import NOT_RUNNING, CoverageSpan
from ui.timeline.day import duration_text

log = logging.getLogger(__name__)

HEIGHT = 10
REFRESH_MS = 30_000      # the current span grows: read again this often while shown
SOON_MS = 400            # a state change: read again once its writer has had a moment
MIN_PX = 1.0             # a span narrower than this is still drawn a pixel wide
SECONDS_UNDER_S = 120.0  # a span shorter than this tells its times to the second
NO_TIP_PLATFORMS = ("offscreen", "minimal")   # headless: no tooltip window to raise


@dataclass(frozen=True)
class Cause:
    label: str           # what the tooltip and the accessible text call it
    colour: str
    pattern: Qt.BrushStyle = Qt.BrushStyle.SolidPattern


# One entry per capture state (memory/store/coverage.py STATES) and for the gaps.
CAUSES: dict[str, Cause] = {
    "recording": Cause("Recording", "#34a853"),
    "paused": Cause("Paused", "#f2a600"),
    "idle": Cause("Idle", "#80868b"),
    "locked": Cause("Locked", "#5c6bc0"),
    "excluded": Cause("Excluded app in front", "#a142f4"),
    "error": Cause("Capture problem", "#d93025"),
    "disk-low": Cause("Disk almost full", "#e8710a"),
    "stopped": Cause("Capture off", "#bdc1c6"),
    NOT_RUNNING: Cause("App not running", "#9aa0a6", Qt.BrushStyle.BDiagPattern),
}
UNKNOWN = Cause("Unknown state", "#9e9e9e")


def cause_of(state: str) -> Cause:
    return CAUSES.get(state, UNKNOWN)


def _clock(t: float, seconds: bool = False) -> str:
    return dt.datetime.fromtimestamp(t).strftime("%H:%M:%S" if seconds else "%H:%M")


def _when(span: CoverageSpan) -> str:
    """"10:00–10:30", "07:33:10–07:33:18" (a short span), "16:05–now"."""
    sec = span.seconds < SECONDS_UNDER_S
    return f"{_clock(span.start, sec)}–{'now' if span.current else _clock(span.end, sec)}"


def describe(span: CoverageSpan) -> str:
    """The tooltip of a span: its cause, when and how long, and why."""
    cause = cause_of(span.state)
    lines = [f"{cause.label}: {_when(span)} ({duration_text(span.seconds)})"]
    if span.paused_until is not None:
        lines.append(f"paused until {_clock(span.paused_until)}")
    if span.reason:
        lines.append(span.reason)
    return "\n".join(lines)


def summary(spans: list[CoverageSpan]) -> str:
    """The spans in words, for screen readers (and tests): time recorded, then each gap."""
    if not spans:
        return "Capture coverage: nothing known for this time."
    rec = sum(s.seconds for s in spans if s.state == "recording")
    gaps = [f"{cause_of(s.state).label.lower()} {_when(s)}"
            + (f" ({s.reason})" if s.reason else "")
            for s in spans if s.state != "recording"]
    text = f"Capture coverage: recording {duration_text(rec)}"
    return text + (f"; not recording: {'; '.join(gaps)}." if gaps else "; no gaps.")


def _read(load: Callable[[float, float], list[CoverageSpan]], start: float, end: float):
    return start, end, load(start, end)


class CoverageStrip(QWidget):
    """Under `track` (ui.timeline.track.TrackWidget), over the same view range."""

    loaded = Signal(int)     # spans now shown
    gapFocused = Signal(object)   # the CoverageSpan a key moved the focus to

    def __init__(self, track, pool, load: Callable[[float, float], list[CoverageSpan]] | None,
                 parent=None) -> None:
        super().__init__(parent)
        self._track = track
        self._pool = pool
        self._load = load
        self._range: tuple[float, float] | None = None
        self.spans: list[CoverageSpan] = []
        self.setFixedHeight(HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Capture coverage")
        self.setAccessibleDescription(summary([]))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # Tab; ←/→ between the gaps
        self.focused: CoverageSpan | None = None     # the gap in keyboard focus
        self.setVisible(load is not None)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.reload)
        self._soon = QTimer(self, singleShot=True, interval=SOON_MS)
        self._soon.timeout.connect(self.reload)
        self._said = ""
        track.viewMoved.connect(self.update)
        track.spanChanged.connect(self.update)

    def load(self, start: float, end: float) -> None:
        """Show [start, end] (a day): read its spans on the pool."""
        self._range = (start, end)
        self.reload()
        if self._load is not None:
            self._timer.start()

    def reload_soon(self) -> None:
        """Capture's state changed: read again shortly (the change is written off the GUI
        thread, by app.capture_log)."""
        self._soon.start()

    def reload(self) -> None:
        if self._load is None or self._range is None:
            return
        self._pool.submit(_read, self._load, *self._range, on_returned=self._on_spans,
                          on_errored=lambda e: log.warning("capture coverage: %s", e))

    def _on_spans(self, result) -> None:
        start, end, spans = result
        if self._range != (start, end):
            return   # another day was asked for meanwhile
        self.spans = spans
        said = summary(spans)
        if self.focused is not None:    # the same gap, re-read (the current one grows)
            self.focused = next((g for g in self.gaps() if g.start == self.focused.start),
                                None)
        self._describe()
        if said != self._said:   # states, times and reasons: no screen content
            log.info("coverage strip: %s", said)
            self._said = said
        self.update()
        self.loaded.emit(len(spans))

    def text(self) -> str:
        return self.accessibleDescription()

    # -- keyboard: the gaps ----------------------------------------------------------------
    def gaps(self) -> list[CoverageSpan]:
        """The spans capture was not recording, in order."""
        return [s for s in self.spans if s.state != "recording"]

    def focus_gap(self, gap: CoverageSpan | None, *, tell: bool = True) -> None:
        """Put `gap` in focus (None: none): outlined, in the track's view, described;
        `tell`: `gapFocused` too (the timeline goes there)."""
        self.focused = gap
        if gap is not None:
            lo, hi = self._track.view_range
            if gap.end <= lo or gap.start >= hi:   # off screen: centre it, zoom unchanged
                self._track.set_span(self._track.span, anchor=(gap.start + gap.end) / 2,
                                     anchor_x=self._track.width() / 2)
            if tell:
                self.gapFocused.emit(gap)
            if self.hasFocus() and QGuiApplication.platformName() not in NO_TIP_PLATFORMS:
                # sighted keyboard users read what the mouse would show
                lo, scale = self._scale()
                x = min(max((max(gap.start, lo) - lo) * scale, 0.0), float(self.width()))
                QToolTip.showText(self.mapToGlobal(QPoint(round(x), self.height())),
                                  describe(gap), self)
        self._describe()
        self.update()

    def step_gap(self, direction: int, *, tell: bool = True) -> None:
        """The next (+1) or previous (-1) gap from the one in focus (from the view's left
        edge when none is); stays at the first or last."""
        gaps = self.gaps()
        if not gaps:
            return
        if self.focused is None:
            lo, _hi = self._track.view_range
            ahead = [g for g in gaps if g.end > lo]
            pick = ahead[0] if ahead else gaps[-1]
        else:
            k = next((i for i, g in enumerate(gaps) if g.start == self.focused.start), -1)
            pick = gaps[min(max(k + direction, 0), len(gaps) - 1)] if k >= 0 else gaps[0]
        self.focus_gap(pick, tell=tell)

    def _describe(self) -> None:
        """The accessible description: the gap in focus (its tooltip text), else the day."""
        if self.focused is not None and self.hasFocus():
            self.setAccessibleDescription(describe(self.focused))
        else:
            self.setAccessibleDescription(summary(self.spans))

    def keyPressEvent(self, e) -> None:
        key = e.key()
        gaps = self.gaps()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step_gap(-1 if key == Qt.Key.Key_Left else 1)
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End) and gaps:
            self.focus_gap(gaps[0] if key == Qt.Key.Key_Home else gaps[-1])
        else:
            super().keyPressEvent(e)

    def focusInEvent(self, e) -> None:
        super().focusInEvent(e)
        if self.focused is None:
            self.step_gap(1, tell=False)   # the first gap in view (or after it), outlined
        self._describe()
        self.update()

    def focusOutEvent(self, e) -> None:
        super().focusOutEvent(e)
        self._describe()
        self.update()

    # -- geometry --------------------------------------------------------------------------
    def _scale(self) -> tuple[float, float]:
        lo, hi = self._track.view_range
        return lo, self.width() / max(hi - lo, 1e-9)

    def span_at(self, x: float) -> CoverageSpan | None:
        lo, scale = self._scale()
        t = lo + x / scale
        return next((s for s in self.spans if s.start <= t < s.end), None)

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        w, h = self.width(), self.height()   # no fill: the window's own background shows
        lo, scale = self._scale()
        hi = lo + w / scale
        p.setPen(Qt.PenStyle.NoPen)
        rects: dict[str, list[QRectF]] = {}
        for s in self.spans:
            if s.end < lo or s.start > hi:
                continue
            x0, x1 = (s.start - lo) * scale, (s.end - lo) * scale
            rects.setdefault(s.state, []).append(QRectF(x0, 1, max(x1 - x0, MIN_PX), h - 2))
        for state, rs in rects.items():
            cause = cause_of(state)
            colour = QColor(cause.colour)
            if cause.pattern is not Qt.BrushStyle.SolidPattern:
                faint = QColor(colour)
                faint.setAlpha(60)
                p.setBrush(faint)
                p.drawRects(rs)
            p.setBrush(QBrush(colour, cause.pattern))
            p.drawRects(rs)
        gap = self.focused
        if gap is not None and self.hasFocus() and gap.end >= lo and gap.start <= hi:
            x0 = max((gap.start - lo) * scale, 0.0)
            x1 = min((gap.end - lo) * scale, float(w))
            p.setPen(QPen(self.palette().highlight().color(), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x0 + 1, 1, max(x1 - x0 - 2, 2.0), h - 2))
        p.end()

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            span = self.span_at(QPointF(e.pos()).x())
            if span is not None:
                QToolTip.showText(e.globalPos(), describe(span), self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)
