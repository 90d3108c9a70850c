"""Vector indexes. Score contract: `score` is cosine similarity, higher = more similar.

Chroma holds vectors, ids and the two filter fields (kind, ts_epoch) only: never text.
The text of record is in the (encrypted) SQLite database.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from memory.errors import DiskFullError, StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VectorHit:
    id: int
    score: float  # cosine similarity, higher = more similar


class Embedder(Protocol):
    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


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


def _hits(res: dict) -> list[VectorHit]:
    return [VectorHit(int(i), 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]


class ChromaIndex:
    """An embedded (PersistentClient) or remote (HttpClient) Chroma collection."""

    COLLECTION = "docs"

    def __init__(self, *, path: Path | None = None, host: str | None = None, port: int = 8000,
                 embedder: Embedder) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from models.embeddings import ChromaEmbeddingFunction

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        where = f"{host}:{port}" if host else str(path)
        self._where = where
        try:
            if host:
                self._client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            # Always pass our local function: without it Chroma falls back to a default
            # that downloads a model at the first add/query.
            self._col = self._client.get_or_create_collection(
                self.COLLECTION, embedding_function=ChromaEmbeddingFunction(embedder),
                metadata={"hnsw:space": "cosine"})
        except Exception as e:  # chromadb raises many unrelated types for one cause
            raise StoreError(f"The vector store at {where} cannot be opened: {e}") from e

    def upsert(self, ids, vectors, *, kinds, ts_epochs) -> None:
        if not len(ids):
            return
        metas = [{"kind": k, "ts": float(t or 0.0)} for k, t in zip(kinds, ts_epochs)]
        with _chroma_faults(self._where):
            self._col.upsert(ids=[str(i) for i in ids], embeddings=np.asarray(vectors, np.float32),
                             metadatas=metas)

    def query(self, vector, *, k, kinds=None, ts_range=None) -> list[VectorHit]:
        # No count() first: it costs more than the query (~6 ms at 30k), and Chroma returns
        # what it has when asked for more.
        clauses = []
        if kinds:
            clauses.append({"kind": {"$in": list(kinds)}})
        if ts_range:
            clauses += [{"ts": {"$gte": ts_range[0]}}, {"ts": {"$lte": ts_range[1]}}]
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        with _chroma_faults(self._where):
            res = self._col.query(query_embeddings=[np.asarray(vector, np.float32)],
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
            with _chroma_faults(self._where):
                got = self._col.get(ids=keys, include=["embeddings"])
            if not len(got["ids"]):
                return []
            m = np.asarray(got["embeddings"], np.float32)
            sims = m @ q / (np.linalg.norm(m, axis=1) * np.linalg.norm(q) + 1e-12)
            return [VectorHit(int(got["ids"][i]), float(sims[i])) for i in np.argsort(-sims)[:k]]
        try:
            res = self._col.query(query_embeddings=[q], n_results=min(k, len(keys)), ids=keys,
                                  include=["distances"])
        except Exception as e:  # chromadb: "Error finding id" (InternalError) and kin
            log.warning("vector index lacks ids of a time window (%s); filtering instead", e)
            return None
        return _hits(res)

    def delete(self, ids) -> None:
        if len(ids):
            with _chroma_faults(self._where):
                self._col.delete(ids=[str(i) for i in ids])

    def ids(self) -> set[int]:
        out: set[int] = set()
        offset, page = 0, 5000
        while True:
            with _chroma_faults(self._where):
                got = self._col.get(include=[], limit=page, offset=offset)["ids"]
            out.update(int(i) for i in got)
            if len(got) < page:
                return out
            offset += page

    def count(self) -> int:
        with _chroma_faults(self._where):
            return self._col.count()
