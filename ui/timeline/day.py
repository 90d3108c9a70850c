"""Plain data for one day of the timeline (no Qt): frame rows, app runs, the memory
pipeline's episodes and summaries, colours, search.

Loading a day and matching a search run on a worker thread; the widgets only read the
result.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass, field

from ui.timeline.bands import Bands, Episode, Summary, load_bands

ZOOMS = {"day": 24 * 3600.0, "hour": 3600.0, "minute": 60.0}
MIN_SPAN, MAX_SPAN = ZOOMS["minute"], ZOOMS["day"]   # the track's continuous zoom
WEEK_DAYS = 7


@dataclass(frozen=True)
class OverviewSettings:
    """What the day overview shows: topics (episode titles) at most, and how short a
    share may be and still get its own block (shorter ones join "other")."""
    max_topics: int = 6
    min_share: float = 0.02
    other: str = "other"


OVERVIEW = OverviewSettings()


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


@dataclass(frozen=True)
class Share:
    """One block of the day overview: an app's (or a topic's) time that day."""
    name: str
    seconds: float
    app: str                 # whose colour it is drawn in ("" for "other")
    first: float             # when it first appears (epoch), to jump to
    ids: tuple[int, ...] = ()   # the episodes of a topic


@dataclass(frozen=True)
class Overview:
    apps: list[Share]        # longest first
    topics: list[Share]      # longest first; the last may be "other"
    total: float             # seconds of app time (frames' coverage)

    def app_share(self, app: str) -> float:
        return next((s.seconds for s in self.apps if s.name == app), 0.0) / (self.total or 1)


def overview(day: Day, settings: OverviewSettings = OVERVIEW) -> Overview:
    """Time per app (from the app runs: what the frames covered) and per topic (the
    memory pipeline's episodes grouped by title, clipped to the day), longest first."""
    apps: dict[str, list[float]] = {}
    for r in day.runs:
        a = apps.setdefault(r.app, [0.0, r.start])
        a[0] += r.end - r.start
    total = sum(v[0] for v in apps.values())
    app_list = sorted((Share(name or "unknown app", secs, name, first)
                       for name, (secs, first) in apps.items()),
                      key=lambda s: (-s.seconds, s.name))
    topics: dict[str, list] = {}
    for e in day.episodes:
        secs = min(e.end, day.end) - max(e.start, day.start)
        if secs <= 0:
            continue
        t = topics.setdefault(e.label, [0.0, e.start, e.app, []])
        t[0] += secs
        t[1] = min(t[1], e.start)
        t[3].append(e.id)
    ranked = sorted(topics.items(), key=lambda kv: (-kv[1][0], kv[0]))
    all_secs = sum(v[0] for _, v in ranked) or 1.0
    keep, rest = [], []
    for name, (secs, first, app, ids) in ranked:
        big = len(keep) < settings.max_topics and secs / all_secs >= settings.min_share
        (keep if big else rest).append(Share(name, secs, app, first, tuple(ids)))
    if rest:
        keep.append(Share(settings.other, sum(s.seconds for s in rest), "",
                          min(s.first for s in rest), tuple(i for s in rest for i in s.ids)))
    return Overview(app_list, keep, total)


def duration_text(seconds: float) -> str:
    """"2 h 05 min", "14 min", "40 s"."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    h, m = divmod(s // 60, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"


def step_targets(day: Day) -> list[tuple[int, int | None]]:
    """Where PgUp/PgDn go, as (frame index, episode id) sorted by index: each episode's
    first frame (or, with none inside it, the frame on screen when it began); a day without
    episodes steps through its app runs (episode id None)."""
    out: set[tuple[int, int | None]] = set()
    for e in day.episodes:
        i = day.first_in(e.start, e.end)
        if i is None:
            i = day.nearest(e.start)
        if i is not None:
            out.add((i, e.id))
    if not out:
        for r in day.runs:
            i = day.first_in(r.start, r.end)
            if i is not None:
                out.add((i, None))
    return sorted(out, key=lambda t: (t[0], -1 if t[1] is None else t[1]))


def step_target(day: Day, index: int, direction: int) -> tuple[int, int | None] | None:
    """The next (direction +1) or previous (-1) step target strictly past frame `index`."""
    targets = step_targets(day)
    idx = [t[0] for t in targets]
    if direction > 0:
        k = bisect.bisect_right(idx, index)
        return targets[k] if k < len(targets) else None
    k = bisect.bisect_left(idx, index) - 1
    if k < 0:
        return None
    first = bisect.bisect_left(idx, idx[k])   # of several episodes on one frame: the first
    return targets[first]


@dataclass
class WeekDay:
    """One row of the week: its app time as minute blocks (each minute in the app that had
    most of it, neighbours of one app merged), so a row paints in a few hundred rects at
    most however many frames and app switches the day had."""
    date: dt.date
    start: float
    end: float
    blocks: list[tuple[int, int, str]]     # (first minute, end minute, app)
    frames: int
    seconds: float                         # app time (the runs' total)
    first: float | None                    # the first frame's time

    @property
    def minutes(self) -> float:
        return (self.end - self.start) / 60


def minute_blocks(runs: list[Run], start: float, end: float) -> list[tuple[int, int, str]]:
    """`runs` as (first minute, end minute, app) blocks from `start`: each minute goes to
    the app with most seconds in it; consecutive minutes of one app are one block."""
    n = math.ceil((end - start) / 60)
    acc: list[dict[str, float] | None] = [None] * n
    for r in runs:
        a, b = (r.start - start) / 60, (r.end - start) / 60
        m = max(int(a), 0)
        while m < b and m < n:
            cell = acc[m]
            if cell is None:
                cell = acc[m] = {}
            cell[r.app] = cell.get(r.app, 0.0) + min(b, m + 1) - max(a, m)
            m += 1
    blocks: list[tuple[int, int, str]] = []
    for m, cell in enumerate(acc):
        if not cell:
            continue
        app = max(cell, key=cell.__getitem__)
        if blocks and blocks[-1][2] == app and blocks[-1][1] == m:
            blocks[-1] = (blocks[-1][0], m + 1, app)
        else:
            blocks.append((m, m + 1, app))
    return blocks


def week_of(date: dt.date) -> list[dt.date]:
    """The Monday-to-Sunday week holding `date`."""
    monday = date - dt.timedelta(days=date.weekday())
    return [monday + dt.timedelta(days=k) for k in range(WEEK_DAYS)]


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
