"""Forget a time range: a real delete across SQLite, the vector index and the frame files.

What goes: frames (with their sources) kept or merged within the range, optionally of one
app; chat turns in the range (unless an app other than "chat" is named); the docs that
only they back (FTS follows through triggers); memories whose every source is forgotten,
with their versions, audit entries and docs; the pipeline's markers for them.

Order, for crash safety (the same as writing, in reverse): the rows go in one transaction;
then the image files and vectors; a crash after the commit leaves orphan files and stray
vector ids, which the start-up repair removes. The vector index is then compacted (Chroma's
delete only marks a vector: its HNSW files and write-ahead log keep the floats and the
time, from which the topic can be recovered). Last, the FTS index is merged, the database
vacuumed and the WAL truncated, so the deleted text lingers in neither free pages, old
FTS segments nor the write-ahead log.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Sequence

from memory.store.store import Store
from memory.store.memories import iso_epoch
from memory.store.sources import frame_key

log = logging.getLogger(__name__)

CHAT_APP = "chat"


@dataclass
class ForgetReport:
    frames: int = 0
    frame_sources: int = 0
    turns: int = 0
    docs: int = 0
    memories: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"frames": self.frames, "frame_sources": self.frame_sources, "turns": self.turns,
                "docs": self.docs, "memories": self.memories, "files": self.files,
                "problems": self.problems}


def _in(ids: Sequence) -> str:
    return f"({','.join('?' * len(ids))})"


def _has_table(store: Store, name: str) -> bool:
    return bool(store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 [name]).fetchone())


def select_frames(store: Store, start: float, end: float, app: str | None) -> list[int]:
    """Frames kept in the range, or with any merged source captured in it."""
    args: list = [start, end]
    app_sql = ""
    if app:
        app_sql = " AND lower(app) = lower(?)"
        args.append(app)
    ids = {r[0] for r in store.db.execute(
        f"SELECT id FROM frames WHERE ts_epoch BETWEEN ? AND ?{app_sql}", args).fetchall()}
    rows = store.db.execute(
        "SELECT s.frame_id, s.ts, f.app FROM frame_sources s JOIN frames f ON f.id = s.frame_id"
    ).fetchall()
    for frame_id, ts, frame_app in rows:
        t = iso_epoch(ts, naive_is_local=True)
        if t is not None and start <= t <= end and (
                not app or (frame_app or "").lower() == app.lower()):
            ids.add(frame_id)
    return sorted(ids)


def forget(store: Store, *, start: dt.datetime, end: dt.datetime,
           app: str | None = None) -> ForgetReport:
    """Delete everything captured or imported between `start` and `end` (inclusive)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("forget() needs timezone-aware times")
    lo, hi = start.timestamp(), end.timestamp()
    report = ForgetReport()
    with store.errors():
        frame_ids = select_frames(store, lo, hi, app)
        turn_ids = []
        if not app or app.lower() == CHAT_APP:
            turn_ids = [r[0] for r in store.db.execute(
                "SELECT id FROM turns WHERE ts_epoch BETWEEN ? AND ?", [lo, hi]).fetchall()]
        files = []
        with store.db.atomic():
            gone_sources = set()
            if frame_ids:
                files = [r[0] for r in store.db.execute(
                    f"SELECT file FROM frames WHERE id IN {_in(frame_ids)}", frame_ids)]
                gone_sources |= {r[0] for r in store.db.execute(
                    f"SELECT source FROM frame_sources WHERE frame_id IN {_in(frame_ids)}",
                    frame_ids)}
                gone_sources |= {frame_key(i) for i in frame_ids}
            if turn_ids:
                gone_sources |= {r[0] for r in store.db.execute(
                    f"SELECT source FROM turns WHERE id IN {_in(turn_ids)}", turn_ids)}
            doc_ids = _forget_docs(store, frame_ids, turn_ids, gone_sources)
            memory_ids, memory_docs = _forget_memories(store, gone_sources)
            doc_ids += memory_docs
            if doc_ids:
                store.db.execute(f"DELETE FROM docs WHERE id IN {_in(doc_ids)}", doc_ids)
            if frame_ids:
                report.frame_sources = store.db.execute(
                    f"DELETE FROM frame_sources WHERE frame_id IN {_in(frame_ids)}",
                    frame_ids).rowcount
                store.db.execute(f"DELETE FROM frames WHERE id IN {_in(frame_ids)}", frame_ids)
            if turn_ids:
                store.db.execute(f"DELETE FROM turns WHERE id IN {_in(turn_ids)}", turn_ids)
            if _has_table(store, "processed_observations"):
                # Row ids can be reused once the highest is deleted: drop the markers too,
                # or a new frame with a reused id would count as already processed.
                refs = [f"frame:{i}" for i in frame_ids] + [f"turn:{i}" for i in turn_ids]
                for k in range(0, len(refs), 500):
                    chunk = refs[k:k + 500]
                    store.db.execute(
                        f"DELETE FROM processed_observations WHERE ref IN {_in(chunk)}", chunk)
            # Before the commit: a crash after it would leave stray vectors, which the next
            # start refuses to drop en masse; a crash here leaves docs to re-embed instead.
            store.vectors.delete(doc_ids)
        report.frames, report.turns = len(frame_ids), len(turn_ids)
        report.docs, report.memories = len(doc_ids), len(memory_ids)
        for rel in files:
            try:
                (store.layout.frames / rel).unlink(missing_ok=True)
                report.files += 1
            except OSError as e:  # the start-up repair removes it later as an orphan
                report.problems.append(f"could not remove {rel}: {e.strerror or e}")
        if doc_ids:
            done = store.vectors.compact()
            if done.get("vacuumed") is False:
                report.problems.append("the vector store's file was busy and not vacuumed: "
                                       "forgotten vectors may stay in its free pages until "
                                       "the next forget")
        scrub(store)
    log.info("forget: %d frames, %d turns, %d docs, %d memories", report.frames, report.turns,
             report.docs, report.memories)
    return report


def _forget_docs(store: Store, frame_ids: list[int], turn_ids: list[int],
                 gone_sources: set[str]) -> list[int]:
    """Docs that only forgotten items back are deleted; a doc shared (by identical text)
    with a surviving item keeps only its surviving sources and points at that item."""
    doomed: list[int] = []
    for kind, ids in (("frame", frame_ids), ("turn", turn_ids)):
        if not ids:
            continue
        id_set = set(ids)
        rows = store.db.execute(
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
                new_ref = _owner(store, kind, left)
                if new_ref is None:
                    doomed.append(doc_id)
                    continue
            store.db.execute("UPDATE docs SET sources = ?, ref_id = ? WHERE id = ?",
                             [json.dumps(left), new_ref, doc_id])
    return doomed


def _owner(store: Store, kind: str, sources: list[str]) -> int | None:
    table, col = ("frame_sources", "frame_id") if kind == "frame" else ("turns", "id")
    for s in sources:
        r = store.db.execute(f"SELECT {col} FROM {table} WHERE source = ?", [s]).fetchone()
        if r:
            return r[0]
    return None


def _forget_memories(store: Store, gone_sources: set[str]) -> tuple[list[int], list[int]]:
    """Memories whose every source is forgotten: deleted with their history and docs."""
    if not gone_sources or not _has_table(store, "memories") or \
            not _has_table(store, "memory_sources"):
        return [], []
    by_memory: dict[int, list[str]] = {}
    for mid, src in store.db.execute("SELECT memory_id, source FROM memory_sources").fetchall():
        by_memory.setdefault(mid, []).append(src)
    doomed = {m for m, srcs in by_memory.items() if all(s in gone_sources for s in srcs)}
    # A summary (a day's or a session's roll-up) quotes every item it covers: citing any
    # forgotten item is enough to drop it, or the forgotten titles live on in its text.
    touched = [m for m, srcs in by_memory.items()
               if m not in doomed and any(s in gone_sources for s in srcs)]
    for k in range(0, len(touched), 500):
        chunk = touched[k:k + 500]
        for mid, fields in store.db.execute(
                f"SELECT id, fields FROM memories WHERE id IN {_in(chunk)}", chunk).fetchall():
            try:
                kind = str(json.loads(fields or "{}").get("event_type") or "")
            except (ValueError, AttributeError):
                kind = ""
            if kind.startswith("summary"):
                doomed.add(mid)
    doomed = sorted(doomed)
    # Partly forgotten memories keep their text but no longer cite what is gone.
    for mid, srcs in by_memory.items():
        if mid not in doomed and any(s in gone_sources for s in srcs):
            for s in srcs:
                if s in gone_sources:
                    store.db.execute("DELETE FROM memory_sources WHERE memory_id = ? AND "
                                     "source = ?", [mid, s])
    if not doomed:
        return [], []
    cols = {c.name for c in store.db["memories"].columns}
    doc_ids: set[int] = set()
    for k in range(0, len(doomed), 500):
        chunk = doomed[k:k + 500]
        doc_ids |= {r[0] for r in store.db.execute(
            f"SELECT id FROM docs WHERE kind = 'memory' AND ref_id IN {_in(chunk)}", chunk)}
        if "doc_id" in cols:
            doc_ids |= {r[0] for r in store.db.execute(
                f"SELECT doc_id FROM memories WHERE id IN {_in(chunk)} AND doc_id IS NOT NULL",
                chunk)}
        for table in ("memory_sources", "memory_versions", "memory_ops"):
            if _has_table(store, table):
                store.db.execute(f"DELETE FROM {table} WHERE memory_id IN {_in(chunk)}", chunk)
        for ref in ("superseded_by", "parent_id"):
            if ref in cols:  # survivors must not point at rows that are gone
                store.db.execute(f"UPDATE memories SET {ref} = NULL WHERE {ref} IN "
                                 f"{_in(chunk)}", chunk)
        store.db.execute(f"DELETE FROM memories WHERE id IN {_in(chunk)}", chunk)
    if "doc_id" in cols and doc_ids:
        ids = sorted(doc_ids)
        shared = {r[0] for r in store.db.execute(
            f"SELECT doc_id FROM memories WHERE doc_id IN {_in(ids)}", ids)}
        doc_ids -= shared
    return doomed, sorted(doc_ids)


def scrub(store: Store) -> None:
    """Leave no deleted text behind in FTS segments, free pages or the WAL."""
    db = store.db
    for name in [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE "
            "'CREATE VIRTUAL TABLE%USING FTS5%'").fetchall()]:
        # FTS5 deletes only add tombstones; merging the segments drops the old entries.
        with db.atomic():
            db.execute(f"INSERT INTO [{name}]([{name}]) VALUES('optimize')")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
