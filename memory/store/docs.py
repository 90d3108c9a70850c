"""Searchable units ("docs") in SQLite + FTS5, mirrored as vectors in a VectorIndex.

A doc is written to SQLite first (`embedded = 0`), then embedded and upserted into the
vector index, then marked `embedded = 1`. A crash anywhere in between is healed by
`reconcile()`: pending docs are embedded again (upsert is idempotent) and vector ids that
have no row any more are deleted from the index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from memory.store.sql import chunks, in_list, new_rowid
from memory.store.vectors import Embedder, VectorIndex

log = logging.getLogger(__name__)

# Function words that only add noise to an OR-query; BM25 would down-weight them anyway,
# but they make every doc a candidate and slow large indexes down.
STOPWORDS = frozenset("""a an and are as at be been but by can could did do does for from
had has have how i if in into is it its me my of on or our so than that the their them
then there these they this to was we were what when where which who whom why will with
would you your yours he she his her him hers about after before did does done just also
any some""".split())

# A chat turn is indexed with the turns around it ("5 years already!" answers a question
# asked just before it): its neighbours' words count this much of its own (BM25). Measured
# on public LoCoMo conversations: see memory/retrieval.py.
CONTEXT_WEIGHT = 0.5
AMONG_MAX = 20_000  # a time window with more docs than this is filtered by Chroma instead
_WORD = re.compile(r"[\w][\w'.,:/@#-]*[\w]|[\w]", re.UNICODE)


@dataclass(frozen=True)
class NewDoc:
    kind: str
    ref_id: int
    text: str
    ts: str | None
    ts_epoch: float | None
    app: str
    sources: list[str]
    embed_text: str | None = None  # what to embed, when it differs from the indexed text
    context: str | None = None  # text around it (a chat turn's neighbours), indexed apart


@dataclass(frozen=True)
class Doc:
    id: int
    kind: str
    ref_id: int
    text: str
    ts: str | None
    ts_epoch: float | None
    app: str
    sources: list[str]


def content_hash(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\x00{' '.join(text.split()).lower()}".encode()).hexdigest()


def fts_query(text: str, *, prefix: bool = False) -> str:
    """A safe FTS5 query: each content word quoted, OR-ed (user text never reaches SQL).
    With `prefix`, a last word still being typed (no space after it) also matches the
    longer words it starts (search as the user types)."""
    words = []
    for w in _WORD.findall(text.lower()):
        for part in re.split(r"[^\w]+", w):
            if part and part not in STOPWORDS and part not in words:
                words.append(part)
    quoted = [f'"{w}"' for w in words]
    if prefix and quoted and text == text.rstrip():
        quoted[-1] += "*"
    return " OR ".join(quoted)


class DocIndex:
    def __init__(self, db: sqlite_utils.Database, vectors: VectorIndex, embedder: Embedder) -> None:
        self._db = db
        self._vectors = vectors
        self._embedder = embedder

    def add(self, docs: Iterable[NewDoc]) -> list[int]:
        """Insert docs (merging sources into an existing doc of identical content).

        Batched: one hash lookup per 500 docs and one executemany for the new rows (a
        row-at-a-time insert spent most of its time in sqlite-utils' per-call checks).
        """
        docs = list(docs)
        hashes = [content_hash(d.kind, d.text) for d in docs]
        ids: list[int] = []
        with self._db.atomic():
            existing: dict[str, tuple[int, list[str]]] = {}
            uniq = list(dict.fromkeys(hashes))
            for chunk in chunks(uniq):
                for row_id, h, src in self._db.execute(
                        f"SELECT id, content_hash, sources FROM docs WHERE content_hash IN "
                        f"{in_list(chunk)}", chunk).fetchall():
                    existing[h] = (row_id, json.loads(src or "[]"))
            changed: set[str] = set()
            for d, h in zip(docs, hashes):
                if h in existing:
                    row_id, sources = existing[h]
                    merged = list(dict.fromkeys(sources + d.sources))
                    if merged != sources:
                        existing[h] = (row_id, merged)
                        changed.add(h)
                    ids.append(row_id)
                    continue
                cur = self._db.execute(
                    "INSERT INTO docs (kind, ref_id, text, ts, ts_epoch, app, sources, "
                    "content_hash, embedded, embed_text, context) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    [d.kind, d.ref_id, d.text, d.ts, d.ts_epoch, d.app, json.dumps(d.sources), h,
                     d.embed_text, d.context])
                new_id = new_rowid(cur)
                existing[h] = (new_id, list(d.sources))
                ids.append(new_id)
            if changed:
                self._db.conn.executemany("UPDATE docs SET sources = ? WHERE id = ?",
                                          [(json.dumps(existing[h][1]), existing[h][0])
                                           for h in changed])
        return ids

    def embed_pending(self, *, batch: int = 256, progress=None) -> int:
        """Embed every doc not yet in the vector index. Returns how many were embedded."""
        done = 0
        while True:
            rows = list(self._db.query(
                "SELECT id, kind, text, embed_text, ts_epoch FROM docs WHERE embedded = 0 "
                "ORDER BY id LIMIT ?", [batch]))
            if not rows:
                return done
            vecs = self._embedder.embed([r["embed_text"] or r["text"] for r in rows])
            self._vectors.upsert([r["id"] for r in rows], vecs, kinds=[r["kind"] for r in rows],
                                 ts_epochs=[r["ts_epoch"] or 0.0 for r in rows])
            with self._db.atomic():
                self._db.execute(f"UPDATE docs SET embedded = 1 WHERE id IN {in_list(rows)}",
                                 [r["id"] for r in rows])
            done += len(rows)
            if progress:
                progress(done)

    def reconcile(self, *, embed: bool = True, accept_unknown: bool = False) -> dict:
        """Bring the vector index in step with SQLite after a crash or an outside change.

        Stray vectors (no doc row) are deleted only when few: a crash leaves at most what
        one forget had not deleted yet, while a database older than the index (a restored
        backup) leaves many, and those are refused (StoreError; nothing deleted) unless
        `accept_unknown`. Call it only when no other process has the store open: another
        one's docs may be embedded but not committed yet. `embed=False` leaves pending docs
        to the caller (Store.repair embeds them outside the open lock)."""
        from memory.errors import StoreError
        from memory.store.database import too_many_unknown

        in_index = self._vectors.ids()
        rows = {r[0]: r[1] for r in self._db.execute("SELECT id, embedded FROM docs").fetchall()}
        stray = [i for i in in_index if i not in rows]
        if stray and too_many_unknown(len(stray), len(in_index)) and not accept_unknown:
            raise StoreError(
                f"{len(stray)} of the {len(in_index)} vectors in the index belong to no doc "
                "in the database: the database looks older than, or different from, the "
                "vector index (restored from a backup?). Nothing was deleted. Restore the "
                "matching commonplace.db, or run `commonplace repair --accept-unknown`.")
        self._vectors.delete(stray)
        lost = [i for i, e in rows.items() if e and i not in in_index]
        if lost:
            with self._db.atomic():
                for i in lost:
                    self._db.table("docs").update(i, {"embedded": 0})
        embedded = self.embed_pending() if embed else 0
        if stray or embedded:
            log.info("vector reconcile: %d stray ids removed, %d docs embedded", len(stray),
                     embedded)
        return {"stray_vectors_removed": len(stray), "docs_embedded": embedded}

    def get(self, ids: Sequence[int]) -> dict[int, Doc]:
        if not ids:
            return {}
        rows = self._db.query(f"SELECT * FROM docs WHERE id IN {in_list(ids)}", list(ids))
        return {r["id"]: Doc(r["id"], r["kind"], r["ref_id"], r["text"], r["ts"], r["ts_epoch"],
                             r["app"] or "", json.loads(r["sources"] or "[]")) for r in rows}

    def placed(self, ids: Sequence[int]) -> dict[int, tuple[str, float | None]]:
        """Each doc's (app, ts_epoch), without its text: what a search filters and counts
        its candidates by before it reads the few it shows (`get`)."""
        out: dict[int, tuple[str, float | None]] = {}
        for part in chunks(list(ids)):
            out.update((i, (app or "", ts)) for i, app, ts in self._db.execute(
                f"SELECT id, app, ts_epoch FROM docs WHERE id IN {in_list(part)}",
                part).fetchall())
        return out

    def doc_freq(self, words: Sequence[str], *, cap: int = 1000) -> dict[str, int]:
        """How many docs hold each word (as the index tokenises it: "painted" counts docs
        with "paint"), counted up to `cap`: above that a word is common whatever its count."""
        out = {}
        for w in words:
            q = fts_query(w)
            out[w] = self._db.execute(
                "SELECT COUNT(*) FROM (SELECT 1 FROM docs_fts WHERE docs_fts MATCH ? LIMIT ?)",
                [q, cap]).fetchone()[0] if q else cap
        return out

    def size(self) -> int:
        """About how many docs there are (the highest id: cheap, and enough for an idf)."""
        return self._db.execute("SELECT COALESCE(MAX(id), 0) FROM docs").fetchone()[0]

    def fts(self, query: str, *, k: int, kinds: Sequence[str] | None = None,
            ts_range: tuple[float, float] | None = None,
            context: bool = True, prefix: bool = False) -> list[tuple[int, float]]:
        """BM25 ranking: (doc id, score) with higher = better (FTS5's bm25() negated).

        With context, a doc's score adds CONTEXT_WEIGHT times the BM25 score of its context
        (a chat turn's neighbours) over the best `k` of each index; context=False ranks by
        the doc's own text alone (the plain BM25 baseline). `prefix`: see fts_query."""
        q = fts_query(query, prefix=prefix)
        if not q:
            return []
        own = self._bm25("docs_fts", q, k, kinds, ts_range)
        if not context:
            return own
        scores = dict(own)
        for doc_id, score in self._bm25("docs_context_fts", q, k, kinds, ts_range):
            scores[doc_id] = scores.get(doc_id, 0.0) + CONTEXT_WEIGHT * score
        return sorted(scores.items(), key=lambda kv: -kv[1])[:k]

    def _bm25(self, index: str, q: str, k: int, kinds: Sequence[str] | None,
              ts_range: tuple[float, float] | None) -> list[tuple[int, float]]:
        if not kinds and not ts_range:  # no join: FTS5's rowid is the doc id
            return [(r[0], r[1]) for r in self._db.execute(
                f"SELECT rowid, -bm25({index}) FROM {index} WHERE {index} MATCH ? "
                f"ORDER BY bm25({index}) LIMIT ?", [q, k]).fetchall()]
        sql = (f"SELECT docs.id, -bm25({index}) AS score FROM {index} "
               f"JOIN docs ON docs.id = {index}.rowid WHERE {index} MATCH ?")
        args: list = [q]
        if kinds:
            sql += f" AND docs.kind IN {in_list(kinds)}"
            args += list(kinds)
        if ts_range:
            sql += " AND docs.ts_epoch BETWEEN ? AND ?"
            args += list(ts_range)
        sql += f" ORDER BY bm25({index}) LIMIT ?"
        args.append(k)
        return [(r[0], r[1]) for r in self._db.execute(sql, args).fetchall()]

    def vector(self, query: str, *, k: int, kinds: Sequence[str] | None = None,
               ts_range: tuple[float, float] | None = None) -> list[tuple[int, float]]:
        """Nearest docs by embedding. A time window's docs are picked here by the ts index
        and searched among (up to AMONG_MAX of them): Chroma's own metadata filter scans
        the whole collection."""
        vec = self._embedder.embed([query])[0]
        hits = None
        if ts_range:
            # The unary + keeps the planner on the (ts_epoch, embedded, kind) index, which
            # answers this from the index alone; without statistics it would take the
            # index on `embedded` and read every row.
            sql = "SELECT id FROM docs WHERE ts_epoch BETWEEN ? AND ? AND +embedded = 1"
            args: list = list(ts_range)
            if kinds:
                sql += f" AND +kind IN {in_list(kinds)}"
                args += list(kinds)
            ids = [r[0] for r in self._db.execute(sql + " LIMIT ?", [*args, AMONG_MAX + 1])]
            if len(ids) <= AMONG_MAX:
                hits = self._vectors.query_among(vec, ids, k=k)
        if hits is None:
            hits = self._vectors.query(vec, k=k, kinds=kinds, ts_range=ts_range)
        return [(h.id, h.score) for h in hits]

    def delete(self, ids: Sequence[int]) -> None:
        with self._db.atomic():
            for i in ids:
                self._db.table("docs").delete(i)
        self._vectors.delete(list(ids))


def embedded_counts(db: sqlite_utils.Database) -> tuple[int, int]:
    """(docs, docs whose vector is in the index): whether SQLite and the index agree."""
    return (db.execute("SELECT count(*) FROM docs").fetchone()[0],
            db.execute("SELECT count(*) FROM docs WHERE embedded = 1").fetchone()[0])
