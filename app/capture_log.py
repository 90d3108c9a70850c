"""The capture log's writer: capture's state changes (and the app's own: locked, capture off)
into the store's capture log, on a thread and a store connection of its own.

The capture service tells its sink every change of state from whichever thread made it (the
poll, the writer, the GUI's pause button), under its status lock: `state_changed` only
queues. This thread writes each change (a change opens a row, the same state extends it)
and, every HEARTBEAT_S, confirms the current state, so a crash leaves the log ending where
the app was last alive rather than reaching to the next start.

The app lock closes the store (its keys leave memory), so nothing can be written while
locked: `lock()` writes the lock's start before the store closes, and the unlock's
`CaptureLog(..., after_unlock=True)` ends it. A lock the app is quit in ends at the next
start, with a reason saying its end is not known (memory/store/coverage.py).

The GUI and a headless `commonplace capture` may log on one store at once: each writes as its
own writer (`role` and this process: `coverage.writer_id`), extends and closes only its own
rows, and at start closes only what its own last run, or a process no longer running, left
open. The timeline's strip merges the two (`CoverageLog.spans`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from capture.service import StateChange
from memory.api import Store, capture_writer

log = logging.getLogger(__name__)

HEARTBEAT_S = 60.0       # the current state is confirmed this often
CLOSE_WAIT_S = 5.0       # close() waits this long for queued changes to be written
APP_LOCKED = "Commonplace is locked"
CAPTURE_OFF = "capture is off"

_CLOSE = object()


class CaptureLog:
    """A `capture.service.StateSink` writing to `store`'s capture log over a sibling
    connection (closed by `close`). At start it closes what the last run left open.
    `role` names the process in its writer id ("gui", "capture"); `writer` overrides the id
    (tests: two writers in one process)."""

    def __init__(self, store: Store, *, after_unlock: bool = False,
                 heartbeat_s: float = HEARTBEAT_S,
                 wall: Callable[[], float] = time.time, role: str = "gui",
                 writer: str | None = None) -> None:
        self.writer = writer if writer is not None else capture_writer(role)
        self._store = store.sibling()
        self._wall = wall
        self._beat = heartbeat_s
        self._q: queue.Queue = queue.Queue()
        self._closed = False
        self._last: tuple[str, str, float | None] | None = None   # (state, reason, until)
        self._failed = False
        with self._store.errors():
            closed = self._store.coverage.recover(wall(), after_unlock=after_unlock,
                                                  writer=self.writer)
        if closed:
            log.info("capture log: %d span(s) left open by the last run closed", closed)
        self._thread = threading.Thread(target=self._run, name="capture-log", daemon=True)
        self._thread.start()

    # -- the sink (any thread; never blocks) ----------------------------------------------
    def state_changed(self, change: StateChange) -> None:
        self.note(change.state.value, change.reason, at=change.at,
                  paused_until=change.paused_until)

    def note(self, state: str, reason: str = "", *, at: float | None = None,
             paused_until: float | None = None) -> None:
        """A state of the app's own (locked, capture off), or one of capture's."""
        if not self._closed:
            self._q.put((state, reason, self._wall() if at is None else at, paused_until))

    def lock(self) -> None:
        """The app locks: the lock starts now, and nothing after it is written (capture's
        own "stopped", as the lock stops it, would hide the lock)."""
        self.note("locked", APP_LOCKED)
        self.close(end_open=False)

    def close(self, *, end_open: bool = True) -> None:
        """Write what is queued, end the open span now (`end_open`: the app quits), close
        the connection. Later changes are ignored."""
        if self._closed:
            return
        self._closed = True
        self._q.put((_CLOSE, end_open))
        self._thread.join(CLOSE_WAIT_S)
        if self._thread.is_alive():   # a store busy past the wait: leave the connection
            log.warning("capture log still writing after %.0f s; its connection stays open",
                        CLOSE_WAIT_S)
            return
        self._store.close()

    # -- the writer thread -----------------------------------------------------------------
    def _run(self) -> None:
        while True:
            try:
                item = self._q.get(timeout=self._beat)
            except queue.Empty:
                if self._last is not None:   # still so: confirm it
                    self._write(*self._last, self._wall())
                continue
            if item[0] is _CLOSE:
                if item[1]:
                    self._guard(lambda: self._store.coverage.end(self._wall(),
                                                                 writer=self.writer))
                return
            state, reason, at, until = item
            self._last = (state, reason, until)
            self._write(state, reason, until, at)

    def _write(self, state: str, reason: str, until: float | None, at: float) -> None:
        self._guard(lambda: self._store.coverage.record(state, reason, at=at,
                                                        paused_until=until,
                                                        writer=self.writer))

    def _guard(self, write: Callable[[], object]) -> None:
        try:
            with self._store.errors():
                write()
            self._failed = False
        except Exception as e:  # a full disk or a busy store: the log has a gap, capture goes on
            if not self._failed:
                log.warning("capture log not written: %s", e)
            self._failed = True
