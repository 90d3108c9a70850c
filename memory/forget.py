"""Forget a time range: a real delete across SQLite, the vector index and the frame files.

What goes: frames (with their sources) kept or merged within the range, optionally of one
app; chat turns in the range (unless an app other than "chat" is named); the docs that
only they back (FTS follows through triggers); memories whose every source is forgotten,
with their versions, audit entries and docs; the pipeline's markers for them; and, when
the whole span goes (no app named), the capture log's record of it (memory/store/coverage.py).

The rows and their cascade are the store's (memory/store/erase.py). Order, for crash
safety (the same as writing, in reverse): the rows go in one transaction; then the image
files and vectors; a crash after the commit leaves orphan files and stray vector ids, which
the start-up repair removes. The vector index is then compacted (Chroma's delete only marks
a vector: its HNSW files and write-ahead log keep the floats and the time, from which the
topic can be recovered). Last, the FTS index is merged, the database vacuumed and the WAL
truncated, so the deleted text lingers in neither free pages, old FTS segments nor the
write-ahead log.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from memory.store import audit, coverage
from memory.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class ForgetReport:
    frames: int = 0
    frame_sources: int = 0
    turns: int = 0
    docs: int = 0
    memories: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"frames": self.frames, "frame_sources": self.frame_sources, "turns": self.turns,
                "docs": self.docs, "memories": self.memories, "files": self.files,
                "problems": self.problems}


def forget(store: Store, *, start: dt.datetime, end: dt.datetime,
           app: str | None = None) -> ForgetReport:
    """Delete everything captured or imported between `start` and `end` (inclusive)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("forget() needs timezone-aware times")
    lo, hi = start.timestamp(), end.timestamp()
    report = ForgetReport()
    with store.errors():
        with store.transaction():
            gone = store.erase_range(lo, hi, app=app)
            audit.forget_span(store.db, lo, hi, gone.sources, whole_span=app is None)
            if app is None:   # the capture log says what was done when: the whole span only
                coverage.forget_span(store.db, lo, hi)
            # Before the commit: a crash after it would leave stray vectors, which the next
            # start refuses to drop en masse; a crash here leaves docs to re-embed instead.
            store.vectors.delete(gone.doc_ids)
        report.frames, report.turns = len(gone.frame_ids), len(gone.turn_ids)
        report.docs, report.memories = len(gone.doc_ids), len(gone.memory_ids)
        report.frame_sources = gone.frame_sources
        for rel in gone.files:
            try:
                store.frames.remove_file(rel)
                report.files += 1
            except OSError as e:  # the start-up repair removes it later as an orphan
                report.problems.append(f"could not remove {rel}: {e.strerror or e}")
        if gone.doc_ids:
            done = store.vectors.compact()
            if done.get("vacuumed") is False:
                report.problems.append("the vector store's file was busy and not vacuumed: "
                                       "forgotten vectors may stay in its free pages until "
                                       "the next forget")
        store.scrub()
    log.info("forget: %d frames, %d turns, %d docs, %d memories", report.frames, report.turns,
             report.docs, report.memories)
    return report
