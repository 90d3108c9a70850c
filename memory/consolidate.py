"""Consolidation: a temporal tree of summaries, merging of duplicates, and fading.

- Hourly and daily summaries over episodes (after TiMem): episode -> hour -> day, linked by
  `parent_id`. The floor's summary is deterministic ("09:00–10:00: Chromium (Pull request
  #418 …) 1 min, Evolution 1 min"); an abstractive sentence is added only by an instruct model.
  The summary's data is kept beside that line, in its fields: the period (`occurred_at` to
  `ended_at`) and `apps`, each app's minutes and the titles seen in it, best first. Whoever
  shows a summary builds its line from those (`period_of`); nobody parses the text back.
- Duplicates (same type, same identity or near-identical text about the same subject) merge;
  sources are unioned.
- Forgetting (after MemoryBank): strength = importance * exp(-age / (S * (1 + access_count))),
  age in days since last recall (or last update). Pinned items never fade; nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from memory.items import EPISODIC, TYPES, same_subject, similarity
from memory.limits import in_span_iso
from memory.store.memories import SIMILAR, Memory, MemoryRepo
from memory.timefmt import parse_iso
from models.errors import ModelError

log = logging.getLogger(__name__)

STABILITY_DAYS = 7.0
SUMMARY_TYPES = ("summary_hour", "summary_day")
MAX_TITLES = 5      # titles kept per app in a summary's `apps` (its line shows the first)
TITLE_CHARS = 80    # ... each cut to this many characters (the line shows 40)
SUMMARY_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["summary"],
                  "properties": {"summary": {"type": "string", "maxLength": 200}}}


def _dt(iso: str) -> dt.datetime:
    return parse_iso(iso, naive="utc")  # a stored time (memory.timefmt's rule for those)


def _minutes(m: Memory) -> int:
    f = m.fields
    if not f.get("ended_at"):
        return 1
    return max(1, round((_dt(f["ended_at"]) - _dt(f["occurred_at"])).total_seconds() / 60))


def _what(m: Memory) -> str:
    """What a child of a summary did: an episode's summary less its app ("Chromium: Pull
    request #418", as the floor writes it), an hour's own activity."""
    if m.fields.get("event_type") in SUMMARY_TYPES:
        return activity_text(m.fields.get("apps") or [])
    return str(m.fields.get("summary", "")).split(": ", 1)[-1]


def activity(episodes: list[Memory]) -> list[dict]:
    """The `apps` of a summary over `episodes`: [{"app", "minutes", "titles"}], the app with
    the most minutes first (ties: the first seen); `titles` the distinct things done in it,
    in order (at most MAX_TITLES, each cut to TITLE_CHARS)."""
    per_app: dict[str, list] = {}
    for e in episodes:
        app = e.fields.get("app") or "screen"
        entry = per_app.setdefault(app, [0, []])
        entry[0] += _minutes(e)
        what = _what(e)
        if what and what not in entry[1]:
            entry[1].append(what)
    return [{"app": app, "minutes": mins, "titles": [w[:TITLE_CHARS] for w in whats[:MAX_TITLES]]}
            for app, (mins, whats) in sorted(per_app.items(), key=lambda kv: -kv[1][0])]


def activity_text(apps: list[dict]) -> str:
    """'Chromium (Pull request #418 …) 25 min, Evolution (Inbox) 10 min' from `apps`."""
    parts = []
    for a in apps:
        titles = a.get("titles") or [""]
        first = titles[0]
        more = " …" if len(titles) > 1 or len(first) > 40 else ""
        parts.append(f"{a.get('app', '')} ({first[:40]}{more}) {a.get('minutes', 0)} min")
    return ", ".join(parts)


def period_line(start: dt.datetime, end: dt.datetime, episodes: list[Memory]) -> str:
    """'09:00–10:00: Chromium (Pull request #418 …) 25 min, Evolution 10 min'."""
    return f"{start:%H:%M}–{end:%H:%M}: " + activity_text(activity(episodes))


@dataclass(frozen=True)
class Period:
    """An hour or day summary as data, from its fields: what its line is made of."""

    level: str      # "hour" | "day"
    day: str        # "2026-02-17" (the day the period starts)
    span: str       # "09:00–10:00" (a day: "00:00–00:00")
    activity: str   # "Chromium (Pull request #418 …) 25 min, Evolution (Inbox) 10 min"
    apps: tuple[dict, ...]

    @property
    def line(self) -> str:
        """'09:00–10:00: Chromium (…) 25 min, …', the summary's line less its level and day."""
        return f"{self.span}: {self.activity}"


def period_of(fields: dict) -> Period | None:
    """The Period of a summary's fields; None for any other memory (or one without a
    readable start)."""
    kind = fields.get("event_type")
    if kind not in SUMMARY_TYPES or not fields.get("occurred_at"):
        return None
    try:
        start = _dt(str(fields["occurred_at"]))
        end = _dt(str(fields["ended_at"])) if fields.get("ended_at") else start
    except (TypeError, ValueError):
        return None
    apps = tuple(fields.get("apps") or ())
    return Period("hour" if kind == "summary_hour" else "day", f"{start:%Y-%m-%d}",
                  f"{start:%H:%M}–{end:%H:%M}", activity_text(list(apps)), apps)


def _abstract(backend, line: str) -> str | None:
    if backend is None or backend.info.capability != "instruct":
        return None
    try:
        reply = backend.structured(f"Summarise this activity log in one sentence:\n{line}",
                                   schema=SUMMARY_SCHEMA, max_tokens=60)
        return str(reply.get("summary", "")).strip() or None
    except (ModelError, TimeoutError) as e:
        log.warning("abstractive summary failed (%s); keeping the deterministic one",
                    type(e).__name__)
        return None


def _upsert_summary(repo: MemoryRepo, kind: str, start: dt.datetime, end: dt.datetime,
                    children: list[Memory], backend, counts: dict) -> int:
    apps = activity(children)
    line = f"{start:%H:%M}–{end:%H:%M}: " + activity_text(apps)
    fields: dict[str, Any] = {
        "occurred_at": start.isoformat(), "ended_at": end.isoformat(), "event_type": kind,
        "actor": "user", "summary": f"{'Hour' if kind == 'summary_hour' else 'Day'} "
        f"{start:%Y-%m-%d} {line}", "details": _abstract(backend, line) or "", "apps": apps}
    existing = [m for m in repo.list_by_type(EPISODIC, limit=10_000)
                if m.fields.get("event_type") == kind
                and m.fields.get("occurred_at") == fields["occurred_at"]]
    sources = list(dict.fromkeys(s for c in children for s in c.sources))
    if existing:
        mid = existing[0].id
        if any(existing[0].fields.get(k) != fields[k] for k in ("summary", "apps")):
            mid = repo.update(mid, fields, sources=sources, reason="summary refreshed")
            counts["update"] += 1
    else:
        mid = repo.add(EPISODIC, fields, sources=sources, importance=0.4,
                       occurred_at=fields["occurred_at"], reason=f"{kind} consolidation")
        counts["add"] += 1
    repo.set_parent([c.id for c in children if c.parent_id != mid], mid)
    return mid


def summarise(repo: MemoryRepo, *, backend=None) -> dict:
    """Build or refresh the hour and day levels of the temporal tree."""
    counts = {"add": 0, "update": 0, "hours": 0, "days": 0}
    episodes = [m for m in repo.list_by_type(EPISODIC, limit=100_000, newest_first=False)
                if m.fields.get("event_type") not in SUMMARY_TYPES and m.occurred_at]
    # An episode dated outside the accepted span (older versions stored such times) has no
    # hour to belong to: year 9999's last hour has no end. It stays, outside the tree.
    odd = {m.id for m in episodes if not in_span_iso(m.occurred_at)}
    if odd:
        log.warning("%d episodes dated outside the accepted span left out of the summaries: "
                    "ids %s", len(odd), ", ".join(map(str, sorted(odd)[:20])))
        episodes = [m for m in episodes if m.id not in odd]
    hours: dict[dt.datetime, list[Memory]] = defaultdict(list)
    for e in episodes:
        t = _dt(str(e.occurred_at))   # every episode kept above has a time
        hours[t.replace(minute=0, second=0, microsecond=0)].append(e)
    days: dict[dt.datetime, list[Memory]] = defaultdict(list)
    with repo.transaction():
        for start, eps in sorted(hours.items()):
            hid = _upsert_summary(repo, "summary_hour", start, start + dt.timedelta(hours=1),
                                  eps, backend, counts)
            hour = repo.get(hid)
            if hour is None:   # written just above, in this transaction
                raise RuntimeError(f"summary_hour {hid} vanished while it was written")
            days[start.replace(hour=0)].append(hour)
            counts["hours"] += 1
        for start, hs in sorted(days.items()):
            _upsert_summary(repo, "summary_day", start, start + dt.timedelta(days=1), hs,
                            backend, counts)
            counts["days"] += 1
    return counts


def merge_duplicates(repo: MemoryRepo, *, threshold: float = SIMILAR) -> int:
    """Fold items of one type with the same identity or near-identical text into the oldest."""
    merged = 0
    for type_ in TYPES:
        items = sorted(repo.list_by_type(type_, limit=100_000), key=lambda m: m.id)
        gone: set[int] = set()
        with repo.transaction():
            for i, a in enumerate(items):
                if a.id in gone:
                    continue
                dups = [b for b in items[i + 1:] if b.id not in gone
                        and similarity(a.text, b.text) >= threshold
                        and same_subject(type_, a.fields, b.fields)]
                if dups:
                    repo.merge(a.id, [b.id for b in dups], tier="consolidate",
                               reason="duplicate")
                    gone.update(b.id for b in dups)
                    merged += len(dups)
    return merged


def strength(m: Memory, now: dt.datetime, *, stability_days: float = STABILITY_DAYS) -> float:
    """MemoryBank's curve; a pinned item keeps full strength."""
    if m.pinned:
        return max(1.0, m.importance)
    last = _dt(m.last_accessed_at or m.updated_at)
    age = max(0.0, (now - last).total_seconds() / 86400)
    return m.importance * math.exp(-age / (stability_days * (1 + m.access_count)))


def fade(repo: MemoryRepo, *, now: dt.datetime, stability_days: float = STABILITY_DAYS) -> int:
    """Recompute every active item's strength (its rank weight); deletes nothing."""
    values = {}
    for type_ in TYPES:
        for m in repo.list_by_type(type_, limit=1_000_000):
            values[m.id] = round(strength(m, now, stability_days=stability_days), 6)
    repo.set_strengths(values)
    return len(values)


def consolidate(store, *, now: dt.datetime, backend=None) -> dict:
    """Run all three passes over `store`; returns what each did."""
    repo = store.memories
    with store.errors():
        merged = merge_duplicates(repo)
        tree = summarise(repo, backend=backend)
        faded = fade(repo, now=now if now.tzinfo else now.astimezone())
        embedded = store.docs.embed_pending()
    return {"merged": merged, "summaries": tree, "strengths_updated": faded,
            "embedded": embedded}
