"""The audit log of what other tools read through the MCP server: one row per call.

Each row says which client (the scope name the user gave it), which tool, with which
arguments, whether it was answered or refused, and what it returned, by source key. The
table lives in the store, so it is encrypted like everything else, exported by `export`
(every table of record is) and cut by `forget` (`forget_span`). Only this module knows
its SQL (the table itself is created by migrations.m006_mcp_audit).

Rows are never updated: the log is append-only, and only `forget` deletes from it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from memory.store.sql import inserted_id

TABLE = "mcp_audit"
JSON_COLUMNS = {(TABLE, "arguments"), (TABLE, "sources")}   # exported as JSON, not text
MAX_SOURCES = 500    # keys kept per row: a call returns at most a few dozen
MAX_ARGS_CHARS = 4000  # the arguments as JSON, cut beyond this (a query is short)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    client: str
    tool: str
    arguments: dict
    outcome: str         # "ok" | "refused" (bad arguments, out of scope) | "error"
    sources: list[str]
    detail: str          # counts on success, the message of a refusal


class AuditLog:
    """Appends and reads the audit rows of one store's database (`Store.audit`, or over a
    connection of its own: the caller owns the thread)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def record(self, *, client: str, tool: str, arguments: dict, outcome: str,
               sources: Sequence[str] = (), detail: str = "",
               at: dt.datetime | None = None) -> int:
        at = at or dt.datetime.now(dt.UTC)
        args = json.dumps(arguments, ensure_ascii=False, default=str, sort_keys=True)
        if len(args) > MAX_ARGS_CHARS:
            args = json.dumps({"truncated": args[:MAX_ARGS_CHARS]}, ensure_ascii=False)
        keys = list(dict.fromkeys(sources))[:MAX_SOURCES]
        with self._db.atomic():
            return inserted_id(self._db.table(TABLE).insert({
                "at": at.isoformat(), "at_epoch": at.timestamp(), "client": client,
                "tool": tool, "arguments": args, "outcome": outcome,
                "sources": json.dumps(keys, ensure_ascii=False), "detail": detail,
            }))

    def entries(self, *, limit: int = 1000, client: str | None = None) -> list[AuditEntry]:
        """The newest `limit` rows first (of one client when given)."""
        sql = f"SELECT * FROM [{TABLE}]"
        args: list[str | int] = []
        if client is not None:
            sql += " WHERE client = ?"
            args.append(client)
        sql += " ORDER BY at_epoch DESC, id DESC LIMIT ?"
        args.append(int(limit))
        return [AuditEntry(id=r["id"], at=r["at"], client=r["client"], tool=r["tool"],
                           arguments=_loads(r["arguments"], {}), outcome=r["outcome"],
                           sources=_loads(r["sources"], []), detail=r["detail"] or "")
                for r in self._db.query(sql, args)]

    def count(self) -> int:
        return self._db.table(TABLE).count


def forget_span(db: sqlite_utils.Database, start: float, end: float,
                gone_sources: Iterable[str], *, whole_span: bool = True) -> int:
    """For `forget`: delete the rows that returned a forgotten moment (their arguments
    and results describe it), and, when the whole span is forgotten (not one app's
    frames), every row written in [start, end]. Runs inside forget's transaction; returns
    the number of rows deleted."""
    gone = set(gone_sources)
    doomed: list[int] = []
    for rid, at_epoch, sources in db.execute(f"SELECT id, at_epoch, sources FROM [{TABLE}]"):
        if whole_span and start <= at_epoch <= end:
            doomed.append(rid)
        elif gone and gone.intersection(_loads(sources, [])):
            doomed.append(rid)
    for i in range(0, len(doomed), 500):
        part = doomed[i:i + 500]
        db.execute(f"DELETE FROM [{TABLE}] WHERE id IN ({','.join('?' * len(part))})", part)
    return len(doomed)


def _loads(text: str | None, default):
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default
