"""Migrations are frozen: a database created at an older version migrates to exactly what the
migrations of that day made of it.

`tests/data/migrations_expected.json` was written by the migrations as they were before they
moved into one frozen module (schema.py + schema_memories.py, m005 importing the chat
importer, m003 the item rules), from the very databases `old_database` builds here. The
migrations today must turn those databases into the same schema and the same rows.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "migrations_expected.json"

# The migrations the expected file was written with; later ones are checked by their own
# tests (each older database is brought up to this one and compared).
FIXTURE_LAST = "m005_docs_context"
# (name, the migration the old database stopped before)
OLD_VERSIONS = [("fresh", None), ("v1_frames_turns_docs", "m002_memories"),
                ("v2_memories", "m003_versions_sealed"), ("v4_time_index", "m005_docs_context")]


def _turns(db) -> None:
    """Two chats: one of two sessions (a photo caption, a speaker-less turn), one of one."""
    turns = [("c", 1, "Ana", "How was the coffee in Lisbon?", ""),
             ("c", 1, "Ben", "Strong and cheap.", ""),
             ("c", 1, "Ana", "Look at this", "a cup of coffee on a table"),
             ("c", 2, "", "Session two opens here.", ""),
             ("c", 2, "Ben", "Next trip?", ""),
             ("d", 1, "Eve", "Only turn of its chat.", "")]
    for i, (sample, session, who, text, caption) in enumerate(turns, 1):
        db.execute("INSERT INTO turns (id, source, sample_id, dia_id, session, speaker, text, "
                   "caption, ts, ts_epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [i, f"{sample}:D{session}:{i}", sample, f"D{session}:{i}", session, who,
                    text, caption, f"2025-01-21T19:4{i}:00+00:00", 1737488400.0 + 60 * i])
        line = f"{who}: {text}" if who else text
        db.execute("INSERT INTO docs (kind, ref_id, text, ts, ts_epoch, app, sources, "
                   "content_hash, embedded) VALUES ('turn', ?, ?, ?, ?, 'chat', ?, ?, 1)",
                   [i, line, f"2025-01-21T19:4{i}:00+00:00", 1737488400.0 + 60 * i,
                    json.dumps([f"{sample}:D{session}:{i}"]), f"h{i}"])
    db.execute("INSERT INTO frames (id, ts, ts_epoch, app, window_title, file, bytes, ocr_text, "
               "ocr_lines) VALUES (1, '2025-01-21T20:00:00+00:00', 1737489600.0, 'Editor', "
               "'notes.txt', '2025/01/21/a.webp', 10, 'coffee list', '[]')")
    db.execute("INSERT INTO frame_sources (frame_id, source, ts) VALUES "
               "(1, '0001.png', '2025-01-21T20:00:00+00:00')")
    db.execute("INSERT INTO docs (kind, ref_id, text, ts, ts_epoch, app, sources, content_hash, "
               "embedded) VALUES ('frame', 1, 'notes.txt - Editor\ncoffee list', "
               "'2025-01-21T20:00:00+00:00', 1737489600.0, 'Editor', '[\"0001.png\"]', 'hf', 1)")


def _memories(db) -> None:
    """A vault item whose versions kept its sensitive value in clear (before m003), a vault
    item that is not sensitive, and an episode."""
    secret = {"entry_type": "password", "caption": "wifi", "value": "hunter22-xyz",
              "sensitivity": "high"}
    plain = {"entry_type": "address", "caption": "office", "value": "1 Main St",
             "sensitivity": "low"}
    episode = {"occurred_at": "2025-01-21T20:00:00+00:00", "event_type": "app_session",
               "summary": "Editor: notes.txt"}
    for mid, type_, fields in ((1, "vault", secret), (2, "vault", plain), (3, "episodic", episode)):
        db.execute("INSERT INTO memories (id, type, fields, text, status, tier, created_at, "
                   "updated_at) VALUES (?, ?, ?, ?, 'active', 'floor', 't', 't')",
                   [mid, type_, json.dumps({**fields, "value": "••••"} if mid == 1
                                           else fields), f"item {mid}"])
        for version, value in ((1, fields), (2, {**fields, "caption": "changed"})):
            db.execute("INSERT INTO memory_versions (memory_id, version, fields, op, at, reason) "
                       "VALUES (?, ?, ?, 'add', 't', '')", [mid, version, json.dumps(value)])
        db.execute("INSERT INTO memory_sources (memory_id, source, ts) VALUES (?, '0001.png', "
                   "'2025-01-21T20:00:00+00:00')", [mid])


def old_database(migrations, stop_before: str | None) -> sqlite_utils.Database:
    """A database as the version before `stop_before` left it, with rows of that version."""
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    if stop_before is None:
        return db
    migrations.apply(db, stop_before=stop_before)
    _turns(db)
    if stop_before != "m002_memories":
        _memories(db)
    return db


def dump(db: sqlite_utils.Database) -> dict:
    """Schema, every row of every plain table, the migrations applied (names, in order) and
    what the context index finds."""
    schema = sorted([list(r) for r in db.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "ORDER BY type, name").fetchall()])
    data = {}
    for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%fts%' AND name != '_sqlite_migrations' ORDER BY name"):
        data[name] = [list(r) for r in db.execute(f"SELECT * FROM [{name}] ORDER BY rowid")]
    names = [r[0] for r in db.execute(
        "SELECT migration_set || '/' || name FROM _sqlite_migrations ORDER BY rowid")]
    found = [list(r) for r in db.execute(
        "SELECT rowid, context FROM docs_context_fts WHERE docs_context_fts MATCH "
        "'coffee OR lisbon OR photo OR trip' ORDER BY rowid")]
    return {"schema": schema, "data": data, "migrations": names, "context_match": found}


@pytest.mark.parametrize("name,stop_before", OLD_VERSIONS)
def test_an_old_database_migrates_to_what_it_always_did(name, stop_before):
    from memory.store.migrations import MIGRATIONS

    names = [m.name for m in MIGRATIONS._migrations]
    later = names[names.index(FIXTURE_LAST) + 1:]
    db = old_database(MIGRATIONS, stop_before)
    MIGRATIONS.apply(db, stop_before=later[0] if later else None)
    got = json.loads(json.dumps(dump(db)))  # tuples as lists, as in the file
    assert got == json.loads(EXPECTED.read_text("utf-8"))[name]


def test_migrations_are_listed_in_order_and_import_no_live_code():
    import ast

    import memory.store.migrations as m

    names = [x.name for x in m.MIGRATIONS._migrations]
    assert names == [f.__name__ for f in m.ORDER]
    assert names[:5] == ["m001_frames_turns_docs", "m002_memories", "m003_versions_sealed",
                         "m004_docs_time_window_index", "m005_docs_context"]
    assert names == sorted(names), "numbered in the order they run"
    tree = ast.parse(Path(m.__file__).read_text("utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | \
        {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {i for i in imported if i and i.split(".")[0] in ("memory", "capture", "app",
                                                                 "ui", "models")}, imported
