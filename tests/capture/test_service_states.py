"""Capture tells its state sink each change of state, with the reason, once per change (not
once per poll); the sink is a recording fake here (the real one, the store's capture log, is
tested in tests/app/test_capture_log.py)."""

from __future__ import annotations

import queue

import pytest
from capture_fakes import FakeGrabber, FakeIdle, FakeOcr, FakeWindows, screen

from capture.idle import IdleState
from capture.service import CaptureService, State, StateChange
from capture.settings import CaptureSettings, PrivacySettings
from capture.window import WindowInfo

NOTES = WindowInfo("notesapp", "Shopping - Notes", 42)
VAULT = WindowInfo("keepassxc", "Bank logins.kdbx - KeePassXC", 43)
WALL0 = 1_750_000_000.0


class Sink:
    def __init__(self) -> None:
        self.changes: list[StateChange] = []

    def state_changed(self, change: StateChange) -> None:
        self.changes.append(change)

    def states(self) -> list[State]:
        return [c.state for c in self.changes]


@pytest.fixture
def rig(store, clock):
    sink = Sink()
    idle = FakeIdle()
    windows = FakeWindows(NOTES)
    lines = ["Buy apples", "Call the dentist"]
    grabber = FakeGrabber(screen(lines))
    ocr = FakeOcr()
    ocr.texts = list(lines)
    svc = CaptureService(store, ocr, CaptureSettings(interval_s=2.0, busy_gap_s=0.0,
                                                     idle_after_s=120.0),
                         PrivacySettings(), windows, idle, queue.Queue(), clock,
                         grabber=grabber, wall=lambda: WALL0 + clock(), sink=sink)
    svc.start(schedule=False)

    def step(seconds=0.5, n=1):
        for _ in range(n):
            clock.advance(seconds)
            svc.poll()

    yield svc, sink, idle, windows, step
    svc.stop(5)


def test_each_change_is_told_once_with_its_reason(rig, clock):
    svc, sink, idle, windows, step = rig
    step(0.5, n=40)                                   # twenty seconds of recording
    assert sink.states() == [State.RECORDING]

    svc.pause(15)
    step(30.0, n=6)                                   # three minutes paused; the status
    assert "min left" in svc.status().message        # message counts down ...
    assert sink.states() == [State.RECORDING, State.PAUSED]   # ... the log does not
    paused = sink.changes[-1]
    assert paused.reason == "paused by the user"
    assert paused.paused_until == pytest.approx(paused.at + 15 * 60, abs=1)
    assert svc.status().paused_until == pytest.approx(paused.paused_until, abs=1)

    svc.resume()
    assert sink.states()[-1] is State.RECORDING and svc.status().paused_until is None

    idle.value = IdleState(300.0, False)
    step(0.5, n=10)
    assert sink.states()[-1] is State.IDLE
    assert sink.changes[-1].reason == "no keyboard or mouse input for 2 min"
    idle.value = IdleState(0.0, True)
    step(0.5, n=10)
    assert sink.states()[-1] is State.LOCKED and sink.changes[-1].reason == "screen locked"
    idle.value = IdleState(0.0, False)

    windows.info = VAULT
    step(0.5, n=10)
    excluded = sink.changes[-1]
    assert excluded.state is State.EXCLUDED
    # the log is told no app and no title of what was excluded
    assert "keepassxc" not in excluded.reason.lower() and "bank" not in excluded.reason.lower()
    windows.info = NOTES
    step(2.5, n=2)
    assert sink.states()[-1] is State.RECORDING

    svc.stop(5)
    assert sink.states() == [State.RECORDING, State.PAUSED, State.RECORDING, State.IDLE,
                             State.LOCKED, State.EXCLUDED, State.RECORDING, State.STOPPED]
    ats = [c.at for c in sink.changes]
    assert ats == sorted(ats) and ats[0] >= WALL0


def test_a_timed_pause_ends_by_itself_and_says_so(rig, clock):
    svc, sink, _idle, _windows, step = rig
    svc.pause(1)
    step(20.0, n=4)                                   # past the minute
    assert svc.status().state is State.RECORDING
    assert sink.states() == [State.RECORDING, State.PAUSED, State.RECORDING]


def test_a_failing_sink_never_stops_capture(store, clock, caplog):
    class Broken:
        def state_changed(self, change):
            raise OSError("disk full")

    svc = CaptureService(store, FakeOcr(), CaptureSettings(interval_s=2.0),
                         PrivacySettings(), FakeWindows(NOTES), FakeIdle(), queue.Queue(),
                         clock, grabber=FakeGrabber(screen(["a"])), sink=Broken())
    svc.start(schedule=False)
    try:
        svc.pause()
        svc.resume()
        clock.advance(2.5)
        svc.poll()
        assert svc.status().state is State.RECORDING
        assert "capture state not recorded: disk full" in caplog.text
    finally:
        svc.stop(5)
