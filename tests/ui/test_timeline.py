"""The timeline over the real screenshot store: load a day, scrub, search, jump."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt

DAY = dt.date(2026, 2, 17)
from ui.timeline.view import TimelineView


@pytest.fixture
def timeline(qtbot, screens_core, pools):
    view = TimelineView(screens_core.store.frames, pools[0])
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    with qtbot.waitSignal(view.dayLoaded, timeout=20000) as day:
        view.load_date(DAY)
    assert day.args[0] == len(view.day.frames) > 5
    return view


def test_day_loads_and_scrubbing_shows_that_frame(qtbot, timeline, grab):
    view = timeline
    frames = view.day.frames
    assert all(f.ts.startswith("2026-02-17") for f in frames)
    view.zoom.setCurrentText("minute")
    target = frames[len(frames) // 2]
    view.track.set_cursor(target.ts_epoch)   # centre the minute view on it
    nxt = frames[frames.index(target) + 1].ts_epoch
    x = view.track.x_of((target.ts_epoch + nxt) / 2)
    with qtbot.waitSignals([view.frameShown, view.imageShown], timeout=10000,
                           order="strict") as sigs:
        qtbot.mouseClick(view.track, Qt.MouseButton.LeftButton, pos=QPoint(int(x), 30))
    assert sigs.signal_triggered
    assert view.viewer.frame.id == target.id
    assert view.viewer.text.toPlainText() == target.ocr_text
    assert target.app in view.viewer.meta.text()
    assert view.viewer.image.pixmap() is not None and not view.viewer.image.pixmap().isNull()
    grab(view, "timeline_scrubbed")

    # a drag across the track lands on the frame under the pointer at release
    first = frames[0]
    view.zoom.setCurrentText("hour")
    view.track.set_cursor(first.ts_epoch)
    with qtbot.waitSignal(view.frameShown, timeout=5000,
                          check_params_cb=lambda fid: fid == first.id):
        view.track.scrubbed.emit(first.ts_epoch + 0.1)


def test_thumbnails_load_off_thread_and_are_cached(qtbot, timeline, grab):
    view = timeline
    strip_ids = [view.strip.item(i).data(Qt.ItemDataRole.UserRole)
                 for i in range(view.strip.count())]
    if not strip_ids:   # the strip refresh is coalesced by a short timer
        qtbot.waitUntil(lambda: view.strip.count() > 0, timeout=5000)
        strip_ids = [view.strip.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(view.strip.count())]
    qtbot.waitUntil(lambda: all(view.cache.get(i) is not None for i in strip_ids), timeout=15000)
    img = view.cache.get(strip_ids[0])
    assert 0 < img.width() <= 192 and 0 < img.height() <= 120
    loads = len(view.cache.load_times)
    view.strip.show_frames([view.day.frames[0]], None)   # cached: no new load
    assert len(view.cache.load_times) == loads
    grab(view, "timeline_thumbnails")


def test_search_highlights_matching_frames(qtbot, timeline, grab):
    view = timeline
    word = "lentils"
    expected = [f.id for f in view.day.frames if word in f.ocr_text.lower()]
    assert expected, "the dev screenshots mention lentils"
    with qtbot.waitSignal(view.searchDone, timeout=5000) as done:
        view.search.setText("Lentils")
        qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert done.args == [len(expected)]
    assert view.matches == expected
    assert len(view.track._marks) == len(expected)
    assert "match" in view.search_info.text()
    qtbot.waitUntil(lambda: view.viewer.frame is not None
                    and view.viewer.frame.id in expected, timeout=5000)
    grab(view, "timeline_search")

    with qtbot.waitSignal(view.searchDone, timeout=5000) as none:
        view.run_search("zzzz-nothing-like-this")
    assert none.args == [0] and view.search_info.text() == "No frame matches"


def test_jump_to_time_and_open_frame_by_id(qtbot, timeline):
    view = timeline
    f = view.day.frames[-1]
    when = dt.datetime.fromtimestamp(f.ts_epoch)
    from PySide6.QtCore import QDateTime
    view.jump.setDateTime(QDateTime(when.replace(second=59)))
    with qtbot.waitSignal(view.frameShown, timeout=10000) as shown:
        qtbot.mouseClick(view.go, Qt.MouseButton.LeftButton)
    assert view.day.frames[view.index].ts_epoch <= when.replace(second=59).timestamp()
    assert shown.args[0] == view.day.frames[view.index].id
    with qtbot.waitSignal(view.frameShown, timeout=5000) as again:
        view.open_frame(view.day.frames[0].id)
    assert again.args == [view.day.frames[0].id]
