"""Disk budget and age limit for frame images; text, docs and memories stay.

Oldest images go first: every image older than `max_age_days`, then more of the oldest
until the images fit in `max_mb`. The frame store deletes an image from disk first and marks
its row (`bytes = 0`) second (FrameRepo.drop_images), so a crash in between leaves a row
whose image is reported missing and the next pass marks it; never a file nobody can reach.

Runs on the store's writer thread (the capture service schedules it there).
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from memory.api import Store

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
    return store.frames.image_bytes()


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
            images = store.frames.oldest_images(CHUNK)
            victims = []
            for img in images:
                if img.ts_epoch >= cutoff and total <= budget:
                    break
                victims.append(img)
                total -= img.bytes
                freed += img.bytes
            if not victims:
                break
            store.frames.drop_images(victims)
            deleted += len(victims)
            if len(victims) < len(images):
                break
    if deleted:
        log.info("retention: %d frame images removed (%.1f MB freed)", deleted, freed / 1e6)
    return RetentionReport(deleted, freed, max(total, 0))

