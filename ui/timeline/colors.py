"""App colours for the timeline (no Qt): one palette, handed out per view in order of time
used, so the apps on one day (or one week) never share a colour or get two near ones.

The day's track, its overview and the week all call this module: `for_runs(day.runs)` for a
day (the same ranking the overview lists its apps in: most time first, then by name),
`for_week(days)` for a week. An app keeps its colour everywhere within that day (or week).
Apps past the palette's slots get muted colours spread around the hue circle in the same
order; no app (an empty name) is grey.
"""

from __future__ import annotations

import colorsys
from collections.abc import Callable, Iterable, Mapping
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
    slot = 0
    for app in apps:
        if app in out:
            continue
        if not app:
            out[app] = NEUTRAL
            continue
        out[app] = slot_colour(slot)
        slot += 1
    return out


def slot_colour(slot: int) -> RGB:
    if slot < len(PALETTE):
        return PALETTE[slot]
    h = ((slot - len(PALETTE)) * GOLDEN + 0.05) % 1.0
    r, g, b = colorsys.hsv_to_rgb(h, *TAIL_SV)
    return round(r * 255), round(g * 255), round(b * 255)


def for_runs(runs) -> dict[str, RGB]:
    """A day's colours from its app runs (`day.Run`: start, end, app)."""
    seconds: dict[str, float] = {}
    for r in runs:
        seconds[r.app] = seconds.get(r.app, 0.0) + (r.end - r.start)
    return assign(ranked(seconds))


def for_week(days) -> dict[str, RGB]:
    """A week's colours from its rows (`day.WeekDay`: minute blocks), time used that week."""
    minutes: dict[str, float] = {}
    for d in days:
        for a, b, app in d.blocks:
            minutes[app] = minutes.get(app, 0.0) + (b - a)
    return assign(ranked(minutes))


class Lookup(Generic[T]):
    """A view's colours as its painter's objects (`make(r, g, b)`, e.g. QColor), each made
    once: `Lookup(for_runs(day.runs), QColor)(app)`."""

    def __init__(self, colours: Mapping[str, RGB], make: Callable[..., T]) -> None:
        self._colours, self._make = colours, make
        self._made: dict[str, T] = {}

    def __call__(self, app: str) -> T:
        c = self._made.get(app)
        if c is None:
            c = self._made[app] = self._make(*colour_of(self._colours, app))
        return c


def colour_of(colours: Mapping[str, RGB], app: str) -> RGB:
    """`app`'s colour in a view's assignment; one the view did not rank (none: it has no
    time there) is grey."""
    return colours.get(app, NEUTRAL)
