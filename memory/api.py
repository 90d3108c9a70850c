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
from memory.store.frames import Frame
from memory.store.memories import EpisodeSpan, Memory, MemoryRow
from memory.store.sources import Moment, canonical, frame_key
from memory.store.store import Store
from memory.store.threads import Material, Message, Thread

__all__ = ["AuditEntry", "EpisodeSpan", "Frame", "Material", "Memory", "MemoryRow", "Message",
           "Moment", "OcrLine", "Store", "Thread", "canonical", "frame_key"]
