"""The database schema, evolved only through sqlite-utils migrations.

Tables of record:
  frames        one kept screenshot each (its image file lives under frames/)
  frame_sources every captured or imported screenshot merged into a kept frame
  turns         imported chat turns
  docs          the searchable units (a chunk of a frame's OCR text, a turn, a memory),
                with an FTS5 index kept in step by triggers; `embedded` says whether its
                vector is in the vector store (reconciled at start-up after a crash)
"""

from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("commonplace")


@MIGRATIONS()
def m001_frames_turns_docs(db):
    db["frames"].create({
        "id": int, "ts": str, "ts_epoch": float, "app": str, "window_title": str,
        "url": str, "width": int, "height": int, "phash": str, "file": str, "bytes": int,
        "ocr_text": str, "ocr_lines": str, "created_at": str,
    }, pk="id", not_null={"ts", "ts_epoch", "file"}, defaults={"app": "", "window_title": ""})
    db["frames"].create_index(["ts_epoch"])
    db["frame_sources"].create({"frame_id": int, "source": str, "ts": str},
                               pk="source", not_null={"frame_id"},
                               foreign_keys=[("frame_id", "frames", "id")])
    db["frame_sources"].create_index(["frame_id"])
    db["turns"].create({
        "id": int, "source": str, "sample_id": str, "dia_id": str, "session": int,
        "speaker": str, "text": str, "caption": str, "ts": str, "ts_epoch": float,
    }, pk="id", not_null={"source", "text"})
    db["turns"].create_index(["source"], unique=True)
    db["turns"].create_index(["ts_epoch"])
    db["docs"].create({
        "id": int, "kind": str, "ref_id": int, "text": str, "ts": str, "ts_epoch": float,
        "app": str, "sources": str, "content_hash": str, "embedded": int, "embed_text": str,
    }, pk="id", not_null={"kind", "text"}, defaults={"embedded": 0, "sources": "[]"})
    db["docs"].create_index(["kind", "ref_id"])
    db["docs"].create_index(["ts_epoch"])
    db["docs"].create_index(["embedded"])
    db["docs"].create_index(["content_hash"])
    db["docs"].enable_fts(["text"], tokenize="porter unicode61 remove_diacritics 2",
                          create_triggers=True)


import memory.store.schema_memories  # noqa: F401


@MIGRATIONS()
def m004_docs_time_window_index(db):
    """The docs of a time window, read from the index alone: at 1M docs, finding the
    embedded ones in a month through an index on ts_epoch alone read every row (~330 ms
    a query); this one covers the query (rowid included), and replaces that one."""
    db["docs"].create_index(["ts_epoch", "embedded", "kind"], if_not_exists=True)
    db.execute("DROP INDEX IF EXISTS idx_docs_ts_epoch")

