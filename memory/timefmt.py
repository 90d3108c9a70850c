"""ISO 8601 times: the one parser, the one epoch conversion, the one "now".

The naive-time policy (one rule, stated once): **a time without an offset is local time**,
because such times are written by a person (a CLI flag, an import manifest, an MCP scope,
a chat log). The app itself only ever writes aware times (`now_iso`, UTC). The one
exception is a naive time read back from the store, which older rows hold in UTC: code
reading stored values says so with `naive="utc"`. `naive="keep"` returns the naive value
as it is (for display code that formats it unchanged). Python 3.11's `fromisoformat`
reads a trailing `Z`, so no caller rewrites it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

Naive = Literal["local", "utc", "keep"]


def parse_iso(text: str, *, naive: Naive = "local") -> dt.datetime:
    """The datetime of an ISO 8601 time; a naive one gets the zone `naive` names.
    ValueError (TypeError for a non-string) when it is no ISO 8601 time; OverflowError or
    OSError when a naive time near year 1 or 9999 cannot be placed in the local zone."""
    t = dt.datetime.fromisoformat(text)
    if t.tzinfo is not None or naive == "keep":
        return t
    return t.astimezone() if naive == "local" else t.replace(tzinfo=dt.UTC)


def to_epoch(text: str | None, *, naive: Naive = "local") -> float | None:
    """Seconds since the epoch of an ISO 8601 time; None when absent or unreadable."""
    if not text:
        return None
    try:
        return parse_iso(text, naive="utc" if naive == "keep" else naive).timestamp()
    except (TypeError, ValueError):
        return None


def now_iso() -> str:
    """Now, as the app writes times: aware, in UTC."""
    return dt.datetime.now(dt.UTC).isoformat()
