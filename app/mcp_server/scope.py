"""What one MCP client may see: its scope, from the `[mcp]` settings, and the filter that
keeps every tool result inside it.

```toml
[mcp]
enabled = true                  # nothing is served until this (or `mcp --enable`)

[mcp.clients.claude]            # `commonplace mcp --client claude`
apps = ["chromium", "evolution"]  # empty: every app (the excluded ones never)
since = "2026-01-01"            # ISO 8601; empty: no bound
until = ""
max_age_days = 30               # only the last 30 days (0: no bound)
images = false                  # may get_moment return the screenshot?
chats = false                   # may imported chat histories be returned?
```

A result is in scope when every moment behind it is: a frame of an allowed app (never one
the privacy settings exclude, by app or window title) inside the time bounds, or a chat
turn when chats are allowed. A memory counts with all of its sources, so a day summary
that also covers an app outside the scope is not returned at all. Sensitive Knowledge
Vault values are never revealed here; any of them found in text on its way out is masked.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from memory.timefmt import to_epoch

DEFAULT_CLIENT = "default"
HOUR_S = 3600.0
ALL = (0.0, 1e12)


@dataclass(frozen=True)
class ClientScope:
    name: str = DEFAULT_CLIENT
    apps: tuple[str, ...] = ()
    since: str = ""
    until: str = ""
    max_age_days: int = 0
    images: bool = False
    chats: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "apps", tuple(a.strip().lower() for a in self.apps
                                               if a.strip()))
        for key in ("since", "until"):
            if getattr(self, key) and _epoch(getattr(self, key)) is None:
                raise ValueError(f"{key} {getattr(self, key)!r} is not an ISO 8601 time")
        if self.max_age_days < 0:
            raise ValueError("max_age_days must be 0 (no bound) or more")

    def as_toml(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("name")
        d["apps"] = list(self.apps)
        return d


@dataclass(frozen=True)
class McpSettings:
    enabled: bool = False
    use_llm: bool = True        # as `ask` does: the configured model, when it helps
    max_limit: int = 50         # the most hits, episodes or memories one call returns
    clients: tuple[ClientScope, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.max_limit <= 1000:
            raise ValueError("max_limit must be between 1 and 1000")

    @classmethod
    def from_toml(cls, raw: dict) -> McpSettings:
        from app.settings import SettingsError, _section

        if not isinstance(raw, dict):
            raise SettingsError("[mcp] in the config file must be a table.")
        raw = dict(raw)
        clients_raw = raw.pop("clients", {})
        if not isinstance(clients_raw, dict):
            raise SettingsError("[mcp.clients] must hold one table per client.")
        base = _section(cls, raw, "mcp")
        clients = tuple(dataclasses.replace(
            _section(ClientScope, {k: v for k, v in table.items()} if isinstance(table, dict)
                     else table, f"mcp.clients.{name}"), name=name)
            for name, table in clients_raw.items())
        return dataclasses.replace(base, clients=clients)

    def as_toml(self) -> dict[str, Any]:
        d = {k: v for k, v in dataclasses.asdict(self).items() if k != "clients"}
        if self.clients:
            d["clients"] = {c.name: c.as_toml() for c in self.clients}
        return d

    def client(self, name: str) -> ClientScope:
        """The scope of client `name`; the built-in default scope (every app and time, no
        images, no chats) for "default" when none is configured. A name the settings do
        not know is refused, so a typo never widens what a client sees."""
        from app.settings import SettingsError

        for c in self.clients:
            if c.name == name:
                return c
        if name == DEFAULT_CLIENT:
            return ClientScope()
        known = ", ".join(c.name for c in self.clients) or "none"
        raise SettingsError(f"No MCP client {name!r} in the settings ([mcp.clients.{name}]); "
                            f"configured: {known}.")


def _epoch(iso: str) -> float | None:
    return to_epoch(iso)  # naive = local time, memory.timefmt's rule


def _checked_epoch(iso: str) -> float:
    """The epoch of a time `ClientScope.__post_init__` has already found readable."""
    ts = _epoch(iso)
    if ts is None:
        raise ValueError(f"{iso!r} is not an ISO 8601 time")
    return ts


class Scope:
    """The runtime filter of one client's scope over one store."""

    def __init__(self, client: ClientScope, privacy, *, clock: Callable[[], float] = time.time):
        from capture.privacy import PrivacyFilter

        self.client = client
        self.privacy = privacy
        self._privacy = PrivacyFilter(privacy, own_pids=())
        self._clock = clock

    def narrowed(self, **changes) -> Scope:
        """The same scope with some of its client settings changed (a call's own apps)."""
        return Scope(dataclasses.replace(self.client, **changes), self.privacy,
                     clock=self._clock)

    @property
    def name(self) -> str:
        return self.client.name

    def window(self) -> tuple[float, float]:
        """The epoch range this client may see, now."""
        c = self.client
        lo = _checked_epoch(c.since) if c.since else ALL[0]
        hi = _checked_epoch(c.until) if c.until else ALL[1]
        if c.max_age_days:
            lo = max(lo, self._clock() - c.max_age_days * 24 * HOUR_S)
        return lo, hi

    @property
    def bounded(self) -> bool:
        return self.window() != ALL

    def clip(self, start: float | None, end: float | None) -> tuple[float, float] | None:
        """[start, end] inside the window; None when they do not meet."""
        lo, hi = self.window()
        lo, hi = max(lo, start if start is not None else ALL[0]), \
            min(hi, end if end is not None else ALL[1])
        return (lo, hi) if lo <= hi else None

    def allows_app(self, app: str, title: str = "") -> bool:
        from capture.window import WindowInfo

        if not self._privacy.allows(WindowInfo(app=app or "", title=title or "")):
            return False
        return not self.client.apps or (app or "").strip().lower() in self.client.apps

    def allows_moment(self, m) -> bool:
        """A memory.store.sources.Moment inside the scope?"""
        when = _epoch(m.ts) if m.ts else None
        lo, hi = self.window()
        if when is None or not lo <= when <= hi:
            return False
        if m.kind == "turn":
            return self.client.chats
        return self.allows_app(m.app, m.title)

    def allows_sources(self, db, sources: Iterable[str]) -> bool:
        """Every source resolves to a stored moment in scope (none: only an unbounded scope
        with chats allowed takes a memory nothing backs)."""
        from memory.store.sources import resolve

        keys = list(dict.fromkeys(sources))
        if not keys:
            return not self.bounded and not self.client.apps and self.client.chats
        found = resolve(db, keys)
        return all(k in found and self.allows_moment(found[k]) for k in keys)


class ScopedRetriever:
    """The Retriever as one client sees it: `search` and `timeline` return only what is in
    scope (asking for more when the scope removed some), everything else is the
    retriever's own. `memory.answer.Answerer` takes it in place of the Retriever, so an
    answer is drawn only from evidence in scope."""

    MAX_FETCH = 1000

    def __init__(self, retriever, store, scope: Scope) -> None:
        self._r = retriever
        self._store = store
        self.scope = scope
        self.kinds: frozenset[str] | None = None   # one search call's kinds, when given

    def __getattr__(self, name):
        return getattr(self._r, name)

    def search(self, query: str, *, limit: int = 10, ts_range=None, **how) -> list:
        rng = ts_range
        if self.scope.bounded:
            rng = self.scope.clip(*(ts_range or (None, None)))
            if rng is None:
                return []
        n = limit
        while True:
            hits = self._r.search(query, limit=n, ts_range=rng, **how)
            kept = [h for h in hits if self.allows_hit(h)]
            if len(kept) >= limit or len(hits) < n or n >= self.MAX_FETCH:
                return kept[:limit]
            n = min(n * 4, self.MAX_FETCH)

    def timeline(self, start: float, end: float, **how) -> list:
        rng = self.scope.clip(start, end)
        if rng is None:
            return []
        return [m for m in self._r.timeline(*rng, **how) if self.allows_memory(m)]

    def allows_hit(self, hit) -> bool:
        if self.kinds is not None and hit.kind not in self.kinds:
            return False
        with self._store.errors():
            if hit.kind == "memory":
                return self.scope.allows_sources(self._store.db,
                                                 self._store.memories.sources(hit.ref_id))
            return self.scope.allows_sources(self._store.db, hit.sources)

    def allows_memory(self, m) -> bool:
        with self._store.errors():
            return self.scope.allows_sources(self._store.db, m.sources)


class VaultMask:
    """Masks every sensitive Knowledge Vault value in text on its way to a client. The
    values are read (unsealed, in this process only) for each call: a value the user
    adds or edits is masked from the next call on."""

    MIN_CHARS = 4   # shorter values would mask ordinary words and numbers

    def __init__(self, store) -> None:
        self._store = store

    def values(self) -> list[str]:
        from memory.items import MASK, VAULT

        repo = self._store.memories
        out = set()
        with self._store.errors():
            for m in repo.list_by_type(VAULT, limit=1_000_000):
                if m.sensitive:
                    value = str(repo.reveal(m.id).get("value") or "")
                    if len(value) >= self.MIN_CHARS and value != MASK:
                        out.add(value)
        return sorted(out, key=len, reverse=True)   # a longer value first: no half-masks

    def apply(self, obj, values: list[str] | None = None):
        """`obj` (JSON data) with each value replaced by the mask, in every string."""
        from memory.items import MASK

        values = self.values() if values is None else values
        if not values:
            return obj
        if isinstance(obj, str):
            for v in values:
                obj = obj.replace(v, MASK)
            return obj
        if isinstance(obj, dict):   # an image's bytes are not text
            return {k: v if k == "image" else self.apply(v, values) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.apply(v, values) for v in obj]
        return obj
