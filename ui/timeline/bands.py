"""Episode and summary bands of one day, read from the memory pipeline (no Qt).

What the pipeline stores (memory/floor.py, memory/consolidate.py), all in `memories` with
type "episodic":
  episodes   the floor's app/window sessions (`event_type` "app_session": `summary` is
             "App: window title", `app`, `details`), chats ("conversation") and the LLM
             tier's events; they run from `occurred_at` (also `occurred_epoch`) to
             `fields.ended_at` (absent: a moment)
  summaries  the temporal tree: `event_type` "summary_hour" / "summary_day", spanning
             `occurred_at` to `fields.ended_at`, with a deterministic `summary` line, its
             data (`fields.apps`, read through memory.consolidate.period_of) and an
             optional abstractive sentence in `details`
Only active rows count (an updated summary leaves its older row superseded). The spans
are read through the store's memory repository (`MemoryRepo.episode_spans`, the same query
that answers "what was I doing then?"); this module only turns them into bands.

`load_bands` and the layout (`Bands`, `Spans`) run on the worker that loads the day, so
the GUI thread only maps what is visible to pixels.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from dataclasses import dataclass

from memory.consolidate import SUMMARY_TYPES, period_of

log = logging.getLogger(__name__)

MAX_LANES = 3              # overlapping episodes stack in at most this many lanes


@dataclass(frozen=True)
class Episode:
    id: int                # memory id
    start: float           # epoch seconds
    end: float
    label: str             # what: "Chromium: Pull request #418 …"
    app: str
    details: str = ""
    kind: str = ""         # event_type: app_session, conversation, …

    @property
    def tooltip(self) -> str:
        lines = [self.label]
        if self.details:
            lines.append(self.details)
        lines.append(span_text(self.start, self.end))
        return "\n".join(lines)


@dataclass(frozen=True)
class Summary:
    id: int
    level: str             # "hour" | "day"
    start: float
    end: float
    text: str              # short: the abstractive sentence, else the period line
    full: str              # the stored summary line (and sentence)

    @property
    def tooltip(self) -> str:
        return f"{self.full}\n{span_text(self.start, self.end)}"


def span_text(start: float, end: float) -> str:
    a, b = dt.datetime.fromtimestamp(start), dt.datetime.fromtimestamp(end)
    secs = max(0, round(end - start))
    took = f"{secs} s" if secs < 120 else f"{secs // 60} min"
    last = f"{b:%H:%M:%S}" if b.date() == a.date() else f"{b:%Y-%m-%d %H:%M:%S}"
    return f"{a:%H:%M:%S}–{last} ({took})"


def load_bands(memories, start: float, end: float) -> tuple[list[Episode], list[Summary]]:
    """Worker job: the active episodes and hour/day summaries overlapping [start, end], from
    `memories` (the store's memory repository; None: no bands)."""
    if memories is None:
        return [], []
    episodes: list[Episode] = []
    summaries: list[Summary] = []
    for span in memories.episode_spans(start, end):
        f = span.fields
        kind = str(f.get("event_type") or "")
        summary = " ".join(str(f.get("summary") or "").split())
        details = " ".join(str(f.get("details") or "").split())
        if kind in SUMMARY_TYPES:
            period = period_of(f)
            line = period.line if period else summary
            summaries.append(Summary(
                id=span.id, level="hour" if kind == "summary_hour" else "day", start=span.start,
                end=span.end, text=details or line,
                full=f"{summary}\n{details}" if details else summary))
        else:
            app = str(f.get("app") or "")
            episodes.append(Episode(id=span.id, start=span.start, end=span.end,
                                    label=summary or app or kind or "episode", app=app,
                                    details=details, kind=kind))
    return episodes, summaries


class Spans:
    """Items with .start/.end sorted by start, laid out once: lanes for overlaps and a
    running maximum of ends, so the items overlapping a range are found by bisection."""

    def __init__(self, items, *, max_lanes: int = 1) -> None:
        self.items = sorted(items, key=lambda s: (s.start, s.end, s.id))
        self.starts = [s.start for s in self.items]
        self.reach: list[float] = []
        self.lanes: list[int] = []
        lane_ends: list[float] = []
        top = float("-inf")
        for s in self.items:
            top = max(top, s.end)
            self.reach.append(top)
            free = [k for k, e in enumerate(lane_ends) if e < s.start]
            if free:
                lane = free[0]
            elif len(lane_ends) < max_lanes:
                lane = len(lane_ends)
                lane_ends.append(s.end)
            else:   # full: share the lane that frees first
                lane = min(range(len(lane_ends)), key=lane_ends.__getitem__)
            lane_ends[lane] = max(lane_ends[lane], s.end)
            self.lanes.append(lane)
        self.n_lanes = max(1, len(lane_ends))

    def __len__(self) -> int:
        return len(self.items)

    def visible(self, lo: float, hi: float) -> range:
        """Indices of a superset of the items overlapping [lo, hi], in start order."""
        a = bisect.bisect_left(self.reach, lo)
        b = bisect.bisect_right(self.starts, hi)
        return range(a, max(a, b))


class Bands:
    """A day's bands laid out: episodes in lanes, hour and day summaries apart."""

    def __init__(self, episodes: list[Episode], summaries: list[Summary]) -> None:
        self.episodes = Spans(episodes, max_lanes=MAX_LANES)
        self.hours = Spans([s for s in summaries if s.level == "hour"])
        self.days = Spans([s for s in summaries if s.level != "hour"])

    def __len__(self) -> int:
        return len(self.episodes) + len(self.hours) + len(self.days)
