"""The memory repository: typed items with provenance, versions and an audit log.

Rules it keeps:
- every write runs inside `db.atomic()` (nested calls become savepoints, so a caller can
  wrap a whole batch in one transaction); user text only ever travels as parameters;
- an update never destroys a value: `update()` supersedes (new row active, old row
  `superseded` with `superseded_by`), every value is kept in `memory_versions`, and every
  operation is written to `memory_ops`;
- delete is soft (status `deleted`), with its reason in the audit log;
- each active memory is one doc (kind "memory") for hybrid search; a sensitive vault value
  is sealed with the store's keys (masked when the store is not encrypted) and never
  reaches doc text or an embedding.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlite_utils

from memory.errors import StoreError
from memory.items import (
    EPISODIC,
    MASK,
    Candidate,
    identity,
    is_sensitive,
    masked,
    normalise,
    render,
    same_subject,
    similarity,
)
from memory.store.crypto import Keys
from memory.store.docs import DocIndex, NewDoc, fts_query
from memory.store.sources import resolve
from memory.store.sql import in_list, inserted_id
from memory.timefmt import now_iso, to_epoch

log = logging.getLogger(__name__)

SIMILAR = 0.9  # Jaccard over words at which two items of one type are the same item
# An episode or summary that began up to this long before a time window may reach into it.
EPISODE_LOOKBACK_S = 24 * 3600.0


def _epoch(iso: str | None) -> float | None:
    """A stored time's epoch (a naive stored time is UTC, see memory.timefmt)."""
    return to_epoch(iso, naive="utc")


@dataclass
class Memory:
    id: int
    type: str
    fields: dict  # a sensitive vault value is masked here; `reveal()` opens it
    text: str
    importance: float
    strength: float
    access_count: int
    pinned: bool
    status: str
    superseded_by: int | None
    parent_id: int | None
    tier: str
    sensitive: bool
    occurred_at: str | None
    created_at: str
    updated_at: str
    last_accessed_at: str | None
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MemoryRow:
    """One active item as a list shows it: no fields, no provenance."""

    id: int
    text: str              # the rendering (a sensitive value is never in it)
    pinned: bool
    sensitive: bool
    occurred_at: str | None
    created_at: str


@dataclass(frozen=True)
class EpisodeSpan:
    """An active episodic memory (an episode or an hour/day summary) as a time span."""

    id: int
    start: float           # epoch seconds
    end: float             # its `ended_at`, else its start
    fields: dict


class MemoryRepo:
    def __init__(self, db: sqlite_utils.Database, docs: DocIndex, keys: Keys | None) -> None:
        self._db = db
        self._docs = docs
        self._keys = keys

    def transaction(self):
        """One transaction for several writes (each write's own becomes a savepoint), holding
        the write lock from its start: it may read first (see `database.Database`)."""
        return self._db.atomic()

    # -- writing -----------------------------------------------------------------------
    def add(self, type_: str, fields: dict, *, sources: Sequence[str], tier: str = "floor",
            importance: float = 0.3, occurred_at: str | None = None, reason: str = "",
            parent_id: int | None = None) -> int:
        """Insert a new active memory; returns its id. Fields are normalised first."""
        f = normalise(type_, fields)
        at = now_iso()
        with self._db.atomic():
            mid = inserted_id(self._db.table("memories").insert({
                "type": type_, "identity": identity(type_, f), "importance": importance,
                "strength": importance, "status": "active", "tier": tier,
                "occurred_at": occurred_at or f.get("occurred_at"),
                "occurred_epoch": _epoch(occurred_at or f.get("occurred_at")),
                "parent_id": parent_id, "created_at": at, "updated_at": at,
                **self._stored(type_, f)}))
            self._add_sources(mid, sources, at)
            self._version(mid, type_, f, "add", reason, at)
            self._op("add", mid, type_, reason, tier, at)
            self._index(mid)
        return mid

    def update(self, memory_id: int, fields: dict, *, sources: Sequence[str] = (),
               tier: str = "floor", reason: str = "") -> int:
        """A new value for an item: it supersedes the old row (kept, with its history)."""
        old = self._require(memory_id)
        if old.status != "active":
            raise StoreError(f"Memory {memory_id} is {old.status}; only an active one updates.")
        merged = {**self._fields(memory_id, reveal=True), **fields}
        f = normalise(old.type, merged)
        at = now_iso()
        with self._db.atomic():
            new_id = inserted_id(self._db.table("memories").insert({
                "type": old.type, "identity": identity(old.type, f),
                "importance": old.importance, "strength": old.importance,
                "access_count": old.access_count, "pinned": int(old.pinned),
                "status": "active", "tier": tier, "parent_id": old.parent_id,
                "occurred_at": f.get("occurred_at") or old.occurred_at,
                "occurred_epoch": _epoch(f.get("occurred_at") or old.occurred_at),
                "created_at": at, "updated_at": at,
                **self._stored(old.type, f)}))
            self._db.execute("INSERT OR IGNORE INTO memory_sources (memory_id, source, ts) "
                             "SELECT ?, source, ts FROM memory_sources WHERE memory_id = ?",
                             [new_id, memory_id])
            self._add_sources(new_id, sources, at)
            self._db.execute("INSERT INTO memory_versions (memory_id, version, fields, op, at, "
                             "reason, sealed_value) SELECT ?, version, fields, op, at, reason, "
                             "sealed_value FROM memory_versions WHERE memory_id = ?", [new_id, memory_id])
            self._version(new_id, old.type, f, "update", reason, at)
            self._db.table("memories").update(memory_id, {"status": "superseded",
                                                    "superseded_by": new_id, "updated_at": at})
            self._unindex(memory_id)
            self._op("update", new_id, old.type, f"supersedes {memory_id}: {reason}".strip(),
                     tier, at)
            self._index(new_id)
        return new_id

    def merge(self, keep_id: int, other_ids: Iterable[int] = (), *,
              sources: Sequence[str] = (), tier: str = "floor", reason: str = "") -> int:
        """Fold duplicates (and/or new sources) into `keep_id`; sources are unioned."""
        keep = self._require(keep_id)
        at = now_iso()
        with self._db.atomic():
            for oid in other_ids:
                other = self._require(oid)
                if oid == keep_id or other.status != "active":
                    continue
                self._db.execute("INSERT OR IGNORE INTO memory_sources (memory_id, source, ts) "
                                 "SELECT ?, source, ts FROM memory_sources WHERE memory_id = ?",
                                 [keep_id, oid])
                self._db.table("memories").update(oid, {"status": "superseded",
                                                  "superseded_by": keep_id, "updated_at": at})
                self._unindex(oid)
                self._op("merge", oid, other.type, f"merged into {keep_id}: {reason}".strip(),
                         tier, at)
                if other.pinned:
                    self._db.table("memories").update(keep_id, {"pinned": 1})
            added = self._add_sources(keep_id, sources, at)
            self._db.table("memories").update(keep_id, {
                "updated_at": at, "importance": min(1.0, keep.importance + 0.05)})
            self._op("merge", keep_id, keep.type, reason or f"{added} new sources", tier, at)
            self._index(keep_id)  # the doc carries the unioned sources
        return keep_id

    def extend(self, memory_id: int, fields: dict, *, sources: Sequence[str] = (),
               tier: str = "floor", reason: str = "") -> None:
        """Grow an item in place (an ongoing episode's end time); the earlier value stays
        in its versions, so nothing is lost."""
        m = self._require(memory_id)
        f = normalise(m.type, {**self._fields(memory_id, reveal=True), **fields})
        at = now_iso()
        with self._db.atomic():
            self._db.table("memories").update(memory_id, {"updated_at": at, **self._stored(m.type, f)})
            self._add_sources(memory_id, sources, at)
            self._version(memory_id, m.type, f, "merge", reason, at)
            self._op("merge", memory_id, m.type, reason, tier, at)
            self._index(memory_id)

    def mark_processed(self, refs: Sequence[tuple[str, str, int]], *, batch: str,
                       at: str | None = None) -> None:
        """The pipeline's idempotency markers: (ref, kind, ref_id) per observation."""
        at = at or now_iso()
        with self._db.atomic():
            for ref, kind, ref_id in refs:
                self._db.execute("INSERT OR IGNORE INTO processed_observations (ref, kind, "
                                 "ref_id, at, batch) VALUES (?, ?, ?, ?, ?)",
                                 [ref, kind, ref_id, at, batch])

    def delete(self, memory_id: int, *, reason: str = "", tier: str = "user") -> None:
        """Soft delete: the row and its history stay; its doc leaves the search index."""
        m = self._require(memory_id)
        at = now_iso()
        with self._db.atomic():
            self._db.table("memories").update(memory_id, {"status": "deleted", "updated_at": at})
            self._version(memory_id, m.type, self._fields(memory_id, reveal=True), "delete",
                          reason, at)
            self._unindex(memory_id)
            self._op("delete", memory_id, m.type, reason, tier, at)

    def pin(self, memory_id: int, pinned: bool = True, *, reason: str = "") -> None:
        m = self._require(memory_id)
        with self._db.atomic():
            self._db.table("memories").update(memory_id, {"pinned": int(pinned)})
            self._op("pin" if pinned else "unpin", memory_id, m.type, reason, "user", now_iso())

    def note(self, op: str, *, reason: str, tier: str, memory_id: int | None = None,
             type_: str = "") -> None:
        """An audit entry with no change to an item ('none', or a skipped tier)."""
        with self._db.atomic():
            self._op(op, memory_id, type_, reason, tier, now_iso())

    def touch(self, ids: Sequence[int]) -> None:
        """Record that memories were recalled (reinforces them against fading)."""
        at = now_iso()
        with self._db.atomic():
            for i in ids:
                self._db.execute("UPDATE memories SET access_count = access_count + 1, "
                                 "last_accessed_at = ? WHERE id = ?", [at, i])

    def set_parent(self, ids: Sequence[int], parent_id: int) -> None:
        with self._db.atomic():
            for i in ids:
                self._db.table("memories").update(i, {"parent_id": parent_id})

    def set_strengths(self, values: dict[int, float]) -> None:
        with self._db.atomic():
            for i, s in values.items():
                self._db.execute("UPDATE memories SET strength = ? WHERE id = ?", [s, i])

    def upsert(self, c: Candidate, *, fuzzy: bool = True) -> tuple[str, int]:
        """Apply a candidate: merge into the same (or, with `fuzzy`, a near-identical) item,
        else add. Returns (op, memory id) with op "merge" or "add".

        The floor passes fuzzy=False: its items repeat exactly, and the FTS scan per
        candidate would grow with the store; consolidation merges the near-identical."""
        f = normalise(c.type, c.fields)
        same = self.find_similar(c.type, render(c.type, f), identity_key=identity(c.type, f),
                                 subject=f, limit=1, threshold=SIMILAR if fuzzy else 1.01)
        if same:
            return "merge", self.merge(same[0].id, sources=c.sources, tier=c.tier,
                                       reason=c.reason or "seen again")
        return "add", self.add(c.type, f, sources=c.sources, tier=c.tier,
                               importance=c.importance, occurred_at=c.occurred_at,
                               reason=c.reason)

    # -- reading -----------------------------------------------------------------------
    def get(self, memory_id: int, *, reveal: bool = False) -> Memory | None:
        rows = list(self._db.query("SELECT * FROM memories WHERE id = ?", [memory_id]))
        return self._memory(rows[0], reveal=reveal) if rows else None

    def list_by_type(self, type_: str, *, status: str = "active", limit: int = 1000,
                     newest_first: bool = True) -> list[Memory]:
        order = "DESC" if newest_first else "ASC"
        return [self._memory(r) for r in self._db.query(
            f"SELECT * FROM memories WHERE type = ? AND status = ? "
            f"ORDER BY COALESCE(occurred_epoch, 0) {order}, id {order} LIMIT ?",
            [type_, status, limit])]

    def episodes_between(self, start: float, end: float, *, levels: Sequence[str] = (),
                         exclude: Sequence[str] = (), where=None, limit: int = 1000,
                         lookback_s: float = EPISODE_LOOKBACK_S) -> list[Memory]:
        """Active episodic memories overlapping the epoch range [start, end], by start, at
        most `limit`: those whose `event_type` is in `levels` (any, when empty) and not in
        `exclude`, and for which `where(fields)` holds. One that began up to `lookback_s`
        before counts when it reaches into the range. Rows are read in order and stop at
        `limit`, so a year asked about costs no more than a morning."""
        out: list[Memory] = []
        for row, span in self._episode_rows(start, end, levels=levels, exclude=exclude,
                                            lookback_s=lookback_s):
            if where and not where(span.fields):
                continue
            out.append(self._memory(row))
            if len(out) >= limit:
                break
        return out

    def episode_spans(self, start: float, end: float, *,
                      lookback_s: float = EPISODE_LOOKBACK_S) -> list[EpisodeSpan]:
        """The spans of `episodes_between` (every level), without building a Memory each:
        what the timeline draws as bands."""
        return [span for _row, span in self._episode_rows(start, end, lookback_s=lookback_s)]

    def _episode_rows(self, start: float, end: float, *, levels: Sequence[str] = (),
                      exclude: Sequence[str] = (), lookback_s: float):
        """(row, span) of the active episodic memories overlapping [start, end], by start.
        A row whose fields do not read as an object is logged and left out."""
        sql = ("SELECT * FROM memories WHERE type = ? AND status = 'active' "
               "AND occurred_epoch BETWEEN ? AND ?")
        args: list = [EPISODIC, start - lookback_s, end]
        kind = "COALESCE(json_extract(fields, '$.event_type'), '')"
        if levels:
            sql += f" AND {kind} IN {in_list(levels)}"
            args += list(levels)
        if exclude:
            sql += f" AND {kind} NOT IN {in_list(exclude)}"
            args += list(exclude)
        for row in self._db.query(sql + " ORDER BY occurred_epoch, id", args):
            try:
                f = json.loads(row["fields"])
            except (TypeError, ValueError):
                f = None
            if not isinstance(f, dict):
                log.warning("memory %s has unreadable fields; left out of the timeline",
                            row["id"])
                continue
            t0 = row["occurred_epoch"]
            t1 = _epoch(f.get("ended_at"))
            if t1 is None or t1 < t0:
                t1 = t0
            if t1 < start:
                continue
            yield row, EpisodeSpan(id=row["id"], start=t0, end=t1, fields=f)

    def list_rows(self, type_: str, limit: int = -1) -> list[MemoryRow]:
        """The active items of `type_` (the first `limit`; every one when negative), pinned
        first, then newest first (an item with no time of its own after those with one)."""
        return [MemoryRow(id=r[0], text=r[1] or "", pinned=bool(r[2]), sensitive=bool(r[3]),
                          occurred_at=r[4], created_at=r[5]) for r in self._db.execute(
            "SELECT id, text, pinned, sensitive, occurred_at, created_at FROM memories "
            "WHERE type = ? AND status = 'active' "
            "ORDER BY pinned DESC, occurred_epoch DESC, id DESC LIMIT ?",
            [type_, limit])]

    def strengths(self, doc_ids: Sequence[int]) -> list[tuple[int, float | None,
                                                              float | None, bool]]:
        """(doc id, strength, importance, pinned) of the memories behind `doc_ids`: what
        fading weighs a memory's search rank by."""
        if not doc_ids:
            return []
        ids = list(doc_ids)
        return [(r[0], r[1], r[2], bool(r[3])) for r in self._db.execute(
            f"SELECT doc_id, strength, importance, pinned FROM memories WHERE doc_id IN "
            f"{in_list(ids)}", ids).fetchall()]

    def counts(self) -> dict[str, int]:
        return {r["type"]: r["n"] for r in self._db.query(
            "SELECT type, COUNT(*) AS n FROM memories WHERE status = 'active' GROUP BY type")}

    def sources(self, memory_id: int) -> list[str]:
        return [s for s, _ts in self.sources_with_times(memory_id)]

    def sources_with_times(self, memory_id: int) -> list[tuple[str, str]]:
        """The memory's provenance: (source key, when that moment was), oldest first."""
        return [(r["source"], r["ts"] or "") for r in self._db.query(
            "SELECT source, ts FROM memory_sources WHERE memory_id = ? ORDER BY ts, source",
            [memory_id])]

    def history(self, memory_id: int) -> list[dict]:
        """Every version of the item and the items it superseded or was merged into."""
        chain = {memory_id}
        frontier = [memory_id]
        while frontier:
            i = frontier.pop()
            # two lookups, each by an index (an OR of the two made SQLite scan the table)
            for r in self._db.execute("SELECT id FROM memories WHERE superseded_by = ? UNION "
                                      "SELECT superseded_by FROM memories WHERE id = ?",
                                      [i, i]).fetchall():
                if r[0] and r[0] not in chain:
                    chain.add(r[0])
                    frontier.append(r[0])
        ids = sorted(chain)
        marks = in_list(ids)
        versions = [dict(r) | {"fields": json.loads(r["fields"])} for r in self._db.query(
            f"SELECT memory_id, version, fields, op, at, reason FROM memory_versions WHERE "
            f"memory_id IN {marks} ORDER BY at, memory_id, version", ids)]
        ops = list(self._db.query(f"SELECT * FROM memory_ops WHERE memory_id IN {marks} "
                                  f"ORDER BY id", ids))
        seen, out = set(), []
        for v in versions:  # a superseding row carries copies of its predecessor's versions
            k = (v["version"], v["at"], json.dumps(v["fields"], sort_keys=True))
            if k not in seen:
                seen.add(k)
                out.append(v | {"kind": "version"})
        return out + [o | {"kind": "op"} for o in ops]

    def ops(self, *, limit: int = 100) -> list[dict]:
        return list(self._db.query("SELECT * FROM memory_ops ORDER BY id DESC LIMIT ?", [limit]))

    def find_similar(self, type_: str, text: str, *, identity_key: str | None = None,
                     subject: dict | None = None, limit: int = 5,
                     threshold: float = SIMILAR) -> list[Memory]:
        """Active items of `type_` that are the same thing: same identity, or near-identical
        text (word Jaccard >= threshold) among the FTS candidates about the same subject as
        the fields `subject` (when given)."""
        out: list[Memory] = []
        if identity_key:
            out = [self._memory(r) for r in self._db.query(
                "SELECT * FROM memories WHERE identity = ? AND status = 'active' ORDER BY id",
                [identity_key])]
        q = fts_query(text) if threshold <= 1.0 else ""
        if not out and threshold > 1.0:  # exact text only
            out = [self._memory(r) for r in self._db.query(
                "SELECT * FROM memories WHERE type = ? AND text = ? AND status = 'active' "
                "ORDER BY id LIMIT 1", [type_, text])]
        if q and len(out) < limit:
            rows = self._db.execute(
                "SELECT m.id, m.text FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid JOIN memories m "
                "ON m.doc_id = d.id WHERE docs_fts MATCH ? AND d.kind = 'memory' AND m.type = ? "
                "AND m.status = 'active' ORDER BY bm25(docs_fts) LIMIT 20", [q, type_]).fetchall()
            have = {o.id for o in out}
            for mid, mtext in rows:
                if mid not in have and similarity(mtext, text) >= threshold:
                    m = self.get(mid)
                    if m is not None and (subject is None
                                          or same_subject(type_, subject, m.fields)):
                        out.append(m)
        return out[:limit]

    def reveal(self, memory_id: int) -> dict:
        """The fields with a sealed vault value opened (encrypted stores only)."""
        return self._fields(memory_id, reveal=True)

    # -- helpers -----------------------------------------------------------------------
    def _require(self, memory_id: int) -> Memory:
        m = self.get(memory_id)
        if m is None:
            raise StoreError(f"No memory with id {memory_id}.")
        return m

    def _stored(self, type_: str, f: dict) -> dict:
        """Columns for fields: a sensitive value sealed (or dropped), never in clear text."""
        sensitive = is_sensitive(type_, f)
        sealed = None
        if sensitive and f.get("value") and f["value"] != MASK and self._keys is not None:
            sealed = self._keys.seal_value(f["value"])
        clear = masked(type_, f)
        return {"fields": json.dumps(clear, ensure_ascii=False), "text": render(type_, clear),
                "sensitive": int(sensitive), "sealed_value": sealed}

    def _fields(self, memory_id: int, *, reveal: bool = False) -> dict:
        r = self._db.execute("SELECT fields, sealed_value FROM memories WHERE id = ?",
                             [memory_id]).fetchone()
        f = json.loads(r[0])
        if reveal and r[1] and self._keys is not None:
            f["value"] = self._keys.open_value(r[1])
        return f

    def _memory(self, r: dict, *, reveal: bool = False) -> Memory:
        f = json.loads(r["fields"])
        if reveal and r["sealed_value"] and self._keys is not None:
            f["value"] = self._keys.open_value(r["sealed_value"])
        return Memory(
            id=r["id"], type=r["type"], fields=f, text=r["text"],
            importance=r["importance"] or 0.0, strength=r["strength"] or 0.0,
            access_count=r["access_count"] or 0, pinned=bool(r["pinned"]), status=r["status"],
            superseded_by=r["superseded_by"], parent_id=r["parent_id"], tier=r["tier"],
            sensitive=bool(r["sensitive"]), occurred_at=r["occurred_at"],
            created_at=r["created_at"], updated_at=r["updated_at"],
            last_accessed_at=r["last_accessed_at"], sources=self.sources(r["id"]))

    def _add_sources(self, mid: int, sources: Iterable[str], at: str) -> int:
        n = 0
        for s in dict.fromkeys(sources):
            ts = self._source_ts(s) or at
            n += self._db.execute("INSERT OR IGNORE INTO memory_sources (memory_id, source, ts) "
                                  "VALUES (?, ?, ?)", [mid, s, ts]).rowcount
        return n

    def _source_ts(self, source: str) -> str | None:
        m = resolve(self._db, [source]).get(source)
        return m.ts if m else None

    def _version(self, mid: int, type_: str, f: dict, op: str, reason: str, at: str) -> None:
        """One more version of a memory, stored like the memory itself (`_stored`): a
        sensitive value sealed beside masked fields, never in clear text."""
        n = self._db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM memory_versions "
                             "WHERE memory_id = ?", [mid]).fetchone()[0]
        stored = self._stored(type_, f)
        self._db.table("memory_versions").insert({"memory_id": mid, "version": n, "op": op, "at": at,
                                            "reason": reason, "fields": stored["fields"],
                                            "sealed_value": stored["sealed_value"]})

    def _op(self, op: str, mid: int | None, type_: str, reason: str, tier: str, at: str) -> None:
        self._db.table("memory_ops").insert({"op": op, "memory_id": mid, "type": type_, "at": at,
                                       "reason": reason, "tier": tier})

    def _index(self, mid: int) -> None:
        """(Re)build the memory's doc: its text and sources; ts = occurred or updated time.

        When only the sources changed (a merge), the doc's sources are rewritten in place:
        its text, and so its vector, stay valid, and nothing is re-embedded."""
        r = self._db.execute("SELECT m.type, m.text, m.occurred_at, m.updated_at, m.doc_id, "
                             "d.text FROM memories m LEFT JOIN docs d ON d.id = m.doc_id "
                             "WHERE m.id = ?", [mid]).fetchone()
        if r[4] and r[5] == r[1]:
            self._db.execute("UPDATE docs SET sources = ? WHERE id = ?",
                             [json.dumps(self.sources(mid)), r[4]])
            return
        self._unindex(mid)
        ts = r[2] or r[3]
        app = ""
        if r[0] == EPISODIC:
            app = json.loads(self._db.execute("SELECT fields FROM memories WHERE id = ?",
                                              [mid]).fetchone()[0]).get("app", "")
        doc_ids = self._docs.add([NewDoc(kind="memory", ref_id=mid, text=r[1], ts=ts,
                                         ts_epoch=_epoch(ts), app=app,
                                         sources=self.sources(mid))])
        self._db.table("memories").update(mid, {"doc_id": doc_ids[0]})

    def _unindex(self, mid: int) -> None:
        r = self._db.execute("SELECT doc_id FROM memories WHERE id = ?", [mid]).fetchone()
        if r and r[0]:
            shared = self._db.execute("SELECT COUNT(*) FROM memories WHERE doc_id = ? AND id != ?"
                                      " AND status = 'active'", [r[0], mid]).fetchone()[0]
            if not shared:
                self._docs.delete([r[0]])
            self._db.table("memories").update(mid, {"doc_id": None})
