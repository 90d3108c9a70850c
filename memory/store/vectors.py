"""Vector indexes. Score contract: `score` is cosine similarity, higher = more similar.

Chroma holds vectors, ids and the two filter fields (kind, ts_epoch) only: never text.
The text of record is in the (encrypted) SQLite database.

Deleting from Chroma does not remove the bytes: its HNSW files keep a deleted vector
(marked, not erased), its write-ahead log (`embeddings_queue` in chroma.sqlite3) keeps
every upsert with its metadata until the index is flushed (every 1,000 writes), and a
dropped collection's HNSW folder stays on disk. `compact()` is how a forget makes them go.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from memory.errors import DiskFullError, StoreError
from models.embeddings import BatchEmbedder as Embedder  # what an index needs: batches only

if TYPE_CHECKING:  # chromadb itself is imported only when an index opens
    from chromadb.api.types import Embeddings, Metadata, QueryResult, Where
    from chromadb.base_types import (
        InclusionExclusionOperator,
        LiteralValue,
        LogicalOperator,
        WhereOperator,
    )

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VectorHit:
    id: int
    score: float  # cosine similarity, higher = more similar


class VectorIndex(Protocol):
    def upsert(self, ids: Sequence[int], vectors: np.ndarray, *, kinds: Sequence[str],
               ts_epochs: Sequence[float]) -> None: ...

    def query(self, vector: np.ndarray, *, k: int, kinds: Sequence[str] | None = None,
              ts_range: tuple[float, float] | None = None) -> list[VectorHit]: ...

    def query_among(self, vector: np.ndarray, ids: Sequence[int], *,
                    k: int) -> list[VectorHit] | None: ...

    def delete(self, ids: Sequence[int]) -> None: ...

    def ids(self) -> set[int]: ...

    def count(self) -> int: ...

    def compact(self) -> dict:
        """Leave no trace of deleted vectors in the index's files; returns what was done."""
        ...


@contextmanager
def _chroma_faults(where: str):
    """chromadb raises its own InternalError (and others) for environment faults."""
    try:
        yield
    except StoreError:
        raise
    except Exception as e:  # chromadb has no common base class for its faults
        msg = str(e)
        low = msg.lower()
        if "disk i/o" in low or "disk is full" in low or "no space" in low or "quota" in low:
            raise DiskFullError(f"The disk is full: the vector store at {where} could not be "
                                "written. Free some space; everything stored before is "
                                "intact and is indexed again at the next start.") from e
        raise StoreError(f"The vector store at {where} failed: {msg}") from e


COMPARE_DIRECTLY = 256   # up to this many candidate vectors: fetched and compared here
COPY_PAGE = 2_000        # vectors per get/upsert while a collection is rebuilt
_SEGMENT_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _hits(res: QueryResult) -> list[VectorHit]:
    distances = res["distances"]
    if distances is None:  # every query here includes them
        raise StoreError("The vector store answered a query without distances.")
    return [VectorHit(int(i), 1.0 - float(d)) for i, d in zip(res["ids"][0], distances[0])]


class ChromaIndex:
    """An embedded (PersistentClient) or remote (HttpClient) Chroma collection."""

    COLLECTION = "docs"
    REBUILD = "docs-rebuild"   # the copy `compact()` fills before it replaces COLLECTION
    METADATA = {"hnsw:space": "cosine"}

    def __init__(self, *, path: Path | None = None, host: str | None = None, port: int = 8000,
                 embedder: Embedder) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from models.embeddings import ChromaEmbeddingFunction

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        where = f"{host}:{port}" if host else str(path)
        self._where = where
        local: Path | None = None
        if not host:
            if path is None:
                raise TypeError("ChromaIndex needs a path or a host")
            local = Path(path)
        self._path = local
        self._lock = threading.RLock()  # compact() swaps the collection under the others
        # ChromaEmbeddingFunction meets chroma's EmbeddingFunction protocol structurally
        # (models/embeddings.py says why it does not subclass it), which mypy cannot see.
        self._ef: Any = None
        try:
            if host:
                self._client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
            elif local is not None:
                local.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(local), settings=chroma_settings)
            # Always pass our local function: without it Chroma falls back to a default
            # that downloads a model at the first add/query.
            self._ef = ChromaEmbeddingFunction(embedder)
            self._take_back_rebuild()
            self._col = self._client.get_or_create_collection(
                self.COLLECTION, embedding_function=self._ef, metadata=dict(self.METADATA))
        except Exception as e:  # chromadb raises many unrelated types for one cause
            raise StoreError(f"The vector store at {where} cannot be opened: {e}") from e

    def upsert(self, ids, vectors, *, kinds, ts_epochs) -> None:
        if not len(ids):
            return
        metas: list[Metadata] = [{"kind": k, "ts": float(t or 0.0)}
                                 for k, t in zip(kinds, ts_epochs)]
        with self._lock, _chroma_faults(self._where):
            self._col.upsert(ids=[str(i) for i in ids], embeddings=np.asarray(vectors, np.float32),
                             metadatas=metas)

    def query(self, vector, *, k, kinds=None, ts_range=None) -> list[VectorHit]:
        # No count() first: it costs more than the query (~6 ms at 30k), and Chroma returns
        # what it has when asked for more.
        clauses: list[Where] = []
        if kinds:
            among: dict[InclusionExclusionOperator, list[LiteralValue]] = {"$in": list(kinds)}
            clauses.append({"kind": among})
        if ts_range:
            since: dict[WhereOperator | LogicalOperator, LiteralValue] = {"$gte": ts_range[0]}
            until: dict[WhereOperator | LogicalOperator, LiteralValue] = {"$lte": ts_range[1]}
            clauses += [{"ts": since}, {"ts": until}]
        where: Where | None = clauses[0] if len(clauses) == 1 else (
            {"$and": clauses} if clauses else None)
        queries: Embeddings = [np.asarray(vector, np.float32)]
        with self._lock, _chroma_faults(self._where):
            res = self._col.query(query_embeddings=queries,
                                  n_results=k, where=where, include=["distances"])
        return _hits(res)

    def query_among(self, vector, ids, *, k) -> list[VectorHit] | None:
        """The nearest of `ids` only: the docs of a time window, found in SQLite by index.

        Chroma's metadata filter scans every record (~90 ms at 30k, whatever the window);
        a few hundred vectors are fetched and compared here instead, and a larger set is
        searched with Chroma's id restriction (~10-30 ms). None when Chroma lacks one of
        the ids (an index behind the database after a crash): the caller filters then."""
        if not len(ids):
            return []
        keys = [str(i) for i in ids]
        q = np.asarray(vector, np.float32)
        if len(keys) <= COMPARE_DIRECTLY:
            with self._lock, _chroma_faults(self._where):
                got = self._col.get(ids=keys, include=["embeddings"])
            if not len(got["ids"]):
                return []
            m = np.asarray(got["embeddings"], np.float32)
            sims = m @ q / (np.linalg.norm(m, axis=1) * np.linalg.norm(q) + 1e-12)
            return [VectorHit(int(got["ids"][i]), float(sims[i])) for i in np.argsort(-sims)[:k]]
        try:
            with self._lock:
                queries: Embeddings = [q]
                res = self._col.query(query_embeddings=queries, n_results=min(k, len(keys)),
                                      ids=keys, include=["distances"])
        except Exception as e:  # chromadb: "Error finding id" (InternalError) and kin
            log.warning("vector index lacks ids of a time window (%s); filtering instead", e)
            return None
        return _hits(res)

    def delete(self, ids) -> None:
        if len(ids):
            with self._lock, _chroma_faults(self._where):
                self._col.delete(ids=[str(i) for i in ids])

    def ids(self) -> set[int]:
        out: set[int] = set()
        offset, page = 0, 5000
        while True:
            with self._lock, _chroma_faults(self._where):
                got = self._col.get(include=[], limit=page, offset=offset)["ids"]
            out.update(int(i) for i in got)
            if len(got) < page:
                return out
            offset += page

    def count(self) -> int:
        with self._lock, _chroma_faults(self._where):
            return self._col.count()

    def export(self, page: int = COPY_PAGE):
        """The whole index in pages of (ids, vectors, metadatas), for a copy elsewhere."""
        offset = 0
        while True:
            with self._lock, _chroma_faults(self._where):
                got = self._col.get(include=["embeddings", "metadatas"], limit=page,
                                    offset=offset)
            ids = got["ids"]
            if not len(ids):
                return
            yield ids, got["embeddings"], got["metadatas"]
            if len(ids) < page:
                return
            offset += len(ids)

    # -- compaction --------------------------------------------------------------------
    def compact(self) -> dict:
        """Rebuild the collection from the vectors it holds, so that deleted ones (and
        their metadata) are gone from every file under the index's folder.

        The live vectors are copied into a new collection; the old one is dropped (Chroma
        drops its log rows with it) and the copy renamed. Then the dropped segment's HNSW
        folder, which Chroma leaves behind, is removed, and chroma.sqlite3 vacuumed so no
        free page holds an old row. A crash before the drop leaves the old collection
        whole (the partial copy is dropped next time); after it, the complete copy, which
        the next open takes back. On a remote server the rebuild happens, but its files
        are the server's: there `chroma utils vacuum` finishes the job."""
        with self._lock, _chroma_faults(self._where):
            self._drop(self.REBUILD)
            copy = self._client.create_collection(
                self.REBUILD, embedding_function=self._ef, metadata=dict(self.METADATA))
            copied = 0
            while True:
                got = self._col.get(include=["embeddings", "metadatas"], limit=COPY_PAGE,
                                    offset=copied)
                if len(got["ids"]):
                    copy.upsert(ids=got["ids"], embeddings=np.asarray(got["embeddings"],
                                                                      np.float32),
                                metadatas=got["metadatas"])
                copied += len(got["ids"])
                if len(got["ids"]) < COPY_PAGE:
                    break
            if copy.count() != self._col.count():
                self._drop(self.REBUILD)
                raise StoreError(f"The vector store at {self._where} could not be rebuilt: "
                                 "the copy differs from the original, which is kept.")
            self._client.delete_collection(self.COLLECTION)
            copy.modify(name=self.COLLECTION)
            self._col = self._client.get_collection(self.COLLECTION, embedding_function=self._ef)
        removed, vacuumed = self._remove_dropped_segments(), self._vacuum()
        log.info("vector index compacted: %d vectors kept, %d dropped segment folders removed",
                 copied, removed)
        return {"vectors": copied, "segment_folders_removed": removed, "vacuumed": vacuumed}

    def _drop(self, name: str) -> None:
        if name in {c.name for c in self._client.list_collections()}:
            self._client.delete_collection(name)

    def _take_back_rebuild(self) -> None:
        """After a crash between dropping the old collection and renaming the copy."""
        names = {c.name for c in self._client.list_collections()}
        if self.REBUILD in names and self.COLLECTION not in names:
            self._client.get_collection(self.REBUILD, embedding_function=self._ef).modify(
                name=self.COLLECTION)
            log.warning("vector index: a rebuild interrupted after its last step was finished")

    def _remove_dropped_segments(self) -> int:
        """Segment folders (named by uuid) that chroma.sqlite3 no longer lists."""
        if self._path is None or not (self._path / "chroma.sqlite3").exists():
            return 0
        try:
            with _readonly(self._path / "chroma.sqlite3") as con:
                live = {r[0] for r in con.execute("SELECT id FROM segments")}
        except sqlite3.Error as e:
            log.warning("vector index: cannot list its segments (%s); nothing removed", e)
            return 0
        removed = 0
        for d in self._path.iterdir():
            if d.is_dir() and _SEGMENT_DIR.match(d.name) and d.name not in live:
                shutil.rmtree(d, ignore_errors=True)
                removed += not d.exists()
        return removed

    def _vacuum(self) -> bool | None:
        """Rewrite chroma.sqlite3 without free pages (deleted rows linger in them); None
        for a remote server, whose files are not ours."""
        if self._path is None:
            return None
        try:
            con = sqlite3.connect(self._path / "chroma.sqlite3", timeout=30,
                                  isolation_level=None)
            try:
                con.execute("VACUUM")
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                con.close()
            return True
        except sqlite3.Error as e:
            log.warning("vector index: chroma.sqlite3 not vacuumed (%s)", e)
            return False


def copy_index(source: ChromaIndex, target: ChromaIndex, *, page: int = 1000,
               progress=None) -> dict:
    """Make `target` hold exactly the vectors of `source` (ids, vectors and filter fields;
    an upsert, so a re-run after an interruption is safe); returns counts and a check."""
    copied = 0
    for ids, vecs, metas in source.export(page):
        metas = [m or {} for m in metas]
        target.upsert([int(i) for i in ids], np.asarray(vecs, np.float32),
                      kinds=[str(m.get("kind", "")) for m in metas],
                      ts_epochs=[float(m.get("ts", 0.0) or 0.0) for m in metas])
        copied += len(ids)
        if progress:
            progress(copied, source.count())
    src_ids, dst_ids = source.ids(), target.ids()
    extra = sorted(dst_ids - src_ids)
    if extra:  # left from an older copy: the target must mirror the source
        target.delete(extra)
        dst_ids = target.ids()
    return {"copied": copied, "removed_from_target": len(extra),
            "source_count": source.count(), "target_count": target.count(),
            "ids_match": src_ids == dst_ids, "queries_match": same_neighbours(source, target)}


def same_neighbours(source: ChromaIndex, target: ChromaIndex, probes: int = 5,
                    k: int = 5) -> bool:
    """Query both indexes with a few stored vectors: the same top-k ids must come back."""
    for _ids, vecs, _m in source.export(probes):
        for vec in vecs[:probes]:
            a = [h.id for h in source.query(np.asarray(vec, np.float32), k=k)]
            b = [h.id for h in target.query(np.asarray(vec, np.float32), k=k)]
            if set(a) != set(b):  # HNSW ties may swap order; membership must agree
                return False
        break
    return True


@contextmanager
def _readonly(path: Path):
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        yield con
    finally:
        con.close()
