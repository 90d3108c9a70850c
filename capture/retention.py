"""Disk budget and age limit for frame images; text, docs and memories stay.

Oldest images go first: every image older than `max_age_days`, then more of the oldest
until the images fit in `max_mb`. An image is deleted from disk first and its row marked
(`bytes = 0`) second, so a crash in between leaves a row whose image is reported missing
(FrameRepo.read_image says so) and the next pass marks it; never a file nobody can reach.

Runs on the store's writer thread (the capture service schedules it there).
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from memory.store.store import Store

log = logging.getLogger(__name__)

CHUNK = 200  # rows per pass: bounded memory and short transactions


@dataclass(frozen=True)
class RetentionReport:
    deleted: int
    freed_bytes: int
    kept_bytes: int

    def as_dict(self) -> dict:
        return {"deleted": self.deleted, "freed_mb": round(self.freed_bytes / 1e6, 2),
                "kept_mb": round(self.kept_bytes / 1e6, 2)}


def free_disk_mb(path: Path) -> float:
    """Free space where `path` lives (its nearest existing parent), in MB."""
    p = Path(path)
    while not p.exists() and p != p.parent:
        p = p.parent
    return shutil.disk_usage(p).free / 1e6


def image_bytes(store: Store) -> int:
    row = store.db.execute("SELECT COALESCE(SUM(bytes), 0) FROM frames WHERE bytes > 0").fetchone()
    return int(row[0])


def enforce_retention(store: Store, *, max_mb: float, max_age_days: float,
                      now: float | None = None) -> RetentionReport:
    """Delete the oldest frame images beyond the age limit and the size budget."""
    now = time.time() if now is None else now
    cutoff = now - max_age_days * 86400.0
    budget = int(max_mb * 1_000_000)
    deleted = freed = 0
    with store.errors():
        total = image_bytes(store)
        while True:
            rows = store.db.execute(
                "SELECT id, file, bytes, ts_epoch FROM frames WHERE bytes > 0 "
                "ORDER BY ts_epoch, id LIMIT ?", [CHUNK]).fetchall()
            victims = []
            for fid, rel, size, ts in rows:
                if ts >= cutoff and total <= budget:
                    break
                victims.append((fid, rel))
                total -= size
                freed += size
            if not victims:
                break
            for _fid, rel in victims:
                _unlink(store.layout.frames / rel)
            with store.db.atomic():
                store.db.execute(f"UPDATE frames SET bytes = 0 WHERE id IN "
                                 f"({','.join('?' * len(victims))})", [v[0] for v in victims])
            deleted += len(victims)
            if len(victims) < len(rows):
                break
    if deleted:
        log.info("retention: %d frame images removed (%.1f MB freed)", deleted, freed / 1e6)
    return RetentionReport(deleted, freed, max(total, 0))


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as e:  # a read-only disk: leave it for the next pass, say so once per pass
        log.warning("retention could not delete an image: %s", e.strerror or e)
        raise
