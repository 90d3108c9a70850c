"""The chat agent: answers grounded only in retrieved evidence, with citations.

Tiers, chosen by the model's measured capability, never by hope:
- completion-only model (the bundled base Gemma 3 270M): few-shot extractive answering,
  "Text / Question / Answer" stopped at the newline. The answer must occur in the evidence
  text (a cheap hallucination guard, after HaluMem); otherwise it is rejected.
- instruction-following model: a chat turn told to answer only from the numbered evidence
  and to say when it is not there.
- no model, or a rejected or failed model answer: the best-supported evidence line, quoted
  with its citation (also the baseline `eval` prints).
- whatever the model: a "when" question whose best line tells the time relatively
  ("yesterday", "last Saturday") gets the date that works out to, computed; "when did ...?"
  with no day or month in the answer gets the day the line telling of it was said or seen.
Weak evidence (the question's content words mostly absent from every hit) abstains; so does
a question naming one person of a chat when none of that person's own turns covers it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Callable

from memory.consolidate import SUMMARY_TYPES
from memory.query import MONTHS, QueryAnalysis, day_of, resolve_relative
from memory.retrieval import Hit, Retriever
from memory.store.docs import STOPWORDS
from models.errors import CommonplaceError

log = logging.getLogger(__name__)

ABSTAIN = "I don't see that in your history."
_WORD = re.compile(r"[a-z0-9]+(?:[.,:'][a-z0-9]+)*")
QUESTION_WORDS = STOPWORDS | {"much", "many", "long", "time", "tonight", "today", "yesterday",
                              "around", "which", "whose", "should", "bring", "need", "does"}

# Two worked examples, written for this prompt (not taken from any data set).
FEW_SHOT = (
    "Text: Order 88213 shipped on 4 June. Delivery to Harbour Street expected Friday.\n"
    "Question: Where is the order being delivered?\n"
    "Answer: Harbour Street\n\n"
    "Text: Standup notes - deploy window moved to 16:45, owner: Priya.\n"
    "Question: When is the deploy window?\n"
    "Answer: 16:45\n\n"
)


@dataclass
class Answer:
    answer: str
    abstained: bool
    citations: list[str]
    model: str
    extractive: bool
    tier: str  # "llm-extractive" | "llm-chat" | "extractive" | "extractive-date" | "timeline"
    #            | "abstain"
    evidence: list[Hit] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"answer": self.answer, "abstained": self.abstained, "citations": self.citations,
                "model": self.model, "extractive": self.extractive, "tier": self.tier}


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in QUESTION_WORDS and len(w) > 1]


def _stem(w: str) -> str:
    return w[:5] if len(w) > 5 else w


def coverage(question: str, text: str) -> float:
    """Share of the question's content words (crudely stemmed) present in `text`."""
    q = {_stem(w) for w in content_words(question)}
    if not q:
        return 0.0
    t = {_stem(w) for w in _WORD.findall(text.lower())}
    return len(q & t) / len(q)


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^\w.,:/@#%€£$-]+", " ", s.lower()).split())


def supported(answer: str, evidence: str) -> bool:
    return supported_span(answer, evidence) is not None


def supported_span(answer: str, evidence: str) -> str | None:
    """The longest run of the answer's words that occurs verbatim in the evidence.

    A small model decorates ("$1,240.00 GBP" for "1,240.00 GBP"): trimming words at either
    end keeps what the evidence backs. The span must keep a number or at least half of
    the answer's words, else the answer is unsupported.
    """
    words = _norm(answer).strip(" .,:").replace("$", "").replace("€", "").replace("£", "").split()
    lines = [_norm(l) for l in evidence.splitlines()]
    for size in range(len(words), 0, -1):
        for start in range(0, len(words) - size + 1):
            span = " ".join(words[start:start + size]).strip(" .,:")
            pattern = rf"(?<![\w]){re.escape(span)}(?![\w])"
            if span and any(re.search(pattern, ev) for ev in lines):
                if size * 2 >= len(words) or any(c.isdigit() for c in span):
                    return span
                return None
    return None


# "What was I doing / working on ...", "what did I do ...", "how did I spend ...",
# "what apps did I use ...": the timeline answers, not a line of text.
_ASKS_ACTIVITY = re.compile(
    r"^\s*(?:so\s+|and\s+)?(?:what\s+(?:was|were)\s+i\s+(?:doing|working\s+on|up\s+to|busy\s+with)"
    r"|what\s+did\s+i\s+(?:do|work\s+on|get\s+up\s+to)"
    r"|how\s+did\s+i\s+spend"
    r"|what\s+(?:apps?|applications?|programs?)\s+(?:was|were|did)\s+i)\b", re.IGNORECASE)
_ACTIVITY_WORDS = {"doing", "working", "work", "busy", "up", "do", "get", "spend", "time",
                   "apps", "app", "applications", "application", "programs", "program",
                   "use", "using", "used", "in", "on", "with", "my", "day", "morning",
                   "afternoon", "evening", "night"}
MAX_TIMELINE = 8  # lines of a timeline answer before a coarser level is used

_WANTS_WHEN = re.compile(r"^\s*(when|what (date|day|month|year))\b", re.IGNORECASE)
_ASKS_WHEN_IT_HAPPENED = re.compile(r"^\s*when (did|was|were)\b", re.IGNORECASE)
_HAS_DAY_OR_MONTH = re.compile(rf"\b({'|'.join(m[:3] for m in MONTHS)})[a-z]*\b|\d{{1,2}}[:/.]\d",
                               re.IGNORECASE)
_WANTS_NUMBER = re.compile(r"^\s*(how (much|many|long|old|far)|when|what (time|date|day|year|"
                           r"score|number|percentage|price|amount|budget|cost|fee|total|"
                           r"balance))\b", re.IGNORECASE)


def best_lines(question: str, hits: list[Hit], n: int = 6) -> list[tuple[str, Hit]]:
    """Evidence lines ranked by how much of the question they cover, then what the user
    saw before what was derived from it (a frame's or turn's own line before a memory's),
    then by hit rank.

    A question that asks for a number, time or date prefers lines that hold digits.
    """
    wants_number = bool(_WANTS_NUMBER.match(question))
    scored = []
    for rank, h in enumerate(hits):
        for line in h.text.splitlines():
            line = line.strip()
            if line:
                bonus = 0.3 if wants_number and any(c.isdigit() for c in line) else 0.0
                raw = h.kind != "memory"
                scored.append((coverage(question, line) + bonus, raw, -rank, line, h))
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
                 evidence_hits: int = 5, min_coverage: float = 0.5) -> None:
        """`backend` is a callable returning an LlmBackend (built lazily), or None."""
        self._retriever = retriever
        self._backend = backend
        self._store = store
        self._k = evidence_hits
        self._min_coverage = min_coverage

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
            from memory.store.memories import MemoryRepo

            with self._store.errors():
                MemoryRepo(self._store.db, self._store.docs, self._store.keys).touch(used)

    def _ask(self, question: str, now: dt.datetime | None) -> Answer:
        analysis = self._retriever.analyse(question, now)
        told = self._timeline(question, analysis)
        if told:
            return told
        hits = self._retriever.search(question, limit=self._k, now=now)
        topic = analysis.topic
        grounds, asked = hits, {}
        speaker = self._retriever.named_speaker(question) if hits else None
        if speaker:
            # A question about one person of a chat is answered from what they said (with
            # the question they were answering): when none of their own turns covers it,
            # it asks about something they never said ("What did Ana realise after the
            # race?" when it was Ben who ran it).
            grounds = self._retriever.spoken_by(hits, speaker)
            asked = self._retriever.asked_before(grounds)
        best = max((coverage(topic, f"{asked.get(h.id, '')}\n{h.text}") for h in grounds),
                   default=0.0)
        if not grounds or best < self._min_coverage:
            return Answer(ABSTAIN, True, [], self._model_name(), True, "abstain", hits)
        lines = best_lines(topic, grounds)
        dated = self._dated(question, lines[0])
        if dated:
            return dated
        got = None
        if self._backend is not None:
            try:
                got = self._llm_answer(question, focus(lines[0], hits), hits)
            except CommonplaceError as e:
                log.warning("model answer failed, falling back to extractive: %s", e)
        if _ASKS_WHEN_IT_HAPPENED.match(question) and lines[0][1].timestamp and not (
                got and _HAS_DAY_OR_MONTH.search(got.answer)):
            # "When did I/she ...?" with no date in the answer (the model said "2023", or
            # nothing): it happened when the line telling of it was said or seen.
            line, hit = lines[0]
            return Answer(day_of(hit.timestamp), False, list(hit.sources), "extractive", True,
                          "extractive-date", hits)
        if got:
            return got
        line, hit = lines[0]
        return Answer(line, False, list(hit.sources), "extractive", True, "extractive", hits)

    def _timeline(self, question: str, analysis: QueryAnalysis) -> Answer | None:
        """"What was I doing this morning?" is answered from the timeline itself: the
        episodes (app and chat sessions) of that time, in order, each citing the moment it
        began; when there are more than MAX_TIMELINE, the hour (else day) summaries over
        them, the finer level that fits (a year of days: the first eight, and a word that
        there is more). Words left beyond the activity and the time ("... in Chromium")
        keep only the episodes that mention them; none left: the question is about
        something else and takes the usual path. No model summarises: the lines are the
        deterministic floor's own. At most MAX_TIMELINE + 1 items of a level are read,
        whatever the range."""
        if analysis.ts_range is None or not _ASKS_ACTIVITY.match(question):
            return None
        rest = {_stem(w) for w in content_words(analysis.topic) if w not in _ACTIVITY_WORDS}
        where = (lambda f: rest <= _stemmed(_episode_text(f))) if rest else None
        episodes = self._retriever.timeline(*analysis.ts_range, exclude=SUMMARY_TYPES,
                                            where=where, limit=MAX_TIMELINE + 1)
        if rest and not episodes:
            return None
        if not episodes:
            phrase = analysis.time_phrase or ""
            m = re.search(re.escape(phrase), question, re.IGNORECASE)
            return Answer(f"I don't see any activity in your history {m.group(0) if m else phrase}.",
                          True, [], self._model_name(), True, "abstain", [])
        tz = analysis.start.tzinfo if analysis.start else None
        shown = episodes
        if len(episodes) > MAX_TIMELINE and not rest:
            for level in SUMMARY_TYPES:
                summaries = self._retriever.timeline(*analysis.ts_range, levels=[level],
                                                     limit=MAX_TIMELINE + 1)
                if summaries:
                    shown = summaries
                if summaries and len(summaries) <= MAX_TIMELINE:
                    break
        lo, hi = analysis.ts_range
        dated = hi - lo > 24 * 3600 + 1   # more than a day asked about: lines carry the date
        lines = [_timeline_line(m, tz, dated) for m in shown[:MAX_TIMELINE]]
        if len(shown) > MAX_TIMELINE:
            lines.append("… and more: the timeline has the rest")
        cited = list(dict.fromkeys(m.sources[0] for m in shown[:MAX_TIMELINE] if m.sources))
        return Answer("\n".join(lines), False, cited, "extractive", True, "timeline", [])

    @staticmethod
    def _dated(question: str, best: tuple[str, Hit]) -> Answer | None:
        """A "when" question whose best line tells the time relatively ("I went yesterday",
        "last Saturday") is answered with the date that works out to, from the time the
        line was said or seen; no model guesses a date from a relative word."""
        line, hit = best
        if not _WANTS_WHEN.match(question) or not hit.timestamp:
            return None
        try:
            at = dt.datetime.fromisoformat(hit.timestamp)
        except ValueError:
            return None
        when = resolve_relative(line, at)
        if when is None:
            return None
        return Answer(when, False, list(hit.sources), "extractive", True, "extractive-date",
                      [hit])

    def _model_name(self) -> str:
        return "extractive"

    def _llm_answer(self, question: str, lines, hits: list[Hit]) -> Answer | None:
        backend = self._backend()
        info = backend.info
        evidence = "\n".join(l for l, _h in lines)
        if info.capability == "instruct":
            from models.backend import Message

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
            return Answer(text, False, _sources(cited), info.name, False, "llm-chat", hits)
        prompt = f"{FEW_SHOT}Text: {' '.join(evidence.split())}\nQuestion: {question}\nAnswer:"
        raw = backend.complete(prompt, max_tokens=24, stop=["\n"]).text.strip()
        text = supported_span(raw, evidence)
        if text is not None and not set(content_words(text)) - set(content_words(question)) \
                and not any(c.isdigit() for c in text):
            text = None  # it only repeats the question's own words: not an answer
        if text is None:
            log.info("model answer %r not found in the evidence; rejected", raw)
            return None
        text = _original_case(text, evidence)
        found_in = [(l, h) for l, h in lines if supported(text, l)]
        if not any(coverage(question, l) > 0 for l, _h in found_in):
            # Taken from a line that shares no word with the question: a small model
            # reading the line next to the right one ("Deadline: 6 March" for the budget).
            log.info("model answer %r comes from a line off the question; rejected", raw)
            return None
        return Answer(text, False, _sources([h for _l, h in found_in]), info.name, True,
                      "llm-extractive", hits)


def _episode_text(fields: dict) -> str:
    return " ".join(str(fields.get(k) or "") for k in ("app", "summary", "details"))


def _stemmed(text: str) -> set[str]:
    return {_stem(w) for w in content_words(text)}


def _timeline_line(m, tz, dated: bool = False) -> str:
    """'09:10–09:24 Chromium: Pull request #418 — Merged into main' (an episode) or the
    hour/day summary's own line ('09:00–10:00: Chromium (...) 25 min, ...')."""
    f = m.fields
    summary = " ".join(str(f.get("summary") or "").split())
    details = " ".join(str(f.get("details") or "").split())
    if f.get("event_type") in SUMMARY_TYPES:
        level, day, line = (summary.split(" ", 2) + ["", ""])[:3]
        if level == "Day":   # "Day 2026-02-17 00:00–00:00: ..." -> "2026-02-17: ..."
            line = f"{day}: {line.split(': ', 1)[-1]}"
        elif level == "Hour":
            line = f"{day} {line}" if dated else line
        else:
            line = summary
        return f"{line} — {details}" if details else line
    t0 = dt.datetime.fromisoformat(f.get("occurred_at") or m.occurred_at)
    t1 = dt.datetime.fromisoformat(f["ended_at"]) if f.get("ended_at") else t0
    if tz is not None:
        t0, t1 = (t.astimezone(tz) if t.tzinfo else t for t in (t0, t1))
    span = f"{t0:%H:%M}" if f"{t0:%H:%M}" == f"{t1:%H:%M}" else f"{t0:%H:%M}–{t1:%H:%M}"
    if dated:
        span = f"{t0:%Y-%m-%d} {span}"
    if len(details) > 80:
        details = details[:79].rstrip() + "…"
    return f"{span} {summary}" + (f" — {details}" if details else "")


def focus(best: tuple[str, Hit], hits: list[Hit], window: int = 4) -> list[tuple[str, Hit]]:
    """The evidence for the model: the best line's own passage, a few lines either side.

    One coherent passage, as in the few-shot examples; lines from several screens mixed
    together lead a small model to take a number from the wrong one.
    """
    line, hit = best
    header = hit.text.splitlines()[0].strip() if hit.text else ""
    body = [l.strip() for l in hit.text.splitlines()[1:]
            if l.strip() and not (header and header in l)] or [line]
    i = body.index(line) if line in body else 0
    return [(l, hit) for l in body[max(0, i - window): i + window + 1]]


def _original_case(span: str, evidence: str) -> str:
    """The span as the evidence writes it (normalisation lower-cased it)."""
    m = re.search(r"[ \t]+".join(re.escape(w) for w in span.split()), evidence, re.IGNORECASE)
    return m.group(0) if m else span


def _sources(hits: list[Hit]) -> list[str]:
    out: list[str] = []
    for h in hits:
        for s in h.sources:
            if s not in out:
                out.append(s)
    return out


def judge_screen(answerer: Answerer, q: dict, now: dt.datetime | None,
                 baseline: Answerer | None = None) -> dict:
    """Score one screens question: any accepted answer as a case-insensitive substring.
    With `baseline` (the purely extractive answerer), its answer is scored beside."""
    def one(a: Answerer) -> dict:
        ans = a.ask(q["question"], now=now)
        accepted = (not ans.abstained and
                    any(x.lower() in ans.answer.lower() for x in q.get("answers") or []))
        return {"answer": ans.answer, "abstained": ans.abstained, "accepted": accepted,
                "citations": ans.citations, "tier": ans.tier, "model": ans.model}

    row = one(answerer)
    if baseline is not None:
        row.update({f"baseline_{k}": v for k, v in one(baseline).items()
                    if k in ("answer", "abstained", "accepted")})
    return row


_ARTICLES = re.compile(r"\b(a|an|the|and)\b")


def normalise_answer(text: str) -> list[str]:
    """LoCoMo/SQuAD-style normalisation: lower case, no punctuation or articles."""
    text = re.sub(r"[^\w\s]", " ", str(text).lower())
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, gold: str) -> float:
    p, g = normalise_answer(prediction), normalise_answer(gold)
    if not p or not g:
        return float(p == g)
    common = sum(min(p.count(w), g.count(w)) for w in set(p) & set(g))
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def contains_answer(prediction: str, gold: str) -> bool:
    g = " ".join(normalise_answer(gold))
    return bool(g) and f" {g} " in f" {' '.join(normalise_answer(prediction))} "


def judge_locomo(answerer: Answerer, question: str, gold: str | None, evidence: list[str],
                 baseline: Answerer | None = None, now: dt.datetime | None = None) -> dict:
    """Score one LoCoMo answer: token F1 and containment against the gold answer, the
    evidence recall of its citations; an unanswerable (adversarial) question (`gold` None)
    is right when it abstains."""
    def one(a: Answerer) -> dict:
        ans = a.ask(question, now=now)
        row = {"answer": ans.answer, "abstained": ans.abstained, "tier": ans.tier,
               "model": ans.model, "citations": ans.citations}
        if gold is None:
            row["correct_abstention"] = ans.abstained
        else:
            said = "" if ans.abstained else ans.answer
            ev = set(evidence)
            row.update({"f1": round(token_f1(said, gold), 4),
                        "contains": contains_answer(said, gold),
                        "citation_recall": len(ev & set(ans.citations)) / len(ev) if ev else 0.0})
        return row

    row = one(answerer)
    if baseline is not None:
        row.update({f"baseline_{k}": v for k, v in one(baseline).items()
                    if k in ("answer", "abstained", "f1", "contains", "correct_abstention")})
    return row
