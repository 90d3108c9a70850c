"""The reader: an extractive answer chosen among candidates drawn from the evidence.

Candidates are every line of the best raw hits (frames, chat turns) and the spans inside
them: the value after a label ("Tracking number: ZX-4471-QP"), and every span of a known
shape (memory/shapes.py: money with its currency, codes with their prefix, times and dates
as shown, names, commands, paths, URLs). Each is scored by a weighted sum of features
(`features`): how well its line and its label cover the question, whether its shape is one
the question form expects, whether it only repeats the question, whether it is a window
title or the desktop clock (context, never the answer unless a title is asked for), the rank
of its hit, its length, and, when a scoring model is there, the model's log-likelihood of
" <candidate>" after a few-shot "Text / Question / Answer:" prompt, less its likelihood
without the text (PMI: how much the evidence, not the prior, makes it likely). The weights
are an AnswerTuning, chosen on a training split.

Abstention is one calibrated number: the share of the question's key words, weighted by
their rarity in the whole store (IDF), found in the best raw hit. A question about a
company, a person or an app that no screen shows loses its rarest word.

The answer text is always a span of an evidence line (exact); its citations are the sources
of the hit it came from.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from memory.answer_tuning import AnswerTuning
from memory.retrieval import Hit
from memory.shapes import LABEL_VALUE, SPAN_PATTERNS, expected_shapes, span_shapes
from memory.store.docs import STOPWORDS

_WORD = re.compile(r"[a-z0-9]+(?:[.,:'][a-z0-9]+)*")
QUESTION_WORDS = STOPWORDS | {"much", "many", "long", "time", "tonight", "today", "yesterday",
                              "around", "which", "whose", "should", "does", "now", "did", "my",
                              "what", "when", "where", "who", "how"}
_CLOCK_LINE = re.compile(r"^\s*(?:activities\s+)?(?:[a-z]{3}\s+)?\d{1,2}\s+[a-z]{3}\s+\d{1,2}:\d{2}\s*$",
                         re.IGNORECASE)

_SAID_AT = re.compile(r"^\[[^\]]{4,40}\]\s*")  # a chat turn's "[08 May 2023] ": when it was said

# Two worked examples written for this prompt (not taken from any data set).
FEW_SHOT = (
    "Text: Order 88213 shipped on 4 June. Delivery to Harbour Street expected Friday.\n"
    "Question: Where is the order being delivered?\n"
    "Answer: Harbour Street\n\n"
    "Text: Standup notes - deploy window moved to 16:45, owner: Priya.\n"
    "Question: When is the deploy window?\n"
    "Answer: 16:45\n\n"
)

Scorer = Callable[[str, Sequence[str]], list[list[float]]]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


_SUFFIX = re.compile(r"(?:ing|ed|es|s|ly)$")


def stem(w: str) -> str:
    """A crude stem: a common suffix off, then the first five letters ("meeting", "meet",
    "installed", "install" -> "meet", "meet", "insta", "insta")."""
    if len(w) > 4 and not w[-1].isdigit():
        w = _SUFFIX.sub("", w)
    return w[:5]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in QUESTION_WORDS and len(w) > 1]


def coverage(question: str, text: str) -> float:
    """Share of the question's content words (crudely stemmed) present in `text`."""
    q = {stem(w) for w in content_words(question)}
    if not q:
        return 0.0
    return len(q & {stem(w) for w in words(text)}) / len(q)


@dataclass
class Candidate:
    text: str
    line: str
    hit: Hit
    rank: int
    label: str = ""
    title: bool = False
    fragment: bool = False    # glued to more of a token: "4471" out of "OPS-4471"
    feats: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


@dataclass
class Reading:
    best: Candidate | None
    candidates: list[Candidate]
    key_coverage: float
    form: str
    name_coverage: float = 1.0

    def abstains(self, tuning: AnswerTuning) -> bool:
        return (self.best is None or self.key_coverage < tuning.min_key_coverage
                or self.name_coverage < tuning.min_name_coverage)


def _seen_clock(hit: Hit) -> set[str]:
    """The desktop clock at the moment a frame was seen ("08:30", "8:30"): not an answer."""
    if not hit.timestamp:
        return set()
    try:
        at = dt.datetime.fromisoformat(hit.timestamp)
    except ValueError:
        return set()
    at = at.astimezone() if at.tzinfo else at
    return {f"{at:%H:%M}", f"{at.hour}:{at:%M}"}


def _is_title(line: str, header: str) -> bool:
    lw, hw = set(words(line)), set(words(header))
    return bool(lw) and (line.strip() == header.strip() or
                         (len(lw) >= 2 and len(lw & hw) / len(lw) >= 0.8))


def _fragment(span: str, line: str) -> bool:
    """The span is only part of a token of its line (a character other than a space or
    punctuation joins it to more): "55710" from "NWB-55710-K", "4471" from "OPS-4471"."""
    for m in re.finditer(re.escape(span), line):
        before = line[m.start() - 1] if m.start() else " "
        after = line[m.end()] if m.end() < len(line) else " "
        glued = lambda ch, nxt: ch.isalnum() or (ch in "-_/.,:" and nxt.isalnum())  # noqa: E731
        if not (glued(before, line[m.start() - 2] if m.start() > 1 else " ")
                or glued(after, line[m.end() + 1] if m.end() + 1 < len(line) else " ")):
            return False
    return True


def candidates(hits: Sequence[Hit], *, read: int) -> list[Candidate]:
    """Lines of the best `read` raw hits (frames, turns; memories when there is nothing
    else), and the spans inside each line. A frame's first line is its window title."""
    raw = [h for h in hits if h.kind != "memory"] or list(hits)
    out: list[Candidate] = []
    for rank, hit in enumerate(raw[:read]):
        lines = [l.strip() for l in hit.text.splitlines() if l.strip()]
        header = lines[0] if hit.kind == "frame" and lines else ""
        clock = _seen_clock(hit) if hit.kind == "frame" else set()
        seen: set[str] = set()
        for i, line in enumerate(lines):
            line = _SAID_AT.sub("", line) if hit.kind == "turn" else line
            title = bool(header) and (i == 0 or _is_title(line, header))
            chrome = bool(clock) and bool(_CLOCK_LINE.match(line))
            spans = [(line, "")]
            if m := LABEL_VALUE.match(line):
                spans.append((m.group("value").strip(), m.group("label").strip()))
            for name, pattern in SPAN_PATTERNS.items():
                for m in pattern.finditer(line):
                    span = m.group(0).strip(" .,;")
                    if span and span != line:
                        spans.append((span, line[:m.start()].strip()))
            for span, label in spans:
                if span in seen or span in clock or not words(span):
                    continue
                seen.add(span)
                out.append(Candidate(span, line, hit, rank, label, title or chrome,
                                     fragment=_fragment(span, line)))
    return out


def features(question: str, expected: tuple[str, ...], c: Candidate) -> dict[str, float]:
    q_words = {stem(w) for w in content_words(question)}
    c_words = [stem(w) for w in words(c.text)]
    echo = (sum(w in q_words for w in c_words) / len(c_words)) if c_words else 1.0
    shapes = span_shapes(c.text)
    asks_title = "title" in expected
    # The expected shapes in order: the form's first shape counts whole, a later one half.
    shape = max((1.0 if i == 0 else 0.5 for i, e in enumerate(expected) if e in shapes),
                default=0.0)
    label_words = words(c.label)
    return {
        "line": coverage(question, c.line),
        "label": coverage(question, c.label) if c.label else 0.0,
        "shape": shape,
        # the word right before the span is one of the question's ("gate A15")
        "adjacent": float(bool(label_words) and stem(label_words[-1]) in q_words),
        "echo": echo,
        "title": 0.0 if asks_title else float(c.title),
        "rank": 1.0 / (1 + c.rank),
        "length": max(len(c_words) - 1, 0),
        "fragment": float(c.fragment),
    }


def _combine(f: dict[str, float], t: AnswerTuning) -> float:
    return (t.w_line * f["line"] + t.w_label * f["label"] + t.w_shape * f["shape"]
            + t.w_adjacent * f["adjacent"]
            + t.w_echo * f["echo"] + t.w_title * f["title"] + t.w_rank * f["rank"]
            + t.w_length * f["length"] + t.w_fragment * f["fragment"] + t.w_model * f.get("model", 0.0))


def key_coverage(question: str, hits: Sequence[Hit], idf: Callable[[list[str]], dict[str, float]],
                 *, read: int, context: dict[int, str] | None = None) -> float:
    """The IDF-weighted share of the question's content words present in the best raw hit
    (with its `context`: a chat turn's speaker and the question it answers)."""
    q = list(dict.fromkeys(content_words(question)))
    raw = [h for h in hits if h.kind != "memory"] or list(hits)
    if not q or not raw:
        return 0.0
    weight = idf(q)
    total = sum(weight.values()) or 1.0
    best = 0.0
    for h in raw[:read]:
        have = {stem(w) for w in words(f"{(context or {}).get(h.id, '')}\n{h.text}")}
        best = max(best, sum(weight[w] for w in q if stem(w) in have) / total)
    return best


_NAMED = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][\w'-]*|\b\w*\d\w*\b|\"[^\"]+\"")


def named_words(question: str) -> list[str]:
    """The words that name something: capitalised inside the sentence, holding a digit,
    or quoted ("Bookhaven", "Office-5G", "\"export drops the last row\"")."""
    out: list[str] = []
    for m in _NAMED.finditer(question.strip()):
        out += [w for w in words(m.group(0)) if w not in QUESTION_WORDS]
    return list(dict.fromkeys(out))


def name_coverage(question: str, hits: Sequence[Hit], *, read: int,
                  context: dict[int, str] | None = None) -> float:
    """The share of the question's named words found in the best raw hit (1.0: none named)."""
    named = {stem(w) for w in named_words(question)}
    raw = [h for h in hits if h.kind != "memory"] or list(hits)
    if not named:
        return 1.0
    return max((len(named & {stem(w) for w in words(f"{(context or {}).get(h.id, '')}\n{h.text}")})
                / len(named) for h in raw[:read]), default=0.0)


def model_pmi(scorer: Scorer, question: str, evidence: str,
              texts: Sequence[str]) -> list[float] | None:
    """Mean log-probability per token of " <text>" as the answer with the evidence, less
    without it (the model's prior for the span)."""
    ctx = f"{FEW_SHOT}Text: {' '.join(evidence.split())}\nQuestion: {question}\nAnswer:"
    bare = f"{FEW_SHOT}Question: {question}\nAnswer:"
    conts = [f" {t}" for t in texts]
    with_text = scorer(ctx, conts)
    without = scorer(bare, conts) if with_text is not None else None
    if with_text is None or without is None:
        return None  # the backend cannot score text
    out = []
    for a, b in zip(with_text, without):
        out.append((sum(a) - sum(b)) / len(a) if a and b else 0.0)
    return out


def read(question: str, hits: Sequence[Hit], tuning: AnswerTuning, *,
         idf: Callable[[list[str]], dict[str, float]], scorer: Scorer | None = None,
         context: dict[int, str] | None = None) -> Reading:
    form, expected = expected_shapes(question)
    cands = candidates(hits, read=tuning.read_hits)
    for c in cands:
        c.feats = features(question, expected, c)
        c.score = _combine(c.feats, tuning)
    cands.sort(key=lambda c: c.score, reverse=True)
    if scorer is not None and tuning.w_model and cands:
        top = cands[:tuning.model_candidates]
        evidence = "\n".join(dict.fromkeys(c.hit.text for c in top))
        for c, pmi in zip(top, model_pmi(scorer, question, evidence, [c.text for c in top]) or []):
            c.feats["model"] = pmi
            c.score = _combine(c.feats, tuning)
        cands.sort(key=lambda c: c.score, reverse=True)
    cov = key_coverage(question, hits, idf, read=tuning.read_hits, context=context)
    named = name_coverage(question, hits, read=tuning.read_hits, context=context)
    return Reading(cands[0] if cands else None, cands, cov, form, named)


def idf_from(doc_freq: Callable[[list[str]], dict[str, int]], size: int) -> Callable:
    """An IDF weight per word, from a document-frequency lookup over the whole store."""
    def idf(ws: list[str]) -> dict[str, float]:
        df = doc_freq(ws)
        # smoothed (as scikit-learn's): a word in every doc still weighs 1, so a store
        # of one frame is read by plain word share
        return {w: math.log((size + 1) / (df.get(w, 0) + 1)) + 1.0 for w in ws}
    return idf
