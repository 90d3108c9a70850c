"""Opening a data directory: its key record, the (SQLCipher) database and its schema.

A data directory holds one `commonplace.json` record (format version, whether the store
is encrypted, the wrapped data key), `commonplace.db` (SQLCipher when encrypted, plain
SQLite otherwise; WAL mode, every write in a transaction), `frames/` and `vectors/`.
Whether a store is encrypted is decided once, when it is created.

The key record is the only copy of the key. So it is created exclusively (a second
process opening the same new directory at the same moment uses the first one's record
instead of writing its own), and it is never written anew next to existing data: a
missing record, or a missing database beside frames and vectors, is refused, not
"repaired" into an empty store. Callers hold the directory's open lock (dirsafety) while
they unlock, create and migrate; `unlock()` takes it itself when not given one.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from memory.errors import DatabaseLockedError, DiskFullError, LockedError, StoreError
from memory.store import crypto, dirsafety
from memory.store.migrations import MIGRATIONS
from models import files as fileio

log = logging.getLogger(__name__)

RECORD = "commonplace.json"
DB_FILE = "commonplace.db"
FORMAT_VERSION = 1
_PLAIN_SQLITE = b"SQLite format 3\x00"
# Repair and reconcile move aside what the database does not know. A crash mid-write
# leaves one such item per writer; more than this means the database does not match the
# data (an older backup, a copy from elsewhere), and nothing is touched.
REPAIR_MAX_UNKNOWN = 5
REPAIR_MAX_UNKNOWN_SHARE = 0.10

PASSPHRASE_HELP = (
    "This data directory is encrypted (the default). Give its passphrase: set the "
    "environment variable COMMONPLACE_PASSPHRASE, or pass --passphrase-file FILE (the "
    "file's first line is the passphrase). A new data directory takes the passphrase you "
    "give first; to create one without encryption, set `encrypt = false` under [privacy] "
    "in the config file."
)
RESTORE_RECORD = "restore it from your backup: it is the only copy of the key."


def too_many_unknown(unknown: int, total: int) -> bool:
    """Whether `unknown` items of `total` are more than crash leftovers can explain.

    One unknown item is always a plausible leftover (a writer killed mid-write); beyond
    that, more than REPAIR_MAX_UNKNOWN, or more than REPAIR_MAX_UNKNOWN_SHARE of all, is not."""
    return unknown > REPAIR_MAX_UNKNOWN or \
        (unknown > 1 and unknown > REPAIR_MAX_UNKNOWN_SHARE * total)


def atomic_write(path: Path, data: bytes, *, sync_dir: bool = False) -> None:
    """models.files.atomic_write (the file its owner's only, 0600, never written through a
    planted link), with an OSError as the store's error."""
    try:
        fileio.atomic_write(path, data, mode=dirsafety.PRIVATE_FILE, sync_dir=sync_dir)
    except OSError as e:
        raise os_error(e, path) from e


def os_error(e: OSError, path: Path) -> StoreError:
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFullError(f"The disk is full: could not write {path}. Free some space; "
                             "everything stored before is intact.")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(f"Cannot write to {path}: permission denied or read-only.")
    if e.errno == errno.ELOOP:
        return StoreError(f"{path} is a symbolic link; Commonplace does not write through one.")
    return StoreError(f"Cannot write {path}: {e.strerror or e}.")


def sql_error(e: Exception, db_path: Path) -> StoreError:
    msg = str(e).lower()
    if "locked" in msg or "busy" in msg:
        return DatabaseLockedError(f"The database {db_path} is locked by another process "
                                   "(is Commonplace already running?). Try again when it is free.")
    if "disk is full" in msg or "disk i/o" in msg:
        return DiskFullError(f"The disk is full: could not write {db_path}. Free some space; "
                             "everything stored before is intact.")
    if "unique constraint failed" in msg:
        # Two imports of the same file into one store at once: the later insert meets the
        # other's committed row. Nothing is duplicated and nothing committed is lost.
        return StoreError("Another import stored the same file at the same time; run the "
                          f"import again: it skips what is already stored. ({e})")
    if "not a database" in msg or "malformed" in msg or "encrypted" in msg:
        return StoreError(f"{db_path} is not readable: it is damaged, or the key is wrong.")
    return StoreError(f"Database error in {db_path}: {e}")


# Both DB-API modules raise their own classes; catch either.
try:
    import sqlcipher3
    from sqlcipher3 import dbapi2 as _cipher_api
    DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, _cipher_api.Error)
except ImportError:  # pragma: no cover - sqlcipher3 is a hard dependency; kept for clarity
    sqlcipher3 = None
    DB_ERRORS = (sqlite3.Error,)


# -- what a data directory holds -----------------------------------------------------------

def _any_file(root: Path) -> bool:
    for _dirpath, _dirs, files in os.walk(root):
        if files:
            return True
    return False


def _db_has_data(db_path: Path) -> bool:
    return any(p.exists() and p.stat().st_size > 0
               for p in (db_path, db_path.with_name(db_path.name + "-wal")))


def data_present(data_dir: Path) -> list[str]:
    """The parts of a data directory that hold data: the database, frames/, vectors/."""
    out = [DB_FILE] if _db_has_data(data_dir / DB_FILE) else []
    return out + [f"{d}/" for d in ("frames", "vectors") if _any_file(data_dir / d)]


def missing_record_error(data_dir: Path, present: list[str]) -> StoreError:
    return StoreError(f"The key record {data_dir / RECORD} is missing, but "
                      f"{', '.join(present)} hold data; {RESTORE_RECORD} No new key was written.")


def check_database_present(db_path: Path) -> None:
    """Refuse to start an empty database beside frames or vectors that an old one knew."""
    if _db_has_data(db_path):
        return
    held = data_present(db_path.parent)
    if held:
        raise StoreError(f"The database {db_path} is missing, but {', '.join(held)} hold data. "
                         "Nothing was created and the frames were left untouched: restore "
                         f"{DB_FILE} (with its {RECORD}) from your backup.")


# -- the key record --------------------------------------------------------------------------

@dataclass(frozen=True)
class DataRecord:
    encrypted: bool
    wrapped: crypto.WrappedKey | None

    def key(self) -> crypto.WrappedKey:
        """The wrapped key of an encrypted record (every encrypted record carries one)."""
        if self.wrapped is None:
            raise StoreError(f"The key record has no key; {RESTORE_RECORD}")
        return self.wrapped


def _read_record(data_dir: Path) -> DataRecord | None:
    path = data_dir / RECORD
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise StoreError(f"Cannot read the key record {path}: {e.strerror or e}.") from e
    try:
        d = json.loads(raw.decode("utf-8"))
    except ValueError as e:  # UnicodeDecodeError and JSONDecodeError both are
        raise StoreError(f"The key record {path} is damaged ({e}); {RESTORE_RECORD}") from e
    if not isinstance(d, dict):
        raise StoreError(f"The key record {path} is damaged (it holds a "
                         f"{type(d).__name__}, not a record); {RESTORE_RECORD}")
    if d.get("format") != FORMAT_VERSION:
        raise StoreError(f"{path} has format {d.get('format')!r}; this Commonplace reads "
                         f"format {FORMAT_VERSION}.")
    if not isinstance(d.get("encrypted"), bool):
        raise StoreError(f"The key record {path} is damaged (no true/false 'encrypted'); "
                         f"{RESTORE_RECORD}")
    if not d["encrypted"]:
        return DataRecord(encrypted=False, wrapped=None)
    if "key" not in d:
        raise StoreError(f"The key record {path} is damaged (it has no key); {RESTORE_RECORD}")
    return DataRecord(encrypted=True, wrapped=crypto.WrappedKey.from_json(d["key"]))


def _record_bytes(rec: DataRecord) -> bytes:
    d: dict[str, object] = {"format": FORMAT_VERSION, "encrypted": rec.encrypted}
    if rec.wrapped:
        d["key"] = rec.wrapped.to_json()
    return json.dumps(d, indent=1).encode()


def _create_record(data_dir: Path, rec: DataRecord) -> bool:
    """Write the record only if there is none yet; False if another process was first.

    Written whole to a private temp file, then hard-linked into place: link() fails if
    the name exists, so two first opens cannot both win, and no one ever reads half."""
    path = data_dir / RECORD
    tmp = data_dir / f".{RECORD}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                     getattr(os, "O_NOFOLLOW", 0), dirsafety.PRIVATE_FILE)
        with open(fd, "wb") as f:
            f.write(_record_bytes(rec))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        fileio.fsync_dir(data_dir)
        return True
    except OSError as e:
        raise os_error(e, path) from e
    finally:
        tmp.unlink(missing_ok=True)


def _replace_record(data_dir: Path, rec: DataRecord) -> None:
    """Replace an existing record (re-wrap); callers hold the open lock."""
    atomic_write(data_dir / RECORD, _record_bytes(rec), sync_dir=True)


def is_encrypted(data_dir: Path) -> bool | None:
    """True/False for an existing data directory, None for a new one.

    StoreError for a damaged record, or a missing one beside existing data."""
    rec = _read_record(data_dir)
    if rec is None:
        present = data_present(data_dir)
        if present:
            raise missing_record_error(data_dir, present)
        return None
    return rec.encrypted


def prepare_dir(data_dir: Path) -> None:
    """Create the data directory (0700, narrowed if wider) and check it is writable."""
    try:
        dirsafety.make_private_dir(data_dir)
    except OSError as e:
        raise os_error(e, data_dir) from e
    if not data_dir.is_dir() or not os.access(data_dir, os.W_OK | os.X_OK):
        raise StoreError(f"The data directory {data_dir} is not writable.")


def take_open_lock(data_dir: Path) -> dirsafety.FileLock:
    """The data directory's open lock, held exclusively (wait, then a clear error)."""
    lock = dirsafety.FileLock(data_dir / dirsafety.OPEN_LOCK)
    try:
        lock.acquire(exclusive=True, timeout=dirsafety.OPEN_LOCK_TIMEOUT_S)
    except dirsafety.LockTimeout:
        lock.release()
        raise DatabaseLockedError(
            f"Another Commonplace process has been opening {data_dir} for more than "
            f"{dirsafety.OPEN_LOCK_TIMEOUT_S:.0f} s (upgrading or repairing it?). Try again "
            "when it is done.") from None
    except OSError as e:
        lock.release()
        raise os_error(e, lock.path) from e
    return lock


def unlock(data_dir: Path, *, passphrase: str | None, encrypt_new: bool,
           lock: dirsafety.FileLock | None = None) -> crypto.Keys | None:
    """Read (or create) the key record and return the unwrapped keys, None if unencrypted.

    `lock`: the directory's open lock when the caller holds it (Store.open); otherwise it
    is taken here. A record with an older scrypt cost, or written before passphrases were
    normalised, is re-wrapped under the lock after a successful unlock."""
    prepare_dir(data_dir)
    held = lock or take_open_lock(data_dir)
    try:
        return _unlock(data_dir, passphrase, encrypt_new)
    finally:
        if lock is None:
            held.release()


def _unlock(data_dir: Path, passphrase: str | None, encrypt_new: bool) -> crypto.Keys | None:
    rec = _read_record(data_dir)
    if rec is None:
        present = data_present(data_dir)
        db = data_dir / DB_FILE
        if present and _plain_header(db):
            # A plain-SQLite store lost its record: it held no key, so nothing secret is
            # lost and the record can be written again as what the database is.
            log.warning("key record missing beside an unencrypted database: written again")
            _create_record(data_dir, DataRecord(encrypted=False, wrapped=None))
        elif present:
            raise missing_record_error(data_dir, present)
        elif not encrypt_new:
            _create_record(data_dir, DataRecord(encrypted=False, wrapped=None))
        else:
            if not passphrase:
                raise LockedError(PASSPHRASE_HELP)
            crypto.check_new_passphrase(passphrase)
            key = crypto.new_data_key()
            if _create_record(data_dir, DataRecord(True, crypto.wrap(key, passphrase))):
                return crypto.Keys(key)
            log.info("another process created the key record first; using it")
        rec = _read_record(data_dir)  # what is on disk is what every process uses
        if rec is None:
            raise StoreError(f"The key record {data_dir / RECORD} vanished while opening.")
    if not rec.encrypted:
        return None
    if not passphrase:
        raise LockedError(PASSPHRASE_HELP)
    key, stale = crypto.unwrap(rec.key(), passphrase)
    if stale:
        _replace_record(data_dir, DataRecord(True, crypto.wrap(key, passphrase)))
        log.info("key record re-wrapped (scrypt n=%d, normalised passphrase)", crypto.SCRYPT["n"])
    return crypto.Keys(key)


def _plain_header(db_path: Path) -> bool:
    try:
        with open(db_path, "rb") as f:
            return f.read(16) == _PLAIN_SQLITE
    except OSError:
        return False


def change_passphrase(data_dir: Path, old: str, new: str) -> None:
    """Re-wrap the data key under `new` (at least MIN_PASSPHRASE_CHARS characters).

    Only the wrapping changes: an old copy of the record (a backup) still opens the data
    with the old passphrase."""
    crypto.check_new_passphrase(new)
    if _read_record(data_dir) is None:
        raise StoreError(f"{data_dir} is not an encrypted data directory.")
    lock = take_open_lock(data_dir)  # not while another process re-wraps or creates it
    try:
        rec = _read_record(data_dir)
        if rec is None or not rec.encrypted:
            raise StoreError(f"{data_dir} is not an encrypted data directory.")
        key, _stale = crypto.unwrap(rec.key(), old)
        _replace_record(data_dir, DataRecord(encrypted=True, wrapped=crypto.wrap(key, new)))
    finally:
        lock.release()


def open_keys(data_dir: Path, passphrase: str | None) -> crypto.Keys | None:
    """The keys of an existing store, read only (for `doctor`): nothing is created or
    re-wrapped. StoreError if there is no store; LockedError without a right passphrase."""
    rec = _read_record(data_dir)
    if rec is None:
        raise StoreError(f"{data_dir} has no key record yet (a new data directory).")
    if not rec.encrypted:
        return None
    if not passphrase:
        raise LockedError(PASSPHRASE_HELP)
    return crypto.Keys(crypto.unwrap(rec.key(), passphrase)[0])


def quick_check(db_path: Path, keys: crypto.Keys | None) -> str:
    """PRAGMA quick_check of an existing database, without migrating or creating it."""
    if not db_path.exists():
        raise StoreError(f"The database {db_path} does not exist.")
    try:
        if keys is not None:
            conn = sqlcipher3.connect(str(db_path), timeout=10)
            conn.execute("PRAGMA cipher_memory_security = ON")  # SQLCipher zeroes what it frees
            conn.execute(keys.sqlcipher_pragma())
        else:
            conn = sqlite3.connect(str(db_path), timeout=10)
        try:
            return "; ".join(r[0] for r in conn.execute("PRAGMA quick_check").fetchall())
        finally:
            conn.close()
    except DB_ERRORS as e:
        raise sql_error(e, db_path) from e


class Database(sqlite_utils.Database):
    """sqlite-utils' Database whose transactions take the write lock when they begin.

    `atomic()` outside a transaction says BEGIN IMMEDIATE, not sqlite-utils' deferred BEGIN.
    A transaction that reads before it writes (the memory pipeline) while another connection
    commits (the capture writer) would otherwise have to upgrade a read snapshot that is no
    longer the newest, which SQLite refuses at once with "database is locked"
    (SQLITE_BUSY_SNAPSHOT), whatever the busy timeout; taking the lock first waits on the
    timeout instead. Inside a transaction it is sqlite-utils' own savepoint.

    One connection may be used from several threads (a test polling while the capture
    writer stores; a pool thread beside the thread that opened the store), but its
    transaction state is one: a query's savepoint taken inside another thread's transaction
    is released by that thread's COMMIT ("no such savepoint"), and a BEGIN after another
    thread's savepoint fails. So every statement, query and transaction holds the
    connection's lock for its whole length: a transaction is one thread's at a time.
    """

    def __init__(self, conn: Any) -> None:
        self._lock = threading.RLock()  # before sqlite-utils' own set-up runs statements
        super().__init__(conn)

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        with self._lock:
            if self.conn.in_transaction:
                with super().atomic():
                    yield self
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()  # a no-op when the error already ended the transaction
                raise

    def execute(self, sql: str, parameters: Any = None) -> Any:
        with self._lock:
            return super().execute(sql, parameters)

    def query(self, sql: str, params: Any = None) -> Any:
        with self._lock:
            return super().query(sql, params)

    def executescript(self, sql: str) -> Any:
        with self._lock:
            return super().executescript(sql)

    def commit(self) -> None:
        with self._lock:
            super().commit()

    def rollback(self) -> None:
        with self._lock:
            super().rollback()


def connect(db_path: Path, keys: crypto.Keys | None) -> Database:
    """Open the database (keyed when encrypted), in WAL mode, and bring its schema up to date.

    A new database file is created 0600 before SQLite opens it: SQLite gives its -wal and
    -shm files the database's mode. None is created beside frames or vectors of an old one."""
    check_database_present(db_path)
    try:
        dirsafety.create_private_file(db_path)
        for p in (db_path, *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm"))):
            dirsafety.narrow(p, dirsafety.PRIVATE_FILE)
    except OSError as e:
        raise os_error(e, db_path) from e
    try:
        if keys is not None:
            conn = sqlcipher3.connect(str(db_path), timeout=10, check_same_thread=False)
            conn.execute("PRAGMA cipher_memory_security = ON")  # SQLCipher zeroes what it frees
            conn.execute(keys.sqlcipher_pragma())
        else:
            conn = sqlite3.connect(str(db_path), timeout=10, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed transaction survives a power cut, not only a process crash.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        db = Database(conn)
        MIGRATIONS.apply(db)
        return db
    except DB_ERRORS as e:
        raise sql_error(e, db_path) from e


@contextmanager
def translate_errors(db_path: Path) -> Iterator[None]:
    """Turn DB-API and OS faults raised inside the block into clear StoreErrors."""
    try:
        yield
    except DB_ERRORS as e:
        raise sql_error(e, db_path) from e
    except OSError as e:
        raise os_error(e, db_path) from e
