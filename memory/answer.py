"""The chat agent: answers grounded only in retrieved evidence, with citations.

Tiers, chosen by the model's measured capability, never by hope:
- instruction-following model: a chat turn told to answer only from the numbered evidence
  lines and to say when it is not there.
- otherwise (the bundled base Gemma 3 270M, or no model): the reader (memory/reader.py)
  picks a span of the evidence among candidates, ranked by features and, when the model
  can score text, its likelihood; it abstains below a calibrated key-word coverage. The
  answer is always a span of a cited line.
- activity questions with a time ("what was I reading this morning?"): the timeline of
  that time, each episode citing its first moment; "around 15:20": the episodes nearest
  that moment.
- in a chat only: a "when" question whose answer line tells the time relatively
  ("yesterday", "last Saturday") gets the date that works out to, computed; "when did ...?"
  with no day or month in the answer gets the day the turn telling of it was said. A
  question naming one person of a chat abstains when none of that person's own turns
  covers it.
Every number used is in the AnswerTuning passed in (memory/answer_tuning.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from memory.answer_tuning import AnswerTuning
from memory.consolidate import SUMMARY_TYPES, period_of
from memory.layout import Cell
from memory.query import QueryAnalysis, analyse, day_of, resolve_relative
from memory.reader import hits_read, idf_from, read
from memory.retrieval import Hit, Retriever, distinct_sources
from memory.text import MONTHS, content_words, coverage, stem
from memory.timefmt import parse_iso
from models.errors import CommonplaceError

log = logging.getLogger(__name__)

ABSTAIN = "I don't see that in your history."


@dataclass
class Answer:
    answer: str
    abstained: bool
    citations: list[str]
    model: str
    extractive: bool
    tier: str  # "reader" | "reader-model" | "llm-chat" | "extractive-date" | "timeline"
    #            | "abstain"
    evidence: list[Hit] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"answer": self.answer, "abstained": self.abstained, "citations": self.citations,
                "model": self.model, "extractive": self.extractive, "tier": self.tier}


# Activity questions: the timeline answers, not a line of text. "What was I doing / working
# on / reading / looking at ...", "what did I do ...", "how did I spend ...", "what apps did
# I use ...", "which page(s) did I have open ...".
ASKS_ACTIVITY = re.compile(
    r"^\s*(?:so\s+|and\s+)?(?:what\s+(?:was|were)\s+i\s+(?:doing|working\s+on|up\s+to|busy\s+with"
    r"|reading|looking\s+at|watching|writing)"
    r"|what\s+did\s+i\s+(?:do|work\s+on|get\s+up\s+to|read|look\s+at)"
    r"|how\s+did\s+i\s+spend"
    r"|(?:what|which)\s+(?:pages?|sites?|tabs?|documents?)\s+(?:was|were|did)\s+i"
    r"|what\s+(?:apps?|applications?|programs?)\s+(?:was|were|did)\s+i)\b", re.IGNORECASE)
ACTIVITY_WORDS = {"doing", "working", "work", "busy", "up", "do", "get", "spend", "time",
                  "apps", "app", "applications", "application", "programs", "program",
                  "use", "using", "used", "in", "on", "with", "my", "day", "morning",
                  "afternoon", "evening", "night", "reading", "read", "looking", "look", "at",
                  "watching", "writing", "page", "pages", "site", "sites", "tab", "tabs",
                  "document", "documents", "have", "had", "open", "opened"}

_WANTS_WHEN = re.compile(r"^\s*(when|what (date|day|month|year))\b", re.IGNORECASE)
_ASKS_WHEN_IT_HAPPENED = re.compile(r"^\s*when (did|was|were)\b", re.IGNORECASE)
_HAS_DAY_OR_MONTH = re.compile(rf"\b({'|'.join(m[:3] for m in MONTHS)})[a-z]*\b|\d{{1,2}}[:/.]\d",
                               re.IGNORECASE)


def best_lines(question: str, hits: list[Hit], n: int = 6) -> list[tuple[str, Hit]]:
    """Evidence lines ranked by how much of the question they cover, then what the user
    saw before what was derived from it (a frame's or turn's own line before a memory's),
    then by hit rank: the evidence an instruction-following model reads, and the naive
    best-line baseline."""
    scored = []
    for rank, h in enumerate(hits):
        for line in h.text.splitlines():
            line = line.strip()
            if line:
                scored.append((coverage(question, line), h.kind != "memory", -rank, line, h))
    scored.sort(key=lambda t: t[:3], reverse=True)
    seen, out = set(), []
    for _cov, _raw, _r, line, h in scored:
        if line not in seen:
            seen.add(line)
            out.append((line, h))
        if len(out) >= n:
            break
    return out


class Answerer:
    def __init__(self, retriever: Retriever, backend: Callable | None, *, store=None,
                 tuning: AnswerTuning | None = None) -> None:
        """`backend` is a callable returning an LlmBackend (built lazily), or None.
        `tuning` holds every number the answer depends on (default: AnswerTuning())."""
        self._retriever = retriever
        self._backend = backend
        self._store = store
        self.tuning = tuning or AnswerTuning()

    def ask(self, question: str, *, now: dt.datetime | None = None) -> Answer:
        ans = self._ask(question, now)
        if not ans.abstained:
            self._reinforce(ans)
        return ans

    def _reinforce(self, ans: Answer) -> None:
        """Memories that answered a question are recalled: they fade more slowly."""
        used = [h.ref_id for h in ans.evidence
                if h.kind == "memory" and set(h.sources) & set(ans.citations)]
        if used and self._store is not None:
            with self._store.errors():
                self._store.memories.touch(used)

    def idf(self, ws: list[str]) -> dict[str, float]:
        """IDF of each word over the whole store (rare words weigh more for abstention)."""
        df, size = self._retriever.doc_freq(ws)
        return idf_from(lambda _ws: df, size)(ws)

    def _layouts(self, hits: list[Hit]) -> dict[int, list[Cell]]:
        """The layout of each frame the reader reads (AnswerTuning.read_layout)."""
        if not self.tuning.read_layout:
            return {}
        return self._retriever.layouts(hits_read(hits, self.tuning))

    def _abstain(self, hits: list[Hit]) -> Answer:
        return Answer(ABSTAIN, True, [], self._model_name(), True, "abstain", hits)

    def _ask(self, question: str, now: dt.datetime | None) -> Answer:
        t = self.tuning
        analysis = analyse(question, now=now or dt.datetime.now().astimezone(),
                           around_minutes=t.around_minutes)
        told = self._timeline(question, analysis)
        if told:
            return told
        hits = self._retriever.search(question, limit=t.evidence_hits, now=now)
        grounds, context = hits, {}
        speaker = self._retriever.named_speaker(question) if hits else None
        if speaker:
            # A question about one person of a chat is answered from what they said (with
            # the question they were answering): when none of their own turns covers it,
            # it asks about something they never said ("What did Ana realise after the
            # race?" when it was Ben who ran it).
            grounds = self._retriever.spoken_by(hits, speaker)
            asked = self._retriever.asked_before(grounds)
            best = max((coverage(analysis.topic, f"{asked.get(h.id, '')}\n{h.text}")
                        for h in grounds), default=0.0)
            if best < t.min_speaker_coverage:
                return self._abstain(hits)
            context = {h.id: f"{speaker} {asked.get(h.id, '')}" for h in grounds}
        if not grounds:
            return self._abstain(hits)
        backend = None
        if self._backend is not None:
            try:
                backend = self._backend()
            except CommonplaceError as e:
                log.warning("model unavailable (%s); reading without it", type(e).__name__)
        if backend is not None and backend.info.capability == "instruct":
            try:
                got = self._chat_answer(question, best_lines(analysis.topic, grounds), hits,
                                        backend)
                if got:
                    return got
            except CommonplaceError as e:
                # The error may quote the model's reply (screen text): its kind only.
                log.warning("model answer failed (%s); falling back to the reader",
                            type(e).__name__)
        scorer = getattr(backend, "score", None) if backend is not None and t.w_model else None
        layouts = self._layouts(grounds)
        try:
            reading = read(question, grounds, t, idf=self.idf, scorer=scorer, context=context,
                           layouts=layouts)
        except CommonplaceError as e:
            log.warning("model scores failed (%s); reading without them", type(e).__name__)
            reading = read(question, grounds, t, idf=self.idf, context=context,
                           layouts=layouts)
        if reading.best is None or (reading.abstains(t) and not speaker):
            # (A question grounded in one speaker's turns was judged by the speaker rule.)
            return self._abstain(hits)
        top = reading.best
        said = top.line if t.answer_unit == "line" else top.text
        dated = self._dated(question, top.line, top.hit)
        if dated:
            return dated
        if (top.hit.kind == "turn" and _ASKS_WHEN_IT_HAPPENED.match(question)
                and top.hit.timestamp and not _HAS_DAY_OR_MONTH.search(said)):
            # In a chat, "When did she ...?" with no date in the answer: it happened when
            # the turn telling of it was said (screens show their own dates and times).
            return Answer(day_of(top.hit.timestamp), False, list(top.hit.sources),
                          "extractive", True, "extractive-date", hits)
        scored = scorer is not None and "model" in top.feats
        return Answer(said, False, list(top.hit.sources),
                      backend.info.name if scored and backend is not None else "extractive",
                      True,
                      "reader-model" if scored else "reader", hits)

    def _timeline(self, question: str, analysis: QueryAnalysis) -> Answer | None:
        """"What was I doing this morning?" is answered from the timeline itself: the
        episodes (app and chat sessions) of that time, in order, each citing the moment it
        began; when there are more than `timeline_max`, the hour (else day) summaries over
        them, the finer level that fits (a year of days: the first ones, and a word that
        there is more). Words left beyond the activity and the time ("... in Chromium")
        keep only the episodes that mention them; none left: the question is about
        something else and takes the usual path. No model summarises: the lines are the
        deterministic floor's own. At most `timeline_max` + 1 items of a level are read,
        whatever the range."""
        if analysis.ts_range is None or not ASKS_ACTIVITY.match(question):
            return None
        most = self.tuning.timeline_max
        rest = {stem(w) for w in content_words(analysis.topic) if w not in ACTIVITY_WORDS}
        where = (lambda f: rest <= _stemmed(_episode_text(f))) if rest else None
        episodes = self._retriever.timeline(*analysis.ts_range, exclude=SUMMARY_TYPES,
                                            where=where, limit=most + 1)
        if rest and not episodes:
            return None
        if not episodes:
            phrase = analysis.time_phrase or ""
            m = re.search(re.escape(phrase), question, re.IGNORECASE)
            return Answer(f"I don't see any activity in your history {m.group(0) if m else phrase}.",
                          True, [], self._model_name(), True, "abstain", [])
        tz = analysis.start.tzinfo if analysis.start else None
        shown = episodes
        if analysis.centre is not None:
            # "around 14:20": the episodes nearest that moment, in order, not the hour
            # they fall in (its summary names only the longest activities)
            near = self._retriever.timeline(*analysis.ts_range, exclude=SUMMARY_TYPES,
                                            where=where, limit=self.tuning.around_scan)
            at = analysis.centre.timestamp()
            near.sort(key=lambda m: _distance(m, at))
            shown = sorted(near[:self.tuning.around_episodes], key=lambda m: _span(m)[0])
        elif len(episodes) > most and not rest:
            for level in SUMMARY_TYPES:
                summaries = self._retriever.timeline(*analysis.ts_range, levels=[level],
                                                     limit=most + 1)
                if summaries:
                    shown = summaries
                if summaries and len(summaries) <= most:
                    break
        lo, hi = analysis.ts_range
        dated = hi - lo > 24 * 3600 + 1   # more than a day asked about: lines carry the date
        lines = [_timeline_line(m, tz, dated) for m in shown[:most]]
        if len(shown) > most:
            lines.append("… and more: the timeline has the rest")
        cited = list(dict.fromkeys(m.sources[0] for m in shown[:most] if m.sources))
        return Answer("\n".join(lines), False, cited, "extractive", True, "timeline", [])

    @staticmethod
    def _dated(question: str, line: str, hit: Hit) -> Answer | None:
        """In a chat, a "when" question whose answer line tells the time relatively ("I
        went yesterday", "last Saturday") is answered with the date that works out to, from
        the time the line was said; no model guesses a date from a relative word."""
        if hit.kind != "turn" or not _WANTS_WHEN.match(question) or not hit.timestamp:
            return None
        try:
            at = parse_iso(hit.timestamp, naive="keep")
        except ValueError:
            return None
        when = resolve_relative(line, at)
        if when is None:
            return None
        return Answer(when, False, list(hit.sources), "extractive", True, "extractive-date",
                      [hit])

    def _model_name(self) -> str:
        return "extractive"

    @staticmethod
    def _chat_answer(question: str, lines, hits: list[Hit], backend) -> Answer | None:
        """An instruction-following model answers from the numbered evidence lines."""
        from models.backend import Message

        info = backend.info
        numbered = "\n".join(f"[{i}] {l}" for i, (l, _h) in enumerate(lines, 1))
        msgs = [Message("system", "Answer the user's question using only the numbered "
                                  "evidence from their own screen history. Answer in one "
                                  f"short sentence. If the evidence does not answer it, "
                                  f"reply exactly: {ABSTAIN}"),
                Message("user", f"Evidence:\n{numbered}\n\nQuestion: {question}")]
        text = backend.chat(msgs, max_tokens=96).text.strip()
        if not text:
            return None
        if ABSTAIN.lower().rstrip(".") in text.lower():
            return Answer(ABSTAIN, True, [], info.name, False, "llm-chat", hits)
        cited = [h for l, h in lines if coverage(text, l) > 0.3] or [lines[0][1]]
        return Answer(text, False, distinct_sources(cited), info.name, False, "llm-chat", hits)


def _span(m) -> tuple[float, float]:
    """An episode's start and end, epoch seconds."""
    f = m.fields
    t0 = parse_iso(f.get("occurred_at") or m.occurred_at, naive="keep")
    t1 = parse_iso(f["ended_at"], naive="keep") if f.get("ended_at") else t0
    return t0.timestamp(), t1.timestamp()


def _distance(m, at: float) -> float:
    """Seconds from an episode to the moment `at` (0 inside it)."""
    t0, t1 = _span(m)
    return max(t0 - at, at - t1, 0.0)


def _episode_text(fields: dict) -> str:
    return " ".join(str(fields.get(k) or "") for k in ("app", "summary", "details"))


def _stemmed(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def _timeline_line(m, tz, dated: bool = False) -> str:
    """'09:10–09:24 Chromium: Pull request #418 — Merged into main' (an episode) or the
    hour/day summary's own line ('09:00–10:00: Chromium (...) 25 min, ...')."""
    f = m.fields
    summary = " ".join(str(f.get("summary") or "").split())
    details = " ".join(str(f.get("details") or "").split())
    if f.get("event_type") in SUMMARY_TYPES:
        period = period_of(f)   # its data (memory/consolidate.py), not its text read back
        if period is None:
            line = summary
        elif period.level == "day":   # "2026-02-17: Chromium (...) 25 min, ..."
            line = f"{period.day}: {period.activity}"
        else:
            line = f"{period.day} {period.line}" if dated else period.line
        return f"{line} — {details}" if details else line
    t0 = parse_iso(f.get("occurred_at") or m.occurred_at, naive="keep")
    t1 = parse_iso(f["ended_at"], naive="keep") if f.get("ended_at") else t0
    if tz is not None:
        t0, t1 = (t.astimezone(tz) if t.tzinfo else t for t in (t0, t1))
    span = f"{t0:%H:%M}" if f"{t0:%H:%M}" == f"{t1:%H:%M}" else f"{t0:%H:%M}–{t1:%H:%M}"
    if dated:
        span = f"{t0:%Y-%m-%d} {span}"
    if len(details) > 80:
        details = details[:79].rstrip() + "…"
    return f"{span} {summary}" + (f" — {details}" if details else "")
