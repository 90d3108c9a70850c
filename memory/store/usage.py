"""What a data directory holds on disk: frame images, text (the database and the vector
index) and the rest (models, logs, quarantined files), for the storage panel.

Image bytes are the frames' recorded sizes (what retention counts against the budget, see
capture/retention.py), not a walk of the frames folder: a year of images is hundreds of
thousands of files. Everything else is measured on disk. Plain data only.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from memory.store import database

IMAGES_DIR = "frames"
VECTORS_DIR = "vectors"
# the database and the files SQLite keeps beside it
DB_SUFFIXES = ("", "-wal", "-shm")
# top-level entries of the data directory shown by name under "other"; the rest is summed
# as "other files"
OTHER_NAMED = {"models": "Language and text models", "logs": "Logs",
               "quarantine": "Set-aside files (repair)"}


@dataclass(frozen=True)
class StorageUsage:
    data_dir: str
    image_bytes: int                  # frame images on disk (their recorded sizes)
    image_count: int
    oldest_image_ts: float | None     # epoch seconds of the oldest image kept
    frames: int                       # captured moments, with or without their image
    database_bytes: int               # SQLite: text of frames, chats, memories (and -wal)
    vector_bytes: int                 # the vector index
    other: tuple[tuple[str, int], ...]   # (label, bytes) of the rest of the data directory
    free_bytes: int                   # free space on the data directory's disk

    @property
    def text_bytes(self) -> int:
        return self.database_bytes + self.vector_bytes

    @property
    def other_bytes(self) -> int:
        return sum(b for _, b in self.other)

    @property
    def total_bytes(self) -> int:
        return self.image_bytes + self.text_bytes + self.other_bytes


def tree_bytes(path: Path) -> int:
    """Bytes of the files under `path` (a file: its size; missing: 0); links not followed."""
    try:
        if path.is_symlink():
            return 0
        if path.is_file():
            return path.stat().st_size
    except OSError:
        return 0
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            try:
                st = os.lstat(os.path.join(dirpath, f))
            except OSError:   # removed while walking (a log rotated): not there any more
                continue
            total += st.st_size
    return total


def measure(db, data_dir: Path) -> StorageUsage:
    """The usage of the store whose database is `db` (sqlite-utils) in `data_dir`."""
    data_dir = Path(data_dir)
    count, img_bytes, oldest = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(bytes), 0), MIN(ts_epoch) FROM frames "
        "WHERE bytes > 0").fetchone()
    frames = db.execute("SELECT COUNT(*) FROM frames").fetchone()[0]
    db_files = {database.DB_FILE + s for s in DB_SUFFIXES}
    db_bytes = sum(tree_bytes(data_dir / n) for n in db_files)
    named: dict[str, int] = {}
    rest = 0
    try:
        entries = list(data_dir.iterdir())
    except OSError:
        entries = []
    for e in entries:
        if e.name in db_files or e.name in (IMAGES_DIR, VECTORS_DIR):
            continue
        if e.name in OTHER_NAMED:
            named[OTHER_NAMED[e.name]] = tree_bytes(e)
        else:
            rest += tree_bytes(e)
    other = tuple(sorted(named.items(), key=lambda kv: -kv[1])) + \
        ((("Other files", rest),) if rest else ())
    try:
        free = shutil.disk_usage(data_dir).free
    except OSError:
        free = 0
    return StorageUsage(data_dir=str(data_dir), image_bytes=int(img_bytes),
                        image_count=int(count), oldest_image_ts=oldest, frames=int(frames),
                        database_bytes=db_bytes, vector_bytes=tree_bytes(data_dir / VECTORS_DIR),
                        other=other, free_bytes=free)
