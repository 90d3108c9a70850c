"""The frames capture stored, grouped into batches that tell the app to run the pipeline.

A batch names stored frames (ids and times), not what they show: the memory pipeline reads
its observations (memory.items.Observation, with their provenance) from the store, where
they survive a crash, and the app only counts what a batch held to know that there is new
work. So capture has no observation type of its own to keep in step with the pipeline's.

A batch is closed after `batch_seconds` since its first observation or at `batch_frames`
observations, whichever comes first, and put on the caller's queue without waiting: a
full queue (the pipeline is behind) keeps batches here, in order, and retries on the
next call. The frames themselves are already stored, so a backlog costs only memory,
and is capped: past `max_backlog` batches the oldest are handed back to the caller of
`drain_dropped()` so the pipeline can pick their frames up from the store later.
"""

from __future__ import annotations

import logging
import queue
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrameBatch:
    frame_ids: tuple[int, ...]   # stored frames, in the order they were stored
    start_ts: str                # the first one's time (ISO 8601 with offset, as stored)
    end_ts: str                  # the last one's

    def __len__(self) -> int:
        return len(self.frame_ids)


@dataclass
class Batcher:
    out: queue.Queue
    batch_seconds: float
    batch_frames: int
    clock: Callable[[], float]
    max_backlog: int = 1000
    _pending: list[tuple[int, str]] = field(default_factory=list)   # (frame id, time)
    _opened: float | None = None
    _backlog: deque = field(default_factory=deque)
    _dropped: list[FrameBatch] = field(default_factory=list)
    sent: int = 0

    def add(self, frame_id: int, ts: str) -> None:
        """A frame was stored (`ts`: its time as stored)."""
        if not self._pending:
            self._opened = self.clock()
        self._pending.append((frame_id, ts))
        if len(self._pending) >= self.batch_frames:
            self.flush()

    def due(self) -> bool:
        return bool(self._pending) and self._opened is not None and \
            self.clock() - self._opened >= self.batch_seconds

    def poll(self) -> None:
        """Close the open batch if its time is up, and retry a backlog."""
        if self.due():
            self.flush()
        else:
            self._send()

    def flush(self) -> None:
        """Close the open batch now (however small) and send what can be sent."""
        if self._pending:
            ids = tuple(i for i, _ts in self._pending)
            self._backlog.append(FrameBatch(ids, self._pending[0][1], self._pending[-1][1]))
            self._pending, self._opened = [], None
            while len(self._backlog) > self.max_backlog:
                self._dropped.append(self._backlog.popleft())
        self._send()

    def _send(self) -> None:
        while self._backlog:
            try:
                self.out.put_nowait(self._backlog[0])
            except queue.Full:
                if len(self._backlog) == 1:
                    log.info("observation queue full: the memory pipeline is behind; holding")
                return
            self._backlog.popleft()
            self.sent += 1

    @property
    def pending(self) -> int:
        return len(self._pending) + sum(len(b) for b in self._backlog)

    def drain_dropped(self) -> list[FrameBatch]:
        out, self._dropped = self._dropped, []
        return out
