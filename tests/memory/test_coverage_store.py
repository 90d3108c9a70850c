"""The capture log (memory/store/coverage.py) over a real SQLite database migrated by the real
migrations; `forget` and export over a real encrypted store."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

import pytest

from memory.store.coverage import (
    LOCK_END_UNKNOWN,
    NOT_RUNNING,
    STALE_S,
    CoverageLog,
    forget_span,
    writer_alive,
    writer_id,
)
from memory.store.database import Database
from memory.store.migrations import MIGRATIONS

T0 = 1_750_000_000.0


@pytest.fixture
def db(tmp_path):
    d = Database(sqlite3.connect(str(tmp_path / "log.db")))
    MIGRATIONS.apply(d)
    yield d
    d.close()


def rows(db):
    return [tuple(r) for r in db.execute(
        "SELECT start_epoch, end_epoch, state, reason, paused_until FROM capture_log "
        "ORDER BY start_epoch, id")]


def test_the_migration_makes_the_table(db):
    names = [m.name for m in MIGRATIONS._migrations]
    assert "m008_capture_log" in names and "m010_capture_log_writer" in names
    cols = {c.name: c.type for c in db["capture_log"].columns}
    assert cols == {"id": "INTEGER", "start_epoch": "REAL", "end_epoch": "REAL",
                    "seen_epoch": "REAL", "state": "TEXT", "reason": "TEXT",
                    "paused_until": "REAL", "writer": "TEXT"}


def test_the_same_state_extends_one_row_and_a_change_closes_it(db):
    log = CoverageLog(db)
    assert log.record("recording", at=T0)
    for i in range(1, 50):                       # fifty polls' worth of "still recording"
        assert not log.record("recording", at=T0 + i)
    assert rows(db) == [(T0, None, "recording", "", None)]
    assert log.record("paused", "paused by the user", at=T0 + 60, paused_until=T0 + 960)
    assert not log.record("paused", "paused by the user", at=T0 + 120, paused_until=T0 + 960)
    assert log.record("recording", at=T0 + 200)
    assert log.record("error", "The screen reads as black", at=T0 + 300)
    assert log.record("error", "The screen image does not change", at=T0 + 400)  # new reason
    assert rows(db) == [
        (T0, T0 + 60, "recording", "", None),
        (T0 + 60, T0 + 200, "paused", "paused by the user", T0 + 960),
        (T0 + 200, T0 + 300, "recording", "", None),
        (T0 + 300, T0 + 400, "error", "The screen reads as black", None),
        (T0 + 400, None, "error", "The screen image does not change", None)]
    with pytest.raises(ValueError):
        log.record("napping", at=T0 + 500)


def test_spans_fill_gaps_clip_and_stop_at_now(db):
    log = CoverageLog(db)
    log.record("recording", at=T0 + 100)
    log.record("idle", "no keyboard or mouse input for 5 min", at=T0 + 200)
    log.end(T0 + 300)                                        # the app quit
    log.record("recording", at=T0 + 1000)                    # and started again
    spans = log.spans(T0, T0 + 5000, now=T0 + 1500)
    assert [(s.start, s.end, s.state, s.current) for s in spans] == [
        (T0, T0 + 100, NOT_RUNNING, False),
        (T0 + 100, T0 + 200, "recording", False),
        (T0 + 200, T0 + 300, "idle", False),
        (T0 + 300, T0 + 1000, NOT_RUNNING, False),
        (T0 + 1000, T0 + 1500, "recording", True)]           # nothing shown past now
    assert spans[2].reason == "no keyboard or mouse input for 5 min"
    clipped = log.spans(T0 + 150, T0 + 250, now=T0 + 1500)
    assert [(s.start, s.end, s.state) for s in clipped] == [
        (T0 + 150, T0 + 200, "recording"), (T0 + 200, T0 + 250, "idle")]
    assert log.spans(T0 + 2000, T0 + 3000, now=T0 + 1500) == []   # the future


def test_recover_closes_a_crash_where_it_was_last_seen(db):
    log = CoverageLog(db)
    log.record("recording", at=T0)
    log.record("recording", at=T0 + 600)     # the last heartbeat before the crash
    assert log.recover(T0 + 5000) == 1
    assert rows(db) == [(T0, T0 + 600, "recording", "", None)]
    spans = log.spans(T0, T0 + 5000, now=T0 + 5000)
    assert [s.state for s in spans] == ["recording", NOT_RUNNING]


def test_a_lock_ends_at_the_unlock_or_says_its_end_is_unknown(db):
    log = CoverageLog(db)
    log.record("recording", at=T0)
    log.record("locked", "Commonplace is locked", at=T0 + 100)
    assert log.recover(T0 + 400, after_unlock=True) == 1
    assert rows(db)[-1] == (T0 + 100, T0 + 400, "locked", "Commonplace is locked", None)
    log.record("locked", "Commonplace is locked", at=T0 + 500)
    log.recover(T0 + 9000)                   # the app was quit while locked: a fresh start
    assert rows(db)[-1] == (T0 + 500, T0 + 9000, "locked", LOCK_END_UNKNOWN, None)


def test_forget_span_cuts_the_range_out(db):
    log = CoverageLog(db)
    log.record("recording", at=T0)
    log.record("paused", "paused by the user", at=T0 + 100)
    log.record("recording", at=T0 + 200)
    with db.atomic():
        assert forget_span(db, T0 + 50, T0 + 250, now=T0 + 1000) == 3
    assert rows(db) == [(T0, T0 + 50, "recording", "", None),
                        (T0 + 250, None, "recording", "", None)]   # still current
    with db.atomic():
        forget_span(db, T0 + 240, T0 + 2000, now=T0 + 1000)        # up to now and beyond
    assert rows(db) == [(T0, T0 + 50, "recording", "", None)]
    assert log.record("recording", at=T0 + 1100)                   # capture goes on: a new row


def test_forget_and_export_over_a_real_store(open_store, tmp_path):
    import json

    from memory.export import EXPORT_FILE, export_store
    from memory.forget import forget

    store = open_store()
    log = store.coverage
    log.record("recording", at=T0)
    log.record("excluded", "excluded window: not captured", at=T0 + 100)
    log.record("recording", at=T0 + 200)
    assert "capture_log" in store.tables_of_record()
    out = tmp_path / "export"
    report = export_store(store, out)
    assert report.tables["capture_log"] == 3
    exported = json.loads((out / EXPORT_FILE).read_text("utf-8"))["tables"]["capture_log"]
    assert [r["state"] for r in exported] == ["recording", "excluded", "recording"]

    utc = dt.UTC
    forget(store, start=dt.datetime.fromtimestamp(T0 + 90, utc),
           end=dt.datetime.fromtimestamp(T0 + 210, utc))
    spans = log.spans(T0, T0 + 300, now=T0 + 300)
    assert [(s.start, s.end, s.state) for s in spans] == [
        (T0, T0 + 90, "recording"), (T0 + 90, T0 + 210, NOT_RUNNING),
        (T0 + 210, T0 + 300, "recording")]
    # forgetting one app's frames leaves the log alone (it names no app)
    before = log.count()
    forget(store, start=dt.datetime.fromtimestamp(T0, utc),
           end=dt.datetime.fromtimestamp(T0 + 300, utc), app="notesapp")
    assert log.count() == before == 2


# Two processes logging on one store: the GUI (this process) and a headless capture. A dead
# writer is this pid with another start time (the pid of an earlier process).
GUI = writer_id("gui")
HEADLESS = writer_id("capture")
GONE = GUI.rsplit(":", 1)[0] + ":12345.00"


def writer_rows(db):
    return [tuple(r) for r in db.execute(
        "SELECT start_epoch, end_epoch, state, writer FROM capture_log ORDER BY start_epoch, id")]


def test_writer_ids_tell_a_live_process_from_a_gone_one():
    assert writer_alive(GUI) and writer_alive(HEADLESS)
    assert not writer_alive(GONE)
    assert not writer_alive("")                 # rows from before m010: one writer, gone
    assert not writer_alive("capture:not-a-pid:1")


def test_two_writers_close_only_their_own_rows(db):
    log = CoverageLog(db)
    log.record("stopped", "capture is off", at=T0, writer=GUI)          # the GUI, capture off
    log.record("recording", at=T0 + 10, writer=HEADLESS)               # `commonplace capture`
    log.record("paused", "paused by the user", at=T0 + 100, writer=HEADLESS)
    log.record("stopped", "capture is off", at=T0 + 150, writer=GUI)   # a heartbeat
    assert writer_rows(db) == [(T0, None, "stopped", GUI),
                               (T0 + 10, T0 + 100, "recording", HEADLESS),
                               (T0 + 100, None, "paused", HEADLESS)]
    assert log.end(T0 + 200, writer=HEADLESS) == 1                     # headless quits
    assert writer_rows(db)[0] == (T0, None, "stopped", GUI)            # the GUI's stays open
    log.record("recording", at=T0 + 300, writer=HEADLESS)              # started again
    # another GUI process starts: both writers run, nothing of theirs is closed
    assert log.recover(T0 + 300, writer=writer_id("gui", os.getppid())) == 0
    assert [r[1] for r in writer_rows(db)] == [None, T0 + 100, T0 + 200, None]


def test_recover_closes_a_gone_writers_rows_and_leaves_a_live_ones_lock(db):
    log = CoverageLog(db)
    log.record("recording", at=T0, writer=GONE)
    log.record("recording", at=T0 + 50, writer=GONE)         # its last heartbeat
    log.record("locked", "Commonplace is locked", at=T0 + 20, writer=GUI)
    assert log.recover(T0 + 400, after_unlock=True, writer=HEADLESS) == 1
    assert writer_rows(db) == [(T0, T0 + 50, "recording", GONE),
                               (T0 + 20, None, "locked", GUI)]  # the GUI is locked still
    assert log.recover(T0 + 500, after_unlock=True, writer=GUI) == 1   # its own unlock
    assert writer_rows(db)[-1] == (T0 + 20, T0 + 500, "locked", GUI)
    assert db.execute("SELECT reason FROM capture_log WHERE writer = ?",
                      [GUI]).fetchone()[0] == "Commonplace is locked"


def test_spans_merge_writers_recording_first(db):
    log = CoverageLog(db)
    log.record("stopped", "capture is off", at=T0, writer=GUI)
    log.record("recording", at=T0 + 100, writer=HEADLESS)
    log.record("paused", "paused by the user", at=T0 + 200, writer=HEADLESS)
    log.end(T0 + 300, writer=HEADLESS)
    log.record("stopped", "capture is off", at=T0 + 390, writer=GUI)   # heartbeat
    spans = log.spans(T0, T0 + 1000, now=T0 + 400)
    assert [(s.start, s.end, s.state, s.current) for s in spans] == [
        (T0, T0 + 100, "stopped", False),
        (T0 + 100, T0 + 200, "recording", False),
        (T0 + 200, T0 + 300, "paused", False),
        (T0 + 300, T0 + 400, "stopped", True)]
    assert spans[2].reason == "paused by the user"


def test_an_open_row_not_confirmed_for_long_ends_where_last_seen(db):
    log = CoverageLog(db)
    log.record("recording", at=T0, writer=GONE)
    log.record("recording", at=T0 + 5, writer=GONE)         # killed: no heartbeat since
    log.record("idle", "no input", at=T0 + 10, writer=GUI)
    log.record("idle", "no input", at=T0 + STALE_S + 100, writer=GUI)
    spans = log.spans(T0, T0 + 5000, now=T0 + STALE_S + 110)
    assert [(s.start, s.end, s.state, s.current) for s in spans] == [
        (T0, T0 + 5, "recording", False),           # not "recording" up to now over the idle
        (T0 + 5, T0 + 10, NOT_RUNNING, False),
        (T0 + 10, T0 + STALE_S + 110, "idle", True)]
    fresh = log.spans(T0, T0 + 5000, now=T0 + 300)   # within STALE_S: still current
    assert [(s.start, s.end, s.state, s.current) for s in fresh] == [
        (T0, T0 + 300, "recording", True)]
