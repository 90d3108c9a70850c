"""App colours for the timeline (no Qt): one palette, handed out per view in order of time
used, so the apps on one day (or one week) never share a colour or get two near ones.

The day's track, its overview and the week call this module: `rank_runs(day.runs)` ranks a
day's apps (the order the overview lists them in: most time first, then by name),
`rank_week(days)` a week's. Apps past the palette's slots get muted colours spread around
the hue circle in the same order; no app (an empty name) is grey.

The rule while a view lives (`Stable`, one for its days and one for its weeks): an app that
has a colour on screen keeps it. A reload of the same day (capture added frames, the
pipeline added episodes) never re-ranks: the apps already coloured keep their colours, even
when another one has overtaken them in time used, and an app new to that day takes the next
free slot, in order of time used. Another day (or week) starts afresh: its apps are ranked
by time used and take the slots in that order (so the busiest app of each day is blue), and
an app may have another colour there. `for_runs` / `for_week` / `assign` are the fresh
assignment alone (a view shown once, tests).
"""

from __future__ import annotations

import colorsys
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Generic, TypeVar

RGB = tuple[int, int, int]
T = TypeVar("T")

# Twelve qualitative colours (Tableau's ten less its grey, and three more), each at least 75
# apart (RGB distance) from every other and from NEUTRAL, readable on light and dark bases;
# the overview picks dark or light ink on each.
PALETTE: tuple[RGB, ...] = (
    (31, 119, 180),    # blue
    (255, 127, 14),    # orange
    (44, 160, 44),     # green
    (214, 39, 40),     # red
    (118, 72, 168),    # violet
    (140, 86, 75),     # brown
    (227, 119, 194),   # pink
    (188, 189, 34),    # olive
    (23, 190, 207),    # cyan
    (174, 199, 232),   # light blue
    (255, 187, 120),   # peach
    (240, 2, 127),     # magenta
)
NEUTRAL: RGB = (150, 150, 150)      # no app ("other", frames without an app)
GOLDEN = 0.381966                   # hue step past the palette: the golden angle, in turns
TAIL_SV = (0.35, 0.72)              # saturation and value past the palette: muted


def ranked(seconds: Mapping[str, float]) -> list[str]:
    """Apps by time used, most first; ties by name (as `day.overview` lists them)."""
    return sorted(seconds, key=lambda a: (-seconds[a], a))


def assign(apps: Iterable[str]) -> dict[str, RGB]:
    """`apps` (ranked, most used first) to colours: palette slots in order, then the tail;
    "" is NEUTRAL and takes no slot. A name given twice keeps its first colour."""
    out: dict[str, RGB] = {}
    _extend(out, 0, apps)
    return out


def _extend(colours: dict[str, RGB], slot: int, apps: Iterable[str]) -> int:
    """Give the apps of `apps` not in `colours` the slots from `slot` on, in order ("" is
    NEUTRAL, no slot); the next free slot."""
    for app in apps:
        if app in colours:
            continue
        if not app:
            colours[app] = NEUTRAL
            continue
        colours[app] = slot_colour(slot)
        slot += 1
    return slot


def slot_colour(slot: int) -> RGB:
    if slot < len(PALETTE):
        return PALETTE[slot]
    h = ((slot - len(PALETTE)) * GOLDEN + 0.05) % 1.0
    r, g, b = colorsys.hsv_to_rgb(h, *TAIL_SV)
    return round(r * 255), round(g * 255), round(b * 255)


def rank_runs(runs) -> list[str]:
    """A day's apps from its app runs (`day.Run`: start, end, app), most time first."""
    seconds: dict[str, float] = {}
    for r in runs:
        seconds[r.app] = seconds.get(r.app, 0.0) + (r.end - r.start)
    return ranked(seconds)


def rank_week(days) -> list[str]:
    """A week's apps from its rows (`day.WeekDay`: minute blocks), most time first."""
    minutes: dict[str, float] = {}
    for d in days:
        for a, b, app in d.blocks:
            minutes[app] = minutes.get(app, 0.0) + (b - a)
    return ranked(minutes)


def for_runs(runs) -> dict[str, RGB]:
    """A day's colours, assigned afresh from its app runs."""
    return assign(rank_runs(runs))


def for_week(days) -> dict[str, RGB]:
    """A week's colours, assigned afresh from its rows (time used that week)."""
    return assign(rank_week(days))


class Lookup(Generic[T]):
    """A view's colours as its painter's objects (`make(r, g, b)`, e.g. QColor), each made
    once: `Lookup(for_runs(day.runs), QColor)(app)`. One lookup is shared by the widgets
    that show the same day (the track and the overview)."""

    def __init__(self, colours: Mapping[str, RGB], make: Callable[..., T]) -> None:
        self._colours: dict[str, RGB] = dict(colours)
        self._make = make
        self._made: dict[str, T] = {}

    @property
    def colours(self) -> Mapping[str, RGB]:
        """App → colour, in the order they were given (read-only)."""
        return MappingProxyType(self._colours)

    def __call__(self, app: str) -> T:
        c = self._made.get(app)
        if c is None:
            c = self._made[app] = self._make(*colour_of(self._colours, app))
        return c

    def extend(self, colours: Mapping[str, RGB]) -> None:
        """Add (or change) apps' colours; the objects made for the others stay."""
        for app, rgb in colours.items():
            if self._colours.get(app) != rgb:
                self._colours[app] = rgb
                self._made.pop(app, None)   # made before it had a colour: grey


class Stable(Generic[T]):
    """The colours of one kind of view (its days, or its weeks) for as long as it lives: the
    module's rule. `update(scope, ranked_apps)` with the scope shown (a day's date, a week's
    Monday) gives the lookup to paint with — the same lookup, extended, while the scope stays;
    a new one, assigned afresh, when it changes."""

    _NONE = object()

    def __init__(self, make: Callable[..., T]) -> None:
        self._make = make
        self.scope: object = self._NONE
        self.lookup: Lookup[T] = Lookup({}, make)
        self._slot = 0                  # the next free palette slot

    def update(self, scope: object, apps: Iterable[str]) -> Lookup[T]:
        if scope != self.scope:
            self.scope, self.lookup, self._slot = scope, Lookup({}, self._make), 0
        known = dict(self.lookup.colours)
        self._slot = _extend(known, self._slot, apps)
        self.lookup.extend(known)
        return self.lookup


def colour_of(colours: Mapping[str, RGB], app: str) -> RGB:
    """`app`'s colour in a view's assignment; one the view did not rank (none: it has no
    time there) is grey."""
    return colours.get(app, NEUTRAL)
