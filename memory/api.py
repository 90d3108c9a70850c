"""The memory core's public read API for front ends (the desktop UI): plain data types, and
the store's repositories as the one way to read and change what is stored.

A front end receives a `Store` from the composition root (app/wiring.py) and calls its
repositories (`store.frames`, `store.docs`, `store.memories`, `store.threads`,
`store.audit`, `store.resolve(...)`, `store.transaction()`); the types those return are
named here. It imports this module, never `memory.store.*`, and never runs SQL
(tests/test_layers.py checks both).
"""

from __future__ import annotations

from memory.ocr_types import OcrLine
from memory.store.audit import AuditEntry
from memory.store.coverage import NOT_RUNNING, CoverageSpan, writer_id
from memory.store.frames import Frame, FrameStamp
from memory.store.memories import EpisodeSpan, Memory, MemoryRow
from memory.store.sources import Moment, canonical, frame_key
from memory.store.store import Store
from memory.store.threads import Material, Message, Thread
from memory.store.usage import StorageUsage, measure

__all__ = ["NOT_RUNNING", "AuditEntry", "CoverageSpan", "EpisodeSpan", "Frame", "FrameStamp",
           "Material", "Memory", "MemoryRow", "Message", "Moment", "OcrLine", "StorageUsage",
           "Store", "Thread", "canonical", "capture_coverage", "capture_writer", "frame_key",
           "storage_usage"]


def storage_usage(store: Store) -> StorageUsage:
    """What the store's data directory holds: images, text (database, vector index), the
    rest, and the free space (memory/store/usage.py). Reads only; for a pool thread."""
    with store.errors():
        return measure(store.db, store.layout.data_dir)


def capture_coverage(store: Store, start: float, end: float, *,
                     now: float | None = None) -> list[CoverageSpan]:
    """What capture was doing over [start, end] (epoch seconds), span by span, gaps (the app
    not running) included (memory/store/coverage.py). Reads only; for a pool thread."""
    with store.errors():
        return store.coverage.spans(start, end, now=now)


def capture_writer(role: str) -> str:
    """This process as a writer of the capture log ("gui", "capture"): each process logging
    on a store extends and closes only its own rows (memory/store/coverage.py)."""
    return writer_id(role)
