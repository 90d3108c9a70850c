"""The store of one data directory: database, frame files and vector index, opened together."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from memory.store import database
from memory.store.crypto import Keys
from memory.store.docs import DocIndex
from memory.store.frames import FrameRepo
from memory.store.vectors import Embedder, VectorIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreLayout:
    data_dir: Path

    @property
    def db(self) -> Path:
        return self.data_dir / database.DB_FILE

    @property
    def frames(self) -> Path:
        return self.data_dir / "frames"

    @property
    def vectors(self) -> Path:
        return self.data_dir / "vectors"


class Store:
    """Owns the sqlite-utils Database (one writer), the frame files and the vector index."""

    def __init__(self, *, layout: StoreLayout, db: sqlite_utils.Database, keys: Keys | None,
                 vectors: VectorIndex, embedder: Embedder) -> None:
        self.layout = layout
        self.db = db
        self.keys = keys
        self.vectors = vectors
        self.frames = FrameRepo(db, layout.frames, keys)
        self.docs = DocIndex(db, vectors, embedder)
        self._embedder = embedder

    @property
    def encrypted(self) -> bool:
        return self.keys is not None

    @classmethod
    def open(cls, data_dir: Path, *, passphrase: str | None, encrypt_new: bool,
             embedder: Embedder, vectors: VectorIndex | None = None,
             chroma_host: str | None = None, chroma_port: int = 8000) -> Store:
        """Unlock and open a data directory, creating it if new.

        `vectors` may be given (tests, a fake index); otherwise Chroma is opened embedded
        under the data dir, or as a client of `chroma_host` when one is configured.
        """
        from memory.store.vectors import ChromaIndex

        layout = StoreLayout(Path(data_dir))
        keys = database.unlock(layout.data_dir, passphrase=passphrase, encrypt_new=encrypt_new)
        db = database.connect(layout.db, keys)
        if vectors is None:
            vectors = ChromaIndex(path=None if chroma_host else layout.vectors, host=chroma_host,
                                  port=chroma_port, embedder=embedder)
        store = cls(layout=layout, db=db, keys=keys, vectors=vectors, embedder=embedder)
        log.info("store open: %s (%s)", layout.data_dir, "encrypted" if keys else "plain")
        return store

    def sibling(self) -> Store:
        """The same store over a connection of its own, for a thread that writes on its own
        schedule (capture beside the GUI): SQLite then keeps the two threads' transactions
        apart. Keys, vector index and embedder are shared; nothing is unlocked again."""
        db = database.connect(self.layout.db, self.keys)
        return Store(layout=self.layout, db=db, keys=self.keys, vectors=self.vectors,
                     embedder=self._embedder)

    def add_frame(self, **frame) -> int:
        """Store a kept frame and its searchable passages in ONE transaction.

        Takes FrameRepo.add's keywords. A crash can then leave at most an orphan image
        file (removed by `repair()`), never a frame row without its docs: a re-import
        skips a source it already has, so such a frame would stay unsearchable for good.
        """
        from memory.indexing import frame_docs

        with self.errors(), self.db.atomic():
            frame_id = self.frames.add(**frame)
            self.docs.add(frame_docs(self.frames.get(frame_id)))
        return frame_id

    def errors(self):
        """Context manager turning database and disk faults into clear StoreErrors."""
        return database.translate_errors(self.layout.db)

    def repair(self) -> dict:
        """The start-up consistency pass: frame files vs rows, vectors vs docs."""
        with self.errors():
            report = self.frames.repair()
            report.update(self.docs.reconcile())
        return report

    def integrity(self) -> str:
        with self.errors():
            return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def counts(self) -> dict[str, int]:
        with self.errors():
            return {t: self.db[t].count for t in ("frames", "frame_sources", "turns", "docs")}

    def close(self) -> None:
        self.db.close()
