"""The capture log: what capture was doing, span by span, so the timeline can say why a
stretch of the day has no frames.

  capture_log   one row per span of one state: start, end (none while it is the current
                state), the last moment the app confirmed it (`seen_epoch`), the state, a
                reason in words, and when a timed pause ends

Every row names its writer (`writer_id`: the GUI's process, or a headless `commonplace
capture`'s): two processes may log on one store at once, and each extends, closes and ends
only its own rows; `recover()` closes another writer's rows only once that process is gone.
`spans()` merges the writers: where their rows overlap, the state first in PRECEDENCE shows
(one recording is recording, whatever the other says). An open row whose writer has not
confirmed it for STALE_S (a writer killed while another runs) shows ending where last seen.

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
is created by migrations.m008_capture_log, its writer column by m010).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import psutil
import sqlite_utils

from memory.store.sql import inserted_id

TABLE = "capture_log"
STATES = ("recording", "paused", "idle", "locked", "excluded", "error", "disk-low", "stopped")
NOT_RUNNING = "not-running"   # a gap: no row covers it
MAX_REASON_CHARS = 500
MIN_GAP_S = 1.0               # shorter gaps between rows are not shown as "not running"
LOCK_END_UNKNOWN = ("Commonplace was locked and then quit (or stopped) while locked: when "
                    "the lock ended is not known")
# Where two writers' rows overlap, the first state here is shown: frames are taken while
# either records; a problem outranks a calm state; "stopped" (capture off in that process)
# yields to whatever the other process says.
PRECEDENCE = ("recording", "error", "disk-low", "paused", "excluded", "locked", "idle",
              "stopped")
STALE_S = 600.0   # an open row unconfirmed this long (writers confirm every minute): its
                  # writer is gone; shown ending where last seen (a lock is never confirmed)
START_SLACK_S = 1.0   # a process start time read twice may differ by a clock tick
LEGACY = ""           # the writer of rows written before m010 (one writer per store)


def writer_id(role: str, pid: int | None = None) -> str:
    """This process (or `pid`) as a capture log writer: "<role>:<pid>:<start time>" (the
    start time tells a live process from an earlier one that had the same pid)."""
    pid = os.getpid() if pid is None else pid
    return f"{role}:{pid}:{psutil.Process(pid).create_time():.2f}"


def writer_alive(writer: str) -> bool:
    """Whether the process that wrote as `writer` still runs (on this machine: the store
    lives on it). Rows written before m010 (LEGACY) and unreadable ids: gone."""
    try:
        _role, pid, started = writer.rsplit(":", 2)
        proc = psutil.Process(int(pid))
        return abs(proc.create_time() - float(started)) <= START_SLACK_S
    except (ValueError, psutil.Error):   # no such process, or not an id of ours
        return False


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

    def _open_row(self, writer: str):
        return self._db.execute(
            f"SELECT id, start_epoch, state, reason, paused_until FROM [{TABLE}] "
            "WHERE end_epoch IS NULL AND writer = ? ORDER BY start_epoch DESC, id DESC LIMIT 1",
            [writer]).fetchone()

    def record(self, state: str, reason: str = "", *, at: float,
               paused_until: float | None = None, writer: str = LEGACY) -> bool:
        """Capture (of `writer`'s process) is in `state` at `at`: extends that writer's open
        row when it says the same, else closes it at `at` and opens a new one. True when a
        new row was opened. Another writer's rows are left alone."""
        if state not in STATES:
            raise ValueError(f"unknown capture state {state!r}")
        reason = (reason or "")[:MAX_REASON_CHARS]
        until = round(paused_until, 3) if paused_until is not None else None
        with self._db.atomic():
            row = self._open_row(writer)
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
                                 "WHERE end_epoch IS NULL AND writer = ?", [at, at, writer])
            table = self._db.table(TABLE)
            table.insert({"start_epoch": at, "end_epoch": None, "seen_epoch": at,
                          "state": state, "reason": reason, "paused_until": until,
                          "writer": writer})
            inserted_id(table)
            return True

    def end(self, at: float, *, writer: str = LEGACY) -> int:
        """`writer`'s process stops (quit): its open row ends at `at`. Returns the rows
        closed."""
        with self._db.atomic():
            return self._db.execute(
                f"UPDATE [{TABLE}] SET end_epoch = max(start_epoch, ?), "
                "seen_epoch = max(start_epoch, ?) WHERE end_epoch IS NULL AND writer = ?",
                [at, at, writer]).rowcount

    def recover(self, now: float, *, after_unlock: bool = False, writer: str = LEGACY) -> int:
        """At start (or unlock) of `writer`: close what its last run, and writers no longer
        running, left open (a live writer's rows stay open: the other process is logging).
        A lock of `writer`'s own ends now when this is its unlock (`after_unlock`), else now
        with LOCK_END_UNKNOWN as its reason; any other state ends where its writer last
        confirmed it (a crash, a power cut)."""
        with self._db.atomic():
            n = 0
            rows = self._db.execute(
                f"SELECT id, start_epoch, seen_epoch, state, writer FROM [{TABLE}] "
                "WHERE end_epoch IS NULL").fetchall()
            alive: dict[str, bool] = {}
            for rid, start, seen, state, who in rows:
                if who != writer and alive.setdefault(who, writer_alive(who)):
                    continue
                if state == "locked":
                    unlock = after_unlock and who == writer
                    reason_sql = "" if unlock else ", reason = ?"
                    args = [max(now, start), max(now, start)] + \
                        ([] if unlock else [LOCK_END_UNKNOWN]) + [rid]
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
        an open row reaches `now` (unless stale: STALE_S). Writers' rows are merged: where
        they overlap, the state first in PRECEDENCE."""
        now = time.time() if now is None else now
        stop = min(end, now)
        if stop <= start:
            return []
        rows = self._db.execute(
            f"SELECT start_epoch, end_epoch, seen_epoch, state, reason, paused_until "
            f"FROM [{TABLE}] WHERE start_epoch < ? AND (end_epoch IS NULL OR end_epoch > ?) "
            "ORDER BY start_epoch, id", [stop, start]).fetchall()
        pieces: list[CoverageSpan] = []
        for s, e, seen, state, reason, until in rows:
            current = e is None
            if current and state != "locked" and seen is not None and now - seen > STALE_S:
                e, current = max(seen, s), False     # its writer is gone: as recover would
            e = now if current else e
            s, e = max(s, start), min(e, stop)
            if e > s:
                pieces.append(CoverageSpan(s, e, state, reason or "", until, current))
        out: list[CoverageSpan] = []
        cursor = start
        for span in _merge(pieces):
            if span.start - cursor >= MIN_GAP_S:
                out.append(CoverageSpan(cursor, span.start, NOT_RUNNING))
            out.append(span)
            cursor = span.end
        if stop - cursor >= MIN_GAP_S:
            out.append(CoverageSpan(cursor, stop, NOT_RUNNING))
        return out

    def count(self) -> int:
        return self._db.table(TABLE).count


def _rank(span: CoverageSpan) -> int:
    return PRECEDENCE.index(span.state) if span.state in PRECEDENCE else len(PRECEDENCE)


def _merge(pieces: list[CoverageSpan]) -> list[CoverageSpan]:
    """Possibly overlapping spans (rows of several writers, sorted by start) as one line of
    time: at each moment the covering span first in PRECEDENCE (the earlier on a tie);
    neighbours that say the same are joined. One writer's rows do not overlap: unchanged."""
    cuts = sorted({t for p in pieces for t in (p.start, p.end)})
    out: list[CoverageSpan] = []
    active: list[tuple[int, CoverageSpan]] = []
    k = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        while k < len(pieces) and pieces[k].start <= a:
            active.append((k, pieces[k]))
            k += 1
        active = [(i, p) for i, p in active if p.end > a]
        if not active:
            continue
        _, top = min(active, key=lambda ip: (_rank(ip[1]), ip[0]))
        same = (top.state, top.reason, top.paused_until)
        current = top.current and b >= top.end     # the open row's last stretch
        last = out[-1] if out else None
        if last is not None and last.end == a and \
                (last.state, last.reason, last.paused_until) == same:
            out[-1] = CoverageSpan(last.start, b, *same, current=current)
        else:
            out.append(CoverageSpan(a, b, *same, current=current))
    return out


def forget_span(db: sqlite_utils.Database, start: float, end: float, *,
                now: float | None = None) -> int:
    """For `forget` of a whole span: cut [start, end] out of the log (rows inside go, rows
    across an edge keep only their part outside). Runs inside forget's transaction; returns
    the rows changed or deleted. The forgotten time then reads as having no record."""
    now = time.time() if now is None else now
    rows = db.execute(
        f"SELECT id, start_epoch, end_epoch, seen_epoch, state, reason, paused_until, writer "
        f"FROM [{TABLE}] WHERE start_epoch <= ? AND (end_epoch IS NULL OR end_epoch >= ?)",
        [end, start]).fetchall()
    for rid, s, e, seen, state, reason, until, writer in rows:
        db.execute(f"DELETE FROM [{TABLE}] WHERE id = ?", [rid])
        keep = {"state": state, "reason": reason, "paused_until": until, "writer": writer}
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
