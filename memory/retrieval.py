"""Hybrid retrieval: FTS5 BM25 and vector similarity, fused by reciprocal rank.

When the question names a time ("yesterday afternoon", "around noon"), both retrievers
run twice, inside the range and over all time; the in-range lists weigh more in the
fusion, so the range focuses the answer without hiding a hit whose time was misread.
Near-duplicate hits (the same text seen in several frames) collapse into one hit that
carries every source.

Fusion runs over a fixed depth of candidates per list, whatever the caller's limit, with a
small RRF constant. Both matter on short lists: with the textbook k=60 (tuned for 1,000-
deep TREC runs) rank 1 and rank 40 score almost alike, so a deeper list lets weak matches
that appear in both lists push out a strong match from one; measured on a held-out LoCoMo
conversation (419 turns), fused turn recall@10 fell from 0.69 at depth 50 to 0.54 at depth
90 with k=60, and stayed at 0.69-0.70 at either depth with k=5..15.

A memory that cites many moments (an episode of a whole session) is a hit for what it
says, but it cites, for this query, only those of its moments that the raw evidence ranked
(at most `max_cited`, best first), else its first: a session must not fill the citations
with its opening lines.

A chat turn is indexed with its neighbours (the turns before and after it in its session:
their own BM25 index at half weight, and in the text embedded): the answer to a question
seldom repeats its words. Evidence recall@10 on three public LoCoMo conversations went
0.787 -> 0.809, 0.724 -> 0.811 and, on one held out until the change was made, 0.788 ->
0.806; the plain BM25 baseline ranks by a turn's own text and stays as it was.

In a chat, the reply to a question turn that matches the query gains a share of that
question's score: the answer rarely repeats the question's words. A query that names one
of the chat's speakers weighs that person's own turns double: on a held-out LoCoMo
conversation 96% of the evidence for such questions was spoken by the person named. When
it names two, the one it asks about counts ("What did Jon say about Gina's store?": the
subject after the auxiliary verb), unless they are asked about together ("Jon and Gina").

Pseudo-relevance feedback (after RM3): the words that most set the best three fused hits
apart are added to the query for one more BM25 list at half weight, so a line that shares
no word with the question but many with its best answers is found. Evidence recall@10 on
four public LoCoMo conversations went 0.809 -> 0.828, 0.835 -> 0.861, 0.813 -> 0.823 and
0.752 -> 0.775 (the last two held out while it was built); it costs one more FTS5 query
and a capped document count per candidate word (100k memories: p50 +14 ms).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from memory.layout import Cell, arrange
from memory.query import QueryAnalysis, analyse
from memory.retrieval_tuning import RetrievalTuning
from memory.store.store import Store
from memory.text import MONTHS, STOPWORDS, WEEKDAYS

_TOKEN = re.compile(r"\w+")
_FEEDBACK_WORD = re.compile(r"[a-z]{3,}")
_SHORT_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")  # "Mel": may be the start of a name
_CALENDAR = frozenset(MONTHS + WEEKDAYS + tuple(w[:3] for w in MONTHS + WEEKDAYS))  # not names
_AUXILIARIES = frozenset(
    "did does do is was has had have will would can could might may should".split())


@dataclass
class Hit:
    kind: str
    id: int
    text: str
    timestamp: str | None
    score: float
    sources: list[str] = field(default_factory=list)
    ref_id: int = 0
    app: str = ""

    def as_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "text": self.text,
                "timestamp": self.timestamp, "score": round(self.score, 6),
                "sources": self.sources}


def distinct_sources(hits: Sequence[Hit], k: int | None = None) -> list[str]:
    """The sources of `hits`, each once, in order of first appearance (the first `k`)."""
    out = list(dict.fromkeys(s for h in hits for s in h.sources))
    return out[:k] if k else out


def rrf(lists: Sequence[tuple[list[tuple[int, float]], float]], k: int) -> dict[int, float]:
    """Reciprocal-rank fusion of ranked id lists, each with a weight."""
    fused: dict[int, float] = {}
    for ranked, weight in lists:
        for rank, (doc_id, _score) in enumerate(ranked):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank + 1)
    return fused


def _ranked(fused: dict[int, float]) -> list[tuple[int, float]]:
    """Fused scores, best first."""
    return sorted(fused.items(), key=lambda kv: -kv[1])


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def near_duplicate(a: set[str], b: set[str], threshold: float) -> bool:
    """Whether two word sets overlap (Jaccard) at least `threshold`."""
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= threshold


class Retriever:
    def __init__(self, store: Store, *, tuning: RetrievalTuning | None = None) -> None:
        """`tuning` holds every number retrieval depends on (default: RetrievalTuning())."""
        self._store = store
        self.tuning = tuning or RetrievalTuning()
        self._speakers_key: int | None = None   # turns.MAX(id) when the names were read
        self._speakers: dict[str, re.Pattern] = {}

    def layouts(self, hits: Sequence[Hit]) -> dict[int, list[Cell]]:
        """The layout (memory/layout.py) of each frame among `hits` that has OCR boxes, by
        frame id."""
        ids = [h.ref_id for h in hits if h.kind == "frame"]
        if not ids:
            return {}
        with self._store.errors():
            frames = self._store.frames.many(ids)
        return {fid: arrange(f.ocr_lines) for fid, f in frames.items() if f.ocr_lines}

    def analyse(self, query: str, now: dt.datetime | None = None) -> QueryAnalysis:
        return analyse(query, now=now or dt.datetime.now().astimezone())

    def search(self, query: str, *, limit: int = 10, now: dt.datetime | None = None,
               kinds: Sequence[str] | None = None, mode: str = "hybrid",
               ts_range: tuple[float, float] | None = None) -> list[Hit]:
        """mode: 'hybrid' (default), 'bm25' or 'vector' (the latter two are baselines;
        'bm25' ranks by each doc's own text, without its context)."""
        qa = self.analyse(query, now)
        rng = ts_range or qa.ts_range
        t = self.tuning
        n = max(t.candidates, limit)
        docs = self._store.docs
        lists: list[tuple[list[tuple[int, float]], float]] = []
        with self._store.errors():
            if mode in ("hybrid", "bm25"):
                ctx = mode == "hybrid"  # the bm25 baseline ranks by a doc's own text
                lists.append((docs.fts(query, k=n, kinds=kinds, context=ctx), 1.0))
                if rng:
                    lists.append((docs.fts(qa.topic, k=n, kinds=kinds, ts_range=rng,
                                           context=ctx), t.in_range_weight))
            if mode in ("hybrid", "vector"):
                lists.append((docs.vector(query, k=n, kinds=kinds), 1.0))
                if rng:
                    lists.append((docs.vector(qa.topic, k=n, kinds=kinds, ts_range=rng),
                                  t.in_range_weight))
            fused = rrf(lists, t.rrf_k)
            if mode == "hybrid":
                terms = self._feedback_terms(query, fused)
                if terms:
                    lists.append((docs.fts(f"{query} {terms}", k=n, kinds=kinds),
                                  t.feedback_weight))
                    fused = rrf(lists, t.rrf_k)
            if mode == "hybrid" and (not kinds or "turn" in kinds):
                fused = self._with_replies(fused, n)
                fused = self._speaker_named(query, fused, n)
            fused = self._fade(fused)
            ranked = _ranked(fused)
            found = docs.get([i for i, _ in ranked[: n]])
            hits = self._collapse([(found[i], s) for i, s in ranked[: n] if i in found], limit)
            self._resolve_frame_sources(hits)
            self._focus_memory_sources(hits, [found[i] for i, _ in ranked[: n] if i in found])
        return hits

    def _feedback_terms(self, query: str, fused: dict[int, float]) -> str:
        """Pseudo-relevance feedback (after RM3): the `feedback_terms` words of the best
        `feedback_docs` fused hits that are most frequent there and rarest overall (tf x idf),
        the query's own and stop words left out. Asked "What does Ana do to destress?", the
        top hits talk of "running" and "pottery", and the lines that say only that are found
        too. A word in `feedback_df_cap` docs or more is left out: it sets nothing apart, and
        its long posting list is what an OR query pays for. Empty when nothing ranked."""
        t = self.tuning
        top = [i for i, _ in _ranked(fused)[:t.feedback_docs]]
        if not top:
            return ""
        own = set(_TOKEN.findall(query.lower()))
        counts: Counter[str] = Counter()
        holders: Counter[str] = Counter()   # feedback docs holding the word
        for d in self._store.docs.get(top).values():
            words = [w for w in _FEEDBACK_WORD.findall(d.text.lower())
                     if w not in STOPWORDS and w not in own]
            counts.update(words)
            holders.update(set(words))
        if not counts:
            return ""
        size = max(self._store.docs.size(), 1)
        df = self._store.docs.doc_freq(list(counts), cap=t.feedback_df_cap)
        # A word found only in the feedback docs themselves can find nothing new.
        ranked = sorted((w for w in counts if holders[w] < df[w] < t.feedback_df_cap),
                        key=lambda w: (-counts[w] * math.log(size / (1 + df[w])), w))
        return " ".join(ranked[:t.feedback_terms])

    def _with_replies(self, fused: dict[int, float], n: int) -> dict[int, float]:
        """In a conversation the answer to a question is in the reply: a chat turn that
        asks what the query asks ranks high, the turn that answers it often does not
        (it shares no words with the query: "How long have you been married?" / "5 years
        already!"). The reply of a ranked question turn gains `reply_share` of the question's
        fused score, so a strongly matched question lifts its answer and a weak one little."""
        top = [i for i, _ in _ranked(fused)[:n]]
        out = dict(fused)
        for question, reply in self._store.turns.replies(top).items():
            out[reply] = out.get(reply, 0.0) + self.tuning.reply_share * fused[question]
        return out

    def _speaker_named(self, query: str, fused: dict[int, float], n: int) -> dict[int, float]:
        """A question about one person of a chat ("What did Ana research?") is answered,
        nearly always, by what that person said: their ranked turns weigh `speaker_boost`
        times as much. Only when exactly one speaker is named, as a whole word."""
        named = self.named_speaker(query)
        if named is None:
            return fused
        top = [i for i, _ in _ranked(fused)[:n]]
        theirs = self._store.turns.spoken_by(top, named)
        boost = self.tuning.speaker_boost
        return {i: s * boost if i in theirs else s for i, s in fused.items()}

    def named_speaker(self, query: str) -> str | None:
        """The one chat speaker the query names as a whole word (or by the start of their
        name, "Mel" for Melanie, when that fits no one else), else None."""
        with self._store.errors():
            key = self._store.turns.last_id()
            if key is None:
                return None
            if self._speakers_key != key:
                self._speakers_key, self._speakers = key, {
                    name: re.compile(rf"\b{re.escape(name)}\b")
                    for name in self._store.turns.speakers()}
        found = {name: (m.start(), m.group(0)) for name, pat in self._speakers.items()
                 if (m := pat.search(query))}
        for m in _SHORT_NAME.finditer(query):
            full = [n for n in self._speakers if n != m.group(0) and n.startswith(m.group(0))]
            if (len(full) == 1 and query[:m.start()].strip() and full[0] not in found
                    and m.group(0).lower() not in _CALENDAR):
                found[full[0]] = (m.start(), m.group(0))
        named = sorted((start, said, name) for name, (start, said) in found.items())
        if len(named) == 1:
            return named[0][2]
        return self._subject(query, named)

    @staticmethod
    def _subject(query: str, named: list[tuple[int, str, str]]) -> str | None:
        """Of several speakers named, the one the question is about: "What did Jon say
        about Gina's store?", "According to Gina, what ..." — the first name, when it
        stands after an auxiliary verb or "according to" and is not joined to another by
        "and" ("What do Jon and Gina both like?") nor a possessive ("Jon's friend")."""
        if len(named) < 2:
            return None
        start, said, name = named[0]
        after = query[start + len(said):]
        if re.match(r"\s*(?:and|&|or)\b", after, re.I) or after[:1] in ("'", "\u2019"):
            return None
        before = query[:start].lower().split()
        if before[-1:] and before[-1] in _AUXILIARIES or before[-2:] == ["according", "to"]:
            return name
        return None

    def timeline(self, start: float, end: float, **how) -> list:
        """The episodes (or, by `levels`, the hour/day summaries) overlapping [start, end]
        (epoch seconds), by start: what the user was doing then, as
        memory.store.memories.Memory items (see MemoryRepo.episodes_between for `how`)."""
        with self._store.errors():
            return self._store.memories.episodes_between(start, end, **how)

    def spoken_by(self, hits: Sequence[Hit], speaker: str) -> list[Hit]:
        """Those of `hits` that are chat turns `speaker` said."""
        with self._store.errors():
            theirs = self._store.turns.spoken_by([h.id for h in hits if h.kind == "turn"],
                                                speaker)
        return [h for h in hits if h.id in theirs]

    def asked_before(self, hits: Sequence[Hit]) -> dict[int, str]:
        """For the chat turns among `hits` that reply to a question, that question's text."""
        with self._store.errors():
            return self._store.turns.asked_before([h.id for h in hits if h.kind == "turn"])

    def _fade(self, fused: dict[int, float]) -> dict[int, float]:
        """Lower the rank of faded memories (forgetting curve); pinned ones never fade.

        A memory's weight is `fade_floor` + (1 - `fade_floor`) * (strength / importance),
        0.6 + 0.4 * ... by default: a stale, unused memory drops behind fresh evidence but
        is never hidden, and raw text is untouched."""
        if not fused:
            return fused
        floor = self.tuning.fade_floor
        rows = self._store.memories.strengths(list(fused))
        for doc_id, strength, importance, pinned in rows:
            if pinned or strength is None or not importance:
                continue
            fused[doc_id] *= floor + (1 - floor) * min(1.0, max(0.0, strength / importance))
        return fused

    def _focus_memory_sources(self, hits: list[Hit], ranked_docs) -> None:
        """A memory (an episode of a whole session, say) may cite many moments: for this
        query it cites those the raw evidence ranked, best first, at most `max_cited`, or
        its first moment when none ranked. Its whole provenance stays on the memory."""
        best: dict[str, int] = {}
        for rank, d in enumerate(ranked_docs):
            if d.kind != "memory":
                for src in d.sources:
                    best.setdefault(src, rank)
        for h in hits:
            if h.kind == "memory" and len(h.sources) > 1:
                ranked = sorted((src for src in h.sources if src in best), key=lambda s: best[s])
                h.sources = ranked[:self.tuning.max_cited] or h.sources[:1]

    def _collapse(self, scored, limit: int) -> list[Hit]:
        hits: list[Hit] = []
        token_sets: list[set[str]] = []
        for doc, score in scored:
            toks = _tokens(doc.text)
            for h, t in zip(hits, token_sets):
                if near_duplicate(toks, t, self.tuning.duplicate_overlap):
                    h.sources = list(dict.fromkeys(h.sources + doc.sources))
                    break
            else:
                hits.append(Hit(kind=doc.kind, id=doc.id, text=doc.text, timestamp=doc.ts,
                                score=score, sources=list(doc.sources), ref_id=doc.ref_id,
                                app=doc.app))
                token_sets.append(toks)
                if len(hits) >= limit:
                    break
        return hits

    def doc_freq(self, words: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many docs hold each word, and how many docs there are (for an IDF)."""
        with self._store.errors():
            return self._store.docs.doc_freq(list(words)), self._store.docs.size()

    def _resolve_frame_sources(self, hits: list[Hit]) -> None:
        """A frame's sources grow as near-duplicates merge into it: read them fresh. A frame
        captured live has no alias: it is cited by its canonical key (`frame:<id>`)."""
        frames = [h for h in hits if h.kind == "frame"]
        keys = self._store.frames.sources_of(h.ref_id for h in frames)
        for h in frames:
            fresh = keys[h.ref_id]
            h.sources = fresh + [s for s in h.sources if s not in fresh]
