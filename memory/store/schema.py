"""The database schema, evolved only through sqlite-utils migrations.

Tables of record:
  frames        one kept screenshot each (its image file lives under frames/)
  frame_sources every captured or imported screenshot merged into a kept frame
  turns         imported chat turns
  docs          the searchable units (a chunk of a frame's OCR text, a turn, a memory),
                with an FTS5 index kept in step by triggers, and a second one over
                their context (a chat turn's neighbours), for the docs that have one;
                `embedded` says whether its vector is in the vector store (reconciled
                at start-up after a crash)
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


@MIGRATIONS()
def m005_docs_context(db):
    """A doc's context: a chat turn is indexed with the turns before and after it in its
    session, in a second FTS5 index (docs_context_fts, over docs.context, holding only the
    docs that have one) and in the text it is embedded from. docs_fts is left as it was: a
    column beside `text` would change its IDF figures, and the plain BM25 baseline with
    them. Existing turn docs get their context here and are marked for re-embedding (done
    at the next start-up reconcile)."""
    from memory.chat_import import speaker_line, with_neighbours

    db["docs"].add_column("context", str)
    rows = db.execute(
        "SELECT docs.id, turns.sample_id, turns.session, turns.speaker, turns.text, "
        "turns.caption FROM docs JOIN turns ON turns.id = docs.ref_id "
        "WHERE docs.kind = 'turn' ORDER BY turns.id").fetchall()
    texts = [speaker_line(r[3] or "", r[4] or "", r[5] or "") for r in rows]
    around = with_neighbours(texts, [r[1:3] for r in rows])
    updates = [(context, embed_text, r[0]) for r, (context, embed_text) in zip(rows, around)]
    db.conn.executemany(
        "UPDATE docs SET context = ?, embed_text = ?, embedded = 0 WHERE id = ?", updates)
    # Plain SQL, not enable_fts: that runs executescript, which commits mid-migration.
    db.execute("CREATE VIRTUAL TABLE docs_context_fts USING FTS5 (context, "
               "tokenize='porter unicode61 remove_diacritics 2', content=docs)")
    db.execute("INSERT INTO docs_context_fts (rowid, context) SELECT id, context FROM docs "
               "WHERE coalesce(context, '') != ''")
    has = "coalesce({}.context, '') != ''"
    db.execute(f"CREATE TRIGGER docs_context_ai AFTER INSERT ON docs WHEN {has.format('new')} "
               "BEGIN INSERT INTO docs_context_fts (rowid, context) "
               "VALUES (new.rowid, new.context); END")
    db.execute(f"CREATE TRIGGER docs_context_ad AFTER DELETE ON docs WHEN {has.format('old')} "
               "BEGIN INSERT INTO docs_context_fts (docs_context_fts, rowid, context) "
               "VALUES ('delete', old.rowid, old.context); END")
    # One update trigger, the old entry out before the new one in: SQLite runs several
    # triggers on one event in no order to rely on, and an external-content index must be
    # told exactly what it holds.
    db.execute("CREATE TRIGGER docs_context_au AFTER UPDATE OF context ON docs BEGIN "
               "INSERT INTO docs_context_fts (docs_context_fts, rowid, context) "
               f"SELECT 'delete', old.rowid, old.context WHERE {has.format('old')}; "
               "INSERT INTO docs_context_fts (rowid, context) "
               f"SELECT new.rowid, new.context WHERE {has.format('new')}; END")
