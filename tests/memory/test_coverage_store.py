"""The capture log (memory/store/coverage.py) over a real SQLite database migrated by the real
migrations; `forget` and export over a real encrypted store."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from memory.store.coverage import LOCK_END_UNKNOWN, NOT_RUNNING, CoverageLog, forget_span
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
    assert "m008_capture_log" in names
    cols = {c.name: c.type for c in db["capture_log"].columns}
    assert cols == {"id": "INTEGER", "start_epoch": "REAL", "end_epoch": "REAL",
                    "seen_epoch": "REAL", "state": "TEXT", "reason": "TEXT",
                    "paused_until": "REAL"}


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
