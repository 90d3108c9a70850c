"""The MCP tools as plain Python over one core and one client's scope (no SDK here).

Every call runs under one lock (one SQLite connection; the SDK runs sync tools on worker
threads), reads through the same functions as the command line (app.queries) with the
scoped retriever, masks sensitive vault values, and is written to the audit log with the
source keys it returned. Bad arguments are refused by `check_arguments` before a tool
runs (the server turns that into a protocol error) and are audited too.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from app import queries
from app.mcp_server.scope import Scope, ScopedRetriever, VaultMask
from memory.store.audit import AuditLog
from models.errors import CommonplaceError

log = logging.getLogger(__name__)

KINDS = ("frame", "turn", "memory")
MAX_QUERY_CHARS = 2000
TIME_ARGS = ("since", "until")
DAY_S = 24 * 3600.0


class BadArguments(CommonplaceError):
    """A tool was called with arguments it cannot take (the message says which)."""


class OutOfScope(CommonplaceError):
    """What was asked for is not stored, or not in this client's scope (never which)."""


def returned_sources(obj) -> list[str]:
    """Every source key in a tool's result: `sources`, `citations`, a moment's `source`."""
    out: list[str] = []

    def walk(o) -> None:
        if isinstance(o, dict):
            for k, v in o.items():
                if k in ("sources", "citations") and isinstance(v, list):
                    out.extend(s for s in v if isinstance(s, str))
                elif k == "source" and isinstance(v, str):
                    out.append(v)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(obj)
    return list(dict.fromkeys(out))


def check_times(args: dict) -> dict[str, float]:
    """The epoch seconds of the time arguments; BadArguments for a malformed one."""
    out: dict[str, float] = {}
    for key in TIME_ARGS:
        if args.get(key) not in (None, ""):
            try:
                ts = queries.parse_time(args[key], key)
            except CommonplaceError:
                raise BadArguments(f"{key} {args[key]!r} is not an ISO 8601 time "
                                   "(e.g. 2026-02-17 or 2026-02-17T09:30).") from None
            if ts is not None:
                out[key] = ts
    if "since" in out and "until" in out and out["since"] > out["until"]:
        raise BadArguments("since is after until.")
    return out


class McpService:
    """The five tools and the day resource for one client (see the module docstring)."""

    def __init__(self, core, scope: Scope, *, search_limit: int, max_limit: int,
                 use_llm: bool, audit: AuditLog | None,
                 now: Callable[[], dt.datetime | None] = lambda: None,
                 locked: str | None = None) -> None:
        """`core` None with `locked` the reason: every call answers that reason."""
        self._core = core
        self.scope = scope
        self.search_limit = min(search_limit, max_limit)
        self.max_limit = max_limit
        self._use_llm = use_llm
        self._audit = audit
        self._now = now
        self._locked = locked
        self._lock = threading.Lock()
        self._mask = VaultMask(core.store) if core is not None else None

    # -- the calls -------------------------------------------------------------------
    def call(self, tool: str, arguments: dict, fn: Callable[[], dict]) -> dict:
        """Run one tool call: locked check, the work, masking, audit."""
        with self._lock:
            if self._locked:
                raise OutOfScope(self._locked)
            assert self._mask is not None   # no core only when locked (refused above)
            try:
                result = self._mask.apply(fn())
            except (BadArguments, OutOfScope) as e:
                self._record(tool, arguments, "refused", (), str(e))
                raise
            except CommonplaceError as e:
                self._record(tool, arguments, "error", (), type(e).__name__)
                raise
            except Exception as e:  # a bug: still audited (nothing returned), then reported
                self._record(tool, arguments, "error", (), f"internal error: {type(e).__name__}")
                raise
            self._record(tool, arguments, "ok", returned_sources(result), _summary(result))
            return result

    def refused(self, tool: str, arguments: Any, message: str) -> None:
        """Audit a call the server refused before it ran (bad arguments)."""
        with self._lock:
            if not self._locked:
                self._record(tool, arguments if isinstance(arguments, dict) else
                             {"arguments": arguments}, "refused", (), message)

    def search(self, query: str, *, since: str | None = None, until: str | None = None,
               apps: list[str] | None = None, kinds: list[str] | None = None,
               limit: int | None = None) -> dict:
        args = {"query": query, "since": since, "until": until, "apps": apps, "kinds": kinds,
                "limit": limit}

        def run() -> dict:
            t = check_times(args)
            retriever = self._retriever_for(apps)
            if retriever is None:
                return queries.search_json(query, [])
            n = limit or self.search_limit
            rng = queries.time_range(t.get("since"), t.get("until"))
            if kinds and set(kinds) != set(KINDS):
                retriever.kinds = frozenset(kinds)
            hits = retriever.search(query, limit=n, now=self._now(), ts_range=rng)
            return queries.search_json(query, hits)
        return self.call("search", _given(args), run)

    def ask(self, question: str) -> dict:
        def run() -> dict:
            core = self._core
            return queries.answer(self._retriever(), question, store=core.store,
                                  now=self._now(),
                                  backend=core.backend if self._use_llm else None,
                                  tuning=core.settings.memory.answer_tuning).as_json()
        return self.call("ask", {"question": question}, run)

    def timeline(self, since: str, until: str | None = None, limit: int | None = None) -> dict:
        args = {"since": since, "until": until, "limit": limit}

        def run() -> dict:
            t = check_times(args)
            end = t.get("until", (self._now() or dt.datetime.now().astimezone()).timestamp())
            if end < t["since"]:
                raise BadArguments("until is before since.")
            retriever = self._retriever()
            return queries.timeline_json(retriever, t["since"], end,
                                         limit=limit or self.max_limit,
                                         keep=retriever.allows_memory)
        return self.call("timeline", _given(args), run)

    def day(self, date: str) -> dict:
        """The resource commonplace://day/{date}: that local day's timeline."""
        def run() -> dict:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                raise BadArguments(f"{date!r} is not a date (YYYY-MM-DD).") from None
            start = dt.datetime.combine(day, dt.time()).astimezone().timestamp()
            retriever = self._retriever()
            return {"date": day.isoformat()} | queries.timeline_json(
                retriever, start, start + DAY_S - 0.001, limit=self.max_limit,
                keep=retriever.allows_memory)
        return self.call("day_summary", {"date": date}, run)

    def get_moment(self, source: str, include_image: bool = False) -> dict:
        def run() -> dict:
            from memory.store.sources import resolve

            store = self._core.store
            with store.errors():
                m = resolve(store.db, [source]).get(source)
            if m is None or not self.scope.allows_moment(m):
                raise OutOfScope(f"No moment {source!r} is stored in what this client may "
                                 "see (its scope in the [mcp] settings).")
            image = include_image and self.scope.client.images
            out = queries.moment_json(store, m, image=image)
            if include_image and not image:
                out["image_withheld"] = "this client's scope does not allow images"
            return out
        return self.call("get_moment", {"source": source, "include_image": include_image}, run)

    def memories(self, type_: str | None = None, contains: str = "",
                 limit: int | None = None) -> dict:
        def run() -> dict:
            retriever = self._retriever()
            return queries.memories_json(self._core.store, type_=type_, contains=contains,
                                         limit=limit or self.max_limit,
                                         keep=retriever.allows_memory)
        return self.call("memories", _given({"type": type_, "contains": contains,
                                             "limit": limit}), run)

    # -- helpers ---------------------------------------------------------------------
    def _retriever(self, scope: Scope | None = None) -> ScopedRetriever:
        """The retriever this client (or `scope`, a narrower one) sees."""
        return ScopedRetriever(self._core.retriever, self._core.store, scope or self.scope)

    def _retriever_for(self, apps: list[str] | None) -> ScopedRetriever | None:
        """The retriever this client sees narrowed to `apps` for one call; None when those
        apps are all outside its scope."""
        if not apps:
            return self._retriever()
        wanted = {a.strip().lower() for a in apps}
        allowed = wanted & set(self.scope.client.apps) if self.scope.client.apps else wanted
        if not allowed:
            return None
        return self._retriever(self.scope.narrowed(apps=tuple(sorted(allowed))))

    def _record(self, tool: str, arguments: dict, outcome: str, sources, detail: str) -> None:
        """One audit row; a database fault is a StoreError, and the call is not answered."""
        if self._audit is None:
            return
        with self._core.store.errors():
            self._audit.record(client=self.scope.name, tool=tool, arguments=arguments,
                               outcome=outcome, sources=list(sources), detail=detail)


def _given(args: dict) -> dict:
    return {k: v for k, v in args.items() if v not in (None, "", [])}


def _summary(result: dict) -> str:
    parts = [f"{k}={len(v)}" for k, v in result.items() if isinstance(v, list)]
    if isinstance(result.get("summaries"), dict):
        parts += [f"{k}={len(v)}" for k, v in result["summaries"].items()]
    if "abstained" in result:
        parts.append("abstained" if result["abstained"] else "answered")
    return ", ".join(parts)
