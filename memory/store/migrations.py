"""The database schema, evolved only through these migrations, in this order.

Each migration is frozen: once released it never changes, and it imports no live code. What
it needs from elsewhere (how a chat turn is written as a line, which vault values are
sensitive) is copied in as it was on the day the migration was written, so a database
migrated today becomes what one migrated then became. A new schema change is a new function
appended to `ORDER`; registration is that explicit list, not import order.

Tables of record:
  frames                 one kept screenshot each (its image file lives under frames/)
  frame_sources          every captured or imported screenshot merged into a kept frame
  turns                  imported chat turns
  docs                   the searchable units (a chunk of a frame's OCR text, a turn, a memory),
                         with an FTS5 index kept in step by triggers, and a second one over
                         their context (a chat turn's neighbours), for the docs that have one;
                         `embedded` says whether its vector is in the vector store (reconciled
                         at start-up after a crash)
  memories               one item of a memory type (fields JSON + a searchable `text`);
                         never hard-deleted: status active | superseded | deleted; an hour
                         or day summary keeps its data in `fields.apps` (m009)
  memory_sources         the observations (frame manifest values / capture refs, chat turn
                         refs '<sample>:<dia>') a memory cites
  memory_versions        every value a memory ever had (the earlier value survives an update);
                         a sensitive vault value is masked in `fields` and sealed in
                         `sealed_value` (m003), as in `memories`
  memory_ops             the audit log: add | update | merge | delete | none | pin | skip
  processed_observations the frames and turns the pipeline has taken (its idempotency marker)
  chat_threads           the desktop chat's kept conversations (m007)
  chat_messages          a question in a thread, its answer, citations and what was searched
  capture_log            what capture was doing, span by span: recording, paused, idle,
                         locked, excluded, error, disk-low, stopped (m008); no row = the app
                         was not running; each row names its writer process (m010)
"""

from __future__ import annotations

import datetime as dt
import json

from sqlite_utils.migrations import Migrations


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


def m002_memories(db):
    db["memories"].create({
        "id": int, "type": str, "fields": str, "text": str, "identity": str,
        "importance": float, "strength": float, "access_count": int, "pinned": int,
        "status": str, "superseded_by": int, "parent_id": int, "tier": str,
        "sensitive": int, "sealed_value": str, "doc_id": int, "occurred_at": str,
        "occurred_epoch": float, "created_at": str, "updated_at": str,
        "last_accessed_at": str,
    }, pk="id", not_null={"type", "fields", "text", "status", "tier"},
        defaults={"importance": 0.3, "strength": 1.0, "access_count": 0, "pinned": 0,
                  "status": "active", "sensitive": 0})
    db["memories"].create_index(["type", "status"])
    db["memories"].create_index(["identity"])
    db["memories"].create_index(["occurred_epoch"])
    db["memories"].create_index(["parent_id"])
    db["memories"].create_index(["doc_id"])
    db["memories"].create_index(["type", "text"])
    db["memory_sources"].create({"memory_id": int, "source": str, "ts": str},
                                pk=("memory_id", "source"),
                                foreign_keys=[("memory_id", "memories", "id")])
    db["memory_sources"].create_index(["source"])
    db["memory_versions"].create({"memory_id": int, "version": int, "fields": str, "op": str,
                                  "at": str, "reason": str}, pk=("memory_id", "version"),
                                 foreign_keys=[("memory_id", "memories", "id")])
    db["memory_ops"].create({"id": int, "op": str, "memory_id": int, "type": str, "at": str,
                             "reason": str, "tier": str}, pk="id")
    db["memory_ops"].create_index(["memory_id"])
    db["processed_observations"].create({"ref": str, "kind": str, "ref_id": int, "at": str,
                                         "batch": str}, pk="ref")


# m003's copy of the vault rules (memory.items) as they were: a vault item of "high"
# sensitivity with a value shows the value as this mask.
_M003_MASK = "••••"


def _m003_masked(type_: str, fields: dict) -> dict:
    if type_ == "vault" and fields.get("sensitivity") == "high" and fields.get("value"):
        return {**fields, "value": _M003_MASK}
    return dict(fields)


def m003_versions_sealed(db):
    """Versions hold a sensitive vault value sealed, never in clear text. Versions written
    before this kept it in their fields: those values are masked (the current value stays
    sealed on its memory)."""
    db["memory_versions"].add_column("sealed_value", str)
    rows = db.execute("SELECT v.memory_id, v.version, v.fields, m.type FROM memory_versions v "
                      "JOIN memories m ON m.id = v.memory_id WHERE m.type = 'vault'").fetchall()
    for memory_id, version, fields, type_ in rows:
        f = json.loads(fields)
        if _m003_masked(type_, f) != f:
            db.execute("UPDATE memory_versions SET fields = ? WHERE memory_id = ? AND version = ?",
                       [json.dumps(_m003_masked(type_, f), ensure_ascii=False), memory_id,
                        version])


def m004_docs_time_window_index(db):
    """The docs of a time window, read from the index alone: at 1M docs, finding the
    embedded ones in a month through an index on ts_epoch alone read every row (~330 ms
    a query); this one covers the query (rowid included), and replaces that one."""
    db["docs"].create_index(["ts_epoch", "embedded", "kind"], if_not_exists=True)
    db.execute("DROP INDEX IF EXISTS idx_docs_ts_epoch")


# m005's copies of how a chat turn was written as a line and given its neighbours
# (memory/store/turns.py today; changing those must not change what m005 did).
def _m005_speaker_line(speaker: str, text: str, caption: str = "") -> str:
    body = text.strip()
    if caption and caption.strip():
        body = f"{body} [shared a photo: {caption.strip()}]".strip()
    return f"{speaker}: {body}" if speaker else body


def _m005_with_neighbours(texts, sessions) -> list[tuple[str, str]]:
    out = []
    for j, text in enumerate(texts):
        prev, nxt = (texts[i] if 0 <= i < len(texts) and sessions[i] == sessions[j] else ""
                     for i in (j - 1, j + 1))
        out.append(("\n".join(x for x in (prev, nxt) if x),
                    "\n".join(x for x in (prev, text, nxt) if x)))
    return out


def m005_docs_context(db):
    """A doc's context: a chat turn is indexed with the turns before and after it in its
    session, in a second FTS5 index (docs_context_fts, over docs.context, holding only the
    docs that have one) and in the text it is embedded from. docs_fts is left as it was: a
    column beside `text` would change its IDF figures, and the plain BM25 baseline with
    them. Existing turn docs get their context here and are marked for re-embedding (done
    at the next start-up reconcile)."""
    db["docs"].add_column("context", str)
    rows = db.execute(
        "SELECT docs.id, turns.sample_id, turns.session, turns.speaker, turns.text, "
        "turns.caption FROM docs JOIN turns ON turns.id = docs.ref_id "
        "WHERE docs.kind = 'turn' ORDER BY turns.id").fetchall()
    texts = [_m005_speaker_line(r[3] or "", r[4] or "", r[5] or "") for r in rows]
    around = _m005_with_neighbours(texts, [r[1:3] for r in rows])
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


def m006_mcp_audit(db):
    """The audit log of the MCP server (memory/store/audit.py): one row per call, with the
    client, tool, arguments, outcome and the source keys it returned (JSON list)."""
    db["mcp_audit"].create({
        "id": int, "at": str, "at_epoch": float, "client": str, "tool": str,
        "arguments": str, "outcome": str, "sources": str, "detail": str,
    }, pk="id", not_null={"at", "at_epoch", "client", "tool", "outcome"},
        defaults={"arguments": "{}", "sources": "[]", "detail": ""})
    db["mcp_audit"].create_index(["at_epoch"])


def m007_chat_threads(db):
    """The desktop chat's kept conversations (memory/store/threads.py): a thread, and each
    question in it with its answer, what it cited (source keys, JSON) and what was searched
    (JSON)."""
    db["chat_threads"].create({"id": int, "started_at": str, "started_epoch": float,
                               "title": str}, pk="id", not_null={"started_at", "title"})
    db["chat_threads"].create_index(["started_epoch"])
    db["chat_messages"].create({
        "id": int, "thread_id": int, "ts": str, "question": str, "asked": str,
        "answer": str, "abstained": int, "citations": str, "searched": str, "model": str,
        "tier": str,
    }, pk="id", not_null={"thread_id", "ts", "question"},
        defaults={"abstained": 0, "citations": "[]", "searched": "{}"},
        foreign_keys=[("thread_id", "chat_threads", "id")])
    db["chat_messages"].create_index(["thread_id"])


def m008_capture_log(db):
    """What capture was doing over time (memory/store/coverage.py): one row per span of one
    state, open (no end) while current; `seen_epoch` is the last moment the app confirmed it
    (a crash leaves the row ending there); `paused_until` for a timed pause."""
    db["capture_log"].create({
        "id": int, "start_epoch": float, "end_epoch": float, "seen_epoch": float,
        "state": str, "reason": str, "paused_until": float,
    }, pk="id", not_null={"start_epoch", "seen_epoch", "state"}, defaults={"reason": ""})
    db["capture_log"].create_index(["start_epoch"])
    db["capture_log"].create_index(["end_epoch"])


# m009's copy of memory/consolidate.py's summary data as it was: per app (an episode without
# an app counts as "screen") its minutes (an episode lasts at least one) and the distinct
# things done in it (an episode's summary less its "App: ", an hour's own activity line),
# the app with the most minutes first, at most 5 titles each cut to 80 characters.
_M009_MAX_TITLES = 5
_M009_TITLE_CHARS = 80


def _m009_time(text: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(text)
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _m009_minutes(f: dict) -> int:
    if not f.get("ended_at"):
        return 1
    try:
        took = _m009_time(f["ended_at"]) - _m009_time(f["occurred_at"])
    except (KeyError, TypeError, ValueError):
        return 1
    return max(1, round(took.total_seconds() / 60))


def _m009_activity_text(apps: list[dict]) -> str:
    parts = []
    for a in apps:
        titles = a["titles"] or [""]
        more = " …" if len(titles) > 1 or len(titles[0]) > 40 else ""
        parts.append(f"{a['app']} ({titles[0][:40]}{more}) {a['minutes']} min")
    return ", ".join(parts)


def _m009_apps(children: list[dict]) -> list[dict]:
    per_app: dict[str, list] = {}
    for f in children:
        entry = per_app.setdefault(f.get("app") or "screen", [0, []])
        entry[0] += _m009_minutes(f)
        if f.get("event_type") in ("summary_hour", "summary_day"):
            what = _m009_activity_text(f.get("apps") or [])
        else:
            what = str(f.get("summary", "")).split(": ", 1)[-1]
        if what and what not in entry[1]:
            entry[1].append(what)
    return [{"app": app, "minutes": mins,
             "titles": [w[:_M009_TITLE_CHARS] for w in whats[:_M009_MAX_TITLES]]}
            for app, (mins, whats) in sorted(per_app.items(), key=lambda kv: -kv[1][0])]


def m009_summary_apps(db):
    """Hour and day summaries keep their data beside their line (`fields.apps`: each app's
    minutes and titles), so whoever shows one builds it from that, not by parsing the line
    back. The active summaries written before get theirs from their active children
    (`parent_id`), hours before days; the searchable text is unchanged."""
    def active(parent: int | None = None) -> list[tuple[int, dict]]:
        """The active episodic memories (the children of `parent`), as the pipeline reads
        them: by time, then id."""
        sql = "SELECT id, fields FROM memories WHERE type = 'episodic' AND status = 'active'"
        args = [] if parent is None else [parent]
        if parent is not None:
            sql += " AND parent_id = ?"
        out = []
        for mid, fields in db.execute(
                sql + " ORDER BY COALESCE(occurred_epoch, 0), id", args).fetchall():
            try:
                f = json.loads(fields)
            except (TypeError, ValueError):
                continue   # unreadable fields: left as they are (the store logs such rows)
            if isinstance(f, dict):
                out.append((mid, f))
        return out

    for level in ("summary_hour", "summary_day"):
        for mid, f in active():
            if f.get("event_type") != level or f.get("apps"):
                continue
            apps = _m009_apps([c for _id, c in active(mid)])
            if apps:
                db.execute("UPDATE memories SET fields = ? WHERE id = ?",
                           [json.dumps({**f, "apps": apps}, ensure_ascii=False), mid])


def m010_capture_log_writer(db):
    """Each capture log row names the process that writes it (`writer`: "gui:<pid>:<start>",
    "capture:<pid>:<start>"), so the GUI and a headless `commonplace capture` on one store
    each extend and close only their own rows; rows written before say "" (one writer)."""
    db["capture_log"].add_column("writer", str, not_null_default="")
    db["capture_log"].create_index(["writer", "end_epoch"])


def m011_frames_time_app_index(db):
    """The timeline's week reads each frame's time and app alone (FrameRepo.stamps_between):
    an index holding both answers it from the index, without reading the frames' rows (their
    OCR text fills a page each)."""
    db["frames"].create_index(["ts_epoch", "app"], if_not_exists=True)


def m012_memories_browse_indexes(db):
    """The memory browser's two reads on a year-old store (100k memories):
    - an item's history walks the chain of items that superseded one another
      (MemoryRepo.history): looking predecessors up by `superseded_by` scanned every memory
      (30 ms a step) without an index;
    - a tab lists a type's first thousand items, pinned then newest first
      (MemoryRepo.list_rows): in the index's order SQLite stops at the limit instead of
      sorting the type's every row (70-100 ms for 17k)."""
    db["memories"].create_index(["superseded_by"], if_not_exists=True)
    db["memories"].create_index(["type", "status", "pinned", "occurred_epoch", "id"],
                                if_not_exists=True)


# The order migrations run in; their names are what databases record as applied.
ORDER = (m001_frames_turns_docs, m002_memories, m003_versions_sealed,
         m004_docs_time_window_index, m005_docs_context, m006_mcp_audit, m007_chat_threads,
         m008_capture_log, m009_summary_apps, m010_capture_log_writer,
         m011_frames_time_app_index, m012_memories_browse_indexes)

MIGRATIONS = Migrations("commonplace")
for _migration in ORDER:
    MIGRATIONS()(_migration)
