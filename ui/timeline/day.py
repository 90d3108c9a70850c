"""Plain data for one day of the timeline (no Qt): frame rows, app runs, the memory
pipeline's episodes and summaries, colours, search.

Loading a day and matching a search run on a worker thread; the widgets only read the
result.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from ui.timeline.bands import Bands, Episode, Summary, load_bands

ZOOMS = {"day": 24 * 3600.0, "hour": 3600.0, "minute": 60.0}


@dataclass(frozen=True)
class Run:
    """Consecutive frames of one app: drawn as one coloured block on the track."""
    start: float
    end: float
    app: str


@dataclass
class Day:
    date: dt.date
    start: float                       # local midnight, epoch seconds
    end: float
    frames: list = field(default_factory=list)   # memory.api.Frame, by ts_epoch
    times: list[float] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)    # by start
    summaries: list[Summary] = field(default_factory=list)   # hour and day, by start
    bands: Bands | None = field(default=None, compare=False)  # their layout (worker-made)

    def nearest(self, epoch: float) -> int | None:
        """Index of the frame shown at `epoch`: the last one at or before it (else the first)."""
        if not self.frames:
            return None
        i = bisect.bisect_right(self.times, epoch) - 1
        return max(i, 0)

    def first_in(self, lo: float, hi: float, *, slack: float = 1e-3) -> int | None:
        """Index of the first frame with lo <= ts <= hi (times stored as ISO text and as
        floats may differ in the last microsecond: `slack` absorbs that)."""
        i = bisect.bisect_left(self.times, lo - slack)
        return i if i < len(self.times) and self.times[i] <= hi + slack else None

    def episode(self, memory_id: int) -> Episode | None:
        return next((e for e in self.episodes if e.id == memory_id), None)

    def index_of(self, frame_id: int) -> int | None:
        for i, f in enumerate(self.frames):
            if f.id == frame_id:
                return i
        return None


def day_bounds(date: dt.date) -> tuple[float, float]:
    start = dt.datetime.combine(date, dt.time.min).astimezone()
    end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min).astimezone()
    return start.timestamp(), end.timestamp() - 1e-6


def build_runs(frames, *, gap_s: float = 300.0) -> list[Run]:
    """Merge frames into app runs; a frame covers until the next one (at most `gap_s`)."""
    runs: list[Run] = []
    for i, f in enumerate(frames):
        nxt = frames[i + 1].ts_epoch if i + 1 < len(frames) else f.ts_epoch + 5.0
        end = min(nxt, f.ts_epoch + gap_s)
        if runs and runs[-1].app == f.app and f.ts_epoch - runs[-1].end < 1e-6:
            runs[-1] = Run(runs[-1].start, end, f.app)
        else:
            runs.append(Run(f.ts_epoch, end, f.app))
    return runs


def load_day(frames_repo, date: dt.date, memories=None) -> Day:
    """Worker job: read one local day of frames (rows only; images load lazily) and, from
    `memories` (the store's memory repository; None: no bands), its episodes and
    summaries."""
    start, end = day_bounds(date)
    frames = frames_repo.between(start, end)
    episodes, summaries = load_bands(memories, start, end)
    return Day(date=date, start=start, end=end, frames=frames,
               times=[f.ts_epoch for f in frames], runs=build_runs(frames),
               episodes=episodes, summaries=summaries, bands=Bands(episodes, summaries))


def app_colour(app: str) -> tuple[int, int, int]:
    """A stable, distinct hue per app (blake2b, not `hash()`, so it survives restarts)."""
    if not app:
        return (150, 150, 150)
    h = int.from_bytes(hashlib.blake2b(app.lower().encode(), digest_size=2).digest(), "big")
    return _hsv((h % 360) / 360.0, 0.55, 0.85)


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    import colorsys

    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


def match_frames(frames, query: str) -> list[int]:
    """Ids of frames whose OCR text, app or title holds every word of `query` (any case)."""
    words = [w for w in query.lower().split() if w]
    if not words:
        return []
    out = []
    for f in frames:
        hay = f"{f.ocr_text}\n{f.app}\n{f.window_title}".lower()
        if all(w in hay for w in words):
            out.append(f.id)
    return out


def sample_indices(day: Day, lo: float, hi: float, slots: int) -> list[int]:
    """Up to `slots` distinct frame indices spread evenly over [lo, hi] (the strip)."""
    if not day.frames or slots <= 0:
        return []
    a = bisect.bisect_left(day.times, lo)
    b = bisect.bisect_right(day.times, hi)
    if b <= a:
        i = day.nearest(lo)
        return [] if i is None else [i]
    n = b - a
    if n <= slots:
        return list(range(a, b))
    step = n / slots
    return sorted({a + int(k * step) for k in range(slots)})
