"""The search window (Ctrl+K): one field, filters, results as thumbnails with the matching
words highlighted, grouped by day and app; Enter (or a click) opens the moment.

Searches run on the store pool (ui/search/find.py), debounced while the user types, one at a
time: a query typed while one runs waits for it and only the latest one runs next. Results
of an older query never replace newer ones. Thumbnails are decoded on the pool afterwards.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPalette, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
)

from ui.search.find import (
    KIND_LABELS,
    Filters,
    Found,
    Result,
    find,
    grouped,
    highlight_html,
    matcher,
)
from ui.style import colours, mark_html
from ui.timeline.images import ImageCache
from ui.timeline.viewer import Highlight

log = logging.getLogger(__name__)
DEBOUNCE_MS = 30          # typing pauses this long before a search starts (one runs at a
#                           time and only the latest waits, so a short pause costs little)
THUMB_SHOWN = QSize(128, 80)
KIND_CHOICES = [("all", "Everything"), ("screen", "Screens"), ("chat", "Chats"),
                ("memory", "Memories")]
RANGE_CHOICES = [("any", "Any time"), ("today", "Today"), ("week", "Past week"),
                 ("month", "Past month"), ("year", "Past year")]
RESULT_ROLE = Qt.ItemDataRole.UserRole
PAD = 6
ROW_H = THUMB_SHOWN.height() + 2 * PAD
HEADER_H = 30


class ResultDelegate(QStyledItemDelegate):
    """Paints a result row: thumbnail, app · time, the snippet with the matching words
    marked (rich text); a day · app header row in bold. Only rows on screen are painted,
    and a row's thumbnail is asked for when it is first painted."""

    def __init__(self, cache: ImageCache, parent=None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._doc = QTextDocument()
        self._no_image: set[int] = set()   # frames whose image is gone: not asked again
        self.pattern = None                # the words to mark (ui.search.find.matcher)
        cache.failed.connect(lambda fid, _msg: self._no_image.add(fid))

    def sizeHint(self, option, index) -> QSize:
        if index.data(RESULT_ROLE) is None:
            return QSize(option.rect.width(), HEADER_H)
        return QSize(option.rect.width(), ROW_H)

    def paint(self, p: QPainter, option, index) -> None:
        r: Result | None = index.data(RESULT_ROLE)
        pal = option.palette
        rect = option.rect
        p.save()
        if r is None:
            f = QFont(option.font)
            f.setBold(True)
            p.setFont(f)
            p.setPen(pal.color(QPalette.ColorRole.Text))
            p.drawText(rect.adjusted(PAD, 0, -PAD, 0), Qt.AlignmentFlag.AlignLeft |
                       Qt.AlignmentFlag.AlignBottom, index.data(Qt.ItemDataRole.DisplayRole))
            p.restore()
            return
        if option.state & QStyle.StateFlag.State_Selected:
            sel = QColor(pal.color(QPalette.ColorRole.Highlight))
            sel.setAlpha(55)
            p.fillRect(rect, sel)
        thumb = QRect(rect.left() + PAD, rect.top() + PAD, THUMB_SHOWN.width(),
                      THUMB_SHOWN.height())
        img = self._cache.get(r.frame.id) if r.frame is not None else None
        if img is not None:
            scaled = img.size().scaled(thumb.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(thumb.left(), thumb.top() + (thumb.height() - scaled.height()) // 2,
                           scaled.width(), scaled.height())
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(target, img)
        else:
            if r.frame is not None and r.frame.id not in self._no_image:
                self._cache.request(r.frame)
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawRect(thumb.adjusted(0, 0, -1, -1))
            p.drawText(thumb, Qt.AlignmentFlag.AlignCenter, KIND_LABELS.get(r.kind, r.kind))
        left = thumb.right() + PAD
        text_w = rect.right() - PAD - left
        when = dt.datetime.fromtimestamp(r.ts_epoch).astimezone()
        kind = "" if r.kind == "frame" or not r.app else f" · {KIND_LABELS.get(r.kind, '')}"
        head = f"<b>{_esc(r.label)}</b> · {when:%H:%M}{kind}"
        color = pal.color(QPalette.ColorRole.Text).name()
        self._draw_html(p, f'<div style="color:{color}">{head}</div>', left,
                        rect.top() + PAD - 2, text_w, 22, option.font)
        self._draw_html(p, f'<div style="color:{color}">{self.snippet_html(r, pal)}</div>', left,
                        rect.top() + PAD + 20, text_w, ROW_H - 2 * PAD - 20, option.font)
        p.restore()

    def snippet_html(self, r: Result, pal: QPalette) -> str:
        """The snippet with the words found marked in the colours of the shown theme."""
        dark = pal.color(QPalette.ColorRole.Base).lightness() < 128
        return highlight_html(r.snippet, self.pattern, mark_html(colours(dark)))

    def _draw_html(self, p: QPainter, html: str, x: int, y: int, w: int, h: int,
                   font) -> None:
        doc = self._doc
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setHtml(html)
        doc.setTextWidth(w)
        p.save()
        p.translate(x, y)
        doc.drawContents(p, QRectF(0, 0, w, h))
        p.restore()


class SearchPanel(QDialog):
    searched = Signal(int)                 # results shown for the latest query
    openRequested = Signal(int, object)    # frame id, the Highlight of the query's words
    failed = Signal(str)

    def __init__(self, store, pool, *, now=lambda: None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search everything")
        self.setAccessibleName("Search")
        self.resize(820, 640)
        self._store = store
        self._pool = pool
        self._now = now
        self._running = False      # a search is on the pool
        self._dirty = False        # the query changed while it ran
        self.found: Found | None = None
        self.cache = ImageCache(pool, store.frames, capacity=200, parent=self)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Search screens, chats and memories…")
        self.field.setAccessibleName("Search everything")
        self.field.setClearButtonEnabled(True)
        self.kind = _combo(KIND_CHOICES, "Kind")
        self.range = _combo(RANGE_CHOICES, "Time range")
        self.app = QComboBox()
        self.app.setAccessibleName("App")
        self.app.addItem("All apps", "")
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.delegate = ResultDelegate(self.cache, self.results)
        self.results.setItemDelegate(self.delegate)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setAccessibleName("Search status")
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        filters = QHBoxLayout()
        for w in (self.kind, self.range, self.app):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.status)
        lay = QVBoxLayout(self)
        lay.addWidget(self.field)
        lay.addLayout(filters)
        lay.addWidget(self.results, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.field.textChanged.connect(lambda _t: self._timer.start())
        self.field.returnPressed.connect(self.open_current)
        self._timer.timeout.connect(self.run)
        for c in (self.kind, self.range, self.app):
            c.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.results.itemActivated.connect(self._open_item)
        self.results.itemClicked.connect(self._open_item)
        self.cache.ready.connect(lambda _fid, _img: self.results.viewport().update())
        for key, step in ((Qt.Key.Key_Down, 1), (Qt.Key.Key_Up, -1)):
            sc = QShortcut(QKeySequence(key), self.field)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(lambda s=step: self.step(s))

    # -- searching -------------------------------------------------------------------------
    def filters(self) -> Filters:
        return Filters(kind=self.kind.currentData(), range=self.range.currentData(),
                       app=self.app.currentData() or "")

    def run(self) -> None:
        """Search now (the debounce timer calls this); a search already running makes this
        one wait for it."""
        if self._running:
            self._dirty = True
            return
        q = self.field.text()
        if not q.strip():
            self._show(Found(q, self.filters()))
            return
        self._running, self._dirty = True, False
        self._pool.submit(find, self._store, q, self.filters(), now=self._now(),
                          on_returned=self._done, on_errored=self._error)

    def _done(self, found: Found) -> None:
        """Results in. Those of a query the user has typed on from are shown too (the list
        follows the typing), but only the latest query's count as `searched`."""
        self._running = False
        stale = self._dirty or found.query != self.field.text() or \
            found.filters != self.filters()
        self._dirty = False
        self._show(found, fresh=not stale)
        if stale:
            self.run()

    def _error(self, e: Exception) -> None:
        self._running = False
        msg = str(e) or type(e).__name__
        self.status.setText(f"Search failed: {msg}")
        self.failed.emit(msg)

    def _show(self, found: Found, *, fresh: bool = True) -> None:
        self.found = found
        self.results.setUpdatesEnabled(False)
        self.results.clear()
        self._fill_apps(found)
        self.delegate.pattern = matcher(found.query)
        first = None
        for title, rs in grouped(found.results):
            header = QListWidgetItem(title)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(header)
            for r in rs:
                when = dt.datetime.fromtimestamp(r.ts_epoch).astimezone()
                # the plain text is what a screen reader reads; the delegate paints the rest
                item = QListWidgetItem(f"{r.label}, {when:%d %b %H:%M}: {r.snippet}")
                item.setData(RESULT_ROLE, r)
                self.results.addItem(item)
                first = first or item
        if first is not None:
            self.results.setCurrentItem(first)
        self.results.setUpdatesEnabled(True)
        n = len(found.results)
        if found.query.strip():
            self.status.setText(f"{n} result{'s' * (n != 1)}" if n else
                                "Nothing found — try other words or another time range")
        else:
            self.status.setText("")
        if fresh:
            self.searched.emit(n)

    def _fill_apps(self, found: Found) -> None:
        keep = self.app.currentData() or ""
        apps = sorted(set(found.apps) | ({keep} if keep else set()))
        if [self.app.itemData(i) for i in range(1, self.app.count())] == apps:
            return
        self.app.blockSignals(True)
        self.app.clear()
        self.app.addItem("All apps", "")
        for a in apps:
            self.app.addItem(a, a)
        self.app.setCurrentIndex(max(0, self.app.findData(keep)))
        self.app.blockSignals(False)

    # -- moving and opening ----------------------------------------------------------------
    def result_items(self) -> list[QListWidgetItem]:
        return [self.results.item(i) for i in range(self.results.count())
                if self.results.item(i).data(RESULT_ROLE) is not None]

    def step(self, by: int) -> None:
        items = self.result_items()
        if not items:
            return
        cur = self.results.currentItem()
        i = items.index(cur) if cur in items else -1
        self.results.setCurrentItem(items[max(0, min(len(items) - 1, i + by))])

    def open_current(self) -> None:
        """Enter in the field: the selected result (the best one unless the user moved)."""
        if self._timer.isActive() or self._running:
            self._timer.stop()
            self._open_when_done()
            return
        item = self.results.currentItem()
        if item is not None:
            self._open_item(item)

    def _open_when_done(self) -> None:
        """Enter typed before the results: open the first one as soon as they are in."""
        def once(_n: int) -> None:
            self.searched.disconnect(once)
            self.open_current()
        self.searched.connect(once)
        if not self._running:
            self.run()

    def _open_item(self, item: QListWidgetItem) -> None:
        r: Result | None = item.data(RESULT_ROLE)
        if r is None:
            return
        if r.frame_id is None:
            self.status.setText("A chat turn has no screen to open; its words are above.")
            return
        log.info("search opens frame %d", r.frame_id)
        self.openRequested.emit(r.frame_id, Highlight("", self.found.query if self.found
                                                      else self.field.text()))
        self.hide()

    def focus(self) -> None:
        """Shown (Ctrl+K): the field takes the keyboard, its text selected to type over."""
        self.show()            # a child dialog: above its window, no raise() needed
        self.activateWindow()
        self.field.setFocus()
        self.field.selectAll()

    def clear(self) -> None:
        """Drop the query, results and thumbnails (the app locks)."""
        self.field.clear()
        self.results.clear()
        self.cache.clear()
        self.found = None


def _combo(choices, name: str) -> QComboBox:
    c = QComboBox()
    c.setAccessibleName(name)
    for key, label in choices:
        c.addItem(label, key)
    return c


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
