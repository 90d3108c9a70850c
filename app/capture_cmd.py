"""`commonplace capture`: the headless capture service, wired to the store and pipeline."""

from __future__ import annotations

import logging
import queue
from dataclasses import replace

from app.options import CaptureOptions
from app.settings import Settings
from app.wiring import open_core, read_passphrase

log = logging.getLogger(__name__)

WRITER_GRACE_S = 120.0   # a writer behind on OCR (a loaded machine) finishes its queue


def build_capture_service(store, settings: Settings, batches: queue.Queue, capture=None,
                          sink=None):
    """The capture service with this platform's window and idle sources, and an OCR engine
    of its own on `capture.ocr_threads` threads (one by default: background OCR then costs
    the least CPU and leaves the other cores to the user; imports use them all); `sink`
    (app.capture_log.CaptureLog) is told each change of capture's state."""
    from capture.idle import NullIdleSource, default_idle_source
    from capture.ocr import OcrEngine
    from capture.service import CaptureService
    from capture.session import choose, detect

    cap = capture or settings.capture
    ocr = OcrEngine(max_width=cap.ocr_max_width, threads=cap.ocr_threads)
    session = detect()
    sources = choose(session, monitor=cap.monitor, state_dir=settings.paths.data_dir)
    log.info("screen source: %s", sources.screen_source)
    # X11's idle counter says nothing about Wayland input: no idle pause there (yet).
    idle = default_idle_source() if session.kind == "x11" else NullIdleSource()
    return CaptureService(store, ocr, cap, settings.privacy, sources.windows, idle, batches,
                          grabber=sources.grabber, text_source=tree_text_source(cap),
                          sink=sink)


def tree_text_source(cap):
    """The accessibility-tree text source when `capture.a11y_text` is on (None when off).

    Like a screen reader, it asks applications to expose their tree (org.a11y.Status
    IsEnabled; Qt apps pick it up while running, GTK apps always expose it). With no
    accessibility bus the reader looks for one again later and OCR reads every frame."""
    if not cap.a11y_text:
        return None
    from capture.a11y import A11yReader, A11yTuning
    from capture.a11y_bus import A11yUnavailable, enable_accessibility

    try:
        enable_accessibility()
    except A11yUnavailable as e:
        log.info("accessibility not switched on: %s", e)
    return A11yReader(tuning=A11yTuning(budget_s=cap.a11y_budget_ms / 1000))


class DesktopCapture:
    """Capture beside the GUI: its own store connection and OCR engine (the GUI's workers
    use theirs), the service's start/stop/pause/resume/status, and the observation
    batches for the app to hand to the memory pipeline."""

    def __init__(self, core, sink=None) -> None:
        self.batches: queue.Queue = queue.Queue(maxsize=1000)
        self._store = core.store.sibling()
        self._service = build_capture_service(self._store, core.settings, self.batches,
                                              sink=sink)
        self.start, self.pause, self.resume = (self._service.start, self._service.pause,
                                               self._service.resume)
        self.status = self._service.status

    def stop(self, timeout: float = 10.0):
        """Stop capture; its store connection closes once the writer has stored what it
        held (closing it under a busy writer would crash the process at exit)."""
        try:
            return self._service.stop(timeout)
        finally:
            if self._service.wait_writer(WRITER_GRACE_S):
                self._store.close()
            else:
                log.warning("capture writer still busy; its store connection stays open")

    def apply_settings(self, settings: Settings) -> None:
        """Saved settings reach the running service: its retention (budget, age limit, free
        disk floor) from the next retention run, at once when tightened."""
        self._service.apply_settings(settings.capture)

    def take_batches(self) -> int:
        """Drain the observation batches; the number of observations they held."""
        n = 0
        while True:
            try:
                n += len(self.batches.get_nowait())
            except queue.Empty:
                return n


def run_capture_command(settings: Settings, args: CaptureOptions) -> int:
    from app.capture_log import CaptureLog
    from capture.errors import CaptureError
    from capture.service import run_capture

    cap = settings.capture
    if args.interval:
        try:
            cap = replace(cap, interval_s=args.interval,
                          max_interval_s=max(cap.max_interval_s, args.interval))
        except ValueError as e:
            raise CaptureError(str(e)) from None
    core = open_core(settings, passphrase=read_passphrase(args.passphrase_file))
    batches: queue.Queue = queue.Queue(maxsize=1000)
    states = None
    try:
        states = CaptureLog(core.store, role="capture")
        service = build_capture_service(core.store, settings, batches, cap, sink=states)
        log.info("capture service up (interval %.1f s)", cap.interval_s)
        print("capturing; Ctrl+C stops and flushes everything", flush=True)
        status = run_capture(service, args.duration)
        states.close()
        # The batches reference stored frames; the pipeline reads unprocessed observations
        # from the store, so it runs here, once capture has stopped writing.
        from memory.pipeline import run_pending

        memories = run_pending(core, use_llm=settings.memory.use_llm)
    finally:
        if states is not None:
            states.close()   # a no-op once closed
        core.close()
    print(f"stopped: {status.frames_stored} frames stored, {status.frames_dropped} "
          f"duplicates dropped, {status.frames_excluded} excluded; state {status.state.value}"
          f"{' - ' + status.message if status.message else ''}; memories {memories}")
    return 0
