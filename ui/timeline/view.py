"""The timeline: a day's track (with the memory pipeline's episode and summary bands), a
thumbnail strip, the frame viewer, jump-to and search.

All store reads run on the store pool; the GUI thread only holds the loaded `Day` and
paints. Scrubbing updates text at once and coalesces image loads to the last position.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDateTime, QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.timeline.day import Day, load_day, match_frames, sample_indices
from ui.timeline.images import ImageCache, decode_frame
from ui.timeline.strip import ThumbStrip
from ui.timeline.track import TrackWidget
from ui.timeline.viewer import FrameViewer, Highlight

log = logging.getLogger(__name__)
FULL = QSize(2560, 1600)
STRIP_SLOTS = 12


class TimelineView(QWidget):
    dayLoaded = Signal(int)          # frames in the day
    frameShown = Signal(int)         # frame id now in the viewer (rows shown)
    imageShown = Signal(int)         # frame id whose image is now shown
    imageFailed = Signal(int, str)
    searchDone = Signal(int)         # matching frames
    failed = Signal(str)             # a calm message was shown inline
    episodeClicked = Signal(int)     # memory id of an episode clicked on the track

    def __init__(self, frames_repo, pool, parent=None, *, memories=None) -> None:
        """`frames_repo` and `memories` are the store's repositories (`store.frames`,
        `store.memories`); without `memories` the day has no episode and summary bands."""
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
        self._image_timer = QTimer(self, singleShot=True, interval=40)
        self._strip_timer = QTimer(self, singleShot=True, interval=60)

        self.cache = ImageCache(pool, frames_repo, parent=self)
        self.jump = QDateTimeEdit(QDateTime.currentDateTime())
        self.jump.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.jump.setCalendarPopup(True)
        self.go = QPushButton("Go")
        self.zoom = QComboBox()
        self.zoom.addItems(["day", "hour", "minute"])
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find on this day…")
        self.search.setClearButtonEnabled(True)
        self.search_info = QLabel()
        self.track = TrackWidget()
        self.strip = ThumbStrip(self.cache)
        self.viewer = FrameViewer()

        bar = QHBoxLayout()
        for w in (QLabel("Jump to"), self.jump, self.go, QLabel("Zoom"), self.zoom):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.search_info)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.track)
        lay.addWidget(self.strip)
        lay.addWidget(self.viewer, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.go.clicked.connect(self._jump)
        self.zoom.currentTextChanged.connect(self._set_zoom)
        self.search.returnPressed.connect(lambda: self.run_search(self.search.text()))
        self.search.textChanged.connect(lambda t: t or self.run_search(""))
        self.track.scrubbed.connect(self.scrub_to)
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
        self.day = day
        self.index = None
        self.matches = []
        self.cache.cancel_pending()
        self.track.set_day(day)
        self.track.set_zoom(self.zoom.currentText())
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
        if self.search.text():
            self.run_search(self.search.text())

    def refresh(self) -> None:
        """Reload the shown day in place (capture added frames), keeping the selection and
        without blanking the viewer."""
        if self.day is not None:
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
            return
        frame = self.viewer.frame
        self._pending_select, self._pending_at = (frame.id if frame else None), None
        self._on_day(day)

    def _on_error(self, e: Exception) -> None:
        msg = str(e) or e.__class__.__name__
        self.viewer.clear(f"Could not read the timeline: {msg}")
        self.failed.emit(msg)

    # -- navigation ----------------------------------------------------------------
    def _jump(self) -> None:
        when = self.jump.dateTime().toPython()
        self.load_date(when.date(), at=when.astimezone().timestamp())

    def _set_zoom(self, zoom: str) -> None:
        self.track.set_zoom(zoom)
        self._strip_timer.start()

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
