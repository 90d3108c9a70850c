"""The capture log: what capture was doing, span by span, so the timeline can say why a
stretch of the day has no frames.

  capture_log   one row per span of one state: start, end (none while it is the current
                state), the last moment the app confirmed it (`seen_epoch`), the state, a
                reason in words, and when a timed pause ends

States are capture's (recording, paused, idle, locked, excluded, error, disk-low, stopped);
time covered by no row is `NOT_RUNNING`: the app was not running (or that time was
forgotten). A state that goes on as it was extends its row (only `seen_epoch` moves); a new
state closes the open row where the new one starts. A crash leaves a row open: `recover()`
at the next start closes it where it was last seen, and a lock the app was quit in (the
store is closed while locked: nothing can be written until the next unlock) is closed with
a reason that says its end is not known.

Rows carry no screen content: the reason names no window title and no app (an excluded
window is "excluded window: not captured"). The table is a table of record (exported) and
`forget_span` cuts a forgotten range out of it. Only this module knows its SQL (the table
is created by migrations.m008_capture_log).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlite_utils

from memory.store.sql import inserted_id

TABLE = "capture_log"
STATES = ("recording", "paused", "idle", "locked", "excluded", "error", "disk-low", "stopped")
NOT_RUNNING = "not-running"   # a gap: no row covers it
MAX_REASON_CHARS = 500
MIN_GAP_S = 1.0               # shorter gaps between rows are not shown as "not running"
LOCK_END_UNKNOWN = ("Commonplace was locked and then quit (or stopped) while locked: when "
                    "the lock ended is not known")


@dataclass(frozen=True)
class CoverageSpan:
    """One stretch of time and what capture was doing in it (plain data for the UI)."""

    start: float                  # epoch seconds
    end: float
    state: str                    # one of STATES, or NOT_RUNNING
    reason: str = ""
    paused_until: float | None = None
    current: bool = False         # the open row: still going on

    @property
    def seconds(self) -> float:
        return self.end - self.start


class CoverageLog:
    """The capture log of one store's database (`Store.coverage`, or over a connection of
    its own: the caller owns the thread it is used from)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def _open_row(self):
        return self._db.execute(
            f"SELECT id, start_epoch, state, reason, paused_until FROM [{TABLE}] "
            "WHERE end_epoch IS NULL ORDER BY start_epoch DESC, id DESC LIMIT 1").fetchone()

    def record(self, state: str, reason: str = "", *, at: float,
               paused_until: float | None = None) -> bool:
        """Capture is in `state` at `at`: extends the open row when it says the same, else
        closes it at `at` and opens a new one. True when a new row was opened."""
        if state not in STATES:
            raise ValueError(f"unknown capture state {state!r}")
        reason = (reason or "")[:MAX_REASON_CHARS]
        until = round(paused_until, 3) if paused_until is not None else None
        with self._db.atomic():
            row = self._open_row()
            if row is not None:
                rid, start, old_state, old_reason, old_until = row
                at = max(at, start)   # a clock step back never makes a negative span
                same_until = (old_until is None and until is None) or (
                    old_until is not None and until is not None and abs(old_until - until) < 1)
                if (old_state, old_reason) == (state, reason) and same_until:
                    self._db.execute(f"UPDATE [{TABLE}] SET seen_epoch = ? WHERE id = ?",
                                     [at, rid])
                    return False
                self._db.execute(f"UPDATE [{TABLE}] SET end_epoch = ?, seen_epoch = ? "
                                 "WHERE end_epoch IS NULL", [at, at])
            table = self._db.table(TABLE)
            table.insert({"start_epoch": at, "end_epoch": None, "seen_epoch": at,
                          "state": state, "reason": reason, "paused_until": until})
            inserted_id(table)
            return True

    def end(self, at: float) -> int:
        """The app stops (quit): the open row ends at `at`. Returns the rows closed."""
        with self._db.atomic():
            return self._db.execute(
                f"UPDATE [{TABLE}] SET end_epoch = max(start_epoch, ?), "
                "seen_epoch = max(start_epoch, ?) WHERE end_epoch IS NULL", [at, at]).rowcount

    def recover(self, now: float, *, after_unlock: bool = False) -> int:
        """At start (or unlock): close what the last run left open. A lock ends now when
        this is its unlock (`after_unlock`), else now with LOCK_END_UNKNOWN as its reason;
        any other state ends where the app last confirmed it (a crash, a power cut)."""
        with self._db.atomic():
            n = 0
            rows = self._db.execute(
                f"SELECT id, start_epoch, seen_epoch, state FROM [{TABLE}] "
                "WHERE end_epoch IS NULL").fetchall()
            for rid, start, seen, state in rows:
                if state == "locked":
                    reason_sql = "" if after_unlock else ", reason = ?"
                    args = [max(now, start), max(now, start)] + \
                        ([] if after_unlock else [LOCK_END_UNKNOWN]) + [rid]
                    self._db.execute(f"UPDATE [{TABLE}] SET end_epoch = ?, seen_epoch = ?"
                                     f"{reason_sql} WHERE id = ?", args)
                else:
                    end = max(start, seen if seen is not None else start)
                    self._db.execute(f"UPDATE [{TABLE}] SET end_epoch = ? WHERE id = ?",
                                     [end, rid])
                n += 1
            return n

    def spans(self, start: float, end: float, *, now: float | None = None) -> list[CoverageSpan]:
        """What capture did in [start, end], in order and clipped to it, with every gap of
        MIN_GAP_S or more as a NOT_RUNNING span. Nothing past `now` (the future) is shown;
        the open row reaches `now`."""
        now = time.time() if now is None else now
        stop = min(end, now)
        if stop <= start:
            return []
        rows = self._db.execute(
            f"SELECT start_epoch, end_epoch, state, reason, paused_until FROM [{TABLE}] "
            "WHERE start_epoch < ? AND (end_epoch IS NULL OR end_epoch > ?) "
            "ORDER BY start_epoch, id", [stop, start]).fetchall()
        out: list[CoverageSpan] = []
        cursor = start
        for s, e, state, reason, until in rows:
            current = e is None
            e = now if current else e
            s, e = max(s, cursor), min(e, stop)
            if e <= s:
                continue
            if s - cursor >= MIN_GAP_S:
                out.append(CoverageSpan(cursor, s, NOT_RUNNING))
            out.append(CoverageSpan(s, e, state, reason or "", until, current))
            cursor = e
        if stop - cursor >= MIN_GAP_S:
            out.append(CoverageSpan(cursor, stop, NOT_RUNNING))
        return out

    def count(self) -> int:
        return self._db.table(TABLE).count


def forget_span(db: sqlite_utils.Database, start: float, end: float, *,
                now: float | None = None) -> int:
    """For `forget` of a whole span: cut [start, end] out of the log (rows inside go, rows
    across an edge keep only their part outside). Runs inside forget's transaction; returns
    the rows changed or deleted. The forgotten time then reads as having no record."""
    now = time.time() if now is None else now
    rows = db.execute(
        f"SELECT id, start_epoch, end_epoch, seen_epoch, state, reason, paused_until "
        f"FROM [{TABLE}] WHERE start_epoch <= ? AND (end_epoch IS NULL OR end_epoch >= ?)",
        [end, start]).fetchall()
    for rid, s, e, seen, state, reason, until in rows:
        db.execute(f"DELETE FROM [{TABLE}] WHERE id = ?", [rid])
        keep = {"state": state, "reason": reason, "paused_until": until}
        if s < start:
            db.table(TABLE).insert({**keep, "start_epoch": s, "end_epoch": start,
                                    "seen_epoch": start})
        if e is not None and e > end:
            db.table(TABLE).insert({**keep, "start_epoch": end, "end_epoch": e,
                                    "seen_epoch": min(seen, e) if seen else e})
        elif e is None and end < now:
            # the current state goes on after the forgotten range
            db.table(TABLE).insert({**keep, "start_epoch": end, "end_epoch": None,
                                    "seen_epoch": max(seen or end, end)})
    return len(rows)
