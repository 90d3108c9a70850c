"""`commonplace capture`: the headless capture service, wired to the store and pipeline."""

from __future__ import annotations

import logging
import queue
from dataclasses import replace

from app.settings import Settings
from app.wiring import open_core, read_passphrase

log = logging.getLogger(__name__)


def run_capture_command(settings: Settings, args) -> int:
    from capture.errors import CaptureError
    from capture.idle import default_idle_source
    from capture.service import CaptureService, run_capture
    from capture.window import default_window_source

    cap = settings.capture
    if args.interval:
        try:
            cap = replace(cap, interval_s=args.interval,
                          max_interval_s=max(cap.max_interval_s, args.interval))
        except ValueError as e:
            raise CaptureError(str(e)) from None
    core = open_core(settings, passphrase=read_passphrase(args.passphrase_file))
    batches: queue.Queue = queue.Queue(maxsize=1000)
    try:
        service = CaptureService(core.store, core.ocr, cap, settings.privacy,
                                 default_window_source(), default_idle_source(), batches)
        log.info("capture service up (interval %.1f s)", cap.interval_s)
        print("capturing; Ctrl+C stops and flushes everything", flush=True)
        status = run_capture(service, args.duration)
        # The batches reference stored frames; the pipeline reads unprocessed observations
        # from the store, so it runs here, once capture has stopped writing.
        from memory.pipeline import run_pending

        memories = run_pending(core, use_llm=settings.memory.use_llm)
    finally:
        core.close()
    print(f"stopped: {status.frames_stored} frames stored, {status.frames_dropped} "
          f"duplicates dropped, {status.frames_excluded} excluded; state {status.state.value}"
          f"{' - ' + status.message if status.message else ''}; memories {memories}")
    return 0
