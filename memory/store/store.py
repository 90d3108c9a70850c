"""The store of one data directory: database, frame files and vector index, opened together.

The store is the only code that knows tables: every read and write goes through one of its
repositories (`frames`, `turns`, `docs`, `memories`, `vectors`, `threads`, `audit`,
`coverage`) or one of its methods (erasing a range, the export's tables of record,
resolving source keys).

Opening runs under the directory's open lock (see dirsafety): unlock or create the key
record, create or migrate the database, open the vector index. Each open Store then holds
the shared users lock until `close()`; the start-up `repair()` moves files only when no
other process has the store open.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from memory.store import database, dirsafety, erase, records
from memory.store.audit import AuditLog
from memory.store.coverage import CoverageLog
from memory.store.crypto import Keys
from memory.store.docs import DocIndex
from memory.store.frames import FrameRepo
from memory.store.memories import MemoryRepo
from memory.store.passages import frame_docs
from memory.store.sources import Moment, resolve
from memory.store.threads import ThreadRepo
from memory.store.turns import TurnRepo
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

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def quarantine(self) -> Path:
        return self.data_dir / "quarantine"


class Store:
    """Owns the sqlite-utils Database (one writer), the frame files and the vector index."""

    def __init__(self, *, layout: StoreLayout, db: sqlite_utils.Database, keys: Keys | None,
                 vectors: VectorIndex, embedder: Embedder,
                 users_lock: dirsafety.FileLock | None = None, owns_keys: bool = True) -> None:
        self.layout = layout
        self.db = db
        self.keys = keys
        self.vectors = vectors
        self.frames = FrameRepo(db, layout.frames, keys)
        self.docs = DocIndex(db, vectors, embedder)
        self.turns = TurnRepo(db, self.docs)
        self.memories = MemoryRepo(db, self.docs, keys)
        self.threads = ThreadRepo(db)
        self.audit = AuditLog(db)
        self.coverage = CoverageLog(db)
        self._embedder = embedder
        # The opener holds the users lock and owns the keys; a sibling shares both.
        self._users_lock = users_lock
        self._owns_keys = owns_keys

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
        database.prepare_dir(layout.data_dir)
        lock = database.take_open_lock(layout.data_dir)
        users = dirsafety.FileLock(layout.data_dir / dirsafety.USERS_LOCK)
        keys = db = None
        try:
            keys = database.unlock(layout.data_dir, passphrase=passphrase,
                                   encrypt_new=encrypt_new, lock=lock)
            db = database.connect(layout.db, keys)
            with database.translate_errors(layout.data_dir):
                for d in (layout.frames, *(() if chroma_host else (layout.vectors,))):
                    dirsafety.make_private_dir(d)  # before Chroma: it would use the umask
                if vectors is None:
                    vectors = ChromaIndex(path=None if chroma_host else layout.vectors,
                                          host=chroma_host, port=chroma_port, embedder=embedder)
                # Chroma and the log writer create files with the umask's mode; narrow them.
                changed = sum(dirsafety.narrow_tree(d) for d in (layout.vectors, layout.logs)
                              if d.exists())
                changed += sum(dirsafety.narrow(layout.data_dir / f, dirsafety.PRIVATE_FILE)
                               for f in (database.RECORD, dirsafety.USERS_LOCK))
                if changed:
                    log.info("store open: %d files or folders made private (0600/0700)", changed)
                users.acquire(exclusive=False, timeout=dirsafety.OPEN_LOCK_TIMEOUT_S)
        except BaseException:
            users.release()
            if db is not None:
                db.close()
            if keys is not None:
                keys.wipe()
            raise
        finally:
            lock.release()
        store = cls(layout=layout, db=db, keys=keys, vectors=vectors, embedder=embedder,
                    users_lock=users)
        log.info("store open: %s (%s)", layout.data_dir, "encrypted" if keys else "plain")
        return store

    def sibling(self) -> Store:
        """The same store over a connection of its own, for a thread that writes on its own
        schedule (capture beside the GUI): SQLite then keeps the two threads' transactions
        apart. Keys, vector index and embedder are shared; nothing is unlocked again."""
        db = database.connect(self.layout.db, self.keys)
        return Store(layout=self.layout, db=db, keys=self.keys, vectors=self.vectors,
                     embedder=self._embedder, owns_keys=False)

    def add_frame(self, **frame) -> int:
        """Store a kept frame and its searchable passages in ONE transaction.

        Takes FrameRepo.add's keywords. A crash can then leave at most an orphan image
        file (moved aside by `repair()`), never a frame row without its docs: a re-import
        skips a source it already has, so such a frame would stay unsearchable for good.
        """
        with self.errors(), self.db.atomic():
            frame_id = self.frames.add(**frame)
            self.docs.add(frame_docs(self.frames.get(frame_id)))
        return frame_id

    def errors(self):
        """Context manager turning database and disk faults into clear StoreErrors."""
        return database.translate_errors(self.layout.db)

    def transaction(self):
        """One transaction for several repositories' writes (theirs become savepoints),
        holding the write lock from its start (see `database.Database`)."""
        return self.db.atomic()

    def resolve(self, sources) -> dict[str, Moment]:
        """Each source key that names a stored moment, mapped to it (see sources.py)."""
        return resolve(self.db, sources)

    # -- forgetting and export -----------------------------------------------------------
    def erase_range(self, start: float, end: float, *, app: str | None = None) -> erase.Erased:
        """Delete the rows of a time range (see erase.py); call it inside `transaction()`."""
        return erase.erase_range(self.db, start, end, app)

    def scrub(self) -> None:
        """Leave no deleted text in FTS segments, free pages or the write-ahead log."""
        erase.scrub(self.db)

    def tables_of_record(self) -> list[str]:
        return records.tables_of_record(self.db)

    def table_rows(self, table: str):
        """The rows of one table of record, as dicts (see records.py)."""
        return records.table_rows(self.db, table)

    def repair(self, *, accept_unknown: bool = False) -> dict:
        """The start-up consistency pass: frame files vs rows, vectors vs docs.

        Files and vectors the database does not know are moved aside (files into
        `quarantine/<time>/`), never deleted, and only when no other process has the store
        open: another one may just have written a file whose row it has not committed yet.
        More unknown items than a crash can leave (database.too_many_unknown) mean the
        database does not match the data; then nothing is moved and StoreError says so,
        unless `accept_unknown` (the user's explicit choice) is given. Pending docs are
        embedded in any case: that only adds.
        """
        lock = database.take_open_lock(self.layout.data_dir)  # no one opens meanwhile
        try:
            users = self._users_lock
            if users is None or not users.try_exclusive():
                log.info("start-up repair skipped: another process has %s open",
                         self.layout.data_dir)
                report: dict = {"repair_skipped": "another process has the store open"}
            else:
                try:
                    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
                    with self.errors():
                        report = self.frames.repair(quarantine=self.layout.quarantine / stamp,
                                                    accept_unknown=accept_unknown)
                        report.update(self.docs.reconcile(embed=False,
                                                          accept_unknown=accept_unknown))
                finally:
                    users.share()
        finally:
            lock.release()
        with self.errors():
            report["docs_embedded"] = self.docs.embed_pending()
        if report["docs_embedded"]:
            log.info("start-up repair: %d pending docs embedded", report["docs_embedded"])
        return report

    def integrity(self) -> str:
        with self.errors():
            return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def counts(self) -> dict[str, int]:
        with self.errors():
            return {t: self.db[t].count for t in ("frames", "frame_sources", "turns", "docs")}

    def close(self) -> None:
        """Close the database, wipe the keys (if this store owns them), drop the lock."""
        self.db.close()
        if self.keys is not None and self._owns_keys:
            self.keys.wipe()
        if self._users_lock is not None:
            self._users_lock.release()
