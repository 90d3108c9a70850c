"""The frame store: compressed (and, by default, encrypted) screenshots plus their rows.

Order of writes, for crash safety: the image file is written atomically first, then its
row is committed. A crash in between leaves an orphan file, which `repair()` moves into
the data directory's quarantine/ at start-up (it never deletes one); a row never points at
a missing file unless the file was deleted behind our back (`repair()` reports those and
keeps the row, since its OCR text is still a memory).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from memory.errors import StoreError
from memory.ocr_types import OcrLine
from memory.store import dirsafety
from memory.store.crypto import Keys
from memory.store.database import atomic_write, os_error
from memory.store.sources import frame_sources
from memory.store.sql import chunks, in_list, inserted_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Frame:
    id: int
    ts: str
    ts_epoch: float
    app: str
    window_title: str
    url: str | None
    width: int
    height: int
    phash: str
    file: str
    bytes: int
    ocr_text: str
    ocr_lines: list[OcrLine] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


# a frame row's columns but its OCR boxes (the JSON that costs the most to read back)
_NO_BOXES = "id, ts, ts_epoch, app, window_title, url, width, height, phash, file, bytes, ocr_text"


@dataclass(frozen=True)
class FrameText:
    """A kept frame's row without its image or OCR boxes: what the memory pipeline reads."""

    id: int
    ts: str
    ts_epoch: float
    app: str
    window_title: str
    url: str | None
    ocr_text: str
    sources: list[tuple[str, str]]   # (source key, when it was captured), oldest first


@dataclass(frozen=True, slots=True)
class FrameStamp:
    """A frame's time and app alone: what the timeline's week draws (no text, no sources)."""

    ts_epoch: float
    app: str


@dataclass(frozen=True)
class StoredImage:
    """A frame's image file, as retention weighs it."""

    frame_id: int
    file: str
    bytes: int
    ts_epoch: float


class FrameRepo:
    def __init__(self, db: sqlite_utils.Database, root: Path, keys: Keys | None) -> None:
        self._db = db
        self._root = root
        self._keys = keys

    # -- writing -----------------------------------------------------------------------
    def add(self, *, image_bytes: bytes, ts: dt.datetime, app: str, window_title: str,
            url: str | None, width: int, height: int, phash: str, sources: list[str],
            ocr_lines: list[OcrLine]) -> int:
        """Store one kept frame and the sources merged into it; returns its id."""
        rel = f"{ts:%Y/%m/%d}/{uuid.uuid4().hex}.webp" + (".enc" if self._keys else "")
        path = self._root / rel
        try:
            dirsafety.make_private_dir(path.parent)
        except OSError as e:
            raise os_error(e, path.parent) from e
        blob = self._keys.seal_frame(image_bytes, rel.encode()) if self._keys else image_bytes
        atomic_write(path, blob)
        try:
            with self._db.atomic():
                frame_id = inserted_id(self._db.table("frames").insert({
                    "ts": ts.isoformat(), "ts_epoch": ts.timestamp(), "app": app or "",
                    "window_title": window_title or "", "url": url, "width": width,
                    "height": height, "phash": phash, "file": rel, "bytes": len(blob),
                    "ocr_text": "\n".join(l.text for l in ocr_lines),
                    # [text, box, score] (+ source when not OCR: older rows have three)
                    "ocr_lines": json.dumps([[l.text, list(l.box), round(l.score, 3)] +
                                             ([l.source] if l.source != "ocr" else [])
                                             for l in ocr_lines]),
                    "created_at": dt.datetime.now(dt.UTC).isoformat(),
                }))
                for s in sources:
                    self._db.table("frame_sources").insert(
                        {"frame_id": frame_id, "source": s, "ts": ts.isoformat()})
        except BaseException:
            path.unlink(missing_ok=True)  # no row committed: the file must not linger
            raise
        return frame_id

    def add_source(self, frame_id: int, source: str, ts: dt.datetime) -> None:
        with self._db.atomic():
            self._db.table("frame_sources").insert({"frame_id": frame_id, "source": source,
                                              "ts": ts.isoformat()}, ignore=True)

    # -- reading -----------------------------------------------------------------------
    def has_source(self, source: str) -> bool:
        return bool(self._db.execute("SELECT 1 FROM frame_sources WHERE source = ?",
                                     [source]).fetchone())

    def get(self, frame_id: int) -> Frame:
        frame = self.many([frame_id]).get(frame_id)
        if frame is None:
            raise StoreError(f"No frame with id {frame_id}.")
        return frame

    def many(self, frame_ids: Sequence[int], *, boxes: bool = True) -> dict[int, Frame]:
        """The frames of `frame_ids` that exist, by id: two queries per 500 frames, not two
        per frame. boxes=False leaves their OCR boxes unread (`ocr_lines` empty): for what
        only shows a frame's picture and text, e.g. a search result's thumbnail."""
        ids = list(dict.fromkeys(frame_ids))
        out: dict[int, Frame] = {}
        cols = "*" if boxes else _NO_BOXES
        for part in chunks(ids):
            rows = list(self._db.query(f"SELECT {cols} FROM frames WHERE id IN {in_list(part)}",
                                       part))
            sources = self._sources([r["id"] for r in rows])
            out.update((r["id"], self._frame(r, sources[r["id"]])) for r in rows)
        return out

    def between(self, start: float, end: float) -> list[Frame]:
        rows = list(self._db.query(
            "SELECT * FROM frames WHERE ts_epoch BETWEEN ? AND ? ORDER BY ts_epoch", [start, end]))
        sources = self._sources([r["id"] for r in rows])
        return [self._frame(r, sources[r["id"]]) for r in rows]

    def stamps_between(self, start: float, end: float) -> list[FrameStamp]:
        """The frames in [start, end] as (time, app) only, by time: both read from the
        (ts_epoch, app) index (m011) without touching the rows, so no OCR text, boxes or
        sources (the week draws a day of 10k frames from these)."""
        return [FrameStamp(t, a or "") for t, a in self._db.execute(
            "SELECT ts_epoch, app FROM frames WHERE ts_epoch BETWEEN ? AND ? ORDER BY ts_epoch",
            [start, end]).fetchall()]

    def last(self) -> Frame | None:
        rows = list(self._db.query("SELECT * FROM frames ORDER BY ts_epoch DESC LIMIT 1"))
        return self._frame(rows[0]) if rows else None

    def sources_of(self, frame_ids) -> dict[int, list[str]]:
        """The keys a search hit or citation shows for each frame: its manifest aliases
        when it was imported, else its canonical key (see sources.py)."""
        return frame_sources(self._db, frame_ids)

    def all_sources(self) -> dict[int, list[str]]:
        """Every frame's merged sources (frames without any are absent), oldest first."""
        out: dict[int, list[str]] = {}
        for fid, source in self._db.execute("SELECT frame_id, source FROM frame_sources "
                                            "ORDER BY ts, source").fetchall():
            out.setdefault(fid, []).append(source)
        return out

    def unprocessed(self) -> list[FrameText]:
        """The frames the memory pipeline has not taken yet, oldest first."""
        rows = list(self._db.query(
            "SELECT f.id, f.ts, f.ts_epoch, f.app, f.window_title, f.url, f.ocr_text FROM frames f "
            "WHERE NOT EXISTS (SELECT 1 FROM processed_observations p WHERE p.ref = 'frame:' || "
            "f.id) ORDER BY f.ts_epoch, f.id"))
        timed = self._sources([r["id"] for r in rows], with_ts=True)
        return [FrameText(id=r["id"], ts=r["ts"], ts_epoch=r["ts_epoch"], app=r["app"] or "",
                          window_title=r["window_title"] or "", url=r["url"],
                          ocr_text=r["ocr_text"] or "", sources=timed[r["id"]]) for r in rows]

    def read_image(self, frame: Frame) -> bytes:
        """The frame's WebP bytes, decrypted; StoreError if the file is gone or damaged."""
        path = self._root / frame.file
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"The image of frame {frame.id} ({frame.ts}) is missing: "
                             "it may have been removed by retention.") from None
        except OSError as e:
            raise os_error(e, path) from e
        return self._keys.open_frame(blob, frame.file.encode()) if self._keys else blob

    def _frame(self, r: dict, sources: list[str] | None = None) -> Frame:
        lines = [OcrLine(t, tuple(b), s, *src[:1])
                 for t, b, s, *src in json.loads(r.get("ocr_lines") or "[]")]
        if sources is None:
            sources = self._sources([r["id"]])[r["id"]]
        return Frame(id=r["id"], ts=r["ts"], ts_epoch=r["ts_epoch"], app=r["app"] or "",
                     window_title=r["window_title"] or "", url=r["url"], width=r["width"],
                     height=r["height"], phash=r["phash"] or "", file=r["file"],
                     bytes=r["bytes"] or 0, ocr_text=r["ocr_text"] or "", ocr_lines=lines,
                     sources=sources)

    def _sources(self, frame_ids: list[int], *, with_ts: bool = False) -> dict[int, list]:
        """Each frame's merged sources (or (source, ts) pairs), ordered by time then key:
        one query per 500 frames, not one per frame."""
        out: dict[int, list] = {i: [] for i in frame_ids}
        for part in chunks(frame_ids):
            for fid, source, ts in self._db.execute(
                    f"SELECT frame_id, source, ts FROM frame_sources WHERE frame_id IN "
                    f"{in_list(part)} ORDER BY ts, source", part).fetchall():
                out[fid].append((source, ts) if with_ts else source)
        return out

    # -- retention ---------------------------------------------------------------------
    def image_bytes(self) -> int:
        """The size of every frame image still on disk."""
        row = self._db.execute(
            "SELECT COALESCE(SUM(bytes), 0) FROM frames WHERE bytes > 0").fetchone()
        return int(row[0])

    def oldest_images(self, limit: int) -> list[StoredImage]:
        """The oldest frames whose image is still on disk, oldest first."""
        return [StoredImage(*r) for r in self._db.execute(
            "SELECT id, file, bytes, ts_epoch FROM frames WHERE bytes > 0 "
            "ORDER BY ts_epoch, id LIMIT ?", [limit]).fetchall()]

    def drop_images(self, images: Sequence[StoredImage]) -> None:
        """Delete the images' files, then mark their rows imageless (`bytes = 0`): a crash
        in between leaves a row whose image is reported missing, and the next pass marks
        it; never a file nobody can reach. The rows, and their text, stay."""
        for img in images:
            try:
                (self._root / img.file).unlink(missing_ok=True)
            except OSError as e:  # a read-only disk: left for the next pass, said once per pass
                log.warning("retention could not delete an image: %s", e.strerror or e)
                raise
        ids = [img.frame_id for img in images]
        with self._db.atomic():
            for part in chunks(ids):
                self._db.execute(f"UPDATE frames SET bytes = 0 WHERE id IN {in_list(part)}",
                                 part)

    def remove_file(self, rel: str) -> None:
        """Delete one frame's image file (after its row is gone); OSError when it cannot."""
        (self._root / rel).unlink(missing_ok=True)

    # -- upkeep ------------------------------------------------------------------------
    def repair(self, *, quarantine: Path, accept_unknown: bool = False) -> dict:
        """Move image files that no row points at (left by a crash mid-write) into
        `quarantine`, never deleting one; count rows whose image is gone; narrow modes.

        Call it only when no other process has the store open (Store.repair sees to it).
        More unknown files than a crash leaves mean the database does not match the
        files (an older backup, say): StoreError, and nothing is moved, unless
        `accept_unknown`."""
        from memory.store import dirsafety
        from memory.store.database import too_many_unknown

        known = {r["file"] for r in self._db.query("SELECT file FROM frames")}
        unknown: list[Path] = []
        total = narrowed = 0
        if self._root.exists():
            narrowed += dirsafety.narrow(self._root, dirsafety.PRIVATE_DIR)
            for dirpath, dirs, files in os.walk(self._root):
                for d in dirs:
                    narrowed += dirsafety.narrow(Path(dirpath) / d, dirsafety.PRIVATE_DIR)
                for name in files:
                    p = Path(dirpath) / name
                    total += 1
                    narrowed += dirsafety.narrow(p, dirsafety.PRIVATE_FILE)
                    if p.relative_to(self._root).as_posix() not in known:
                        unknown.append(p)
        missing = sum(1 for rel in known if not (self._root / rel).exists())
        if unknown and too_many_unknown(len(unknown), total) and not accept_unknown:
            raise StoreError(
                f"{len(unknown)} of {total} files in {self._root} are unknown to the database "
                f"({missing} of its {len(known)} frames have no file): the database looks "
                "older than, or different from, the frame files (restored from a backup?). "
                "Nothing was moved or deleted. Restore the matching commonplace.db, or run "
                "`commonplace repair --accept-unknown` to move them into quarantine/.")
        for p in unknown:
            dest = quarantine / p.relative_to(self._root)
            try:
                dirsafety.make_private_dir(dest.parent)
                os.replace(p, dest)
            except OSError as e:
                raise os_error(e, dest) from e
        if unknown:
            log.warning("frame store repair: %d files unknown to the database moved to %s",
                        len(unknown), quarantine)
        if missing:
            log.info("frame store repair: %d rows without image (kept: their text is still "
                     "a memory)", missing)
        if narrowed:
            log.info("frame store repair: %d files or folders made private", narrowed)
        return {"orphan_files_removed": len(unknown),
                "quarantine": str(quarantine) if unknown else None,
                "rows_without_image": missing}
