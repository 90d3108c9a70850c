"""Search everything (Ctrl+K): the store-pool job and the plain results it returns.

`find()` runs on the store pool: a BM25 search of the docs (frames' text, chat turns,
memories) with the last word matched as a prefix while it is typed, filtered by kind, time
range and app; each hit resolved to the moment it opens (a frame: itself; a memory: the
first frame it was made from; a chat turn: none) and given a snippet around its first
matching word. Plain data only, no Qt: thumbnails are decoded afterwards, for the rows
shown, and the widgets are in ui/search/panel.py.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from dataclasses import dataclass, field

from memory.api import Frame
from memory.reader import stem
from memory.text import STOPWORDS

KINDS = {"all": None, "screen": ("frame",), "chat": ("turn",), "memory": ("memory",)}
KIND_LABELS = {"frame": "Screen", "turn": "Chat", "memory": "Memory"}
# time filter -> days back from now (None: all of the history)
RANGES = {"any": None, "today": 0, "week": 7, "month": 30, "year": 365}
CANDIDATES = 200      # BM25 hits read before the app filter and the grouping
SHOWN = 40            # results returned (more is scrolling, not finding)
SNIPPET_CHARS = 160
PREFIX_MIN = 4        # a word being typed matches as a prefix from this many letters on
#                       (a short prefix is hundreds of words: a slow OR on a year-sized store;
#                       3 letters: p95 207 ms from the last key, bench_ui --only-search)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Filters:
    kind: str = "all"       # a KINDS key
    range: str = "any"      # a RANGES key
    app: str = ""           # "" = every app

    def ts_range(self, now: dt.datetime) -> tuple[float, float] | None:
        days = RANGES[self.range]
        if days is None:
            return None
        start = now.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=days)
        return start.timestamp(), now.timestamp() + 1


@dataclass(frozen=True)
class Result:
    doc_id: int
    kind: str               # "frame" | "turn" | "memory"
    ts: str
    ts_epoch: float
    app: str
    text: str               # the doc's whole text
    snippet: str            # plain text around the first matching word
    frame_id: int | None    # the moment Enter opens (None: nothing to open)
    frame: Frame | None = None  # for the thumbnail, OCR boxes unread (None: no image)
    score: float = 0.0

    @property
    def day(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.ts_epoch).astimezone().date()

    @property
    def label(self) -> str:
        return self.app or KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Found:
    query: str
    filters: Filters
    results: list[Result] = field(default_factory=list)
    apps: list[str] = field(default_factory=list)   # every app among the hits (for the filter)
    seconds: float = 0.0


def terms(query: str) -> list[str]:
    """The words a query matches on (stop words out), lower-cased."""
    return [w for w in _WORD.findall(query.lower()) if w not in STOPWORDS]


def typing(query: str) -> bool:
    """Whether the last word is still being typed and long enough to match as a prefix."""
    ws = terms(query)
    return bool(ws) and query == query.rstrip() and len(ws[-1]) >= PREFIX_MIN \
        and query.lower().rstrip().endswith(ws[-1])


def matcher(query: str) -> re.Pattern | None:
    """Matches the words of a text that the query found: the same word, its stem, or (for
    the last word, still being typed) a word it starts."""
    ws = terms(query)
    if not ws:
        return None
    prefix = typing(query)
    alts = [re.escape(w) + r"\w*" if i == len(ws) - 1 and prefix
            else re.escape(stem(w)) + r"\w*" if len(stem(w)) >= 3 else re.escape(w)
            for i, w in enumerate(ws)]
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.IGNORECASE)


def snippet(text: str, pattern: re.Pattern | None, chars: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    m = pattern.search(flat) if pattern else None
    if m is None or len(flat) <= chars:
        return flat[:chars] + ("…" if len(flat) > chars else "")
    start = max(0, m.start() - chars // 3)
    start = flat.rfind(" ", 0, start) + 1 if start else 0
    out = flat[start:start + chars]
    return ("…" if start else "") + out + ("…" if start + chars < len(flat) else "")


def highlight_html(text: str, pattern: re.Pattern | None, style: str) -> str:
    """`text` escaped for rich text, the matching words wrapped in a styled span."""
    if pattern is None:
        return html.escape(text)
    out, at = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[at:m.start()]))
        out.append(f'<span style="{style}">{html.escape(m.group(0))}</span>')
        at = m.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


def find(store, query: str, filters: Filters = Filters(), *, now: dt.datetime | None = None,
         shown: int = SHOWN) -> Found:
    """Store-pool job: the results for `query` under `filters`, best first."""
    t0 = time.perf_counter()
    now = now or dt.datetime.now().astimezone()
    with store.errors():
        ranked = store.docs.fts(query, k=CANDIDATES, kinds=KINDS[filters.kind],
                                ts_range=filters.ts_range(now), context=False,
                                prefix=typing(query))
        placed = store.docs.placed([i for i, _ in ranked])   # app and time, no text
        apps: dict[str, int] = {}
        chosen = []
        for doc_id, score in ranked:
            app, ts_epoch = placed.get(doc_id, ("", None))
            if ts_epoch is None:
                continue
            apps[app] = apps.get(app, 0) + 1
            if len(chosen) < shown and not (filters.app and app != filters.app):
                chosen.append((doc_id, score))
        docs = store.docs.get([i for i, _ in chosen])   # the text of the shown ones only
        kept = [(docs[i], score) for i, score in chosen if i in docs]
        pattern = matcher(query)
        moments = store.resolve([s for d, _ in kept for s in d.sources[:3]])
        fids = {d.id: d.ref_id if d.kind == "frame" else next(
            (moments[s].id for s in d.sources[:3]
             if s in moments and moments[s].kind == "frame"), None) for d, _ in kept}
        frames = store.frames.many([f for f in fids.values() if f is not None], boxes=False)
        results = []
        for d, score in kept:
            fid = fids[d.id]
            results.append(Result(doc_id=d.id, kind=d.kind, ts=d.ts or "",
                                  ts_epoch=d.ts_epoch or 0.0, app=d.app, text=d.text,
                                  snippet=snippet(d.text, pattern), frame_id=fid,
                                  frame=frames.get(fid) if fid is not None else None,
                                  score=score))
    return Found(query, filters, results, sorted(a for a in apps if a),
                 time.perf_counter() - t0)


def grouped(results: list[Result]) -> list[tuple[str, list[Result]]]:
    """Results grouped by day (newest first) and app, each group best first:
    [("Tue 17 Feb · Firefox", [...]), ...]."""
    groups: dict[tuple[dt.date, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.day, r.label), []).append(r)
    order = sorted(groups, key=lambda k: (-k[0].toordinal(),
                                          -max(r.score for r in groups[k]), k[1]))
    return [(f"{day:%a %d %b %Y} · {label}", groups[(day, label)]) for day, label in order]
