"""The app's capture log writer (app/capture_log.py) over a real encrypted store: capture's
changes become rows on its own thread and connection, the current state is confirmed on a
heartbeat, a lock is written before the store closes and ended at the unlock."""

from __future__ import annotations

import time

from app.capture_log import APP_LOCKED, CaptureLog
from capture.service import State, StateChange
from memory.store.coverage import LOCK_END_UNKNOWN, NOT_RUNNING

T0 = 1_750_000_000.0


class Wall:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t


def _rows(store):
    return [tuple(r) for r in store.db.execute(
        "SELECT start_epoch, end_epoch, seen_epoch, state, reason FROM capture_log "
        "ORDER BY start_epoch, id")]


def _seen(store, at) -> bool:
    rows = _rows(store)
    return bool(rows) and rows[-1][2] == at


def _until(cond, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False


def test_changes_heartbeat_and_quit(open_store):
    store = open_store()
    wall = Wall()
    log = CaptureLog(store, heartbeat_s=0.05, wall=wall)
    log.state_changed(StateChange(State.RECORDING, "", T0))
    log.state_changed(StateChange(State.PAUSED, "paused by the user", T0 + 60, T0 + 960))
    log.state_changed(StateChange(State.RECORDING, "", T0 + 120))
    wall.t = T0 + 400                      # the heartbeat confirms the current state
    assert _until(lambda: _seen(store, T0 + 400)), _rows(store)
    wall.t = T0 + 500
    log.close()                            # the app quits: the open span ends now
    assert _rows(store) == [(T0, T0 + 60, T0 + 60, "recording", ""),
                            (T0 + 60, T0 + 120, T0 + 120, "paused", "paused by the user"),
                            (T0 + 120, T0 + 500, T0 + 500, "recording", "")]
    log.state_changed(StateChange(State.STOPPED, "", T0 + 501))   # after close: ignored
    assert len(_rows(store)) == 3


def test_a_crash_ends_at_the_last_heartbeat_and_a_lock_at_the_unlock(open_store):
    store = open_store()
    wall = Wall()
    log = CaptureLog(store, heartbeat_s=0.05, wall=wall)
    log.state_changed(StateChange(State.RECORDING, "", T0))
    wall.t = T0 + 300
    assert _until(lambda: _seen(store, T0 + 300)), _rows(store)
    log.close(end_open=False)              # as a crash leaves it: open, seen at the heartbeat
    assert _rows(store) == [(T0, None, T0 + 300, "recording", "")]

    wall.t = T0 + 3600                     # the next start
    log2 = CaptureLog(store, wall=wall)
    log2.state_changed(StateChange(State.RECORDING, "", T0 + 3600))
    wall.t = T0 + 3700
    log2.lock()                            # written before the store would close
    assert _rows(store)[-1] == (T0 + 3700, None, T0 + 3700, "locked", APP_LOCKED)

    wall.t = T0 + 4000
    log3 = CaptureLog(store, after_unlock=True, wall=wall)
    log3.state_changed(StateChange(State.RECORDING, "", T0 + 4000))
    log3.close(end_open=False)
    spans = store.coverage.spans(T0, T0 + 4100, now=T0 + 4100)
    assert [(s.start, s.end, s.state) for s in spans] == [
        (T0, T0 + 300, "recording"), (T0 + 300, T0 + 3600, NOT_RUNNING),
        (T0 + 3600, T0 + 3700, "recording"), (T0 + 3700, T0 + 4000, "locked"),
        (T0 + 4000, T0 + 4100, "recording")]
    assert spans[3].reason == APP_LOCKED


def test_a_lock_the_app_was_quit_in_has_no_known_end(open_store):
    store = open_store()
    wall = Wall()
    log = CaptureLog(store, wall=wall)
    log.lock()
    wall.t = T0 + 7200                     # quit while locked; started again two hours later
    CaptureLog(store, wall=wall).close(end_open=False)
    assert _rows(store) == [(T0, T0 + 7200, T0 + 7200, "locked", LOCK_END_UNKNOWN)]


def test_the_gui_and_a_headless_capture_keep_their_own_rows(open_store):
    """`commonplace capture` started while the GUI runs (capture off in the GUI) on one real
    store: neither start nor quit of one closes the other's open row; the strip merges."""
    store = open_store()
    wall = Wall()
    gui = CaptureLog(store, wall=wall)                     # role "gui"
    gui.note("stopped", "capture is off")
    assert _until(lambda: len(_rows(store)) == 1), _rows(store)
    wall.t = T0 + 100
    headless = CaptureLog(store, wall=wall, role="capture")   # its start recovers: not the GUI's
    assert gui.writer != headless.writer
    headless.state_changed(StateChange(State.RECORDING, "", T0 + 100))
    headless.state_changed(StateChange(State.PAUSED, "paused by the user", T0 + 200,
                                       T0 + 500))
    assert _until(lambda: len(_rows(store)) == 3), _rows(store)
    wall.t = T0 + 300
    headless.close()                                       # Ctrl+C: ends its own row only
    assert _rows(store) == [(T0, None, T0, "stopped", "capture is off"),
                            (T0 + 100, T0 + 200, T0 + 200, "recording", ""),
                            (T0 + 200, T0 + 300, T0 + 300, "paused", "paused by the user")]
    spans = store.coverage.spans(T0, T0 + 400, now=T0 + 400)
    assert [(s.start, s.end, s.state, s.current) for s in spans] == [
        (T0, T0 + 100, "stopped", False), (T0 + 100, T0 + 200, "recording", False),
        (T0 + 200, T0 + 300, "paused", False), (T0 + 300, T0 + 400, "stopped", True)]
    wall.t = T0 + 400
    gui.close()
    assert _rows(store)[0] == (T0, T0 + 400, T0 + 400, "stopped", "capture is off")


CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from app.capture_log import CaptureLog
from memory.store.store import Store
from models.embeddings import HashEmbedder

store = Store.open(Path(sys.argv[2]), passphrase=sys.argv[3], encrypt_new=True,
                   embedder=HashEmbedder())
log = CaptureLog(store, role="capture")          # as `commonplace capture` makes it
log.note("recording")
while store.db.execute("SELECT count(*) FROM capture_log WHERE writer = ?",
                       [log.writer]).fetchone()[0] == 0:
    time.sleep(0.02)
print(log.writer, flush=True)
sys.stdin.readline()                              # until killed
"""


def test_a_headless_capture_in_another_process_killed_is_closed_once_gone(open_store, tmp_path):
    """Two real processes on one encrypted store: the child (a headless capture's writer)
    starting leaves the GUI's open row alone; once it is killed, the next start closes its
    row where it was last seen, and still leaves the live GUI's alone."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from memory.store.coverage import writer_id
    from tests.conftest import PASSPHRASE

    store = open_store(tmp_path / "data")
    gui = CaptureLog(store)
    gui.note("stopped", "capture is off")
    assert _until(lambda: len(_rows(store)) == 1), _rows(store)
    root = str(Path(__file__).resolve().parents[2])
    child = subprocess.Popen([sys.executable, "-c", CHILD, root, str(tmp_path / "data"),
                              PASSPHRASE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        headless = child.stdout.readline().strip()
        assert headless.startswith(f"capture:{child.pid}:"), headless
        open_rows = dict(store.db.execute(
            "SELECT writer, state FROM capture_log WHERE end_epoch IS NULL").fetchall())
        assert open_rows == {gui.writer: "stopped", headless: "recording"}
    finally:
        os.kill(child.pid, signal.SIGKILL)        # no quit: its row stays open
        child.wait(10)
    # another process of the app starts (the GUI is still running): only the dead one's closes
    other = writer_id("gui", os.getppid())
    assert store.coverage.recover(time.time(), writer=other) == 1
    open_rows = dict(store.db.execute(
        "SELECT writer, state FROM capture_log WHERE end_epoch IS NULL").fetchall())
    assert open_rows == {gui.writer: "stopped"}
    ended = store.db.execute("SELECT end_epoch, seen_epoch FROM capture_log WHERE writer = ?",
                             [headless]).fetchone()
    assert ended[0] == ended[1]                   # where it was last seen
    gui.close()
