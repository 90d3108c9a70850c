"""Erasing a time range's rows, and scrubbing what deleted rows leave behind (for `forget`).

What goes: frames (with their sources) kept or merged within the range, optionally of one
app; chat turns in the range (unless an app other than "chat" is named); the docs that only
they back (FTS follows through triggers); memories whose every source is forgotten, with
their versions, audit entries and docs (and every summary citing any of them); the
pipeline's markers for them. The caller runs `erase_range` inside one transaction and
deletes the image files and vectors it names (memory/forget.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from memory.store.sources import frame_key
from memory.store.sql import chunks, in_list
from memory.timefmt import to_epoch

CHAT_APP = "chat"


@dataclass
class Erased:
    """What one `erase_range` deleted, for the caller to finish (files, vectors) and report."""

    frame_ids: list[int] = field(default_factory=list)
    turn_ids: list[int] = field(default_factory=list)
    doc_ids: list[int] = field(default_factory=list)
    memory_ids: list[int] = field(default_factory=list)
    frame_sources: int = 0
    files: list[str] = field(default_factory=list)      # frame image files, under frames/
    sources: set[str] = field(default_factory=set)      # every source key that is gone


def select_frames(db: sqlite_utils.Database, start: float, end: float,
                  app: str | None) -> list[int]:
    """Frames kept in the range, or with any merged source captured in it."""
    args: list = [start, end]
    app_sql = ""
    if app:
        app_sql = " AND lower(app) = lower(?)"
        args.append(app)
    ids = {r[0] for r in db.execute(
        f"SELECT id FROM frames WHERE ts_epoch BETWEEN ? AND ?{app_sql}", args).fetchall()}
    rows = db.execute(
        "SELECT s.frame_id, s.ts, f.app FROM frame_sources s JOIN frames f ON f.id = s.frame_id"
    ).fetchall()
    for frame_id, ts, frame_app in rows:
        t = to_epoch(ts)
        if t is not None and start <= t <= end and (
                not app or (frame_app or "").lower() == app.lower()):
            ids.add(frame_id)
    return sorted(ids)


def erase_range(db: sqlite_utils.Database, start: float, end: float,
                app: str | None = None) -> Erased:
    """Delete the rows of everything captured or imported in [start, end] (epoch seconds).
    Run it inside a transaction: the caller deletes the vectors of `doc_ids` before the
    commit and the image `files` after it."""
    out = Erased()
    out.frame_ids = select_frames(db, start, end, app)
    if not app or app.lower() == CHAT_APP:
        out.turn_ids = [r[0] for r in db.execute(
            "SELECT id FROM turns WHERE ts_epoch BETWEEN ? AND ?", [start, end]).fetchall()]
    frame_ids, turn_ids = out.frame_ids, out.turn_ids
    gone = out.sources
    for part in chunks(frame_ids):
        out.files += [r[0] for r in db.execute(
            f"SELECT file FROM frames WHERE id IN {in_list(part)}", part)]
        gone |= {r[0] for r in db.execute(
            f"SELECT source FROM frame_sources WHERE frame_id IN {in_list(part)}", part)}
    gone |= {frame_key(i) for i in frame_ids}
    for part in chunks(turn_ids):
        gone |= {r[0] for r in db.execute(
            f"SELECT source FROM turns WHERE id IN {in_list(part)}", part)}
    doc_ids = _erase_docs(db, frame_ids, turn_ids, gone)
    out.memory_ids, memory_docs = _erase_memories(db, gone)
    out.doc_ids = doc_ids + memory_docs
    for part in chunks(out.doc_ids):
        db.execute(f"DELETE FROM docs WHERE id IN {in_list(part)}", part)
    for part in chunks(frame_ids):
        out.frame_sources += db.execute(
            f"DELETE FROM frame_sources WHERE frame_id IN {in_list(part)}", part).rowcount
        db.execute(f"DELETE FROM frames WHERE id IN {in_list(part)}", part)
    for part in chunks(turn_ids):
        db.execute(f"DELETE FROM turns WHERE id IN {in_list(part)}", part)
    # Row ids can be reused once the highest is deleted: drop the markers too, or a new
    # frame with a reused id would count as already processed.
    refs = [frame_key(i) for i in frame_ids] + [f"turn:{i}" for i in turn_ids]
    for ref_part in chunks(refs):
        db.execute(f"DELETE FROM processed_observations WHERE ref IN {in_list(ref_part)}",
                   ref_part)
    return out


def _erase_docs(db: sqlite_utils.Database, frame_ids: list[int], turn_ids: list[int],
                gone_sources: set[str]) -> list[int]:
    """Docs that only forgotten items back are returned to delete; a doc shared (by
    identical text) with a surviving item keeps only its surviving sources and points at
    that item."""
    doomed: list[int] = []
    for kind, ids in (("frame", frame_ids), ("turn", turn_ids)):
        if not ids:
            continue
        id_set = set(ids)
        rows = db.execute(
            "SELECT id, ref_id, sources FROM docs WHERE kind = ?", [kind]).fetchall()
        for doc_id, ref_id, sources in rows:
            srcs = json.loads(sources or "[]")
            left = [s for s in srcs if s not in gone_sources]
            if ref_id not in id_set and len(left) == len(srcs):
                continue
            if not left:
                doomed.append(doc_id)
                continue
            new_ref = ref_id
            if ref_id in id_set:
                new_ref = _owner(db, kind, left)
                if new_ref is None:
                    doomed.append(doc_id)
                    continue
            db.execute("UPDATE docs SET sources = ?, ref_id = ? WHERE id = ?",
                       [json.dumps(left), new_ref, doc_id])
    return doomed


def _owner(db: sqlite_utils.Database, kind: str, sources: list[str]) -> int | None:
    table, col = ("frame_sources", "frame_id") if kind == "frame" else ("turns", "id")
    for s in sources:
        r = db.execute(f"SELECT {col} FROM {table} WHERE source = ?", [s]).fetchone()
        if r:
            return r[0]
    return None


def _erase_memories(db: sqlite_utils.Database,
                    gone_sources: set[str]) -> tuple[list[int], list[int]]:
    """Memories whose every source is forgotten: deleted with their history; returns them
    and their docs (for the caller to delete with the rest)."""
    if not gone_sources:
        return [], []
    by_memory: dict[int, list[str]] = {}
    for mid, src in db.execute("SELECT memory_id, source FROM memory_sources").fetchall():
        by_memory.setdefault(mid, []).append(src)
    doomed = {m for m, srcs in by_memory.items() if all(s in gone_sources for s in srcs)}
    # A summary (a day's or a session's roll-up) quotes every item it covers: citing any
    # forgotten item is enough to drop it, or the forgotten titles live on in its text.
    touched = [m for m, srcs in by_memory.items()
               if m not in doomed and any(s in gone_sources for s in srcs)]
    for chunk in chunks(touched):
        for mid, fields in db.execute(
                f"SELECT id, fields FROM memories WHERE id IN {in_list(chunk)}", chunk).fetchall():
            try:
                kind = str(json.loads(fields or "{}").get("event_type") or "")
            except (ValueError, AttributeError):
                kind = ""
            if kind.startswith("summary"):
                doomed.add(mid)
    doomed_ids = sorted(doomed)
    # Partly forgotten memories keep their text but no longer cite what is gone.
    for mid, srcs in by_memory.items():
        if mid not in doomed_ids and any(s in gone_sources for s in srcs):
            for s in srcs:
                if s in gone_sources:
                    db.execute("DELETE FROM memory_sources WHERE memory_id = ? AND source = ?",
                               [mid, s])
    if not doomed_ids:
        return [], []
    doc_ids: set[int] = set()
    for chunk in chunks(doomed_ids):
        doc_ids |= {r[0] for r in db.execute(
            f"SELECT id FROM docs WHERE kind = 'memory' AND ref_id IN {in_list(chunk)}", chunk)}
        doc_ids |= {r[0] for r in db.execute(
            f"SELECT doc_id FROM memories WHERE id IN {in_list(chunk)} AND doc_id IS NOT NULL",
            chunk)}
        for table in ("memory_sources", "memory_versions", "memory_ops"):
            db.execute(f"DELETE FROM {table} WHERE memory_id IN {in_list(chunk)}", chunk)
        for ref in ("superseded_by", "parent_id"):  # survivors must not point at rows gone
            db.execute(f"UPDATE memories SET {ref} = NULL WHERE {ref} IN {in_list(chunk)}",
                       chunk)
        db.execute(f"DELETE FROM memories WHERE id IN {in_list(chunk)}", chunk)
    if doc_ids:
        ids = sorted(doc_ids)
        shared = set()
        for part in chunks(ids):
            shared |= {r[0] for r in db.execute(
                f"SELECT doc_id FROM memories WHERE doc_id IN {in_list(part)}", part)}
        doc_ids -= shared
    return doomed_ids, sorted(doc_ids)


def scrub(db: sqlite_utils.Database) -> None:
    """Leave no deleted text behind in FTS segments, free pages or the WAL."""
    for name in [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE "
            "'CREATE VIRTUAL TABLE%USING FTS5%'").fetchall()]:
        # FTS5 deletes only add tombstones; merging the segments drops the old entries.
        with db.atomic():
            db.execute(f"INSERT INTO [{name}]([{name}]) VALUES('optimize')")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
