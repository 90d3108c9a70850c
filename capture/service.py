"""Continuous capture: a scheduled poll that grabs, a writer that OCRs and stores.

Two threads, one job each:

- the poll (an APScheduler job, every `window_poll_s`) reads pause / disk / idle / active
  window state, asks the privacy filter *before* grabbing, grabs when the Cadence says so,
  re-checks the window after the grab, paints over the app's own windows where they show,
  and compares a thumbnail with the last kept frame.
  Identical and caret-only frames are dropped here, before any encoding; a pointer-sized
  change that is not a caret (one typed character) is an edit and goes on.
- the writer (a plain thread that owns every database write) OCRs only the changed regions
  (carrying the previous frame's lines outside them), drops a small edit that reads the
  same as before (a caret moved, a button hovered), redacts, stores the frame and its
  docs, batches observations onto the caller's queue, embeds pending docs, and enforces
  retention when the scheduler asks.

Faults never stop the service: each one sets a clear status (logged once), and capture
retries or waits (disk low, display gone, store unwritable) until it can go on.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import queue
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from PIL import Image

from capture.batches import Batcher
from capture.change import Change, ChangeKind, Thumb, compare, dhash, merge_regions, refine
from capture.errors import CaptureError, OcrError
from capture.health import FrameHealth
from capture.idle import IdleSource
from capture.images import encode_image
from capture.ocr import OcrEngine
from capture.privacy import Decision, PauseState, PrivacyFilter, paint_over, redact_frame_text
from capture.retention import enforce_retention, free_disk_mb
from capture.screen import Cadence, Grabber, Reason, ScreenGrabber
from capture.settings import CaptureSettings, PrivacySettings
from capture.tree_frame import TextSource, place
from capture.window import WindowInfo, WindowSource
from memory.api import Store
from memory.errors import DiskFullError, StoreError
from memory.ocr_types import OcrLine
from memory.redact import Redactor

log = logging.getLogger(__name__)

MAX_QUEUED_FRAMES = 4     # grabbed frames waiting for the writer; beyond, the poll waits
DISK_CHECK_S = 10.0
RETRY_MIN_S, RETRY_MAX_S = 2.0, 60.0
RECENT_WINDOWS = 8        # windows whose last frame's OCR is kept for switching back
FULL_OCR_AREA = 0.6       # changed regions covering more than this share → OCR all
# The settings a running capture takes from `apply_settings` (applied on the writer thread at
# its next retention run); the others (interval, monitor, OCR) take effect at the next start.
LIVE_SETTINGS = ("max_frames_mb", "max_frame_age_days", "min_free_disk_mb")

# The status (and the one log line) of a refused frame, by the privacy filter's reason.
EXCLUDED_MESSAGES = {
    "": "excluded window: not captured",
    "self": "Commonplace window in front: not captured",
    "self-unplaced": "Commonplace window shows where it cannot be hidden: not captured",
}


class State(str, enum.Enum):
    STOPPED = "stopped"
    RECORDING = "recording"
    PAUSED = "paused"
    EXCLUDED = "excluded"
    IDLE = "idle"
    LOCKED = "locked"      # the screen is locked (the desktop's lock, not the app's)
    DISK_LOW = "disk-low"
    ERROR = "error"


@dataclass(frozen=True)
class CaptureStatus:
    state: State
    message: str = ""
    last_frame_at: float | None = None   # wall-clock epoch of the last stored frame
    frames_stored: int = 0
    frames_dropped: int = 0              # identical, caret-only, same text: not stored
    frames_excluded: int = 0             # polls that found an excluded window
    ocr_failures: int = 0
    frames_a11y: int = 0                 # stored frames whose window text came from the tree
    batches_sent: int = 0
    pending_observations: int = 0
    last_error: str | None = None
    paused_until: float | None = None    # wall-clock epoch a timed pause ends


@dataclass(frozen=True)
class StateChange:
    """Capture went into `state` at `at` (wall-clock epoch), for a `StateSink`."""

    state: State
    reason: str                          # in words; names no window and no app
    at: float
    paused_until: float | None = None    # wall-clock epoch a timed pause ends


class StateSink(Protocol):
    """Where state changes go (the app wires the store's capture log here). Called on the
    thread that changed the state, under the service's status lock: it must not block."""

    def state_changed(self, change: StateChange) -> None: ...


# The reason a sink is told for a state whose status message changes as it goes on (a
# pause's minutes left): one row in the log, not one per minute.
STEADY_REASONS = {State.PAUSED: "paused by the user"}


@dataclass
class _Grabbed:
    image: Image.Image
    ts: dt.datetime
    window: WindowInfo | None
    regions: list[tuple[int, int, int, int]]  # changed, relative to the `base` frame
    token: int          # this frame, for later frames to build on
    base: int | None    # the kept frame whose OCR lines carry over; None = read in full
    changed: bool
    small_edit: bool = False  # kept only for a small edit: dropped if its text reads the same
    tree: object = None       # the window's text from its accessibility tree (A11yText)


_STOP = object()
_RETENTION = object()


class CaptureService:
    """The service owns the window and idle sources it is given (closed by `stop`)."""

    def __init__(self, store: Store, ocr: OcrEngine, settings: CaptureSettings,
                 privacy: PrivacySettings, window_source: WindowSource,
                 idle_source: IdleSource, out_queue: queue.Queue,
                 clock: Callable[[], float] = time.monotonic, *,
                 grabber: Grabber | None = None,
                 wall: Callable[[], float] = time.time,
                 own_pids: Iterable[int] | None = None,
                 text_source: TextSource | None = None,
                 sink: StateSink | None = None) -> None:
        """`text_source`: read before OCR for each kept frame (the accessibility tree);
        where it covers the focused window, OCR reads only the rest of the screen.
        `sink`: told each change of state (not each poll), with its reason."""
        self._store = store
        self._ocr = ocr
        self._s = settings
        self._privacy = PrivacyFilter(privacy, own_pids=own_pids)
        self._redactor = Redactor() if privacy.redact else None
        self._windows = window_source
        self._idle = idle_source
        self._text = text_source
        self._clock = clock
        self._wall = wall
        self._grabber = grabber or ScreenGrabber(monitor=settings.monitor)
        self._pause = PauseState(clock)
        self._health = FrameHealth()
        self._cadence = Cadence(settings.interval_s, settings.max_interval_s, settings.keyframe_s)
        self._batcher = Batcher(out_queue, settings.batch_seconds, settings.batch_frames, clock)
        self._work: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._next_settings: CaptureSettings | None = None   # from apply_settings, under _lock
        self._status = CaptureStatus(State.STOPPED)
        self._sink = sink
        self._told: tuple | None = None   # the last (state, reason, until) told the sink
        self._logged: set[str] = set()
        self._scheduler = None
        self._writer: threading.Thread | None = None
        self._lingering: threading.Thread | None = None   # a writer stop() did not wait out
        self._stopping = threading.Event()
        # poll-thread state
        self._prev_thumb: Thumb | None = None   # the last kept frame's
        self._prev_image: Image.Image | None = None
        self._grab_thumb: Thumb | None = None   # the last grabbed frame's, kept or not
        self._grab_image: Image.Image | None = None
        self._token = 0
        self._last_token: int | None = None
        self._recent: OrderedDict = OrderedDict()  # window key -> (token, thumb)
        self._last_key: tuple[str, str] | None = None
        self._last_app: str | None = None
        self._blocked_until = 0.0
        self._retry_s = RETRY_MIN_S
        self._next_disk_check = 0.0
        self._was_excluded = False
        self._disk_low = False
        # writer-thread state
        self._lines: OrderedDict[int, list[OcrLine]] = OrderedDict()  # token -> stored lines
        self._since_full = 0

    # -- lifecycle ---------------------------------------------------------------------
    def start(self, *, schedule: bool = True) -> None:
        """Start the writer and the scheduled poll (`schedule=False`: the caller drives
        `poll()` itself, as tests do with an injected clock)."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        if self._scheduler is not None or self._writer is not None:
            raise CaptureError("capture is already running")
        self._stopping.clear()
        self._set(State.RECORDING, "")
        self._writer = threading.Thread(target=self._write_loop, name="capture-writer",
                                        daemon=True)
        self._writer.start()
        if not schedule:
            return
        # One executor thread: the poll always runs on the same thread, which owns the
        # mss handle and the X connections of the window and idle sources.
        # APScheduler logs every run at INFO: twice a second is noise, not news.
        quiet = logging.getLogger("apscheduler.executors.default")
        if quiet.level == logging.NOTSET:
            quiet.setLevel(logging.WARNING)
        sched = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)},
                                    job_defaults={"coalesce": True, "max_instances": 1,
                                                  "misfire_grace_time": 5})
        poll_s = min(self._s.window_poll_s, self._s.interval_s)
        now = dt.datetime.now().astimezone()
        sched.add_job(self.poll, "interval", seconds=poll_s, id="capture-poll",
                      next_run_time=now)
        sched.add_job(self._work.put, "interval", args=[_RETENTION], id="capture-retention",
                      seconds=self._s.retention_every_s, next_run_time=now)
        sched.start()
        self._scheduler = sched
        log.info("capture started: every %.1f s (up to %.0f s when unchanged), monitor %s",
                 self._s.interval_s, self._s.max_interval_s, self._s.monitor or "all")

    def stop(self, timeout: float = 10.0) -> CaptureStatus:
        """Stop polling, store what was grabbed, flush the batch; wait at most `timeout`."""
        deadline = time.monotonic() + timeout
        self._stopping.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)  # waits for one poll at most (a grab)
            self._scheduler = None
        if self._writer is not None:
            self._work.put(_STOP)
            self._writer.join(max(0.0, deadline - time.monotonic()))
            if self._writer.is_alive():
                log.warning("capture writer still busy after %.0f s; it finishes in the "
                            "background", timeout)
                self._lingering = self._writer
            self._writer = None
        closers = [self._grabber.close, self._windows.close, self._idle.close]
        if self._text is not None:
            closers.append(self._text.close)
        for closer in closers:
            try:
                closer()
            except Exception as e:  # a display already gone: nothing left to release
                log.debug("close during stop: %s", e)
        self._set(State.STOPPED, "")
        log.info("capture stopped: %d frames stored", self._status.frames_stored)
        return self.status()

    def wait_writer(self, timeout: float) -> bool:
        """After `stop()`: wait for a writer still storing what it held; True once none is
        left. The store it writes to must stay open until then."""
        t = self._lingering
        if t is not None:
            t.join(max(0.0, timeout))
            if t.is_alive():
                return False
            self._lingering = None
        return True

    def pause(self, minutes: float | None = None) -> None:
        self._pause.pause(minutes)
        msg = f"paused for {minutes:g} min" if minutes else "paused"
        self._set(State.PAUSED, msg, paused_until=self._pause_end())
        log.info("capture %s", msg)

    def resume(self) -> None:
        self._pause.resume()
        self._cadence.restart()
        self._set(State.RECORDING, "")
        log.info("capture resumed")

    def apply_settings(self, settings: CaptureSettings) -> None:
        """New settings while capture runs (any thread): its `LIVE_SETTINGS` are taken at the
        next retention run; a tightened budget or age limit asks for that run now."""
        with self._lock:
            current = self._next_settings or self._s
            self._next_settings = settings
        tighter = (settings.max_frames_mb < current.max_frames_mb or
                   settings.max_frame_age_days < current.max_frame_age_days)
        if tighter and self._writer is not None:
            self._work.put(_RETENTION)
        log.info("capture settings changed: images %d MB, %d days%s", settings.max_frames_mb,
                 settings.max_frame_age_days, " (retention runs now)" if tighter else "")

    def status(self) -> CaptureStatus:
        with self._lock:
            return replace(self._status, batches_sent=self._batcher.sent,
                           pending_observations=self._batcher.pending)

    # -- status helpers ----------------------------------------------------------------
    def _pause_end(self) -> float | None:
        """When a timed pause ends, on the wall clock (None: not paused, or until resumed)."""
        left = self._pause.remaining_s()
        return None if left is None else self._wall() + left

    def _set(self, state: State, message: str, *, error: str | None = None,
             paused_until: float | None = None, **counts) -> None:
        with self._lock:
            s = self._status
            extra = {k: getattr(s, k) + v for k, v in counts.items()}
            self._status = replace(s, state=state, message=message,
                                   last_error=error if error is not None else s.last_error,
                                   paused_until=paused_until, **extra)
            self._tell()

    def _tell(self) -> None:
        """Tell the sink when the state (or its reason) changed; under `_lock`."""
        if self._sink is None:
            return
        s = self._status
        reason = STEADY_REASONS.get(s.state, s.message)
        until = round(s.paused_until) if s.paused_until is not None else None
        if (s.state, reason, until) == self._told:
            return
        self._told = (s.state, reason, until)
        try:
            self._sink.state_changed(StateChange(s.state, reason, self._wall(),
                                                 s.paused_until))
        except Exception as e:  # the log is a record, not capture: capture goes on
            log.warning("capture state not recorded: %s", e)

    def _count(self, **counts) -> None:
        with self._lock:
            self._status = replace(self._status, **{k: getattr(self._status, k) + v
                                                    for k, v in counts.items()})

    def _fault(self, state: State, message: str, *, retry: bool = True,
               log_key: str | None = None) -> None:
        """A fault: logged once per distinct message (or `log_key`), shown in the status,
        retried later."""
        if (log_key or message) not in self._logged:
            self._logged.add(log_key or message)
            log.warning("capture: %s", message)
        self._set(state, message, error=message)
        if retry:
            self._blocked_until = self._clock() + self._retry_s
            self._retry_s = min(RETRY_MAX_S, self._retry_s * 2)
            self._cadence.restart()

    # -- the poll (scheduler thread) ---------------------------------------------------
    def poll(self) -> None:
        """One scheduled step; public so tests can drive it with an injected clock."""
        if self._stopping.is_set():
            return
        try:
            self._poll()
        except Exception as e:  # worker boundary: a bug must not kill the schedule
            log.exception("capture poll failed")
            self._fault(State.ERROR, f"Capture step failed: {e}")

    def _poll(self) -> None:
        now = self._clock()
        if self._pause.paused():
            left = self._pause.remaining_s()
            self._set(State.PAUSED, f"paused, {left / 60:.0f} min left" if left else "paused",
                      paused_until=self._pause_end())
            self._cadence.restart()
            return
        if now < self._blocked_until:
            return
        if now >= self._next_disk_check:
            self._next_disk_check = now + DISK_CHECK_S
            try:
                free = free_disk_mb(self._store.layout.data_dir)
            except OSError as e:
                return self._fault(State.ERROR, f"Cannot read free disk space: {e}")
            self._disk_low = free < self._s.min_free_disk_mb
            if not self._disk_low:
                self._logged.discard("disk-low")  # a new episode is logged again
            else:
                self._fault(State.DISK_LOW, (
                    f"Capture paused: only {free:.0f} MB free on the data disk (the minimum is "
                    f"{self._s.min_free_disk_mb} MB). Free some space; capture resumes by itself."),
                    retry=False, log_key="disk-low")
        if self._disk_low:
            self._cadence.restart()
            return
        idle = self._idle.state()
        if idle.locked or (idle.idle_s is not None and idle.idle_s >= self._s.idle_after_s):
            if idle.locked:
                self._set(State.LOCKED, "screen locked")
            else:
                self._set(State.IDLE, f"no keyboard or mouse input for "
                                      f"{self._s.idle_after_s / 60:g} min")
            self._cadence.restart()
            return
        win = self._windows.active()
        before = self._screen(win)
        if not before.allowed:
            self._excluded(before.reason)
            return
        self._was_excluded = False
        key = (win.app, win.title) if win else None
        reason = self._cadence.due(now, window_changed=key != self._last_key)
        if reason is None:
            self._recording()
            return
        if self._work.qsize() >= MAX_QUEUED_FRAMES:
            return  # the writer is behind (OCR): grab again when it has caught up
        try:
            image = self._grabber.grab()
        except CaptureError as e:
            return self._fault(State.ERROR, str(e))
        after = self._windows.active()
        check = self._screen(after)
        if not check.allowed:
            del image  # never stored, never OCR'd
            self._excluded(check.reason)
            return
        if ((after.app, after.title) if after else None) != key:
            return  # switched mid-grab: the next poll sees the new window
        verdict = self._health.check(image, window_changed=key != self._last_key)
        if verdict is not None:
            # A black screen or a frozen stream shows nothing true: never stored. The status
            # says so once it has lasted (a video fading to black is only dropped).
            del image
            self._last_key = key
            self._cadence.grabbed(now, changed=False, kept=False)
            problem = self._health.problem(verdict)
            if problem:
                return self._fault(State.ERROR, problem, retry=False)
            self._count(frames_dropped=1)
            return
        # Our own windows are painted over where they showed before or after the grab (one
        # may have moved meanwhile), before change detection, OCR or storage sees a pixel.
        # A grabber gives the image's top-left on the desktop as info["origin"].
        image = paint_over(image, before.hide + check.hide, image.info.get("origin", (0, 0)))
        self._handle(image, win, key, reason, now)

    def _screen(self, win: WindowInfo | None) -> Decision:
        """Whether the screen may be grabbed with `win` focused, and which parts of it (our
        own windows behind or beside it) are to be painted over."""
        return self._privacy.decide_screen(win, self._windows.visible())

    def _handle(self, image: Image.Image, win: WindowInfo | None, key, reason: Reason,
                now: float) -> None:
        thumb = Thumb.of(image)
        change = refine(compare(self._prev_thumb, thumb), self._prev_image, image)
        app = win.app if win else None
        app_switch = app != self._last_app
        changed = change.kind in (ChangeKind.CHANGED, ChangeKind.EDIT)
        forced = reason in (Reason.FIRST, Reason.KEYFRAME) or \
            (reason is Reason.WINDOW and app_switch)
        keep = changed or forced
        if keep and self._busy(reason, app_switch, thumb, image, now):
            keep = False   # mid-burst: the settled state (or the next gap) is kept instead
        tree = None
        if keep:
            tree, refused = self._read_tree(win)
            if refused:
                del image   # the tree names an excluded window: never stored
                return self._excluded(refused)
        self._grab_thumb, self._grab_image = thumb, image
        self._cadence.grabbed(now, changed=changed or reason is Reason.WINDOW, kept=keep)
        self._last_key = key
        if not keep:
            self._count(frames_dropped=1)
            self._recording()
            return
        # OCR builds on a previous frame: the last kept one, or after a window switch the
        # last kept frame of the window switched to (alt-tab back costs no full OCR).
        base_change: Change | None
        base, base_change = self._last_token, change
        if reason in (Reason.FIRST, Reason.WINDOW) or app_switch:
            cached = self._recent.get(key)
            base, base_change = (cached[0], compare(cached[1], thumb)) if cached else (None, None)
        self._token += 1
        self._recent[key] = (self._token, thumb)
        self._recent.move_to_end(key)
        while len(self._recent) > RECENT_WINDOWS:
            self._recent.popitem(last=False)
        self._last_token = self._token
        self._prev_thumb, self._prev_image = thumb, image
        self._last_app = app
        regions = base_change.regions if base_change and \
            base_change.kind is not ChangeKind.SAME else []
        self._work.put(_Grabbed(image, dt.datetime.fromtimestamp(self._wall()).astimezone(),
                                win, regions, self._token, base, changed,
                                small_edit=change.kind is ChangeKind.EDIT and not forced,
                                tree=tree))
        self._recording()

    def _read_tree(self, win: WindowInfo | None):
        """(the focused window's text from its tree or None to OCR the frame, the privacy
        filter's reason when the tree names an excluded window — the window source named
        none, or another title — so that the frame is refused). Read right after the grab
        on this (the poll) thread, which owns the bus connection."""
        if self._text is None:
            return None, ""
        try:
            tree = self._text.read(win)
        except CaptureError as e:
            log.debug("accessibility text failed: %s", e)
            return None, ""
        if tree is None or not tree.covers:
            return None, ""
        named = replace(win, title=tree.window_name or win.title) if win is not None else \
            WindowInfo(app=tree.app_name.lower(), title=tree.window_name)
        decision = self._privacy.decide(named)
        return (tree, "") if decision.allowed else (None, decision.reason or "title")

    def _busy(self, reason: Reason, app_switch: bool, thumb: Thumb, image: Image.Image,
              now: float) -> bool:
        """A change within `busy_gap_s` of the last kept frame, in the same window, while the
        screen is still changing since the previous grab: typing or a video. Keeping every
        such frame would OCR every interval; the state once it settles says the same."""
        gap, last = self._s.busy_gap_s, self._cadence.last_kept
        if gap <= 0 or reason is not Reason.INTERVAL or app_switch or last is None or \
                now - last >= gap:
            return False
        # Settled means nothing but a blinking caret changed since the previous grab (a
        # typed character is an edit and does not end the burst).
        settled = self._grab_thumb is not None and refine(
            compare(self._grab_thumb, thumb), self._grab_image, image).kind in \
            (ChangeKind.SAME, ChangeKind.POINTER)
        return not settled

    def _recording(self) -> None:
        self._retry_s = RETRY_MIN_S
        msg = self._grabber.notice
        with self._lock:
            if self._status.state is not State.RECORDING or self._status.message != msg:
                self._status = replace(self._status, state=State.RECORDING, message=msg,
                                       paused_until=None)
                self._tell()

    def _excluded(self, reason: str) -> None:
        message = EXCLUDED_MESSAGES.get(reason, EXCLUDED_MESSAGES[""])
        if not self._was_excluded:
            log.info(message)
            self._was_excluded = True
            self._count(frames_excluded=1)
        self._set(State.EXCLUDED, message)
        # Leaving the excluded window counts as a window switch (an immediate grab).
        self._last_key = ("\x00excluded", "")
        self._last_app = "\x00excluded"

    # -- the writer (its own thread; the only one that writes to the store) ------------
    def _write_loop(self) -> None:
        sent = self._batcher.sent
        while True:
            try:
                item = self._work.get(timeout=0.5)
            except queue.Empty:
                item = None
            if item is _STOP:
                break
            try:
                if item is _RETENTION:
                    self._retention()
                elif item is not None:
                    self._store_frame(item)
                self._batcher.poll()
                if self._batcher.sent != sent:
                    sent = self._batcher.sent
                    self._embed()
            except Exception as e:  # worker boundary: keep writing the next frames
                log.exception("capture writer step failed")
                self._fault(State.ERROR, f"Storing a frame failed: {e}", retry=False)
        # Drain what was grabbed before stop, then flush the open batch.
        while True:
            try:
                item = self._work.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, _Grabbed):
                try:
                    self._store_frame(item)
                except Exception:  # worker boundary during shutdown
                    log.exception("capture writer step failed during stop")
        self._batcher.flush()
        self._embed()

    def _embed(self) -> None:
        try:
            with self._store.errors():
                self._store.docs.embed_pending()
        except StoreError as e:  # docs stay pending; reconcile() embeds them later
            self._fault(State.ERROR, f"Indexing text failed (it will be retried): {e}",
                        retry=False)

    def _take_settings(self) -> None:
        """Writer thread: the settings `apply_settings` left, their live part taken."""
        with self._lock:   # one swap of the frozen object: the poll sees old or new, whole
            new, self._next_settings = self._next_settings, None
            if new is not None:
                self._s = replace(self._s, **{k: getattr(new, k) for k in LIVE_SETTINGS})

    def _retention(self) -> None:
        self._take_settings()
        try:
            enforce_retention(self._store, max_mb=self._s.max_frames_mb,
                              max_age_days=self._s.max_frame_age_days, now=self._wall())
        except (StoreError, OSError) as e:
            self._fault(State.ERROR, f"Retention could not delete old images: {e}",
                        retry=False)

    def _store_frame(self, g: _Grabbed) -> None:
        lines = self._ocr_lines(g)
        prev = self._lines.get(g.base) if g.small_edit and g.base is not None else None
        if prev is not None and [l.text for l in lines] == [l.text for l in prev]:
            # A small change that reads as before (a caret moved, a button hovered): later
            # frames build on these lines, but there is nothing new to store.
            self._remember(g.token, lines)
            self._count(frames_dropped=1)
            return
        title = g.window.title if g.window else ""
        if self._redactor:
            lines, title = redact_frame_text(self._redactor, lines, title)
        app = g.window.app if g.window else ""
        url = g.window.url if g.window else None
        try:
            blob = encode_image(g.image, quality=self._s.image_quality)
            frame_id = self._store.add_frame(
                image_bytes=blob, ts=g.ts, app=app, window_title=title, url=url,
                width=g.image.width, height=g.image.height, phash=dhash(g.image),
                sources=[], ocr_lines=lines)
            with self._store.errors():
                frame = self._store.frames.get(frame_id)
        except DiskFullError as e:
            return self._fault(State.DISK_LOW, str(e))
        except (StoreError, OSError) as e:
            return self._fault(State.ERROR, f"Cannot store frames: {e}")
        self._remember(g.token, lines)
        with self._lock:
            self._status = replace(self._status, last_frame_at=g.ts.timestamp(),
                                   frames_stored=self._status.frames_stored + 1,
                                   frames_a11y=self._status.frames_a11y +
                                   (g.tree is not None))
        self._batcher.add(frame_id, frame.ts)

    def _remember(self, token: int, lines: list[OcrLine]) -> None:
        """The lines later frames of this token build on (a frame that failed to store is
        never remembered, so what follows it is read in full)."""
        self._lines[token] = lines
        while len(self._lines) > 2 * RECENT_WINDOWS:
            self._lines.popitem(last=False)

    def _ocr_lines(self, g: _Grabbed) -> list[OcrLine]:
        if g.tree is not None:
            return self._tree_lines(g)
        prev = self._lines.get(g.base) if g.base is not None else None
        try:
            if prev is None or self._since_full + 1 >= self._s.full_ocr_every:
                self._since_full = 0
                return self._ocr.recognize(g.image)
            if not g.regions:
                return list(prev)  # a keyframe of an unchanged screen
            self._since_full += 1
            return changed_region_ocr(self._ocr, g.image, prev, g.regions)
        except OcrError as e:
            self._count(ocr_failures=1)
            if "ocr" not in self._logged:
                self._logged.add("ocr")
                log.warning("OCR failed on a frame; stored without new text: %s", e)
            return list(prev or [])


    def _tree_lines(self, g: _Grabbed) -> list[OcrLine]:
        """The window's lines from its tree; OCR reads only the rest (capture.tree_frame).
        Parts that did not change since the base frame keep that frame's OCR lines."""
        lines, parts = place(g.tree, size=g.image.size,
                             origin=g.image.info.get("origin", (0, 0)),
                             window_rect=g.window.rect if g.window is not None else None)
        prev = self._lines.get(g.base) if g.base is not None else None
        prev_ocr = [l for l in prev if l.source == "ocr"] if prev is not None else None
        for part in parts:
            changed = any(r[0] < part[2] and part[0] < r[2] and r[1] < part[3] and
                          part[1] < r[3] for r in g.regions)
            if prev_ocr is not None and not changed:
                lines += [l for l in prev_ocr if _inside(l.box, part)]
                continue
            try:
                lines += self._ocr.recognize(g.image, region=part)
            except OcrError as e:
                self._count(ocr_failures=1)
                if "ocr" not in self._logged:
                    self._logged.add("ocr")
                    log.warning("OCR failed on part of a frame; stored without it: %s", e)
        return lines


def _inside(line: tuple[int, int, int, int], region: tuple[int, int, int, int]) -> bool:
    """A line belongs to a region when its vertical centre is in it and they overlap across.

    OCR boxes of neighbouring lines overlap by a few pixels; the centre test keeps a region
    from swallowing the lines above and below it.
    """
    cy = (line[1] + line[3]) / 2
    return region[1] <= cy <= region[3] and line[0] < region[2] and region[0] < line[2]


def changed_region_ocr(ocr: OcrEngine, image: Image.Image, prev: list[OcrLine],
                       regions: list[tuple[int, int, int, int]]) -> list[OcrLine]:
    """OCR the changed regions only; keep the previous lines that lie outside them.

    Regions are widened along the text direction and grown to cover the previous lines
    they cut through, so a line is read whole, never as a fragment next to its old copy.
    """
    w, h = image.size
    boxes = merge_regions(regions, pad=8, size=image.size)
    boxes = [(max(0, x0 - 40), y0, min(w, x1 + 40), y1) for x0, y0, x1, y1 in boxes]
    grown = []
    for b in boxes:
        for l in prev:
            if _inside(l.box, b):
                b = (min(b[0], l.box[0]), min(b[1], l.box[1]), max(b[2], l.box[2] + 1),
                     max(b[3], l.box[3] + 1))
        grown.append((max(0, b[0]), max(0, b[1]), min(w, b[2]), min(h, b[3])))
    boxes = merge_regions(grown, pad=0, size=image.size)
    area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in boxes)
    if area > FULL_OCR_AREA * w * h:
        return ocr.recognize(image)
    kept = [l for l in prev if not any(_inside(l.box, b) for b in boxes)]
    new = [l for b in boxes for l in ocr.recognize(image, region=b)]
    return sorted(kept + new, key=OcrLine.reading_order)


def run_capture(service: CaptureService, duration_s: float | None = None, *,
                stop_timeout: float = 15.0) -> CaptureStatus:
    """Run capture until `duration_s` passes or SIGINT/SIGTERM; always stops cleanly.

    For the `commonplace capture` command. Signal handlers are installed only when called
    from the main thread, and the previous handlers are restored afterwards.
    """
    done = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: done.set())
    end = None if duration_s is None else time.monotonic() + duration_s
    try:
        service.start()
        while not done.is_set():
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                break
            done.wait(0.5 if left is None else min(0.5, left))
    finally:
        status = service.stop(stop_timeout)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
