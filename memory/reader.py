"""The reader: an extractive answer chosen among candidates drawn from the evidence.

Candidates are every line of the best raw hits (frames, chat turns) and the spans inside
them: the value after a label ("Tracking number: ZX-4471-QP"), and every span of a known
shape (memory/shapes.py: money with its currency, codes with their prefix, times and dates
as shown, names, commands, paths, URLs). A value OCR'd on its own line takes the line
above as its label when that reads as one (a table's "Equipment" / "7,508", a letter's
"Yours sincerely," over the name that signs it; LABEL_ABOVE),
and a label can give its value a shape no pattern sees alone ("Booking reference: CDJCTH";
LABELLED_SHAPES). Each is scored by a weighted sum of features
(`features`): how well its line and its label cover the question, whether its shape is one
the question form expects, whether it only repeats the question, whether it is a window
title or the desktop clock (context, never the answer unless a title is asked for), the rank
of its hit, how much of the question (and of its named words) its hit shows, its length,
and, when a scoring model is there, the model's log-likelihood of
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

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from memory.answer_tuning import AnswerTuning
from memory.layout import Cell
from memory.retrieval import Hit
from memory.shapes import (
    ASKER_VERB,
    ASKS_CURRENT,
    ASKS_SELF,
    CURRENCY_SIGNS,
    CURRENT_WORDS,
    FOCUS,
    FOUND_SHAPES,
    LABEL_ABOVE,
    LABEL_SHAPES,
    LABEL_SYNONYMS,
    LABEL_VALUE,
    LABELLED_SHAPES,
    MEASURE_RATIOS,
    SELF_ON_SCREEN,
    SPAN_LABEL,
    SPAN_PATTERNS,
    STALE_WORDS,
    TITLE_ANSWER_SHAPES,
    expected_shapes,
    measure_of,
    measures_asked,
    span_shapes,
)
from memory.text import QUESTION_WORDS, content_words, share_in, stem, stems, words
from memory.timefmt import parse_iso

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


@dataclass
class Candidate:
    text: str
    line: str
    hit: Hit
    rank: int
    label: str = ""
    title: bool = False
    fragment: bool = False    # glued to more of a token: "4471" out of "OPS-4471"
    context: str = ""         # a chat turn's speaker and the question it answers
    row: str = ""             # a laid-out cell's row ("" : the line is its own row)
    item: str = ""            # ... and the list item it is part of ("" : none)
    # the shapes whose pattern found it in its line (FOUND_SHAPES): a command after "$ "
    # (its pattern looks behind the span, so the span alone does not match it)
    found: set[str] = field(default_factory=set)
    # the stems its frame's window title shows: the screen's subject, which tells the
    # screen from others (the hit's coverage), not one of its lines from another
    subject: frozenset[str] = frozenset()
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
        at = parse_iso(hit.timestamp, naive="keep")
    except ValueError:
        return set()
    at = at.astimezone() if at.tzinfo else at
    return {f"{at:%H:%M}", f"{at.hour}:{at:%M}"}


def _is_title(line: str, header: str) -> bool:
    """The window's title bar read again by OCR: every word of the header in the line (a
    heading that only repeats part of the title, "OPS-265: Billing email sent twice", is
    content)."""
    hw = set(words(header))
    return line.strip() == header.strip() or (len(hw) >= 2 and hw <= set(words(line)))


def _fragment(span: str, line: str) -> bool:
    """The span is only part of a token of its line (a character other than a space or
    punctuation joins it to more): "55710" from "NWB-55710-K", "4471" from "OPS-4471",
    "15.00" from "£15.00" (an amount without its currency, read alone, looks like a time)."""
    for m in re.finditer(re.escape(span), line):
        before = line[m.start() - 1] if m.start() else " "
        after = line[m.end()] if m.end() < len(line) else " "
        glued = lambda ch, nxt: (ch.isalnum() or ch in CURRENCY_SIGNS  # noqa: E731
                                 or (ch in "-_/.,:" and nxt.isalnum()))
        if not (glued(before, line[m.start() - 2] if m.start() > 1 else " ")
                or glued(after, line[m.end() + 1] if m.end() + 1 < len(line) else " ")):
            return False
    return True


def candidates(hits: Sequence[Hit], *, read: int, memories: bool = False,
               layouts: dict[int, list[Cell]] | None = None) -> list[Candidate]:
    """Lines of the best `read` raw hits (frames, turns; memories when there is nothing
    else and `memories` is set: AnswerTuning.read_memories), and the spans inside each
    line. A frame's first line is its window title. A frame whose layout is known
    (`layouts`, by frame id: memory/layout.py) is read whole, once, cell by cell, each
    cell with its row and the label its place gives it (a column's header, a card's
    caption, its row's first cell)."""
    out: list[Candidate] = []
    laid: set[int] = set()
    for rank, hit in enumerate(_raw(hits, read, memories)):
        lines = [l.strip() for l in hit.text.splitlines() if l.strip()]
        header = lines[0] if hit.kind == "frame" and lines else ""
        subject = frozenset(stem(w) for w in words(header))
        clock = _seen_clock(hit) if hit.kind == "frame" else set()
        # a span is one candidate per place it stands: the same value in another row of
        # a table ("Hall A" of two talks) is another candidate, with that row
        seen: set[tuple[str, bool, str]] = set()
        cells = (layouts or {}).get(hit.ref_id) if hit.kind == "frame" else None
        if cells is not None:
            if hit.ref_id in laid:
                continue   # read whole from a better hit of the same frame
            laid.add(hit.ref_id)
            items = [(header, "", "", "")] + [(c.text, c.row, c.label, c.item) for c in cells]
        else:
            # A value OCR'd on its own line under (or right of) its label: a table's
            # "Equipment" / "7,508", a form's "Location:" / "Riverside Cafe".
            items = [(line, "", _label_above(lines[i - 1], line)
                      if i > 1 and hit.kind == "frame" else "", "")
                     for i, line in enumerate(lines)]
        for i, (line, row, above, item) in enumerate(items):
            line = _SAID_AT.sub("", line) if hit.kind == "turn" else line
            title = bool(header) and (i == 0 or _is_title(line, header))
            chrome = bool(clock) and bool(_CLOCK_LINE.match(line))
            spans: list[tuple[str, str, str]] = [(line, above, "")]
            if m := LABEL_VALUE.match(line):
                spans.append((m.group("value").strip(), m.group("label").strip(), ""))
            for shape, pattern in SPAN_PATTERNS.items():
                for m in pattern.finditer(line):
                    span = m.group(0).strip(" .,;")
                    if span and span != line:
                        spans.append((span, _near_label(line[:m.start()]) or above, shape))
            found: dict[str, set[str]] = {}
            for span, _label, shape in spans:
                found.setdefault(span, set()).update({shape} & FOUND_SHAPES)
            for span, label, _shape in spans:
                # a value in the title and again in the body is a candidate of each
                if (span, title, row) in seen or span in clock or not words(span):
                    continue
                seen.add((span, title, row))
                out.append(Candidate(span, line, hit, rank, label, title or chrome,
                                     fragment=_fragment(span, line), found=found[span],
                                     row=row, item=item, subject=subject))
    return out


def _near_label(before: str) -> str:
    """The label of a span inside a line: the words right before it, within its own clause
    (SPAN_LABEL): "Zone" of "Thanks for parking at Station East car park. Zone 3462", not
    the sentence before it, which names the screen's subject, not what the value is."""
    before = before.rstrip(" " + SPAN_LABEL["breaks"])
    cut = max(before.rfind(ch) for ch in SPAN_LABEL["breaks"])
    return " ".join(before[cut + 1:].split()[-SPAN_LABEL["max_words"]:])


def _label_above(prev: str, line: str) -> str:
    """The line before, when it reads as the label of this one (LABEL_ABOVE): it ends with
    a colon (or a comma, over a short line: a lead-in), or it is a few words with no value
    of their own above a line that is one value."""
    prev = prev.strip()
    if not prev or LABEL_VALUE.match(prev):
        return ""
    pw, lw = words(prev), words(line)
    if len(pw) <= LABEL_ABOVE["max_label_words"] and (
            prev.endswith(":") or (prev.endswith(tuple(LABEL_ABOVE["lead_in"]))
                                   and 0 < len(lw) <= LABEL_ABOVE["max_value_words"])):
        return prev   # "Location:" over anything; "Yours sincerely," over a name
    bare_value = (0 < len(lw) <= LABEL_ABOVE["max_value_words"]
                  and bool(span_shapes(line) & set(LABEL_ABOVE["value_shapes"])))
    if (bare_value and 0 < len(pw) <= LABEL_ABOVE["max_label_words"]
            and not any(ch.isdigit() for ch in prev) and not span_shapes(prev) & {"person"}):
        return prev
    return ""


def _label_shape(label: str, expected: tuple[str, ...]) -> float:
    """The label's words announce a shape the question expects (LABEL_SHAPES): 1 for the
    form's first shape, a half for a later one."""
    head = label.split(":")[0] if ":" in label else label  # "New time: Sunday at" -> "New time"
    ls = [stem(w) for w in words(head)[-4:]]
    return max((1.0 if i == 0 else 0.5 for i, e in enumerate(expected)
                if any(w.startswith(p) for p in LABEL_SHAPES.get(e, ()) for w in ls)),
               default=0.0)


def _labelled_shapes(c: Candidate) -> set[str]:
    """The shapes the candidate's label announces that its text has whole
    (LABELLED_SHAPES)."""
    head = [stem(w) for w in words(c.label.split(":")[0])[-4:]]
    return {shape for shape, pattern in LABELLED_SHAPES.items()
            if pattern.fullmatch(c.text.strip())
            and any(w.startswith(p) for p in LABEL_SHAPES.get(shape, ()) for w in head)}


def _update(label: str) -> float:
    """+1: the words before the value say it is the current one ("New time:", "moves
    to"); -1: superseded ("Old time:"); 0: neither."""
    ws = set(words(label))
    return float(bool(ws & CURRENT_WORDS)) - float(bool(ws & STALE_WORDS))


def _related(a: str, b: str) -> bool:
    """Two stems of one word family: equal, or one a prefix of the other ("own" / "owner",
    "assign" / "assigne")."""
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))


def _synonym_groups() -> dict[str, set[str]]:
    """Each stem of LABEL_SYNONYMS with the other stems of its groups."""
    out: dict[str, set[str]] = {}
    for group in LABEL_SYNONYMS:
        same = stems(group)
        for a in same:
            out.setdefault(a, set()).update(same - {a})
    return out


_SYNONYMS = _synonym_groups()


def synonym_in(keys: set[str], label_stems: set[str]) -> bool:
    """The label says one of the question's key words in another word (LABEL_SYNONYMS):
    "Minimum" for "least", "Due" for "paid"; a word the label shows itself does not count."""
    return any(q not in label_stems and _SYNONYMS.get(q, set()) & label_stems for q in keys)


def focus_words(question: str) -> set[str]:
    """The stems of what the question asks for, named after its question word (FOCUS):
    "Which platform is the next train leaving from?" -> {"platform"}; a question word or a
    function word ends the name."""
    m = FOCUS.match(question)
    out: set[str] = set()
    for w in words(m.group("head")) if m else []:
        if w in QUESTION_WORDS:
            break
        out.add(stem(w))
    return out


def _relation(asked: set[str], subject: frozenset[str]) -> set[str]:
    """The question's words less the names of its screen's subject (all of them when it
    names nothing else): what tells the line that answers from the others."""
    return (asked - subject) or asked


def features(question: str, expected: tuple[str, ...], c: Candidate) -> dict[str, float]:
    keys = {stem(w) for w in key_words(question)}
    # the names the question gives its screen ("Station East", "merlin-etl") that the
    # window title shows
    subject = c.subject & {stem(w) for w in named_words(question)}
    # ... unless the line is labelled by one ("Nadia: ok, 18:10 then": whose line it is)
    if m := LABEL_VALUE.match(c.line):
        subject -= {stem(w) for w in words(m.group("label"))}
    q_words = _relation(keys, subject)
    asked = _relation({stem(w) for w in content_words(question)}, subject)
    c_words = [stem(w) for w in words(c.text)]
    echo = (sum(w in keys for w in c_words) / len(c_words)) if c_words else 1.0
    shapes = span_shapes(c.text) | c.found | _labelled_shapes(c)
    asks_title = "title" in expected or bool(
        shapes & set(expected) & TITLE_ANSWER_SHAPES)   # this title span is what is asked
    # The expected shapes in order: the form's first shape counts whole, a later one half.
    shape = max((1.0 if i == 0 else 0.5 for i, e in enumerate(expected) if e in shapes),
                default=0.0)
    label_words = words(c.label)
    label_stems = {stem(w) for w in label_words}
    line = share_in(asked, f"{c.context}\n{c.line}")
    row = share_in(asked, f"{c.context}\n{c.label} {c.row}") if c.row else line
    own = c.item or c.row or c.line
    asked_measures = measures_asked(question)
    at = c.line.find(c.text)
    measure = measure_of(c.text, c.line[at + len(c.text):] if at >= 0 else "") \
        if asked_measures else ""
    return {
        "line": line,
        # a laid-out cell: its row and the label its place gives it ("darktable PID"); a
        # line of its own: the line again
        "row": row,
        # ... and the list item it is part of (a document's name over "71 pages"); no
        # item: the row again
        "item": share_in(asked, f"{c.context}\n{c.label} {c.item}") if c.item else row,
        # the question is the asker's ("did I send") and the row or item names the
        # screen's user ("You, 31 pages")
        "self": float(bool(ASKS_SELF.search(question)) and bool(SELF_ON_SCREEN.search(own))),
        "label": (sum(any(_related(q, w) for w in label_stems) for q in q_words) / len(q_words)
                  if c.label and q_words else 0.0),
        "label_shape": _label_shape(c.label, expected),
        # the label names what the question asks for ("Platform" for "Which platform")
        "focus": float(any(_related(f, w) for f in focus_words(question) for w in label_stems)),
        # ... or says a word of the question in other words ("Minimum" for "at least")
        "synonym": float(synonym_in(keys, label_stems)),
        "update": _update(c.label),
        "shape": shape,
        # the word right before the span is one of the question's ("gate A15")
        "adjacent": float(bool(label_words) and stem(label_words[-1]) in q_words),
        "echo": echo,
        "title": 0.0 if asks_title else float(c.title),
        "rank": 1.0 / (1 + c.rank),
        # words as written ("git clone https://github.com/..." is three, not eight)
        "length": max(len(c.text.split()) - 1, 0),
        "fragment": float(c.fragment),
        # its unit measures what the question asks for ("65.7 kWh" for "How much energy"),
        # or something else ("70.0 km" for "How long"): MEASURE_UNITS
        # (a currency only where the question asks no amount of money: "How much energy";
        # a percentage never: it is a share of any measure, "disk usage 62%")
        "measure": (1.0 if measure in asked_measures
                    else 0.0 if measure == "money" and "money" in expected
                    else 0.0 if measure in MEASURE_RATIOS
                    else -1.0) if measure else 0.0,
    }


FEATURES = ("line", "row", "label", "label_shape", "update", "shape", "adjacent", "echo",
            "title", "rank", "length", "fragment", "hit_key", "hit_named", "recent", "focus",
            "item", "self", "measure", "synonym", "model", "model_lp")


def _combine(f: dict[str, float], t: AnswerTuning) -> float:
    return sum(getattr(t, f"w_{name}") * f.get(name, 0.0) for name in FEATURES)


def _raw(hits: Sequence[Hit], read: int, memories: bool = False) -> list[Hit]:
    """The frames and turns read (memories only when there is nothing else and `memories`
    is set)."""
    raw = [h for h in hits if h.kind != "memory"]
    return (raw or (list(hits) if memories else []))[:read]


def hits_read(hits: Sequence[Hit], tuning: AnswerTuning) -> list[Hit]:
    """The hits `read` takes its candidates from (the frames among them are the ones whose
    layout it can use)."""
    return _raw(hits, tuning.read_hits, tuning.read_memories)


def key_words(question: str) -> list[str]:
    """The question's content words, a possessive read as its owner ("moreau's" ->
    "moreau"), less the verb of the asker's own doing with a screen (ASKER_VERB: "did I
    use", "was I looking at"): what its evidence must show."""
    doing = {(m.group("verb") or m.group("past")).lower() for m in ASKER_VERB.finditer(question)}
    return list(dict.fromkeys(w for w in (_POSSESSIVE.sub("", w) for w in content_words(question))
                              if w not in doing))


def hit_coverage(question: str, hit: Hit, weight: dict[str, float],
                 context: dict[int, str] | None = None) -> tuple[float, float]:
    """How much of the question one hit (with its `context`: a chat turn's speaker and the
    question it answers) covers: the IDF-weighted share of its content words (`weight`:
    their IDF), and the share of its named words (1.0 when it names nothing)."""
    have = {stem(w) for w in words(f"{(context or {}).get(hit.id, '')}\n{hit.text}")}
    total = sum(weight.values())
    key = sum(v for w, v in weight.items() if stem(w) in have) / total if total else 0.0
    named = {stem(w) for w in named_words(question)}
    return key, (len(named & have) / len(named) if named else 1.0)


def key_coverage(question: str, hits: Sequence[Hit], idf: Callable[[list[str]], dict[str, float]],
                 *, read: int, context: dict[int, str] | None = None,
                 memories: bool = False) -> float:
    """The IDF-weighted share of the question's content words present in the best raw hit."""
    weight = idf(key_words(question))
    return max((hit_coverage(question, h, weight, context)[0]
                for h in _raw(hits, read, memories)), default=0.0)


_POSSESSIVE = re.compile(r"'s$")
_NAMED = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][\w'-]*|\b\w*\d\w*\b|\"[^\"]+\""
                    r"|\b[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+\b")


def named_words(question: str) -> list[str]:
    """The words that name something: capitalised inside the sentence, holding a digit,
    quoted, or an identifier joined by hyphens or underscores ("Bookhaven", "Office-5G",
    "\"export drops the last row\"", "otter-sync")."""
    out: list[str] = []
    for m in _NAMED.finditer(question.strip()):
        # a possessive names its owner: "Lena Moreau's" -> "moreau"
        out += [_POSSESSIVE.sub("", w) for w in words(m.group(0)) if w not in QUESTION_WORDS]
    return list(dict.fromkeys(out))


def model_pmi(scorer: Scorer, question: str, evidence: str,
              texts: Sequence[str]) -> list[tuple[float, float]] | None:
    """Per text: the mean log-probability per token of " <text>" as the answer with the
    evidence less without it (PMI: the evidence, not the model's prior, makes it likely),
    and the mean log-probability with the evidence."""
    ctx = f"{FEW_SHOT}Text: {evidence.strip()}\nQuestion: {question}\nAnswer:"
    bare = f"{FEW_SHOT}Question: {question}\nAnswer:"
    conts = [f" {t}" for t in texts]
    with_text = scorer(ctx, conts)
    without = scorer(bare, conts) if with_text is not None else None
    if with_text is None or without is None:
        return None  # the backend cannot score text
    out = []
    for a, b in zip(with_text, without):
        out.append(((sum(a) - sum(b)) / len(a), sum(a) / len(a)) if a and b else (0.0, -20.0))
    return out


def read(question: str, hits: Sequence[Hit], tuning: AnswerTuning, *,
         idf: Callable[[list[str]], dict[str, float]], scorer: Scorer | None = None,
         context: dict[int, str] | None = None,
         layouts: dict[int, list[Cell]] | None = None) -> Reading:
    form, expected = expected_shapes(question)
    cands = candidates(hits, read=tuning.read_hits, memories=tuning.read_memories,
                       layouts=layouts)
    for c in cands:
        c.context = (context or {}).get(c.hit.id, "")
    raw = hits_read(hits, tuning)
    weight = idf(key_words(question))
    cover = {h.id: hit_coverage(question, h, weight, context) for h in raw}
    newest = max((h.timestamp or "" for h in raw), default="")
    asks_current = bool(ASKS_CURRENT.search(question))
    for c in cands:
        c.feats = features(question, expected, c)
        c.feats["hit_key"] = cover[c.hit.id][0]
        # the share of the question's named words its hit shows: look-alike screens (the
        # flight to Ghent for the flight to Lisbon) lose it
        c.feats["hit_named"] = cover[c.hit.id][1]
        # "... now?": the newest screen read holds the value in force
        c.feats["recent"] = float(asks_current and (c.hit.timestamp or "") == newest
                                  and len(raw) > 1)
        c.score = _combine(c.feats, tuning)
    # Context, never the answer: a window title or the clock (unless a title is asked for),
    # and a span made only of the question's own words ("Zara Kowalski" for "Where is my
    # meeting with Zara Kowalski?"); kept when nothing else is left.
    answers = [c for c in cands if (not c.title or not c.feats["title"]) and c.feats["echo"] < 1.0]
    cands = answers or cands
    cands.sort(key=lambda c: c.score, reverse=True)
    if scorer is not None and tuning.w_model and cands:
        top = cands[:tuning.model_candidates]
        # The lines the best candidates come from (not whole screens): a short prompt
        # keeps the model's cost to a fraction of a second on two cores.
        evidence = "\n".join(dict.fromkeys(c.line for c in top))
        scores = model_pmi(scorer, question, evidence, [c.text for c in top]) or []
        # Above the worst scored candidate: the ones the model never saw rank with it.
        floor = [min((s[i] for s in scores), default=0.0) for i in (0, 1)]
        for c, (pmi, lp) in zip(top, scores):
            c.feats["model"] = pmi - floor[0]
            c.feats["model_lp"] = lp - floor[1]
            c.score = _combine(c.feats, tuning)
        cands.sort(key=lambda c: c.score, reverse=True)
    best = cands[0] if cands else None
    if tuning.abstain_on == "answer" and best is not None:
        cov, named = cover[best.hit.id]     # the hit the answer comes from
    else:                                   # the best-covering hit read
        cov = max((k for k, _n in cover.values()), default=0.0)
        named = max((n for _k, n in cover.values()), default=0.0)
    return Reading(best, cands, cov, form, named)


def idf_from(doc_freq: Callable[[list[str]], dict[str, int]], size: int) -> Callable:
    """An IDF weight per word, from a document-frequency lookup over the whole store."""
    def idf(ws: list[str]) -> dict[str, float]:
        df = doc_freq(ws)
        # smoothed (as scikit-learn's): a word in every doc still weighs 1, so a store
        # of one frame is read by plain word share
        return {w: math.log((size + 1) / (df.get(w, 0) + 1)) + 1.0 for w in ws}
    return idf
