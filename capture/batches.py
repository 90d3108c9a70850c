"""Observations of stored frames, grouped into batches for the memory pipeline.

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
class Observation:
    frame_id: int
    ts: str          # ISO 8601 with offset, as stored on the frame
    ts_epoch: float
    app: str
    title: str
    url: str | None
    text: str        # the frame's (redacted) OCR text


@dataclass(frozen=True)
class ObservationBatch:
    observations: tuple[Observation, ...]
    start_ts: str
    end_ts: str

    @property
    def frame_ids(self) -> list[int]:
        return [o.frame_id for o in self.observations]

    def __len__(self) -> int:
        return len(self.observations)


@dataclass
class Batcher:
    out: queue.Queue
    batch_seconds: float
    batch_frames: int
    clock: Callable[[], float]
    max_backlog: int = 1000
    _pending: list[Observation] = field(default_factory=list)
    _opened: float | None = None
    _backlog: deque = field(default_factory=deque)
    _dropped: list[ObservationBatch] = field(default_factory=list)
    sent: int = 0

    def add(self, obs: Observation) -> None:
        if not self._pending:
            self._opened = self.clock()
        self._pending.append(obs)
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
            obs = tuple(self._pending)
            self._backlog.append(ObservationBatch(obs, obs[0].ts, obs[-1].ts))
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

    def drain_dropped(self) -> list[ObservationBatch]:
        out, self._dropped = self._dropped, []
        return out
