"""The store's tables of record, read whole: what an export writes out.

Every table the user's data lives in (frames, chat turns, memories and their provenance,
whatever tables later migrations add), as plain rows. Internal tables (the search index, its
FTS shadow tables, migration and pipeline bookkeeping) are left out: they are derived from
the tables of record.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlite_utils

# Derived or bookkeeping tables: rebuilt from the tables of record, not the user's data.
INTERNAL_TABLES = frozenset({"docs", "processed_observations"})


def tables_of_record(db: sqlite_utils.Database) -> list[str]:
    """Every table of record: not SQLite's, not FTS (or its shadows), not bookkeeping."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                      "ORDER BY name").fetchall()
    virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    out = []
    for name, _sql in rows:
        if name.startswith(("sqlite_", "_")) or name in INTERNAL_TABLES or name in virtual:
            continue
        if any(name.startswith(f"{v}_") for v in virtual):
            continue  # FTS5 shadow tables (docs_fts_data, _idx, _config, ...)
        out.append(name)
    return out


def table_rows(db: sqlite_utils.Database, table: str) -> Iterator[dict]:
    """Every row of one table of record, in insertion order, as a dict."""
    if table not in tables_of_record(db):
        raise ValueError(f"{table!r} is not a table of record")
    for row in db.query(f"SELECT * FROM [{table}] ORDER BY rowid"):
        yield dict(row)
