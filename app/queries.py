"""The read paths the command line and the MCP server share, each with its JSON shape.

`search --json` and the MCP `search` tool print `search_json(...)`; `ask --json` and the
MCP `ask` tool print `answer(...).as_json()`; the MCP `timeline`, `memories` and
`get_moment` tools print the shapes built here. Each takes the retriever (or store) it
reads through, so the MCP server can hand in one that sees only a client's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.settings import SettingsError
from memory.timefmt import parse_iso

if TYPE_CHECKING:
    from memory.retrieval import Hit

ALL_TIME = (0.0, 1e12)


def parse_time(value: str | None, flag: str) -> float | None:
    """Epoch seconds of an ISO 8601 time (local time when it has no offset); None when
    empty; SettingsError naming `flag` when unreadable."""
    if not value:
        return None
    try:
        return parse_iso(value).timestamp()
    except (TypeError, ValueError):
        raise SettingsError(f"{flag} {value!r} is not an ISO 8601 time.") from None


def time_range(start: float | None, end: float | None) -> tuple[float, float] | None:
    """A (start, end) range for the retriever; None when neither end is given."""
    return (start or ALL_TIME[0], end or ALL_TIME[1]) if (start or end) else None


def search_json(query: str, hits: list[Hit]) -> dict:
    return {"query": query, "hits": [h.as_json() for h in hits]}


def answer(retriever, question: str, *, backend: Callable | None, store=None,
           now: dt.datetime | None = None, tuning=None):
    """The answer `ask` gives (memory.answer.Answer; `.as_json()` is the printed shape),
    with the settings' AnswerTuning (`tuning`; None: the defaults)."""
    from memory.answer import Answerer

    return Answerer(retriever, backend, store=store, tuning=tuning).ask(question, now=now)


def memory_json(m) -> dict:
    """One memory as the MCP tools return it: its masked fields, never a sealed value."""
    from memory.items import masked

    return {"id": m.id, "type": m.type, "text": m.text, "fields": masked(m.type, m.fields),
            "occurred_at": m.occurred_at, "pinned": m.pinned, "sources": list(m.sources)}


def timeline_json(retriever, start: float, end: float, *, limit: int,
                  keep: Callable = lambda m: True) -> dict:
    """The episodes of [start, end] in order, and the hour and day summaries over them
    (consolidation's temporal tree), each with its sources; `keep(memory)` may drop some."""
    from memory.consolidate import SUMMARY_TYPES

    episodes = [m for m in retriever.timeline(start, end, exclude=SUMMARY_TYPES,
                                              limit=limit) if keep(m)]
    summaries = {level: [memory_json(m) for m in retriever.timeline(
        start, end, levels=[level], limit=limit) if keep(m)] for level in SUMMARY_TYPES}
    return {"from": _iso(start), "to": _iso(end),
            "episodes": [memory_json(m) for m in episodes],
            "summaries": summaries}


def memories_json(store, *, type_: str | None, contains: str = "", limit: int,
                  keep: Callable = lambda m: True) -> dict:
    """Active memories of one type (all types when None), newest first, whose text
    contains `contains` (case-insensitive); a sensitive vault value stays masked."""
    from memory.items import TYPES

    repo = store.memories
    needle = contains.casefold().strip()
    out: list[dict] = []
    with store.errors():
        for t in ([type_] if type_ else list(TYPES)):
            for m in repo.list_by_type(t, limit=100_000):
                if needle and needle not in m.text.casefold():
                    continue
                if keep(m):
                    out.append(memory_json(m))
                if len(out) >= limit:
                    break
            if len(out) >= limit:
                break
    return {"type": type_, "contains": contains, "memories": out}


def moment_json(store, moment, *, image: bool) -> dict:
    """What a source key names (memory.store.sources.Moment): a frame's text, app, title
    and time, and its WebP image (base64) only when `image`; a chat turn's words."""
    out = {"source": moment.source, "kind": moment.kind, "id": moment.id, "ts": moment.ts,
           "app": moment.app, "title": moment.title}
    with store.errors():
        if moment.kind == "frame":
            frame = store.frames.get(moment.id)
            out |= {"text": frame.ocr_text or "", "url": frame.url or "",
                    "sources": list(frame.sources)}
            if image:
                import base64

                out["image"] = {"mime_type": "image/webp", "base64": base64.b64encode(
                    store.frames.read_image(frame)).decode("ascii")}
        else:
            out |= {"speaker": moment.speaker, "text": moment.text}
    return out


def _iso(epoch: float) -> str | None:
    try:
        return dt.datetime.fromtimestamp(epoch).astimezone().isoformat()
    except (OverflowError, ValueError, OSError):   # an open end (ALL_TIME)
        return None
