"""Opening a data directory: its key record, the (SQLCipher) database and its schema.

A data directory holds one `commonplace.json` record (format version, whether the store
is encrypted, the wrapped data key), `commonplace.db` (SQLCipher when encrypted, plain
SQLite otherwise; WAL mode, every write in a transaction), `frames/` and `vectors/`.
Whether a store is encrypted is decided once, when it is created.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import sqlite_utils

from memory.errors import DatabaseLockedError, DiskFullError, LockedError, StoreError
from memory.store import crypto
from memory.store.schema import MIGRATIONS

log = logging.getLogger(__name__)

RECORD = "commonplace.json"
DB_FILE = "commonplace.db"
FORMAT_VERSION = 1

PASSPHRASE_HELP = (
    "This data directory is encrypted (the default). Give its passphrase: set the "
    "environment variable COMMONPLACE_PASSPHRASE, or pass --passphrase-file FILE (the "
    "file's first line is the passphrase). A new data directory takes the passphrase you "
    "give first; to create one without encryption, set `encrypt = false` under [privacy] "
    "in the config file."
)


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new content, never half."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise os_error(e, path) from e


def os_error(e: OSError, path: Path) -> StoreError:
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFullError(f"The disk is full: could not write {path}. Free some space; "
                             "everything stored before is intact.")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(f"Cannot write to {path}: permission denied or read-only.")
    return StoreError(f"Cannot write {path}: {e.strerror or e}.")


def sql_error(e: Exception, db_path: Path) -> StoreError:
    msg = str(e).lower()
    if "locked" in msg or "busy" in msg:
        return DatabaseLockedError(f"The database {db_path} is locked by another process "
                                   "(is Commonplace already running?). Try again when it is free.")
    if "disk is full" in msg or "disk i/o" in msg:
        return DiskFullError(f"The disk is full: could not write {db_path}. Free some space; "
                             "everything stored before is intact.")
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


@dataclass(frozen=True)
class DataRecord:
    encrypted: bool
    wrapped: crypto.WrappedKey | None


def _read_record(data_dir: Path) -> DataRecord | None:
    path = data_dir / RECORD
    if not path.exists():
        return None
    try:
        d = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise StoreError(f"{path} is damaged ({e}); restore it from a backup.") from e
    if d.get("format") != FORMAT_VERSION:
        raise StoreError(f"{path} has format {d.get('format')!r}; this Commonplace reads "
                         f"format {FORMAT_VERSION}.")
    wrapped = crypto.WrappedKey.from_json(d["key"]) if d.get("encrypted") else None
    return DataRecord(encrypted=bool(d.get("encrypted")), wrapped=wrapped)


def _write_record(data_dir: Path, rec: DataRecord) -> None:
    d = {"format": FORMAT_VERSION, "encrypted": rec.encrypted}
    if rec.wrapped:
        d["key"] = rec.wrapped.to_json()
    atomic_write(data_dir / RECORD, json.dumps(d, indent=1).encode())


def is_encrypted(data_dir: Path) -> bool | None:
    """True/False for an existing data directory, None for a new one."""
    rec = _read_record(data_dir)
    return None if rec is None else rec.encrypted


def unlock(data_dir: Path, *, passphrase: str | None, encrypt_new: bool) -> crypto.Keys | None:
    """Read (or create) the key record and return the unwrapped keys, None if unencrypted."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise os_error(e, data_dir) from e
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise StoreError(f"The data directory {data_dir} is not writable.")
    rec = _read_record(data_dir)
    if rec is None:
        if not encrypt_new:
            _write_record(data_dir, DataRecord(encrypted=False, wrapped=None))
            return None
        if not passphrase:
            raise LockedError(PASSPHRASE_HELP)
        key = crypto.new_data_key()
        _write_record(data_dir, DataRecord(encrypted=True, wrapped=crypto.wrap(key, passphrase)))
        return crypto.Keys(key)
    if not rec.encrypted:
        return None
    if not passphrase:
        raise LockedError(PASSPHRASE_HELP)
    return crypto.Keys(crypto.unwrap(rec.wrapped, passphrase))


def change_passphrase(data_dir: Path, old: str, new: str) -> None:
    rec = _read_record(data_dir)
    if rec is None or not rec.encrypted:
        raise StoreError(f"{data_dir} is not an encrypted data directory.")
    key = crypto.unwrap(rec.wrapped, old)
    _write_record(data_dir, DataRecord(encrypted=True, wrapped=crypto.wrap(key, new)))


class Database(sqlite_utils.Database):
    """sqlite-utils' Database whose transactions take the write lock when they begin.

    `atomic()` outside a transaction says BEGIN IMMEDIATE, not sqlite-utils' deferred BEGIN.
    A transaction that reads before it writes (the memory pipeline) while another connection
    commits (the capture writer) would otherwise have to upgrade a read snapshot that is no
    longer the newest, which SQLite refuses at once with "database is locked"
    (SQLITE_BUSY_SNAPSHOT), whatever the busy timeout; taking the lock first waits on the
    timeout instead. Inside a transaction it is sqlite-utils' own savepoint.
    """

    @contextmanager
    def atomic(self) -> Iterator[Database]:
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


def connect(db_path: Path, keys: crypto.Keys | None) -> Database:
    """Open the database (keyed when encrypted), in WAL mode, and bring its schema up to date."""
    try:
        if keys is not None:
            conn = sqlcipher3.connect(str(db_path), timeout=10, check_same_thread=False)
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
