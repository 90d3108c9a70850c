"""Import a folder of screenshots described by a `frames.jsonl` manifest.

Each manifest line is `{"file", "timestamp", "app", "window_title"}`; `file` is relative
to the manifest's folder (absolute paths and `..` escapes are refused). Near-duplicates of
the last kept frame (same window, only a pointer moved) are merged into it as extra
sources. Unlike live grabs, screenshots may carry a drawn pointer, and a pointer over text
cannot be told from a one-character edit (OCR reads the arrow as "A" or loses the letter
under it), so here every pointer-sized change merges. A kept frame is OCR'd, stored and
indexed. A bad line is reported with its line number and skipped; what was stored before
stays. Re-running an import is idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PIL import Image

from capture.change import Thumb, compare, dhash
from capture.errors import CaptureError, ImageError
from capture.ocr import OcrEngine
from memory.errors import ImportProblem
from memory.store.frames import OcrLine, encode_image
from memory.store.store import Store

log = logging.getLogger(__name__)

MAX_PIXELS = 50_000_000        # ~8K x 6K; anything larger is refused, not decoded
MERGE_WINDOW_S = 15 * 60       # a near-duplicate further apart than this starts a new frame


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


def parse_timestamp(value: str) -> dt.datetime:
    ts = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    # Naive timestamps are local time (as the manifest format says); keep them naive but
    # comparable by giving them the local zone.
    return ts if ts.tzinfo else ts.astimezone()


def read_manifest(manifest: Path, problems: list[str]):
    """Yield valid entries; append 'manifest:LINE: reason' for each bad line."""
    root = manifest.parent.resolve()
    try:
        fh = open(manifest, encoding="utf-8", errors="replace")
    except OSError as e:
        raise ImportProblem(f"Cannot read the manifest {manifest}: {e.strerror or e}.") from e
    with fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"{manifest}:{n}"
            try:
                d = json.loads(raw)
            except json.JSONDecodeError as e:
                problems.append(f"{where}: not valid JSON ({e.msg}).")
                continue
            if not isinstance(d, dict):
                problems.append(f"{where}: expected a JSON object.")
                continue
            file, ts = d.get("file"), d.get("timestamp")
            app, title = d.get("app", ""), d.get("window_title", "")
            if not isinstance(file, str) or not file:
                problems.append(f"{where}: 'file' must be a non-empty string.")
                continue
            if not isinstance(ts, str):
                problems.append(f"{where}: 'timestamp' must be an ISO 8601 string.")
                continue
            if not isinstance(app, str) or not isinstance(title, str):
                problems.append(f"{where}: 'app' and 'window_title' must be strings.")
                continue
            if Path(file).is_absolute():
                problems.append(f"{where}: absolute path {file!r} refused; paths are "
                                "relative to the manifest's folder.")
                continue
            try:
                path = (root / file).resolve()
            except (ValueError, OSError) as err:  # NUL bytes, unencodable names, loops
                problems.append(f"{where}: path {file!r} is not a usable file name ({err}).")
                continue
            if not path.is_relative_to(root):
                problems.append(f"{where}: path {file!r} leaves the manifest's folder; refused.")
                continue
            try:
                when = parse_timestamp(ts)
            except ValueError:
                problems.append(f"{where}: timestamp {ts!r} is not ISO 8601.")
                continue
            yield ManifestEntry(n, file, path, when, app, title)


def load_image(path: Path) -> Image.Image:
    """Open and fully decode an image, refusing missing, corrupt and oversized files."""
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                raise ImageError(f"{path}: {im.width}x{im.height} is larger than the "
                                 f"{MAX_PIXELS // 1_000_000} MP limit; refused.")
            im.load()
            return im.convert("RGB")
    except FileNotFoundError:
        raise ImageError(f"{path}: file not found.") from None
    except Image.DecompressionBombError:
        raise ImageError(f"{path}: refused as a decompression bomb.") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise ImageError(f"{path}: not a readable image ({e}).") from None


class FrameImporter:
    def __init__(self, *, store: Store, ocr: OcrEngine,
                 redact: Callable[[str], str] | None = None, image_quality: int = 82) -> None:
        self._store = store
        self._ocr = ocr
        self._redact = redact
        self._quality = image_quality

    def run(self, manifest: Path, *, progress: Callable[[int, int], None] | None = None
            ) -> ImportReport:
        report = ImportReport()
        entries = list(read_manifest(Path(manifest), report.problems))
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
        if self._redact:
            lines = [OcrLine(self._redact(l.text), l.box, l.score) for l in lines]
        return self._store.add_frame(
            image_bytes=encode_image(image, quality=self._quality), ts=e.ts, app=e.app,
            window_title=self._redact(e.window_title) if self._redact else e.window_title,
            url=None, width=image.width, height=image.height, phash=dhash(image),
            sources=[e.file], ocr_lines=lines)

