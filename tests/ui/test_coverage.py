"""The coverage strip under the timeline's track, over the real screenshot store with a day of
capture states in its capture log; and the tray's and status bar's words for each state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from PySide6.QtGui import QColor, QImage

from capture.service import State
from memory.api import CoverageSpan
from tests.ui.conftest import DAY
from tests.ui.shots import render, themed_shots
from ui.timeline.coverage import CAUSES, describe
from ui.tray import state_of


def at(h: int, m: int = 0) -> float:
    return dt.datetime.combine(DAY, dt.time(h, m)).astimezone().timestamp()


# (from, to, state, reason, paused until): the app quit at 17:30 and was not running 09:00-09:08
PLAN = [((8, 25), (9, 0), "recording", "", None),
        ((9, 8), (10, 0), "recording", "", None),
        ((10, 0), (10, 30), "paused", "paused by the user", (10, 30)),
        ((10, 30), (11, 50), "idle", "no keyboard or mouse input for 5 min", None),
        ((11, 50), (12, 10), "locked", "screen locked", None),
        ((12, 10), (12, 50), "recording", "", None),
        ((12, 50), (12, 55), "excluded", "excluded window: not captured", None),
        ((12, 55), (14, 30), "recording", "", None),
        ((14, 30), (14, 45), "error", "The screen reads as black: nothing is stored.", None),
        ((14, 45), (15, 0), "disk-low", "only 300 MB free on the data disk", None),
        ((15, 0), (17, 0), "recording", "", None),
        ((17, 0), (17, 15), "locked", "Commonplace is locked", None),
        ((17, 15), (17, 30), "recording", "", None)]


@pytest.fixture
def logged_day(screens_core):
    """The plan written through the capture log's own API; cut out again afterwards (the
    store is the session's)."""
    from memory.store.coverage import forget_span

    log = screens_core.store.coverage
    for (a, b, state, reason, until) in PLAN:
        log.record(state, reason, at=at(*a), paused_until=at(*until) if until else None)
        if b in ((9, 0), (17, 30)):
            log.end(at(*b))                     # the app quit
    yield log
    with screens_core.store.transaction():
        forget_span(screens_core.store.db, at(0), at(23, 59))


@pytest.fixture
def window(qtbot, screens_core, pools, logged_day):
    from ui.main_window import MainWindow

    w = MainWindow(screens_core, store_pool=pools[0], chat_pool=pools[1], use_llm=False)
    qtbot.addWidget(w)
    w.resize(1200, 760)
    w.show()
    strip = w.timeline.coverage
    with qtbot.waitSignal(strip.loaded, timeout=20000):
        w.start(DAY)
    qtbot.waitUntil(lambda: w.timeline.day is not None, timeout=20000)
    return w


def test_the_strip_marks_every_gap_with_its_cause(qtbot, window):
    strip = window.timeline.coverage
    states = [s.state for s in strip.spans]
    assert states == ["not-running", "recording", "not-running", "recording", "paused",
                      "idle", "locked", "recording", "excluded", "recording", "error",
                      "disk-low", "recording", "locked", "recording", "not-running"]
    assert strip.spans[0].start == window.timeline.day.start          # the day, whole
    assert strip.spans[-1].end == window.timeline.day.end
    text = strip.accessibleDescription()
    assert strip.accessibleName() == "Capture coverage"
    assert "paused 10:00–10:30 (paused by the user)" in text
    assert "app not running 09:00–09:08" in text and "locked 17:00–17:15" in text
    assert "excluded app in front 12:50–12:55" in text

    paused = next(s for s in strip.spans if s.state == "paused")
    assert describe(paused).splitlines() == [
        "Paused: 10:00–10:30 (30 min)", "paused until 10:30", "paused by the user"]
    short = CoverageSpan(at(10), at(10) + 8, "paused", "paused by the user")
    assert describe(short).splitlines()[0] == "Paused: 10:00:00–10:00:08 (8 s)"

    # It follows the track's zoom and scroll: at an hour around the pause, the pause fills
    # the strip's middle, drawn in its colour where the track puts 10:15.
    track = window.timeline.track
    track.set_span(3600.0)
    track.set_cursor(at(10, 15))
    qtbot.wait(20)
    x = track.x_of(at(10, 15))
    assert abs(x - strip.width() / 2) <= 2
    assert strip.span_at(x).state == "paused"
    assert strip.span_at(track.x_of(at(9, 50))).state == "recording"
    img: QImage = render(strip, 1).toImage()
    assert img.pixelColor(int(x), strip.height() // 2) == QColor(CAUSES["paused"].colour)
    left = img.pixelColor(int(track.x_of(at(9, 50))), strip.height() // 2)
    assert left == QColor(CAUSES["recording"].colour)


def test_strip_screenshots(qtbot, window):
    window.timeline.track.set_span(24 * 3600.0)
    qtbot.wait(20)
    shots = themed_shots(qtbot, window, window.theme, "timeline_coverage")
    assert len(shots) == 4 and all(p.stat().st_size > 0 for p in shots)


@dataclass
class Status:
    state: State
    message: str = ""
    paused_until: float | None = None


def test_tray_and_status_bar_say_what_capture_does_and_why(qtbot, window):
    from ui.tray import Tray

    until = at(10, 30)
    cases = [
        (Status(State.RECORDING), "recording", "Recording", "Capture: recording"),
        (Status(State.PAUSED, "paused for 30 min", until), "paused", "Paused until 10:30",
         "Capture: paused until 10:30"),
        (Status(State.PAUSED, "paused"), "paused", "Paused until you resume",
         "Capture: paused until you resume"),
        (Status(State.IDLE, "no keyboard or mouse input for 5 min"), "waiting",
         "Idle, not recording: no keyboard or mouse input for 5 min",
         "Capture: idle, not recording: no keyboard or mouse input for 5 min"),
        (Status(State.LOCKED, "screen locked"), "waiting",
         "Screen locked, not recording", "Capture: screen locked, not recording"),
        (Status(State.EXCLUDED, "excluded window: not captured"), "waiting",
         "Excluded app in front, not recording",
         "Capture: excluded app in front, not recording"),
        (Status(State.EXCLUDED, "Commonplace window in front: not captured"), "waiting",
         "Commonplace window in front: not captured",
         "Capture: Commonplace window in front: not captured"),
        (Status(State.ERROR, "The screen reads as black"), "error",
         "Capture problem: The screen reads as black",
         "Capture problem: The screen reads as black"),
        (None, "off", "Capture is off", "Capture is off"),
    ]

    class Fixed:
        status_now: Status | None = None

        def pause(self, minutes=None): ...
        def resume(self): ...

        def status(self):
            return self.status_now

    cap = Fixed()
    tray = Tray(cap, poll_ms=60000)
    window.follow_capture(tray)
    try:
        for status, look, line, bar in cases:
            assert state_of(status) == (look, line)
            cap.status_now = status
            if status is None:
                tray.set_capture(None)
            tray.refresh()
            assert window.capture_label.text() == bar
            assert window.capture_label.accessibleName() == bar
            assert tray.pause_action.isEnabled() == (look in ("recording", "waiting"))
    finally:
        tray.close()


def test_tab_reaches_the_strip_and_arrows_walk_its_gaps(qtbot, window):
    """Keyboard and screen reader: Tab from the track lands on the strip; ←/→ (Home/End)
    move between the gaps, the focused one outlined and described as its tooltip says."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    strip, track = window.timeline.coverage, window.timeline.track
    track.set_span(24 * 3600.0)
    window.activateWindow()
    track.setFocus()
    qtbot.waitUntil(track.hasFocus, timeout=5000)
    qtbot.keyClick(track, Qt.Key.Key_Tab)
    qtbot.waitUntil(strip.hasFocus, timeout=5000)
    assert QApplication.focusWidget() is strip
    gaps = [s for s in strip.spans if s.state != "recording"]
    assert strip.focused == gaps[0]               # the first gap in view, on focus
    assert strip.accessibleDescription() == describe(gaps[0])
    assert strip.accessibleDescription().startswith("App not running: 00:00–08:25")

    walked = [strip.focused]
    for _ in range(len(gaps) + 2):                # past the last: it stays there
        qtbot.keyClick(strip, Qt.Key.Key_Right)
        walked.append(strip.focused)
    assert walked[:len(gaps)] == gaps and walked[-1] == gaps[-1]
    qtbot.keyClick(strip, Qt.Key.Key_Home)
    for _ in range(2):
        qtbot.keyClick(strip, Qt.Key.Key_Right)
    paused = strip.focused
    assert paused.state == "paused"               # 00:00, 09:00, then the pause
    assert strip.accessibleDescription().splitlines() == [
        "Paused: 10:00–10:30 (30 min)", "paused until 10:30", "paused by the user"]
    qtbot.keyClick(strip, Qt.Key.Key_Left)
    assert strip.focused.start == at(9, 0)        # "not running" 09:00–09:08

    # the focused gap is outlined in the highlight colour (and only it)
    qtbot.keyClick(strip, Qt.Key.Key_Right)
    qtbot.keyClick(strip, Qt.Key.Key_Right)       # idle 10:30–11:50: wide enough to see
    idle = strip.focused
    assert idle.state == "idle"
    img = render(strip, 1).toImage()
    hl = strip.palette().highlight().color()
    x0, x1 = track.x_of(idle.start), track.x_of(idle.end)
    edge = [img.pixelColor(x, 1) for x in range(int(x0) + 3, int(x1) - 3)]
    assert sum(c == hl for c in edge) > 0.8 * len(edge)
    mid = img.pixelColor(int((x0 + x1) / 2), strip.height() // 2)
    assert mid == QColor(CAUSES["idle"].colour)   # the fill still tells the cause
    far = track.x_of(at(15, 30))
    assert img.pixelColor(int(far), 1) != hl

    # zoomed in, a gap out of view is scrolled into it
    track.set_span(3600.0)
    track.set_cursor(at(8, 0))
    qtbot.keyClick(strip, Qt.Key.Key_End)         # the evening's "not running"
    lo, hi = track.view_range
    assert strip.focused == gaps[-1] and lo < strip.focused.end and strip.focused.start < hi

    # focus elsewhere: the day's summary again
    track.setFocus()
    qtbot.waitUntil(lambda: not strip.hasFocus(), timeout=5000)
    assert strip.accessibleDescription().startswith("Capture coverage: recording")


def test_walking_the_gaps_moves_the_timeline_to_each(qtbot, window):
    """The keys that walk the strip's gaps take the track's cursor and the viewer there: the
    frame on screen when the gap began, as a click on the track at that time shows. Tabbing
    into the strip moves nothing; focus stays on the strip for the next key."""
    from PySide6.QtCore import Qt

    view = window.timeline
    strip, track, day = view.coverage, view.track, view.day
    track.set_span(24 * 3600.0)
    window.activateWindow()
    track.setFocus()
    qtbot.waitUntil(track.hasFocus, timeout=5000)
    before, cursor = view.viewer.frame.id, track.cursor
    with qtbot.assertNotEmitted(strip.gapFocused):
        qtbot.keyClick(track, Qt.Key.Key_Tab)
        qtbot.waitUntil(strip.hasFocus, timeout=5000)
    gaps = strip.gaps()
    assert strip.focused == gaps[0]
    assert (view.viewer.frame.id, track.cursor) == (before, cursor)   # only outlined

    def expect(gap):
        """What a click on the track at the gap's start shows."""
        return day.frames[day.nearest(gap.start)]

    shown = []
    for k, key in ((1, Qt.Key.Key_Right), (2, Qt.Key.Key_Right), (3, Qt.Key.Key_Right),
                   (2, Qt.Key.Key_Left), (0, Qt.Key.Key_Home)):
        with qtbot.waitSignal(strip.gapFocused, timeout=2000) as told:
            qtbot.keyClick(strip, key)
        gap = gaps[k]
        assert told.args == [strip.focused] == [gap]
        assert track.cursor == gap.start
        assert view.viewer.frame.id == expect(gap).id == day.frames[view.index].id
        assert strip.hasFocus()
        shown.append(view.viewer.frame.id)
    assert len(set(shown)) > 1, "the walk crossed frames"

    # zoomed in on the morning, End: the evening's gap is brought into view, its start
    # under the cursor, its frame (the day's last before it) in the viewer, image and all
    track.set_span(3600.0)
    track.set_cursor(at(8, 0))
    last = gaps[-1]
    with qtbot.waitSignal(view.imageShown, timeout=10000,
                          check_params_cb=lambda fid: fid == expect(last).id):
        qtbot.keyClick(strip, Qt.Key.Key_End)
    lo, hi = track.view_range
    assert strip.focused == last and lo <= track.cursor == last.start <= hi
    assert expect(last).ts_epoch <= last.start
    x = track.x_of(last.start)
    assert strip.span_at(x + 1) == last          # the strip and the track agree on where

