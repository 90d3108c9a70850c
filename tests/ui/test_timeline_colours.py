"""App colours stay put while the timeline lives (ui/timeline/colors.py's rule), over a real
encrypted store that capture keeps adding to: a reload of the day never swaps two apps'
colours, a new app takes the next free one, another day (or week) is assigned afresh. The
track, the overview and the week are grabbed and their pixels read."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image

from capture.images import encode_image
from tests.ui.test_bands import _share_of
from ui.timeline import colors
from ui.timeline.track import BAR_TOP
from ui.timeline.view import TimelineView

DAY = dt.date(2026, 3, 10)             # a Tuesday
NEXT = DAY + dt.timedelta(days=1)      # the same week
STEP_S = 120.0
P = colors.PALETTE


def _at(date: dt.date, hour: int, minute: int = 0) -> float:
    return dt.datetime.combine(date, dt.time(hour, minute)).astimezone().timestamp()


def _add(store, date: dt.date, hour: int, minutes: int, app: str) -> None:
    """A run of `app`: a frame every two minutes from `hour` for `minutes`, as capture stores
    them."""
    image = encode_image(Image.new("RGB", (64, 40), (200, 200, 200)))
    t0 = dt.datetime.combine(date, dt.time(hour)).astimezone()
    for k in range(int(minutes * 60 / STEP_S)):
        store.frames.add(image_bytes=image, ts=t0 + dt.timedelta(seconds=k * STEP_S), app=app,
                         window_title=f"{app} window", url=None, width=64, height=40,
                         phash="0", sources=[f"{app}-{date}-{hour}-{k}"], ocr_lines=[])


@pytest.fixture
def store(open_store):
    s = open_store()
    _add(s, DAY, 9, 40, "Code")          # the busiest app of the morning
    _add(s, DAY, 10, 20, "Firefox")
    _add(s, NEXT, 9, 30, "Slack")
    _add(s, NEXT, 10, 10, "Code")
    return s


def _track_rgb(view, epoch: float) -> tuple[int, int, int]:
    img = view.track.grab().toImage()
    c = img.pixelColor(int(view.track.x_of(epoch)), int(BAR_TOP) + 6)
    return c.red(), c.green(), c.blue()


def _check_painted(view, expected: dict[str, colors.RGB], where: dict[str, float]) -> None:
    """The overview's blocks and the track's runs are drawn in `expected`'s colours."""
    img = view.overview.grab().toImage()
    blocks = view.overview.blocks(0)
    assert {s.app for _, s in blocks} == set(expected)
    for rect, share in blocks:
        assert _share_of(img, rect, expected[share.app]) > 0.3, share.app
    view.track.set_zoom("day")
    for app, epoch in where.items():
        assert _track_rgb(view, epoch) == expected[app], app


def _day_view(qtbot, store, pools) -> TimelineView:
    """A timeline view on screen, DAY loaded."""
    view = TimelineView(store.frames, pools[0])
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    with qtbot.waitSignal(view.dayLoaded, timeout=20000):
        view.load_date(DAY)
    return view


def test_an_apps_colour_holds_while_the_day_grows(qtbot, store, pools, grab):
    view = _day_view(qtbot, store, pools)
    first = {"Code": P[0], "Firefox": P[1]}            # ranked: Code 40 min, Firefox 20
    assert view.overview.colours == first == colors.for_runs(view.day.runs)
    _check_painted(view, first, {"Code": _at(DAY, 9, 20), "Firefox": _at(DAY, 10, 10)})

    # The afternoon: Firefox overtakes Code (80 min against 40) and Slack appears. A fresh
    # ranking would swap Code and Firefox; on screen, each keeps its colour and Slack takes
    # the next free one.
    _add(store, DAY, 11, 60, "Firefox")
    _add(store, DAY, 13, 10, "Slack")
    with qtbot.waitSignal(view.dayLoaded, timeout=20000) as grown:
        view.refresh()
    assert grown.args == [len(view.day.frames)] == [65]
    assert colors.for_runs(view.day.runs)["Firefox"] == P[0]   # what a re-rank would do
    kept = {"Code": P[0], "Firefox": P[1], "Slack": P[2]}
    assert view.overview.colours == kept
    assert [s.app for s in view.overview.data.apps] == ["Firefox", "Code", "Slack"]
    _check_painted(view, kept, {"Code": _at(DAY, 9, 20), "Firefox": _at(DAY, 11, 30),
                                "Slack": _at(DAY, 13, 5)})
    grab(view, "timeline_colours_kept")

    # Another day is assigned afresh (its busiest app first)...
    with qtbot.waitSignal(view.dayLoaded, timeout=20000):
        view.load_date(NEXT)
    assert view.overview.colours == {"Slack": P[0], "Code": P[1]}
    _check_painted(view, {"Slack": P[0], "Code": P[1]},
                   {"Slack": _at(NEXT, 9, 15), "Code": _at(NEXT, 10, 5)})
    # ... and so is the first day, coming back to it: ranked as it stands now
    with qtbot.waitSignal(view.dayLoaded, timeout=20000):
        view.load_date(DAY)
    assert view.overview.colours == {"Firefox": P[0], "Code": P[1], "Slack": P[2]}
    _check_painted(view, view.overview.colours, {"Firefox": _at(DAY, 11, 30),
                                                 "Code": _at(DAY, 9, 20)})


def test_a_weeks_colours_hold_while_it_is_reloaded(qtbot, store, pools):
    view = _day_view(qtbot, store, pools)
    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        view.show_week()
    week = {"Code": P[0], "Slack": P[1], "Firefox": P[2]}   # 50, 30 and 20 min that week
    assert colors.for_week(view.week_days) == week
    _add(store, NEXT, 14, 120, "Terminal")                  # now the week's busiest app
    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        view.show_week()
    assert colors.for_week(view.week_days)["Terminal"] == P[0]
    row = view.week.row_rect(NEXT.weekday())
    img = view.week.grab().toImage()
    for app, epoch in (("Slack", _at(NEXT, 9, 15)), ("Code", _at(NEXT, 10, 5)),
                       ("Terminal", _at(NEXT, 15))):
        c = img.pixelColor(int(view.week.x_of(NEXT.weekday(), epoch)), int(row.center().y()))
        assert (c.red(), c.green(), c.blue()) == {**week, "Terminal": P[3]}[app], app
