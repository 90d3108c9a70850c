"""The day at a glance, above the track: where the time went, as two proportional bars —
apps (in their track colours) and topics (the memory pipeline's episode titles) — each
block labelled with its name and duration when it has room.

A click on an app picks it (`appClicked`: the track shows that app and dims the rest; the
same app again lets go); a click on a topic opens it (`topicClicked`: its episodes' ids).
The numbers come from `day.overview` (plain data). Apps are coloured as the track colours
them: the view hands both the same `colors.Lookup` (palette slots in order of time used
that day, so no two clash; an app keeps its colour while the day is reloaded). The fills
are made once per colour and theme, not per paint. An app block
wide enough starts with the app's icon when the desktop has one (`AppIcons`: the icon theme,
else the .desktop files).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui.timeline import colors
from ui.timeline.app_icons import DesktopIndex, IconSpec
from ui.timeline.day import Overview, Share, duration_text
from ui.timeline.track import tint

ROW_H = 18
GAP = 4
NAME_W = 54            # "Apps" / "Topics" left of the bars
PAD = 2.0              # between blocks
ICON = 14              # an app's icon, logical pixels, at the start of its block
ICON_MIN_BLOCK = 30    # narrower blocks show no icon (a sliver of one would be noise)

log = logging.getLogger(__name__)


class AppIcons(QObject):
    """App name → its QIcon, or None: the icon theme's icon of that name (as written, then
    lower case), else the icon its desktop entry names (`ui.timeline.app_icons`; the entries
    are read once and looked up on `pool`, off the GUI thread). Cached per app; `changed`
    follows each batch found on the pool."""

    changed = Signal()

    def __init__(self, pool, scan: Callable[[], DesktopIndex] = DesktopIndex.scan,
                 parent=None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._scan = scan
        self._index: DesktopIndex | None = None
        self._icons: dict[str, QIcon | None] = {}
        self._asked: set[str] = set()

    def icon(self, app: str) -> QIcon | None:
        return self._icons.get(app)

    def want(self, apps: Iterable[str]) -> None:
        """Find the icons of `apps` not known yet: the theme's at once, the rest on the pool."""
        left = []
        for app in apps:
            if not app or app in self._icons or app in self._asked:
                continue
            themed = next((QIcon.fromTheme(n) for n in dict.fromkeys((app, app.lower()))
                           if QIcon.hasThemeIcon(n)), None)
            if themed is not None:
                self._icons[app] = themed
            else:
                left.append(app)
        if left:
            self._asked.update(left)
            self._pool.submit(self._lookup, left, on_returned=self._found,
                              on_errored=lambda e: self._not_found(left, e))

    def _lookup(self, apps: list[str]) -> dict[str, IconSpec | None]:
        """On the pool: the desktop entries (read the first time), then each app's icon."""
        if self._index is None:
            self._index = self._scan()
        return self._index.icons_for(apps)

    def _found(self, specs: dict[str, IconSpec | None]) -> None:
        for app, spec in specs.items():
            self._asked.discard(app)
            self._icons[app] = _spec_icon(spec)
        if any(self._icons.get(a) is not None for a in specs):
            self.changed.emit()

    def _not_found(self, apps: list[str], e: Exception) -> None:
        log.warning("app icons: the desktop entries could not be read: %s", e)
        for app in apps:
            self._asked.discard(app)
            self._icons[app] = None


def _spec_icon(spec: IconSpec | None) -> QIcon | None:
    if spec is None:
        return None
    if spec.theme and QIcon.hasThemeIcon(spec.theme):
        return QIcon.fromTheme(spec.theme)
    if spec.path:
        icon = QIcon(spec.path)
        if not icon.isNull():
            return icon
    return None


class DayOverview(QWidget):
    appClicked = Signal(str)          # the app picked ("" when let go)
    topicClicked = Signal(object)     # the topic's Share (name, episodes' ids)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.data: Overview | None = None
        self.picked: str | None = None
        self.icons: AppIcons | None = None
        # app -> QColor, shared with the track (the view's; else assigned afresh per day)
        self._colour: colors.Lookup[QColor] = colors.Lookup({}, QColor)
        # (row, app, dimmed) -> the block's fill, for the theme's text and base colours
        self._fills: dict[tuple[int, str, bool], QColor] = {}
        self._fills_theme: tuple[int, int] | None = None
        self.setAccessibleName("Day overview")
        self.setObjectName("timeline_overview")      # the stylesheet's surface as Base, in either theme
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(2 * ROW_H + GAP + 2)
        self._font = QFont(self.font())
        self._font.setPixelSize(11)
        self._metrics = QFontMetricsF(self._font)

    def set_icons(self, icons: AppIcons | None) -> None:
        """Where the apps' icons come from (None: blocks without icons)."""
        self.icons = icons
        if icons is not None:
            icons.changed.connect(self.update)
            if self.data is not None:
                icons.want(s.app for s in self.data.apps)

    @property
    def colours(self) -> dict[str, colors.RGB]:
        """The apps' colours shown (app → RGB)."""
        return dict(self._colour.colours)

    def set_overview(self, data: Overview | None,
                     colours: colors.Lookup[QColor] | None = None) -> None:
        """Show `data`, its apps in `colours` (the view's, the track's too; without them,
        assigned afresh in the overview's order)."""
        self.data = data
        self.picked = None
        self._colour = colours if colours is not None else colors.Lookup(
            colors.assign(s.app for s in data.apps) if data is not None else {}, QColor)
        self._fills.clear()
        if data is not None and self.icons is not None:
            self.icons.want(s.app for s in data.apps)
        has_topics = bool(data and data.topics)
        self.setFixedHeight((2 if has_topics else 1) * ROW_H + (GAP if has_topics else 0) + 2)
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The overview in words (screen readers; tooltips use the same figures)."""
        if not self.data or not self.data.apps:
            return "Nothing captured"
        return "; ".join(f"{s.name} {duration_text(s.seconds)}" for s in self.data.apps[:8])

    # -- geometry ------------------------------------------------------------------
    def blocks(self, row: int) -> list[tuple[QRectF, Share]]:
        """Row 0: apps, row 1: topics; each share's block, proportional to its time."""
        if self.data is None:
            return []
        shares = self.data.apps if row == 0 else self.data.topics
        total = sum(s.seconds for s in shares)
        if total <= 0:
            return []
        y = 1 + row * (ROW_H + GAP)
        width = self.width() - NAME_W - 4
        out, x = [], float(NAME_W)
        for s in shares:
            w = s.seconds / total * width
            out.append((QRectF(x, y, max(w - PAD, 1.0), ROW_H), s))
            x += w
        return out

    def share_at(self, pos: QPointF) -> tuple[int, Share] | None:
        for row in (0, 1):
            for rect, s in self.blocks(row):
                if rect.adjusted(0, 0, PAD, 0).contains(pos):
                    return row, s
        return None

    # -- painting ------------------------------------------------------------------
    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pal = self.palette()
        text, base = pal.text().color(), pal.base().color()
        p.setFont(self._font)
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        for row, name in ((0, "Apps"), (1, "Topics")):
            blocks = self.blocks(row)
            if not blocks:
                continue
            p.setPen(tint(text, base, 0.7))
            p.drawText(QRectF(0, 1 + row * (ROW_H + GAP), NAME_W - 4, ROW_H), flags, name)
            for rect, s in blocks:
                fill = self._fill(row, s.app, self.picked is not None and row == 0
                                  and s.app != self.picked, text, base)
                p.setPen(QPen(pal.highlight().color(), 2) if row == 0 and s.app == self.picked
                         and self.picked is not None else Qt.PenStyle.NoPen)
                p.setBrush(fill)
                p.drawRoundedRect(rect, 3, 3)
                name = s.name
                if row == 1 and s.app and name.startswith(f"{s.app}: "):
                    name = name[len(s.app) + 2:]      # the colour already tells the app
                label = f"{name} · {duration_text(s.seconds)}"
                inner = rect.adjusted(4, 0, -4, 0)
                if row == 0 and rect.width() >= ICON_MIN_BLOCK and self._draw_icon(p, s, rect):
                    inner.setLeft(rect.left() + 3 + ICON + 4)
                room = inner.width()
                if room >= 24:
                    shown = self._metrics.elidedText(label, Qt.TextElideMode.ElideRight, room)
                    if shown and shown != "…":
                        p.setPen(_ink(fill))
                        p.drawText(inner, flags, shown)
        if self.data is None or not self.data.apps:
            p.setPen(tint(text, base, 0.6))
            p.drawText(QRectF(NAME_W, 1, self.width() - NAME_W, ROW_H), flags,
                       "Nothing captured on this day")
        p.end()

    def _fill(self, row: int, app: str, dimmed: bool, text: QColor, base: QColor) -> QColor:
        """A block's fill: its app's colour (no app: a tint of the text), lighter for a
        topic, faint when another app is picked; made once per theme."""
        theme = (text.rgba(), base.rgba())
        if theme != self._fills_theme:
            self._fills.clear()
            self._fills_theme = theme
        key = (row, app, dimmed)
        fill = self._fills.get(key)
        if fill is None:
            fill = self._colour(app) if app else tint(text, base, 0.25)
            if row == 1:                       # topics: a lighter tint of the app's
                fill = tint(fill, base, 0.55)
            if dimmed:
                fill = tint(fill, base, 0.3)
            self._fills[key] = fill
        return fill

    def _draw_icon(self, p: QPainter, s: Share, rect: QRectF) -> bool:
        """The app's icon at the start of its block (at the screen's pixel ratio); False
        when it has none."""
        icon = self.icons.icon(s.app) if self.icons is not None and s.app else None
        if icon is None:
            return False
        pm = icon.pixmap(QSize(ICON, ICON), p.device().devicePixelRatioF())
        if pm.isNull():
            return False
        size = pm.deviceIndependentSize()
        p.drawPixmap(QPointF(rect.left() + 3 + (ICON - size.width()) / 2,
                             rect.top() + (rect.height() - size.height()) / 2), pm)
        return True

    # -- input ---------------------------------------------------------------------
    def mousePressEvent(self, e) -> None:
        if e.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.share_at(e.position())
        if hit is None:
            return
        row, s = hit
        if row == 0:
            self.picked = None if self.picked == s.app else s.app
            self.update()
            self.appClicked.emit(self.picked or "")
        else:
            self.topicClicked.emit(s)

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            hit = self.share_at(QPointF(e.pos()))
            if hit is not None and self.data is not None:
                row, s = hit
                of = self.data.total if row == 0 else sum(t.seconds for t in self.data.topics)
                QToolTip.showText(e.globalPos(), f"{s.name}\n{duration_text(s.seconds)} "
                                  f"({100 * s.seconds / (of or 1):.0f}%)", self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)


DARK_INK, LIGHT_INK = QColor(20, 20, 20), QColor(245, 245, 245)


def _ink(fill: QColor) -> QColor:
    """Dark text on a light block, light text on a dark one."""
    luma = 0.299 * fill.red() + 0.587 * fill.green() + 0.114 * fill.blue()
    return DARK_INK if luma > 140 else LIGHT_INK
