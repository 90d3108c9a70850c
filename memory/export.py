"""Export everything the user owns from a store, in open formats.

`DEST/commonplace-export.json` holds every table of record (frames with their OCR text,
lines and sources, chat turns, memories and their provenance, whatever tables later
migrations add) as plain JSON rows; `DEST/frames/<id>.webp` holds each frame's image,
decrypted. Internal tables (the search index, its FTS shadow tables, migration and
pipeline bookkeeping) are left out: they are derived from the tables of record.

The export is plaintext by design (it is the user's way out), so the folder is created
readable by its owner only, and a non-empty destination is refused rather than mixed into.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from memory.errors import StoreError
from memory.store import audit
from memory.store.database import os_error
from memory.store.sources import frame_key
from memory.store.store import Store

log = logging.getLogger(__name__)

EXPORT_FILE = "commonplace-export.json"
EXPORT_FORMAT = 1
_JSON_COLUMNS = {("frames", "ocr_lines"), ("docs", "sources"), ("memories", "fields"),
                 ("memory_versions", "fields")} | audit.JSON_COLUMNS


@dataclass
class ExportReport:
    dest: Path
    tables: dict[str, int] = field(default_factory=dict)
    images: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"dest": str(self.dest), "tables": self.tables, "images": self.images,
                "problems": self.problems}


def exported_tables(store: Store) -> list[str]:
    """Every table of record (the store decides which: memory/store/records.py)."""
    return store.tables_of_record()


def _prepare_dest(dest: Path) -> None:
    """A new or empty folder of ours, 0700 (narrowed if it existed wider), with frames/.

    The mode is narrowed before the emptiness check, so no other account can add a link
    to it afterwards; a folder owned by someone else is refused for the same reason."""
    from memory.store import dirsafety

    try:
        if os.path.lexists(dest):
            st = os.lstat(dest)
            if not stat.S_ISDIR(st.st_mode):
                raise StoreError(f"{dest} exists and is not a folder; give an empty or new "
                                 "folder to export into.")
            if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
                raise StoreError(f"{dest} belongs to another user; give an empty or new "
                                 "folder of your own to export into (nothing was written).")
            dirsafety.narrow(dest, dirsafety.PRIVATE_DIR)
            if any(dest.iterdir()):
                raise StoreError(f"{dest} is not empty; give an empty or new folder to "
                                 "export into (nothing was written).")
        dirsafety.make_private_dir(dest)
        (dest / "frames").mkdir(mode=dirsafety.PRIVATE_DIR)
    except OSError as e:
        raise os_error(e, dest) from e


def _row(store: Store, table: str, row: dict, frame_sources: dict[int, list[str]]) -> dict:
    for col in list(row):
        if (table, col) in _JSON_COLUMNS and isinstance(row[col], str):
            try:
                row[col] = json.loads(row[col])
            except ValueError:
                pass  # keep the raw text: an export never drops a value it cannot parse
    if table == "frames":
        row["ocr_lines"] = [{"text": t, "box": b, "score": s, "source": (src or ["ocr"])[0]}
                            for t, b, s, *src in (row.get("ocr_lines") or [])]
        row["key"] = frame_key(row["id"])   # the frame's source key; `sources` its aliases
        row["sources"] = frame_sources.get(row["id"], [])
    if table in ("memories", "memory_versions") and row.get("sealed_value") and \
            store.keys is not None:
        # The user's own vault value, opened: the export is their plaintext copy.
        row["vault_value"] = store.keys.open_value(row.pop("sealed_value"))
    return row


def export_store(store: Store, dest: Path) -> ExportReport:
    """Write the export into `dest` (new or empty). Returns counts and per-item problems."""
    dest = Path(dest)
    _prepare_dest(dest)
    report = ExportReport(dest=dest)
    tables = exported_tables(store)
    out_path = dest / EXPORT_FILE
    with store.errors():
        frame_sources = store.frames.all_sources()
        try:
            fh = open(out_path, "w", encoding="utf-8", opener=_private_opener)
        except OSError as e:
            raise os_error(e, out_path) from e
        with fh:
            head = {"format": "commonplace-export", "version": EXPORT_FORMAT,
                    "exported_at": dt.datetime.now(dt.UTC).isoformat(),
                    "source_encrypted": store.encrypted, "images": "frames/<frame id>.webp"}
            fh.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {')
            for ti, table in enumerate(tables):
                fh.write(("," if ti else "") + f"\n {json.dumps(table)}: [")
                n = 0
                for row in store.table_rows(table):
                    row = _row(store, table, row, frame_sources)
                    if table == "frames":
                        row["image"] = _write_image(store, row, dest, report)
                    fh.write(("," if n else "") + "\n  " + json.dumps(row, ensure_ascii=False,
                                                                        default=str))
                    n += 1
                fh.write("\n ]")
                report.tables[table] = n
            fh.write("\n}}\n")
    log.info("export: %s tables, %d images to %s", len(tables), report.images, dest)
    return report


def _private_opener(path, flags):
    # A new file only (O_EXCL), never through a link: the folder was empty and is ours.
    return os.open(path, flags | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)


def _write_image(store: Store, row: dict, dest: Path, report: ExportReport) -> str | None:
    from memory.store.frames import Frame

    frame = Frame(id=row["id"], ts=row["ts"], ts_epoch=row["ts_epoch"], app=row.get("app") or "",
                  window_title=row.get("window_title") or "", url=row.get("url"),
                  width=row.get("width") or 0, height=row.get("height") or 0,
                  phash=row.get("phash") or "", file=row["file"], bytes=row.get("bytes") or 0,
                  ocr_text=row.get("ocr_text") or "")
    try:
        data = store.frames.read_image(frame)
    except StoreError as e:
        report.problems.append(f"frame {frame.id}: {e}")
        return None
    rel = f"frames/{frame.id}.webp"
    path = dest / rel
    try:
        with open(path, "wb", opener=_private_opener) as f:
            f.write(data)
    except OSError as e:
        raise os_error(e, path) from e
    report.images += 1
    return rel
