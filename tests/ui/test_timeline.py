"""The timeline over the real screenshot store: load a day, scrub, search, jump."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt

from memory.ocr_types import OcrLine
from ui.timeline.view import TimelineView
from ui.timeline.viewer import MAX_MARKED, Highlight

DAY = dt.date(2026, 2, 17)


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


PARCEL = [OcrLine("Parcel tracking - Thunderbird", (0, 0, 400, 20), 0.9),
          OcrLine("Your parcel is on its way", (0, 40, 300, 60), 0.9),
          OcrLine("Tracking number:", (0, 80, 180, 100), 0.9),
          OcrLine("ZX-4471-QP", (200, 80, 320, 100), 0.9),
          OcrLine("Carrier: Nordpost", (0, 120, 200, 140), 0.9)]


def test_what_answered_is_found_among_the_ocr_lines():
    def marked(answer, question=""):
        return [l.text for l in Highlight(answer, question).lines(PARCEL)]

    assert marked("ZX-4471-QP") == ["ZX-4471-QP"]                  # the line holds it
    # an answer spanning two OCR boxes marks both
    assert marked("Tracking number: ZX-4471-QP") == ["Tracking number:", "ZX-4471-QP"]
    # a generated sentence: the words it adds to the question, not the ones it repeats
    assert marked("Your parcel's carrier is Nordpost.", "Which carrier has my parcel?") == \
        ["Carrier: Nordpost"]
    # nothing of the answer on this frame: the question's words
    assert marked("I don't know", "Where is my parcel on its way?") == \
        ["Your parcel is on its way"]
    assert marked("", "") == [] and marked("Oslo", "weather") == []
    many = [OcrLine(f"parcel {i}", (0, i, 9, i + 9), 0.9) for i in range(20)]
    assert len(Highlight("", "parcel").lines(many)) == MAX_MARKED


def test_an_opened_frame_has_what_answered_boxed_on_the_image(qtbot, timeline, grab):
    view = timeline
    frame = next(f for f in view.day.frames if "1,240" in f.ocr_text)
    other = next(f for f in view.day.frames if f.id != frame.id)
    with qtbot.waitSignal(view.imageShown, timeout=10000,
                          check_params_cb=lambda i: i == frame.id):
        view.open_frame(frame.id, Highlight("1,240 GBP", "How much was the invoice?"))
    marked = view.viewer.marked
    assert marked and all("1,240 GBP" in l.text for l in marked)
    img = view.viewer.image.pixmap().toImage()
    scale = img.width() / frame.width
    x0, y0, x1, y1 = marked[0].box
    edge = img.pixelColor(int((x0 + x1) / 2 * scale), max(0, round(y0 * scale - 3)))
    assert edge.red() > 180 and edge.blue() < 90, edge.getRgb()   # the box, drawn
    sel = view.viewer.text.extraSelections()
    assert len(sel) == len(marked) and "1,240 GBP" in sel[0].cursor.block().text()
    grab(view, "timeline_marked")

    # moving on: another frame is shown plain, and coming back by scrubbing too
    with qtbot.waitSignal(view.frameShown, timeout=5000):
        view.select_frame_id(other.id)
    assert view.viewer.marked == [] and view.viewer.text.extraSelections() == []
    with qtbot.waitSignal(view.frameShown, timeout=5000):
        view.open_frame(frame.id)
    assert view.viewer.marked == []
