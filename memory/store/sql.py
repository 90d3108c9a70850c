"""Small SQL helpers shared by the repositories (the only code that writes SQL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TypeVar

import sqlite_utils

T = TypeVar("T")

CHUNK = 500  # values per IN list: well under SQLite's host-parameter limit


def in_list(values: Sequence) -> str:
    """'(?,?,?)' for an `IN` clause over `values` (which travel as parameters)."""
    return f"({','.join('?' * len(values))})"


def chunks(values: Sequence[T], n: int = CHUNK) -> Iterator[list[T]]:
    """`values` in lists of at most `n`, for IN clauses over unbounded id sets."""
    values = list(values)
    for i in range(0, len(values), n):
        yield values[i:i + n]


def inserted_id(table: sqlite_utils.db.Table) -> int:
    """The integer id the last `table.insert(...)` got (sqlite-utils types `last_pk` as
    optional; every table here has an INTEGER PRIMARY KEY, so anything else is a bug)."""
    pk = table.last_pk
    if not isinstance(pk, int):
        raise TypeError(f"insert into {table.name} returned no integer id: {pk!r}")
    return pk


def new_rowid(cur: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT through `cur` just added (`lastrowid` is typed optional:
    it is None only before any INSERT)."""
    if cur.lastrowid is None:
        raise TypeError("the statement inserted no row")
    return cur.lastrowid
