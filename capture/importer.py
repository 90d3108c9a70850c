"""Import a folder of screenshots described by a `frames.jsonl` manifest.

Each manifest line is `{"file", "timestamp", "app", "window_title"}`; `file` is relative
to the manifest's folder (absolute paths and `..` escapes are refused). Near-duplicates of
the last kept frame (same window, only a pointer moved) are merged into it as extra
sources. Unlike live grabs, screenshots may carry a drawn pointer, and a pointer over text
cannot be told from a one-character edit (OCR reads the arrow as "A" or loses the letter
under it), so here every pointer-sized change merges. A kept frame is OCR'd, stored and
indexed. A bad line is reported with its line number and skipped; what was stored before
stays. Re-running an import is idempotent: a file is known by its normalised relative path
(`./a.png` is `a.png`).

A line is bad when it is not a JSON object (nested too deeply counts), when its file is
missing, outside the folder, not a regular file (a pipe would block the read) or not a
readable image, or when its time lies outside the span `memory.limits` accepts. Fields are
bounded there too: an over-long line is skipped unread, an over-long path refused, an
over-long title cut; messages quote at most 80 characters of what they name.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import posixpath
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from capture.change import Thumb, compare, dhash
from capture.errors import CaptureError, ImageError
from capture.images import encode_image
from capture.ocr import OcrEngine
from capture.privacy import redact_frame_text
from memory.api import Store
from memory.errors import ImportProblem
from memory.limits import LIMITS, InputLimits, clip, cut, quoted, time_problem
from memory.redact import Redactor
from memory.timefmt import parse_iso

log = logging.getLogger(__name__)

MAX_PIXELS = 50_000_000        # ~8K x 6K; anything larger is refused, not decoded
MERGE_WINDOW_S = 15 * 60       # a near-duplicate further apart than this starts a new frame
MAX_TIMESTAMP_CHARS = 64       # the longest ISO 8601 form is 32; more is not a timestamp


@dataclass
class ImportReport:
    seen: int = 0
    kept: int = 0
    merged: int = 0
    already: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"seen": self.seen, "kept": self.kept, "merged": self.merged,
                "already_imported": self.already, "problems": self.problems}


@dataclass(frozen=True)
class ManifestEntry:
    line: int
    file: str
    path: Path
    ts: dt.datetime
    app: str
    window_title: str


class BadTime(ValueError):
    """A well-formed time that cannot be stored: outside the accepted span."""


def parse_timestamp(value: str, limits: InputLimits = LIMITS) -> dt.datetime:
    """An ISO 8601 time inside the accepted span; ValueError if it is not ISO 8601, its
    subclass BadTime (with the reason) if it lies outside the span."""
    ts = parse_iso(value, naive="keep")
    if not limits.earliest.year <= ts.year < limits.latest.year:
        # Checked before the local-zone conversion, which fails near years 1 and 9999.
        raise BadTime(f"is outside {limits.earliest.year}-{limits.latest.year - 1}")
    # Naive timestamps are local time (as the manifest format says); keep them naive but
    # comparable by giving them the local zone.
    try:
        ts = parse_iso(value)
    except (OverflowError, OSError) as e:
        raise BadTime("cannot be placed in the local time zone") from e
    why = time_problem(ts, limits)
    if why:
        raise BadTime(why)
    return ts


def source_key(file: str) -> str:
    """The name a manifest file is remembered by: `./a.png`, `a//b.png` and `b/../a.png`
    are the same file as `a.png` and `b.png` (a re-import must not store it twice)."""
    return posixpath.normpath(PurePath(file).as_posix())


def _lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) of a file read in binary; a line longer than `limit` bytes is
    (number, None), and is passed over in `limit`-sized pieces, never held whole."""
    n = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        n += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(limit)
            yield n, None
            continue
        yield n, raw


def _fields(d: dict, where: str, problems: list[str], limits: InputLimits):
    """(file, timestamp, app, title, notes) of a manifest object, over-long text cut and
    `notes` saying so; None, with the line's problem, when it cannot be taken."""
    file, ts = d.get("file"), d.get("timestamp")
    app, title = d.get("app", ""), d.get("window_title", "")
    if not isinstance(file, str) or not file:
        problems.append(f"{where}: 'file' must be a non-empty string.")
        return None
    if len(file) > limits.file_path:
        problems.append(f"{where}: path {quoted(file)} is longer than {limits.file_path:,} "
                        "characters; refused.")
        return None
    if not isinstance(ts, str):
        problems.append(f"{where}: 'timestamp' must be an ISO 8601 string.")
        return None
    if len(ts) > MAX_TIMESTAMP_CHARS:
        problems.append(f"{where}: timestamp {quoted(ts)} is not ISO 8601.")
        return None
    if not isinstance(app, str) or not isinstance(title, str):
        problems.append(f"{where}: 'app' and 'window_title' must be strings.")
        return None
    notes = [f"{where}: '{name}' is {len(value):,} characters long; cut to {limit:,}."
             for name, value, limit in (("app", app, limits.app),
                                        ("window_title", title, limits.window_title))
             if len(value) > limit]
    return file, ts, cut(app, limits.app)[0], cut(title, limits.window_title)[0], notes


def read_manifest(manifest: Path, problems: list[str], limits: InputLimits = LIMITS):
    """Yield valid entries; append 'manifest:LINE: reason' for each bad line."""
    root = manifest.parent.resolve()
    try:
        fh = open(manifest, "rb")
    except OSError as e:
        raise ImportProblem(f"Cannot read the manifest {manifest}: {e.strerror or e}.") from e
    with fh:
        for n, raw in _lines(fh, limits.manifest_line_bytes):
            where = f"{manifest}:{n}"
            if raw is None:
                problems.append(f"{where}: line longer than {limits.manifest_line_bytes:,} "
                                "bytes; skipped.")
                continue
            if not raw.strip():
                continue
            try:
                d = json.loads(raw.decode("utf-8", errors="replace"))
            except json.JSONDecodeError as e:
                problems.append(f"{where}: not valid JSON ({e.msg}).")
                continue
            except RecursionError:
                problems.append(f"{where}: JSON nested too deeply; skipped.")
                continue
            if not isinstance(d, dict):
                problems.append(f"{where}: expected a JSON object.")
                continue
            got = _fields(d, where, problems, limits)
            if got is None:
                continue
            file, ts, app, title, notes = got
            if Path(file).is_absolute():
                problems.append(f"{where}: absolute path {quoted(file)} refused; paths are "
                                "relative to the manifest's folder.")
                continue
            try:
                path = (root / file).resolve()
            except (ValueError, OSError) as err:  # NUL bytes, unencodable names, loops
                why = err.strerror if isinstance(err, OSError) else err
                problems.append(f"{where}: path {quoted(file)} is not a usable file name "
                                f"({why}).")
                continue
            if not path.is_relative_to(root):
                problems.append(f"{where}: path {quoted(file)} leaves the manifest's folder; "
                                "refused.")
                continue
            if not _regular_or_missing(path):
                problems.append(f"{where}: {quoted(file)} is not a regular file (a folder, "
                                "pipe or device); refused.")
                continue
            try:
                when = parse_timestamp(ts, limits)
            except BadTime as err:
                problems.append(f"{where}: timestamp {quoted(ts)} {err}.")
                continue
            except ValueError:
                problems.append(f"{where}: timestamp {quoted(ts)} is not ISO 8601.")
                continue
            problems.extend(notes)
            yield ManifestEntry(n, source_key(file), path, when, app, title)


def _regular_or_missing(path: Path) -> bool:
    """A missing file is reported when it is read (a source imported before may since
    have been deleted); anything else must be a regular file."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False


def load_image(path: Path) -> Image.Image:
    """Open and fully decode an image, refusing missing, corrupt and oversized files, and
    anything but a regular file (a pipe would block the read for ever)."""
    name = clip(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                     getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ImageError(f"{name}: file not found.") from None
    except OSError as e:
        raise ImageError(f"{name}: cannot be read ({e.strerror or e}).") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ImageError(f"{name}: not a regular file; refused.")
        try:
            with Image.open(fh) as im:
                if im.width * im.height > MAX_PIXELS:
                    raise ImageError(f"{name}: {im.width}x{im.height} is larger than the "
                                     f"{MAX_PIXELS // 1_000_000} MP limit; refused.")
                im.load()
                return im.convert("RGB")
        except Image.DecompressionBombError:
            raise ImageError(f"{name}: refused as a decompression bomb.") from None
        except UnidentifiedImageError:
            raise ImageError(f"{name}: not a readable image (no image format Pillow "
                             "knows).") from None
        except (OSError, SyntaxError, ValueError) as e:
            raise ImageError(f"{name}: not a readable image ({e}).") from None


class FrameImporter:
    """Imports manifests into `store`.

    `redactor` masks secrets in the OCR text and the window title before anything is
    stored (None: no redaction); `limits` bounds what a manifest line may hold."""

    def __init__(self, *, store: Store, ocr: OcrEngine, redactor: Redactor | None = None,
                 image_quality: int = 82, limits: InputLimits = LIMITS) -> None:
        self._store = store
        self._ocr = ocr
        self._redactor = redactor
        self._quality = image_quality
        self._limits = limits

    def run(self, manifest: Path, *, progress: Callable[[int, int], None] | None = None
            ) -> ImportReport:
        report = ImportReport()
        entries = list(read_manifest(Path(manifest), report.problems, self._limits))
        last: tuple[int, Thumb, ManifestEntry] | None = None
        for i, e in enumerate(entries, 1):
            report.seen += 1
            if progress:
                progress(i, len(entries))
            with self._store.errors():
                if self._store.frames.has_source(e.file):
                    report.already += 1
                    last = None
                    continue
            try:
                image = load_image(e.path)
            except ImageError as err:
                report.problems.append(f"{Path(manifest)}:{e.line}: {err}")
                continue
            thumb = Thumb.of(image)
            if last and self._same_window(last[2], e) and compare(last[1], thumb).is_duplicate:
                with self._store.errors():
                    self._store.frames.add_source(last[0], e.file, e.ts)
                report.merged += 1
                continue
            frame_id = self._keep(e, image, report, manifest)
            if frame_id is not None:
                last = (frame_id, thumb, e)
                report.kept += 1
        with self._store.errors():
            self._store.docs.embed_pending()
        return report

    @staticmethod
    def _same_window(a: ManifestEntry, b: ManifestEntry) -> bool:
        return (a.app, a.window_title) == (b.app, b.window_title) and \
            abs((b.ts - a.ts).total_seconds()) <= MERGE_WINDOW_S

    def _keep(self, e: ManifestEntry, image: Image.Image, report: ImportReport,
              manifest: Path) -> int | None:
        try:
            lines = self._ocr.recognize(image)
        except CaptureError as err:
            report.problems.append(f"{manifest}:{e.line}: {err} (stored without text)")
            lines = []
        title = e.window_title
        if self._redactor is not None:
            lines, title = redact_frame_text(self._redactor, lines, title)
        return self._store.add_frame(
            image_bytes=encode_image(image, quality=self._quality), ts=e.ts, app=e.app,
            window_title=title,
            url=None, width=image.width, height=image.height, phash=dhash(image),
            sources=[e.file], ocr_lines=lines)

