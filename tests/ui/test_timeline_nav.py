"""Getting around the timeline: wheel zoom from the week to a minute, keys, the day
overview, the foldable text panel; over real stores filled by the real import (and, for
episodes, the real memory pipeline). Screenshots: the day, the week, light and dark."""

from __future__ import annotations

import datetime as dt
import math
import types

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from tests.ui.shots import themed_shots
from tests.ui.test_bands import memory_store  # noqa: F401  (the module-scoped fixture)
from ui.style import Theme
from ui.timeline.bands import Episode
from ui.timeline.day import (
    MAX_SPAN,
    MIN_SPAN,
    OverviewSettings,
    Run,
    duration_text,
    minute_blocks,
    overview,
    step_target,
    step_targets,
)
from ui.timeline.overview import ROW_H
from ui.timeline.view import TimelineView
from ui.timeline.viewer import FrameViewer

DAY = dt.date(2026, 2, 17)
EPS = 1e-3


def _view(qtbot, store, pools, memories=None, date=DAY):
    view = TimelineView(store.frames, pools[0], memories=memories)
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    with qtbot.waitSignal(view.dayLoaded, timeout=20000):
        view.load_date(date)
    return view


def _wheel(widget, x: float, dy: int = 0, dx: int = 0, mods=Qt.KeyboardModifier.NoModifier):
    pos = QPointF(x, widget.height() / 2)
    ev = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(dx, dy),
                     Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


# -- plain data ----------------------------------------------------------------------
def _day(frames, episodes=()):
    from ui.timeline.day import Day, build_runs

    start = min(f.ts_epoch for f in frames) - 100
    return Day(date=DAY, start=start, end=start + 86400, frames=frames,
               times=[f.ts_epoch for f in frames], runs=build_runs(frames),
               episodes=list(episodes))


def _frames(spec):
    """(seconds from 1000, app) pairs as frame rows."""
    return [types.SimpleNamespace(id=k, ts_epoch=1000.0 + t, app=a)
            for k, (t, a) in enumerate(spec)]


def test_overview_counts_time_per_app_and_per_topic():
    frames = _frames([(0, "Code"), (60, "Code"), (120, "Firefox"), (150, "Code"),
                      (1000, "Terminal")])
    eps = [Episode(1, 1000, 1100, "Code: parser.py", "Code"),
           Episode(2, 1150, 1200, "Code: parser.py", "Code"),
           Episode(3, 1120, 1150, "Firefox: docs", "Firefox"),
           Episode(4, 1400, 1401, "Mail: a note", "Mail")]
    ov = overview(_day(frames, eps), OverviewSettings(max_topics=2, min_share=0.0))
    # a frame lasts until the next, at most 300 s; the last one 5 s
    assert [(s.name, s.seconds) for s in ov.apps] == \
        [("Code", 120 + 300), ("Firefox", 30), ("Terminal", 5)]
    assert ov.total == 455 and ov.app_share("Firefox") == pytest.approx(30 / 455)
    assert [(s.name, s.seconds, s.ids) for s in ov.topics] == \
        [("Code: parser.py", 150, (1, 2)), ("Firefox: docs", 30, (3,)), ("other", 1, (4,))]
    assert ov.topics[0].first == 1000 and ov.topics[0].app == "Code"
    # too small a share joins "other"
    small = overview(_day(frames, eps), OverviewSettings(max_topics=6, min_share=0.1))
    assert [s.name for s in small.topics] == ["Code: parser.py", "Firefox: docs", "other"]
    assert [duration_text(s) for s in (40, 14 * 60, 2 * 3600 + 5 * 60)] == \
        ["40 s", "14 min", "2 h 05 min"]
    assert overview(_day(frames)).topics == []


def test_episode_steps_are_each_episodes_first_frame():
    frames = _frames([(0, "Code"), (60, "Code"), (120, "Firefox"), (180, "Firefox"),
                      (240, "Code")])
    eps = [Episode(7, 1050, 1130, "a", "Code"),    # first frame inside: index 1
           Episode(8, 1130, 1135, "b", "Code"),    # none inside: on screen then, index 2
           Episode(9, 1121, 1126, "c", "Firefox")]  # index 2 as well
    day = _day(frames, eps)
    assert step_targets(day) == [(1, 7), (2, 8), (2, 9)]
    assert step_target(day, 0, 1) == (1, 7) and step_target(day, 1, 1) == (2, 8)
    assert step_target(day, 2, 1) is None and step_target(day, 4, -1) == (2, 8)
    assert step_target(day, 1, -1) is None
    # no episodes: the app runs
    bare = _day(frames)
    assert [i for i, _ in step_targets(bare)] == [0, 2, 4]
    assert bare.runs == [Run(1000, 1120, "Code"), Run(1120, 1240, "Firefox"),
                         Run(1240, 1245, "Code")]


def test_a_week_row_is_minute_blocks_of_the_app_with_most_of_each_minute():
    runs = [Run(0, 50, "Code"), Run(50, 70, "Mail"),        # minute 0: Code (50 s)
            Run(70, 200, "Mail"),                            # minutes 1-3: Mail
            Run(200, 225, "Code"), Run(225, 240, "Mail"),    # minute 3 still Mail (35 s)
            Run(600, 601, "Files")]                          # a second: still its minute
    assert minute_blocks(runs, 0, 3600) == [(0, 1, "Code"), (1, 4, "Mail"), (10, 11, "Files")]
    assert minute_blocks([Run(-30, 30, "Code")], 0, 120) == [(0, 1, "Code")]   # clipped
    assert minute_blocks([], 0, 60) == []


# -- wheel, week -----------------------------------------------------------------------
def test_the_wheel_zooms_at_the_pointer_from_the_week_to_a_minute(qtbot, screens_core, pools,
                                                                  grab):
    view = _view(qtbot, screens_core.store, pools)
    track, day = view.track, view.day
    assert track.span == MAX_SPAN and view.zoom.currentText() == "day"
    x = track.width() * 0.6
    under = track.epoch_at(x)
    spans = []
    for _ in range(7):
        _wheel(track, x, dy=120)            # a notch in
        spans.append(track.span)
        assert track.epoch_at(x) == pytest.approx(under, abs=1.0)   # anchored
    assert all(a > b for a, b in zip([MAX_SPAN] + spans, spans))
    assert not any(s in (3600.0, 60.0) for s in spans)              # continuous levels
    assert view.zoom.currentText() == "hour"    # the nearest level is named
    for _ in range(40):
        _wheel(track, x, dy=120)
    assert track.span == MIN_SPAN
    assert view.zoom.currentText() == "minute"
    # Shift+wheel (or a horizontal wheel) scrolls; the span stays
    lo = track.view_range[0]
    _wheel(track, x, dy=-120, mods=Qt.KeyboardModifier.ShiftModifier)
    assert track.view_range[0] == pytest.approx(lo + MIN_SPAN / 10)
    _wheel(track, x, dx=120)
    assert track.view_range[0] == pytest.approx(lo) and track.span == MIN_SPAN
    # the combobox still sets a level exactly, even the one it names
    view.zoom.activated.emit(view.zoom.findText("hour"))
    assert track.span == 3600.0
    # out to the day, once more: the week
    for _ in range(20):
        if track.span == MAX_SPAN:
            break
        _wheel(track, x, dy=-120)
    assert track.span == MAX_SPAN and view.pages.currentWidget() is view.day_page
    with qtbot.waitSignal(view.weekLoaded, timeout=20000) as week:
        _wheel(track, x, dy=-120)
    assert view.pages.currentWidget() is view.week and view.zoom.currentText() == "week"
    days = view.week_days
    assert [d.date for d in days][0].weekday() == 0 and len(days) == 7
    assert DAY in [d.date for d in days] and week.args == [sum(1 for d in days if d.frames)]
    shown = next(d for d in days if d.date == DAY)
    assert shown.frames == len(day.frames) and shown.seconds > 0
    assert all(d.frames == 0 for d in days if d.date != DAY)
    grab(view, "timeline_week")

    # a click in the week opens that day at that time
    k = [d.date for d in days].index(DAY)
    target = day.frames[len(day.frames) // 2]
    wx = view.week.x_of(k, target.ts_epoch + 1)
    row = view.week.row_rect(k)
    with qtbot.waitSignal(view.frameShown, timeout=5000) as opened:
        qtbot.mouseClick(view.week, Qt.MouseButton.LeftButton,
                         pos=QPoint(math.ceil(wx), int(row.center().y())))
    assert view.pages.currentWidget() is view.day_page and view.zoom.currentText() == "day"
    picked = day.frames[day.index_of(opened.args[0])]
    assert target.ts_epoch <= picked.ts_epoch <= target.ts_epoch + 2 * 86400 / row.width()


# -- keys --------------------------------------------------------------------------
def test_keys_step_frames_and_the_day(qtbot, screens_core, pools):
    view = _view(qtbot, screens_core.store, pools)
    frames = view.day.frames
    view.track.setFocus()
    assert view.index == 0
    for key, expected in ((Qt.Key.Key_Right, 1), (Qt.Key.Key_Right, 2), (Qt.Key.Key_Left, 1),
                          (Qt.Key.Key_End, len(frames) - 1), (Qt.Key.Key_Right, len(frames) - 1),
                          (Qt.Key.Key_Home, 0), (Qt.Key.Key_Left, 0)):
        qtbot.keyClick(view.track, key)
        assert view.index == expected, key
        assert view.viewer.frame.id == frames[expected].id
        assert view.track.cursor == pytest.approx(frames[expected].ts_epoch)
    # a day without episodes: PgDn goes to the next app switch, PgUp back
    switches = [i for i in range(1, len(frames)) if frames[i].app != frames[i - 1].app]
    assert switches
    qtbot.keyClick(view.track, Qt.Key.Key_PageDown)
    assert view.index == switches[0]
    qtbot.keyClick(view.track, Qt.Key.Key_PageUp)
    assert view.index == 0
    # +/-: zoom around the frame shown
    qtbot.keyClick(view.track, Qt.Key.Key_Plus)
    assert view.track.span == MAX_SPAN / 2
    # the search box keeps its arrows: typing there steps nothing
    view.search.setFocus()
    qtbot.keyClick(view.search, Qt.Key.Key_Right)
    assert view.index == 0


def test_n_and_the_now_button_go_to_todays_latest_frame(qtbot, open_store, pools):
    from PIL import Image

    from capture.images import encode_image
    from memory.ocr_types import OcrLine

    store = open_store(encrypt=False)
    now = dt.datetime.now().astimezone()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    times = [midnight + (now - midnight) * k / 4 for k in (1, 2, 3)] + \
        [dt.datetime.combine(DAY, dt.time(9, 0)).astimezone()]
    for k, ts in enumerate(times):
        store.frames.add(image_bytes=encode_image(Image.new("RGB", (64, 40), (90, 90, 90))),
                         ts=ts, app="Files", window_title=f"w{k}", url=None, width=64,
                         height=40, phash="0", sources=[f"now:{k}"],
                         ocr_lines=[OcrLine(f"line {k}", (0, 0, 10, 10), 1.0)])
    view = _view(qtbot, store, pools)
    assert view.day.date == DAY
    view.track.setFocus()
    with qtbot.waitSignal(view.dayLoaded, timeout=10000):
        qtbot.keyClick(view.track, Qt.Key.Key_N)
    assert view.day.date == dt.date.today() and view.index == len(view.day.frames) - 1 == 2
    assert view.viewer.frame.window_title == "w2"
    view.load_date(DAY)
    qtbot.waitUntil(lambda: view.day.date == DAY, timeout=10000)
    with qtbot.waitSignal(view.dayLoaded, timeout=10000):
        qtbot.mouseClick(view.now, Qt.MouseButton.LeftButton)
    assert view.day.date == dt.date.today() and view.viewer.frame.window_title == "w2"


def test_page_keys_go_episode_by_episode(qtbot, memory_store, pools):  # noqa: F811
    view = _view(qtbot, memory_store, pools, memories=memory_store.memories)
    day = view.day
    assert len(day.episodes) > 2
    view.track.setFocus()
    seen = []
    for _ in range(len(day.episodes) + 1):
        before = view.index
        with qtbot.waitSignal(view.episodeClicked, timeout=1000, raising=False) as got:
            qtbot.keyClick(view.track, Qt.Key.Key_PageDown)
        if not got.signal_triggered:
            break
        ep = day.episode(got.args[0])
        seen.append(view.index)
        assert view.index > before
        inside = day.first_in(ep.start, ep.end)
        assert view.index == (inside if inside is not None else day.nearest(ep.start))
    assert len(seen) >= 2 and view.index == seen[-1]
    for expected in reversed([0] + seen[:-1]):
        qtbot.keyClick(view.track, Qt.Key.Key_PageUp)
        if expected == 0 and view.index != 0:   # the day's first frame is no episode's
            break
        assert view.index == expected


# -- the overview, the text panel, screenshots ---------------------------------------
def test_the_overview_shows_the_day_and_picks_an_app(qtbot, memory_store, pools,  # noqa: F811
                                                     grab):
    view = _view(qtbot, memory_store, pools, memories=memory_store.memories)
    ov, day = view.overview, view.day
    data = ov.data
    assert data.apps and data.topics
    assert {s.name for s in data.apps} == {r.app for r in day.runs}
    assert data.total == pytest.approx(sum(r.end - r.start for r in day.runs))
    blocks = ov.blocks(0)
    assert [s.name for _, s in blocks] == [s.name for s in data.apps]
    widths = [r.width() for r, _ in blocks]
    assert widths == sorted(widths, reverse=True)      # longest first, proportional
    assert data.apps[0].name in ov.describe()
    # pick the second app: the track dims the others and shows its next run
    rect, share = blocks[1] if len(blocks) > 1 else blocks[0]
    with qtbot.waitSignal(view.frameShown, timeout=5000):
        qtbot.mouseClick(ov, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert view.track.app_filter == share.app == view.viewer.frame.app
    qtbot.keyClick(view.track, Qt.Key.Key_Right)
    assert view.viewer.frame.app == share.app           # → stays in that app
    img = view.track.grab().toImage()
    assert img.width() > 0
    grab(view, "timeline_overview_picked")
    qtbot.mouseClick(ov, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert view.track.app_filter is None and ov.picked is None
    # a topic opens its episode
    trect, topic = ov.blocks(1)[0]
    assert trect.top() >= ROW_H
    with qtbot.waitSignal(view.episodeClicked, timeout=5000) as clicked:
        qtbot.mouseClick(ov, Qt.MouseButton.LeftButton, pos=trect.center().toPoint())
    assert clicked.args[0] in topic.ids
    ep = day.episode(clicked.args[0])
    assert ep.label == topic.name or topic.name == "other"

    win = QMainWindow()   # as in the app: the theme on a main window, the view inside
    win.setCentralWidget(view)
    win.resize(1100, 760)
    win.show()
    qtbot.addWidget(win)
    theme = Theme(win)
    try:
        view.zoom.setCurrentText("day")
        view.track.set_cursor(ep.start)
        qtbot.waitUntil(lambda: view.viewer.image.pixmap() is not None
                        and not view.viewer.image.pixmap().isNull(), timeout=10000)
        qtbot.wait(150)   # the strip follows the view after a short timer
        ids = [view.strip.item(i).data(Qt.ItemDataRole.UserRole)
               for i in range(view.strip.count())]
        qtbot.waitUntil(lambda: all(view.cache.get(i) is not None for i in ids), timeout=15000)
        themed_shots(qtbot, win, theme, "timeline_day")
        themed_shots(qtbot, ov, theme, "timeline_overview")
        with qtbot.waitSignal(view.weekLoaded, timeout=20000):
            view.zoom.setCurrentText("week")
        themed_shots(qtbot, win, theme, "timeline_week")
    finally:
        theme.disconnect_system()


def test_the_text_panel_folds_and_stays_folded_for_the_session(qtbot, screens_core, pools):
    view = _view(qtbot, screens_core.store, pools)
    viewer = view.viewer
    qtbot.waitUntil(lambda: viewer.image.pixmap() is not None
                    and not viewer.image.pixmap().isNull(), timeout=10000)
    assert viewer.text.isVisible() and FrameViewer.text_open
    wide_before = viewer.image.width()
    try:
        qtbot.mouseClick(viewer.text_toggle, Qt.MouseButton.LeftButton)
        assert not viewer.text.isVisible() and not FrameViewer.text_open
        qtbot.waitUntil(lambda: viewer.image.width() > wide_before, timeout=2000)
        qtbot.waitUntil(lambda: viewer.image.pixmap().width() > 0, timeout=2000)
        # the text is still there for the next frame; a new viewer opens folded too
        qtbot.keyClick(view.track, Qt.Key.Key_Right)
        assert not viewer.text.isVisible() and viewer.text.toPlainText() == \
            view.day.frames[view.index].ocr_text
        other = FrameViewer()
        qtbot.addWidget(other)
        other.show()
        assert not other.text.isVisible() and not other.text_toggle.isChecked()
        qtbot.mouseClick(other.text_toggle, Qt.MouseButton.LeftButton)
        assert other.text.isVisible() and FrameViewer.text_open
    finally:
        FrameViewer.text_open = True
