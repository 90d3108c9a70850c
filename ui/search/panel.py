"""The search window (Ctrl+K): one field, filters, results as thumbnails with the matching
words highlighted, grouped by day and app; Enter (or a click) opens the moment.

Searches run on the store pool (ui/search/find.py), debounced while the user types, one at a
time: a query typed while one runs waits for it and only the latest one runs next. Results
of an older query never replace newer ones. Thumbnails are decoded on the pool afterwards.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict

from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QShortcut,
    QTextDocument,
)
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

from memory.api import Frame
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
from ui.warm import on_first_show

log = logging.getLogger(__name__)
THUMBS_AFTER_MS = 150     # thumbnails are decoded once the results stay this long
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
ROW_SIZE, HEADER_SIZE = QSize(0, ROW_H), QSize(0, HEADER_H)   # width: the list's
LAYOUTS_PER_PAINT = 1     # rows' rich text laid out per paint; the rest on the next turns
TEXT_CACHE = 120          # rows whose laid-out text is kept (a few screens of results)


class ResultDelegate(QStyledItemDelegate):
    """Paints a result row: thumbnail, app · time, the snippet with the matching words
    marked (rich text); a day · app header row in bold. Only rows on screen are painted.

    Painting stays cheap for the GUI thread, which shares Python's lock with the store pool
    (a search running there makes every call from Python into Qt wait its turn, up to the
    interpreter's switch interval): a row's text is laid out once into a pixmap and kept
    (TEXT_CACHE of them), at most LAYOUTS_PER_PAINT new ones per paint (the others show
    their app and time until the next turn of the event loop, so a new page of results is
    laid out over a few short steps, not one long one), the rows' heights are item data (no Python `sizeHint` per row
    and layout), and the thumbnails a paint finds missing are collected for the panel to ask
    for once the typing pauses (`on_wanted`): decoding them while the user types would keep
    the pool, and so Python's lock, busy under every paint and delay the next search.
    """

    def __init__(self, cache: ImageCache, parent=None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._doc = QTextDocument()
        self._no_image: set[int] = set()   # frames whose image is gone: not asked again
        self._texts: OrderedDict[tuple, QPixmap] = OrderedDict()   # laid-out row text
        self._wanted: dict[int, Frame] = {}   # thumbnails to ask for once the paint is over
        self.pattern = None                # the words to mark (ui.search.find.matcher)
        self.on_wanted = self.request_wanted   # called when a paint first misses a thumbnail
        self._laid_out = 0                 # rows laid out in this turn of the event loop
        self._later: list[QRect] = []      # rows to paint again on the next turn
        cache.failed.connect(lambda fid, _msg: self._no_image.add(fid))

    def warm_up(self) -> None:
        """Lay out one row of rich text (Qt's first rich-text layout loads its HTML parser
        and the fonts of bold and marked text: ~15 ms once)."""
        pm = QPixmap(QSize(64, 16))
        tp = QPainter(pm)
        self._draw_html(tp, '<div><b>App</b> · 12:00</div><div>a <span style="background:'
                        '#ffe066; font-weight:600">word</span></div>', 0, 0, 64, 16,
                        QFont())
        tp.end()

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
                if not self._wanted:
                    self.on_wanted()
                self._wanted[r.frame.id] = r.frame
            # a filled box: an outlined one costs ~0.5 ms a row on the raster engine
            p.fillRect(thumb, pal.color(QPalette.ColorRole.AlternateBase))
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(thumb, Qt.AlignmentFlag.AlignCenter, KIND_LABELS.get(r.kind, r.kind))
        left = thumb.right() + PAD
        text = self._text(r, pal, option.font, rect.right() - PAD - left,
                          p.device().devicePixelRatioF())
        if text is not None:
            p.drawPixmap(left, rect.top() + PAD - 2, text)
        else:   # laid out on the next turn; meanwhile what the row is
            p.setPen(pal.color(QPalette.ColorRole.Text))
            p.drawText(QRect(left, rect.top() + PAD, rect.right() - PAD - left, 20),
                       Qt.AlignmentFlag.AlignLeft, r.label)
            if not self._later:
                QTimer.singleShot(0, self._next_turn)
            self._later.append(QRect(rect))
        p.restore()

    def _next_turn(self) -> None:
        self._laid_out = 0
        later, self._later = self._later, []
        view = self.parent()
        for rect in later:
            view.viewport().update(rect)

    def _text(self, r: Result, pal: QPalette, font, width: int,
              dpr: float) -> QPixmap | None:
        """The row's head and snippet laid out in a pixmap, made once per row, query, width
        and theme; None when this turn's layouts are spent."""
        color = pal.color(QPalette.ColorRole.Text).name()
        key = (r.doc_id, self.pattern.pattern if self.pattern else "", width, color, dpr,
               font.key())
        pm = self._texts.get(key)
        if pm is not None:
            self._texts.move_to_end(key)
            return pm
        if self._laid_out >= LAYOUTS_PER_PAINT:
            return None
        if self._laid_out == 0:
            QTimer.singleShot(0, self._next_turn)
        self._laid_out += 1
        height = ROW_H - 2 * PAD + 2
        pm = QPixmap(QSize(width, height) * dpr)
        pm.setDevicePixelRatio(dpr)
        pm.fill(Qt.GlobalColor.transparent)
        when = dt.datetime.fromtimestamp(r.ts_epoch).astimezone()
        kind = "" if r.kind == "frame" or not r.app else f" · {KIND_LABELS.get(r.kind, '')}"
        head = f"<b>{_esc(r.label)}</b> · {when:%H:%M}{kind}"
        tp = QPainter(pm)   # one document for both lines: half the layout work
        self._draw_html(tp, f'<div style="color:{color}">{head}</div><div style="color:'
                        f'{color}; margin-top:4px">{self.snippet_html(r, pal)}</div>',
                        0, 0, width, height, font)
        tp.end()
        self._texts[key] = pm
        while len(self._texts) > TEXT_CACHE:
            self._texts.popitem(last=False)
        return pm

    def request_wanted(self) -> None:
        """Decode (on the pool) the thumbnails the paints since the last call missed."""
        wanted, self._wanted = self._wanted, {}
        for frame in wanted.values():
            self._cache.request(frame)

    def forget(self) -> None:
        """Drop the laid-out text (the app locks)."""
        self._texts.clear()
        self._wanted.clear()

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
        on_first_show(self, self._warm_up)   # Qt's first list layout, before any key
        self._running = False      # a search is on the pool
        self._dirty = False        # the query changed while it ran
        self.found: Found | None = None
        self._rows_of: dict[int, list[QListWidgetItem]] = {}   # frame id -> its result rows
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
        self._thumbs = QTimer(self, singleShot=True, interval=THUMBS_AFTER_MS)
        self.delegate.on_wanted = self._want_thumbnails
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

    def _warm_up(self) -> None:
        """Qt's first layout and paint of a full result list (its scroll bar showing, the
        fonts of headers and snippets) costs 20-35 ms once; done as the panel first
        appears, before a key is typed, it does not land on the first results (a GUI
        stall while typing, bench/bench_ui.py --only-search)."""
        if self.results.count():
            return
        self.delegate.warm_up()
        for _ in range(12):
            item = QListWidgetItem("Mon 01 Jan 2024 · App")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setSizeHint(ROW_SIZE)
            self.results.addItem(item)
        self.results.viewport().repaint()
        self.results.clear()

    def _connect_signals(self) -> None:
        self.field.textChanged.connect(lambda _t: self._timer.start())
        self.field.returnPressed.connect(self.open_current)
        self._timer.timeout.connect(self.run)
        self._thumbs.timeout.connect(self._thumbnails_now)
        for c in (self.kind, self.range, self.app):
            c.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.results.itemActivated.connect(self._open_item)
        self.results.itemClicked.connect(self._open_item)
        self.cache.ready.connect(self._thumbnail_ready)
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
        self._rows_of = {}
        self._fill_apps(found)
        self.delegate.pattern = matcher(found.query)
        first = None
        for title, rs in grouped(found.results):
            header = QListWidgetItem(title)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setSizeHint(HEADER_SIZE)
            self.results.addItem(header)
            for r in rs:
                when = dt.datetime.fromtimestamp(r.ts_epoch).astimezone()
                # the plain text is what a screen reader reads; the delegate paints the rest
                item = QListWidgetItem(f"{r.label}, {when:%d %b %H:%M}: {r.snippet}")
                item.setData(RESULT_ROLE, r)
                item.setSizeHint(ROW_SIZE)
                self.results.addItem(item)
                if r.frame_id is not None:
                    self._rows_of.setdefault(r.frame_id, []).append(item)
                first = first or item
        if first is not None:
            self.results.setCurrentItem(first)
        self.results.setUpdatesEnabled(True)
        self._thumbs.start()   # (again): thumbnails once these results stay
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

    def _want_thumbnails(self) -> None:
        if not self._thumbs.isActive():
            self._thumbs.start()

    def _thumbnails_now(self) -> None:
        """The results stayed: decode the missing thumbnails, unless a search is on its way
        (then after it)."""
        if self._running or self._timer.isActive():
            self._thumbs.start()
        else:
            self.delegate.request_wanted()

    def _thumbnail_ready(self, fid: int, _img) -> None:
        """A decoded thumbnail: repaint the rows that show it, not the whole list."""
        for item in self._rows_of.get(fid, ()):
            self.results.viewport().update(self.results.visualItemRect(item))

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
        self._rows_of = {}
        self.cache.clear()
        self.delegate.forget()
        self.found = None


def _combo(choices, name: str) -> QComboBox:
    c = QComboBox()
    c.setAccessibleName(name)
    for key, label in choices:
        c.addItem(label, key)
    return c


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
