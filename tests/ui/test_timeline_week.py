"""The timeline's week (ui/timeline/week.py) and its app colours (ui/timeline/colors.py) over a
real encrypted store with frames on two weeks: other weeks by button and by key, rows read
as (time, app) stamps alone, one palette per view so no two apps of a day or week clash."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QMainWindow, QPushButton

from tests.ui.conftest import DAY
from tests.ui.shots import themed_shots
from tests.ui.test_bands import _share_of
from ui.style import Theme
from ui.timeline import colors
from ui.timeline.day import build_runs, day_bounds, minute_blocks, week_of
from ui.timeline.view import TimelineView
from ui.timeline.week import load_week, week_text

MONDAY = week_of(DAY)[0]                 # Mon 16 Feb 2026
EARLIER = MONDAY - dt.timedelta(days=7)  # Mon 9 Feb
STEP_S = 120.0                           # a frame every two minutes inside a run

# (day, start hour, minutes, app): the week of DAY has seven apps over three days, the
# week before one day of two apps; the busiest app of DAY's week is "Code".
PLAN = [
    (MONDAY, 9, 90, "Code"), (MONDAY, 11, 30, "Firefox"),
    (DAY, 8, 40, "Code"), (DAY, 9, 30, "Terminal"), (DAY, 10, 20, "Slack"),
    (DAY, 14, 60, "Firefox"), (DAY, 16, 12, "Evolution"),
    (DAY + dt.timedelta(days=2), 13, 50, "LibreOffice"),
    (DAY + dt.timedelta(days=2), 15, 16, "Files"),
    (EARLIER + dt.timedelta(days=3), 10, 30, "Code"),
    (EARLIER + dt.timedelta(days=3), 11, 20, "Terminal"),
]


@pytest.fixture(scope="module")
def week_store(tmp_path_factory, embedder):
    from PIL import Image

    from capture.images import encode_image
    from memory.store.store import Store
    from tests.conftest import PASSPHRASE

    store = Store.open(tmp_path_factory.mktemp("week") / "data", passphrase=PASSPHRASE,
                       encrypt_new=True, embedder=embedder)
    image = encode_image(Image.new("RGB", (64, 40), (200, 200, 200)))
    for date, hour, minutes, app in PLAN:
        t0 = dt.datetime.combine(date, dt.time(hour)).astimezone()
        for k in range(int(minutes * 60 / STEP_S)):
            store.frames.add(image_bytes=image, ts=t0 + dt.timedelta(seconds=k * STEP_S),
                             app=app, window_title=f"{app} window", url=None, width=64,
                             height=40, phash="0", sources=[f"{app}-{date}-{k}"],
                             ocr_lines=[])
    yield store
    store.close()


def _view(qtbot, store, pools):
    view = TimelineView(store.frames, pools[0])
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    with qtbot.waitSignal(view.dayLoaded, timeout=20000):
        view.load_date(DAY)
    return view


def _button(view, name: str) -> QPushButton:
    found = [b for b in view.week.findChildren(QPushButton) if b.accessibleName() == name]
    assert len(found) == 1, name
    return found[0]


def test_the_week_reads_stamps_and_draws_what_full_rows_drew(week_store):
    store = week_store
    start, end = day_bounds(DAY)
    stamps = store.frames.stamps_between(start, end)
    full = store.frames.between(start, end)
    assert [(s.ts_epoch, s.app) for s in stamps] == [(f.ts_epoch, f.app) for f in full]
    assert not hasattr(stamps[0], "ocr_text")           # time and app, nothing else
    plan = " ".join(r[-1] for r in store.db.execute(
        "EXPLAIN QUERY PLAN SELECT ts_epoch, app FROM frames WHERE ts_epoch BETWEEN ? AND ? "
        "ORDER BY ts_epoch", [start, end]))
    assert "COVERING INDEX" in plan, plan               # the rows themselves stay unread
    # the week from stamps is the week the full rows made (blocks, counts, totals, firsts)
    before = []
    for d in week_of(DAY):
        lo, hi = day_bounds(d)
        frames = store.frames.between(lo, hi)
        runs = build_runs(frames)
        before.append((d, minute_blocks(runs, lo, hi), len(frames),
                       sum(r.end - r.start for r in runs),
                       frames[0].ts_epoch if frames else None))
    now = [(w.date, w.blocks, w.frames, w.seconds, w.first) for w in load_week(store.frames, DAY)]
    assert now == before
    assert [n for _, _, n, _, _ in now] == [60, 81, 0, 33, 0, 0, 0]


def test_other_weeks_by_button_and_key(qtbot, week_store, pools, grab):
    view = _view(qtbot, week_store, pools)
    week = view.week
    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        view.show_week()
    assert week.dates.text() == "Mon 16 – Sun 22 Feb 2026" == week_text(MONDAY)
    assert week.dates.accessibleName() == "Week shown"
    assert "Week of Mon 16 – Sun 22 Feb 2026" in week.accessibleDescription()
    prev, nxt, this = (_button(view, n) for n in ("Previous week", "Next week", "This week"))
    assert all(b.isEnabled() for b in (prev, nxt, this))

    with qtbot.waitSignal(view.weekLoaded, timeout=20000) as loaded:
        qtbot.mouseClick(prev, Qt.MouseButton.LeftButton)
    assert [d.date for d in view.week_days] == week_of(EARLIER) and loaded.args == [1]
    assert week.dates.text() == "Mon 9 – Sun 15 Feb 2026"
    grab(view, "timeline_week_earlier")
    # a click on a day of that week opens it
    k = 3
    row = week.row_rect(k)
    with qtbot.waitSignal(view.dayLoaded, timeout=20000):
        qtbot.mouseClick(week, Qt.MouseButton.LeftButton,
                         pos=QPoint(int(week.x_of(k, view.week_days[k].first + 60)),
                                    int(row.center().y())))
    assert view.day.date == EARLIER + dt.timedelta(days=3)

    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        view.show_week()
    week.setFocus()
    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        qtbot.keyClick(week, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.week_days[0].date == MONDAY
    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        qtbot.keyClick(week, Qt.Key.Key_BracketLeft)
    assert view.week_days[0].date == EARLIER
    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        qtbot.keyClick(week, Qt.Key.Key_BracketRight)
    assert view.week_days[0].date == MONDAY

    # this week: nothing after it
    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        qtbot.mouseClick(this, Qt.MouseButton.LeftButton)
    assert view.week_days[0].date == week_of(dt.date.today())[0]
    assert not nxt.isEnabled() and not this.isEnabled() and prev.isEnabled()
    with qtbot.assertNotEmitted(week.weekRequested):
        qtbot.keyClick(week, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)


def test_no_two_apps_of_a_view_share_a_colour(qtbot, week_store, pools, grab):
    # the palette: distinct colours, far from each other and from "no app"
    far = 75
    palette = list(colors.PALETTE) + [colors.NEUTRAL]
    for a, b in itertools.combinations(palette, 2):
        assert sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5 > far, (a, b)
    many = colors.assign(f"app{i}" for i in range(30))
    assert len(set(many.values())) == 30                  # past the palette too
    assert colors.assign(["B", "", "A"]) == {"B": colors.PALETTE[0], "": colors.NEUTRAL,
                                             "A": colors.PALETTE[1]}

    view = _view(qtbot, week_store, pools)
    day = view.day
    expected = colors.for_runs(day.runs)
    assert list(expected) == [s.app for s in view.overview.data.apps]   # the overview's order
    assert view.overview.colours == expected
    assert expected["Firefox"] == colors.PALETTE[0]      # the day's busiest app: slot 1
    assert len(set(expected.values())) == len(expected) == 5
    img = view.overview.grab().toImage()
    for rect, share in view.overview.blocks(0):
        assert _share_of(img, rect, expected[share.app]) > 0.3, share.app
    grab(view.overview, "timeline_overview_palette")

    with qtbot.waitSignal(view.weekLoaded, timeout=20000):
        view.show_week()
    week_colours = colors.for_week(view.week_days)
    assert list(week_colours)[0] == "Code"               # the week's busiest app
    assert len(set(week_colours.values())) == len(week_colours) == 7
    img = view.week.grab().toImage()
    for k, d in enumerate(view.week_days):
        row = view.week.row_rect(k)
        for a, b, app in d.blocks:
            if b - a < 5:
                continue
            x0, x1 = view.week.x_of(k, d.start + a * 60), view.week.x_of(k, d.start + b * 60)
            px = img.pixelColor(int((x0 + x1) / 2), int(row.center().y()))
            assert (px.red(), px.green(), px.blue()) == week_colours[app], (d.date, app)
            # its tooltip names the app the colour stands for
            assert view.week.block_at(QPointF((x0 + x1) / 2, row.center().y()))[1][2] == app

    win = QMainWindow()   # as in the app: the theme on a main window, the view inside
    win.setCentralWidget(view)
    win.resize(1100, 720)
    win.show()
    qtbot.addWidget(win)
    theme = Theme(win)
    try:
        shots = themed_shots(qtbot, win, theme, "timeline_week_palette")
        assert len(shots) == 4
    finally:
        theme.disconnect_system()
