"""The timeline: a day's overview (time per app and topic), its track (with the memory
pipeline's episode and summary bands), a thumbnail strip, the frame viewer, jump-to and
search; and the week, seven days as rows, that the wheel zooms out to.

Keys, with the track focused: ←/→ the previous/next frame (of the picked app, when one is
picked in the overview), PgUp/PgDn the previous/next episode (app run, on a day without
episodes), Home/End the first/last frame of the day, N now (today's last frame), +/− zoom.
With the coverage strip focused, ←/→ and Home/End move between its gaps, and the track and
the viewer go to each (the frame on screen when the gap began, as a click there would).

Apps keep their colour while the view lives (`colors.Stable`): the track and the overview
share one lookup per day, the week one per week; a reload never swaps two apps' colours.

All store reads run on the store pool; the GUI thread only holds the loaded `Day` and
paints. Scrubbing updates text at once and coalesces image loads to the last position.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time

from PySide6.QtCore import QDateTime, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.timeline import colors
from ui.timeline.coverage import CoverageStrip
from ui.timeline.day import (
    ZOOMS,
    Day,
    load_day,
    match_frames,
    overview,
    sample_indices,
    step_target,
)
from ui.timeline.images import ImageCache, decode_frame
from ui.timeline.overview import AppIcons, DayOverview
from ui.timeline.strip import ThumbStrip
from ui.timeline.track import TrackWidget
from ui.timeline.viewer import FrameViewer, Highlight
from ui.timeline.week import WeekView, load_week

log = logging.getLogger(__name__)
FULL = QSize(2560, 1600)
STRIP_SLOTS = 12
KEY_ZOOM = 2.0        # +/− keys: the span halves or doubles


class TimelineView(QWidget):
    dayLoaded = Signal(int)          # frames in the day
    frameShown = Signal(int)         # frame id now in the viewer (rows shown)
    imageShown = Signal(int)         # frame id whose image is now shown
    imageFailed = Signal(int, str)
    searchDone = Signal(int)         # matching frames
    failed = Signal(str)             # a calm message was shown inline
    episodeClicked = Signal(int)     # memory id of an episode clicked on the track
    weekLoaded = Signal(int)         # days of the week with frames
    framesAdded = Signal(float)      # a load found frames later than any seen (the newest's epoch)

    def __init__(self, frames_repo, pool, parent=None, *, memories=None,
                 coverage=None) -> None:
        """`frames_repo` and `memories` are the store's repositories (`store.frames`,
        `store.memories`); without `memories` the day has no episode and summary bands.
        `coverage(start, end)` reads what capture did (memory.api.capture_coverage): the
        strip under the track; without it there is none."""
        super().__init__(parent)
        self._repo = frames_repo
        self._memories = memories
        self._pool = pool
        self.day: Day | None = None
        self.index: int | None = None
        self.matches: list[int] = []
        self._pending_select: int | None = None
        # (frame id, what to mark on it): a frame opened from a citation or a memory source,
        # marked whenever that frame is the one shown, until another frame is opened
        self._highlight: tuple[int, Highlight] | None = None
        # the colours of the days and of the weeks shown (ui/timeline/colors.py's rule)
        self._day_colours: colors.Stable[QColor] = colors.Stable(QColor)
        self._week_colours: colors.Stable[QColor] = colors.Stable(QColor)
        # the latest frame time any load showed (None: none yet); `framesAdded` past it
        self._newest: float | None = None
        self._loaded_once = False
        self._image_timer = QTimer(self, singleShot=True, interval=40)
        self._strip_timer = QTimer(self, singleShot=True, interval=60)

        self.cache = ImageCache(pool, frames_repo, parent=self)
        self.jump = QDateTimeEdit(QDateTime.currentDateTime())
        self.jump.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.jump.setCalendarPopup(True)
        self.go = QPushButton("Go")
        self.now = QPushButton("Now")
        self.now.setAccessibleName("Go to now")
        self.now.setToolTip("Today's latest frame (N)")
        self.zoom = QComboBox()
        self.zoom.addItems(["week", *ZOOMS])
        self.zoom.setCurrentText("day")
        self.zoom.setAccessibleName("Zoom")
        self.zoom.setToolTip("Or the mouse wheel over the track (Shift+wheel scrolls)")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find on this day…")
        self.search.setClearButtonEnabled(True)
        self.search_info = QLabel()
        self.overview = DayOverview()
        self.overview.set_icons(AppIcons(pool, parent=self))   # desktop entries read on the pool
        self.track = TrackWidget()
        self.coverage = CoverageStrip(self.track, pool, coverage)
        self.strip = ThumbStrip(self.cache)
        self.viewer = FrameViewer()
        self.week = WeekView()
        self.week_days: list = []

        bar = QHBoxLayout()
        for w in (QLabel("Jump to"), self.jump, self.go, self.now, QLabel("Zoom"), self.zoom):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.search_info)
        self.day_page = QWidget()
        lay = QVBoxLayout(self.day_page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.overview)
        lay.addWidget(self.track)
        lay.addWidget(self.coverage)
        lay.addWidget(self.strip)
        lay.addWidget(self.viewer, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.day_page)
        self.pages.addWidget(self.week)
        outer = QVBoxLayout(self)
        outer.addLayout(bar)
        outer.addWidget(self.pages, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.go.clicked.connect(self._jump)
        self.now.clicked.connect(self.go_now)
        self.zoom.currentTextChanged.connect(self._set_zoom)
        self.zoom.activated.connect(lambda i: self._set_zoom(self.zoom.itemText(i)))
        self.track.spanChanged.connect(self._on_span)
        self.track.viewMoved.connect(self._strip_timer.start)
        self.track.zoomedOutOfDay.connect(self.show_week)
        self.week.dayOpened.connect(self.open_day_at)
        self.week.weekRequested.connect(self.show_week)   # its previous / next week
        self.overview.appClicked.connect(self.pick_app)
        self.overview.topicClicked.connect(self.open_topic)
        self.search.returnPressed.connect(lambda: self.run_search(self.search.text()))
        self.search.textChanged.connect(lambda t: t or self.run_search(""))
        self.track.scrubbed.connect(self.scrub_to)
        self.coverage.gapFocused.connect(self.show_gap)
        self.track.episodeClicked.connect(self.open_episode)
        self.strip.frameClicked.connect(self.select_frame_id)
        self._image_timer.timeout.connect(self._load_image)
        self._strip_timer.timeout.connect(self._refresh_strip)

    # -- loading -------------------------------------------------------------------
    def load_date(self, date: dt.date, *, select_id: int | None = None,
                  at: float | None = None) -> None:
        self._pending_select = select_id
        self._pending_at = at
        self.viewer.clear()
        self.viewer.image.setText("Loading the day…")
        self._pool.submit(load_day, self._repo, date, self._memories, on_returned=self._on_day,
                          on_errored=self._on_error)

    def _on_day(self, day: Day) -> None:
        span = self.track.span
        # a refresh of the shown day (capture added frames) keeps the app picked
        picked = self.overview.picked if self.day and self.day.date == day.date else None
        self.day = day
        self.index = None
        self.matches = []
        self.cache.cancel_pending()
        lookup = self._day_colours.update(day.date, colors.rank_runs(day.runs))
        self.track.set_day(day, lookup)
        self.coverage.load(day.start, day.end)
        self.track.set_span(span)     # a new day keeps the zoom
        self.overview.set_overview(overview(day), lookup)
        self.overview.picked = picked
        self.track.set_filter(picked)
        self.pages.setCurrentWidget(self.day_page)
        self._show_zoom_of(self.track.span)
        self.search_info.clear()
        self.jump.setDate(day.date)   # the jump box tells which day is shown
        if not day.frames:
            self.strip.clear()
            self.viewer.clear(f"Nothing was captured on {day.date:%A %d %B %Y}.")
        else:
            idx = day.index_of(self._pending_select) if self._pending_select else None
            if idx is None and self._pending_at is not None:
                idx = day.nearest(self._pending_at)
            self.select_index(idx if idx is not None else 0)
        self._pending_select = None
        self.dayLoaded.emit(len(day.frames))
        self._note_newest(day)
        if self.search.text():
            self.run_search(self.search.text())

    def refresh(self) -> None:
        """Reload the shown day in place (capture added frames), keeping the selection and
        without blanking the viewer."""
        if self.day is not None:
            self.coverage.reload()
            self._pool.submit(load_day, self._repo, self.day.date, self._memories,
                              on_returned=self._on_refreshed,
                              on_errored=lambda e: log.warning("timeline refresh: %s", e))

    def _on_refreshed(self, day: Day) -> None:
        if self.day is None or day.date != self.day.date:
            return
        if len(day.frames) == len(self.day.frames):
            if (day.episodes, day.summaries) != (self.day.episodes, self.day.summaries):
                # the pipeline ran: new bands, the view and selection stay as they are
                self.day.episodes, self.day.summaries = day.episodes, day.summaries
                self.day.bands = day.bands
                self.track.set_bands(day.bands)
                picked = self.overview.picked
                self.overview.set_overview(overview(self.day), self._day_colours.lookup)
                self.overview.picked = picked
            return
        frame = self.viewer.frame
        self._pending_select, self._pending_at = (frame.id if frame else None), None
        self._on_day(day)

    def _note_newest(self, day: Day) -> None:
        """`framesAdded` when `day` holds frames later than any load showed before (capture
        stored some: what they take on disk changed). The first load only sets the mark (its
        caller measures alongside it)."""
        newest = day.times[-1] if day.times else None
        later = newest is not None and (self._newest is None or newest > self._newest)
        if later:
            self._newest = newest
        if later and self._loaded_once:
            self.framesAdded.emit(newest)
        self._loaded_once = True

    def _on_error(self, e: Exception) -> None:
        msg = str(e) or e.__class__.__name__
        self.viewer.clear(f"Could not read the timeline: {msg}")
        self.failed.emit(msg)

    # -- navigation ----------------------------------------------------------------
    def _jump(self) -> None:
        when = self.jump.dateTime().toPython()
        self.load_date(when.date(), at=when.astimezone().timestamp())

    def _set_zoom(self, zoom: str) -> None:
        if zoom == "week":
            self.show_week()
            return
        self.pages.setCurrentWidget(self.day_page)
        self.track.set_zoom(zoom)
        self._strip_timer.start()

    def _on_span(self, span: float) -> None:
        """The wheel zoomed: the combobox names the nearest level (without re-zooming)."""
        self._show_zoom_of(span)
        self._strip_timer.start()

    def _show_zoom_of(self, span: float) -> None:
        nearest = min(ZOOMS, key=lambda z: abs(math.log(ZOOMS[z] / span)))
        self.zoom.blockSignals(True)
        self.zoom.setCurrentText(nearest)
        self.zoom.blockSignals(False)

    # -- the week ------------------------------------------------------------------
    def show_week(self, date: dt.date | None = None) -> None:
        """The week of `date` (else of the shown day; today's, with none yet), loaded on
        the pool."""
        date = date or (self.day.date if self.day else dt.date.today())
        self.zoom.blockSignals(True)
        self.zoom.setCurrentText("week")
        self.zoom.blockSignals(False)
        self.pages.setCurrentWidget(self.week)
        self.week.setFocus()
        self._pool.submit(load_week, self._repo, date, on_returned=self._on_week,
                          on_errored=self._on_error)

    def _on_week(self, days) -> None:
        self.week_days = days
        lookup = self._week_colours.update(days[0].date if days else None,
                                           colors.rank_week(days))
        self.week.set_week(days, self.day.date if self.day else None, lookup)
        self.weekLoaded.emit(sum(1 for d in days if d.frames))

    def open_day_at(self, date: dt.date, epoch: float) -> None:
        """From the week: that day, at the time picked, zoomed to the whole day."""
        self.pages.setCurrentWidget(self.day_page)
        self.track.set_zoom("day")
        self._show_zoom_of(self.track.span)
        self.track.setFocus()
        if self.day is not None and self.day.date == date:
            self.scrub_to(epoch)
        else:
            self.load_date(date, at=epoch)

    # -- the overview --------------------------------------------------------------
    def pick_app(self, app: str) -> None:
        """Show one app on the track (others faint) and go to its next run from the
        frame shown (wrapping to its first); "" lets go."""
        self.track.set_filter(app or None)
        if not app or self.day is None:
            return
        runs = [r for r in self.day.runs if r.app == app]
        if not runs:
            return
        here = self.day.frames[self.index].ts_epoch if self.index is not None else self.day.start
        run = next((r for r in runs if r.start > here + 1e-3), runs[0])
        i = self.day.first_in(run.start, run.end)
        if i is not None:
            self.select_index(i)

    def open_topic(self, share) -> None:
        """A topic's next episode from the frame shown (wrapping to its first)."""
        if self.day is None or not share.ids:
            return
        eps = sorted((e for e in self.day.episodes if e.id in set(share.ids)),
                     key=lambda e: e.start)
        here = self.day.frames[self.index].ts_epoch if self.index is not None else self.day.start
        ep = next((e for e in eps if e.start > here + 1e-3), eps[0]) if eps else None
        if ep is not None:
            self.open_episode(ep.id)

    # -- keys ----------------------------------------------------------------------
    def keyPressEvent(self, e) -> None:
        key, day = e.key(), self.day
        if key == Qt.Key.Key_N and not e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.go_now()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus):
            factor = 1 / KEY_ZOOM if key != Qt.Key.Key_Minus else KEY_ZOOM
            at = self.track.cursor
            x = self.track.x_of(at) if at is not None else self.track.width() / 2
            self.track.zoom_by(factor, x)
        elif day is None or not day.frames:
            super().keyPressEvent(e)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step_frame(-1 if key == Qt.Key.Key_Left else 1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.step_episode(-1 if key == Qt.Key.Key_PageUp else 1)
        elif key == Qt.Key.Key_Home:
            self.select_index(0)
        elif key == Qt.Key.Key_End:
            self.select_index(len(day.frames) - 1)
        else:
            super().keyPressEvent(e)

    def step_frame(self, direction: int) -> None:
        """The next or previous frame (of the app picked in the overview, if one is)."""
        if self.day is None or not self.day.frames:
            return
        frames, app = self.day.frames, self.track.app_filter
        i = self.index if self.index is not None else (-1 if direction > 0 else len(frames))
        i += direction
        while 0 <= i < len(frames) and app is not None and frames[i].app != app:
            i += direction
        if 0 <= i < len(frames):
            self.select_index(i)

    def step_episode(self, direction: int) -> None:
        if self.day is None or not self.day.frames:
            return
        here = self.index if self.index is not None else (-1 if direction > 0 else
                                                          len(self.day.frames))
        target = step_target(self.day, here, direction)
        if target is None:
            return
        index, memory_id = target
        if memory_id is not None:
            self.open_episode(memory_id)
        else:
            self.select_index(index)

    def go_now(self) -> None:
        """Today, at its latest frame (a fresh read: capture may have added some)."""
        self.pages.setCurrentWidget(self.day_page)
        self.track.setFocus()
        self.load_date(dt.date.today(), at=time.time())

    def show_gap(self, gap) -> None:
        """A capture gap (a `CoverageSpan` the strip's keys moved to): its start on the
        track, and the frame on screen then in the viewer, as a click there would. Focus
        stays on the strip, for the next gap."""
        self.scrub_to(gap.start)

    def scrub_to(self, epoch: float) -> None:
        if self.day is None:
            return
        i = self.day.nearest(epoch)
        if i is not None and i != self.index:
            self.select_index(i, cursor=epoch)
        else:
            self.track.set_cursor(epoch)

    def open_episode(self, memory_id: int) -> None:
        """Go to an episode: its first frame (or, with none inside it, what was on screen
        when it began), then tell who listens which episode it was."""
        ep = self.day.episode(memory_id) if self.day else None
        if ep is None:
            return
        i = self.day.first_in(ep.start, ep.end)
        if i is not None:
            self.select_index(i)
        else:
            self.scrub_to(ep.start)
        self.episodeClicked.emit(memory_id)

    def select_frame_id(self, frame_id: int) -> None:
        i = self.day.index_of(frame_id) if self.day else None
        if i is not None:
            self.select_index(i)

    def select_index(self, i: int, *, cursor: float | None = None) -> None:
        frame = self.day.frames[i]
        self.index = i
        self.track.set_cursor(cursor if cursor is not None else frame.ts_epoch)
        hl = self._highlight
        self.viewer.show_frame(frame, hl[1] if hl and hl[0] == frame.id else None)
        self._image_timer.start()   # coalesce: a drag loads only where it stops
        self._strip_timer.start()
        self.frameShown.emit(frame.id)

    def open_frame(self, frame_id: int, highlight: Highlight | None = None) -> None:
        """Show a frame by id (a citation, a memory's source): loads its day first when
        needed; `highlight` says what to mark on it (what answered)."""
        log.info("opening frame %d", frame_id)
        self._highlight = (frame_id, highlight) if highlight is not None else None
        i = self.day.index_of(frame_id) if self.day else None
        if i is not None:
            self.select_index(i)
            return
        self._pool.submit(self._repo.get, frame_id, on_errored=self._on_error,
                          on_returned=lambda f: self.load_date(
                              dt.datetime.fromtimestamp(f.ts_epoch).date(), select_id=f.id))

    # -- images and strip ----------------------------------------------------------
    def _load_image(self) -> None:
        frame = self.viewer.frame
        if frame is None:
            return
        fid = frame.id
        self._pool.submit(decode_frame, self._repo, frame, FULL,
                          on_returned=self._on_image,
                          on_errored=lambda e: self._on_image_error(fid, e))

    def _on_image(self, result) -> None:
        fid, img, _secs = result
        self.viewer.set_image(fid, img)
        if self.viewer.frame is not None and self.viewer.frame.id == fid:
            self.imageShown.emit(fid)

    def _on_image_error(self, fid: int, e: Exception) -> None:
        self.viewer.set_error(fid, str(e) or e.__class__.__name__)
        self.imageFailed.emit(fid, str(e))

    def _refresh_strip(self) -> None:
        if not self.day or not self.day.frames:
            return
        lo, hi = self.track.view_range
        idx = sample_indices(self.day, lo, hi, STRIP_SLOTS)
        current = self.day.frames[self.index].id if self.index is not None else None
        self.strip.show_frames([self.day.frames[i] for i in idx], current)

    # -- search --------------------------------------------------------------------
    def run_search(self, text: str) -> None:
        if self.day is None:
            return
        if not text.strip():
            self.matches = []
            self.track.set_marks([])
            self.search_info.clear()
            self.searchDone.emit(0)
            return
        self._pool.submit(match_frames, self.day.frames, text,
                          on_returned=self._on_matches, on_errored=self._on_error)

    def _on_matches(self, ids: list[int]) -> None:
        self.matches = ids
        wanted = set(ids)
        self.track.set_marks([f.ts_epoch for f in self.day.frames if f.id in wanted])
        self.search_info.setText(f"{len(ids)} frame{'s' if len(ids) != 1 else ''} match"
                                 if ids else "No frame matches")
        self.searchDone.emit(len(ids))
        if ids and (self.index is None or self.day.frames[self.index].id not in wanted):
            self.select_frame_id(ids[0])
