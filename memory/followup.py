"""Follow-up questions in a chat thread: the last turn's subject and time carried over.

"How much was the Marrow Studio invoice yesterday?" then "and the day before?" asks about the
invoice on the day before yesterday; "what did she say about it?" names the person and the
subject the last turn was about. `carry()` rewrites a follow-up into a question that stands
on its own (the answerer, the search and the stored thread all see that one), so the user can
read what was actually asked.

The rules are data (FOLLOWUP_RULES), tried in order; the first that matches rewrites the
question (one precedence rule). A question that matches none is asked as it is. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from memory.query import MONTHS, WEEKDAYS, analyse
from memory.timefmt import parse_iso


@dataclass(frozen=True)
class LastTurn:
    """What a follow-up can refer to: the last question (as it was asked, after its own
    carry-over), the day it was about (its time range, else the day of the moment that
    answered it) and the person it named or was answered by (a chat turn's speaker)."""

    question: str
    day: dt.date | None = None
    person: str = ""


@dataclass(frozen=True)
class Carried:
    question: str           # the question to ask
    rule: str = ""          # the rule that rewrote it ("" = asked as it was)

    @property
    def rewritten(self) -> bool:
        return bool(self.rule)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    action: str             # "shift_day" | "new_time" | "new_subject" | "pronouns"
    days: int = 0           # shift_day: days to move the last turn's day by


_PRONOUNS = re.compile(r"\b(?:it|that|this|she|he|her|him|they|them)\b", re.I)
_LEAD = r"^\s*(?:(?:and|so|ok|okay)\s*,?\s+)?(?:(?:what|how)\s+about\s+)?"
FOLLOWUP_RULES: tuple[Rule, ...] = (
    Rule("day_before", re.compile(_LEAD + r"(?:on\s+)?(?:the\s+)?(?:day|one)\s+before\s*\??\s*$",
                                  re.I), "shift_day", -1),
    Rule("previous_day", re.compile(_LEAD + r"(?:on\s+)?the\s+previous\s+day\s*\??\s*$", re.I),
         "shift_day", -1),
    Rule("day_after", re.compile(_LEAD + r"(?:on\s+)?(?:the\s+)?(?:day|one)\s+after\s*\??\s*$",
                                 re.I), "shift_day", 1),
    Rule("next_day", re.compile(_LEAD + r"(?:on\s+)?the\s+(?:next|following)\s+day\s*\??\s*$",
                                re.I), "shift_day", 1),
    Rule("week_before", re.compile(_LEAD + r"(?:a|the)\s+week\s+(?:before|earlier)\s*\??\s*$",
                                   re.I), "shift_day", -7),
    # "and yesterday?", "what about on Monday?": a time of its own, no subject of its own
    Rule("new_time", re.compile(r"^\s*(?:and|what\s+about|how\s+about)\b", re.I), "new_time"),
    # "what about the Orchard invoice?": the last question, about something else
    Rule("new_subject", re.compile(r"^\s*(?:and|what\s+about|how\s+about)\s+(?P<rest>.+?)\s*\??$",
                                   re.I), "new_subject"),
    # "what did she say about it?": her and it are the last turn's person and subject
    Rule("pronouns", _PRONOUNS, "pronouns"),
)

# The question words before a subject: "How much was | the Marrow Studio invoice".
_ASKING = re.compile(
    r"^\s*(?:(?:and|so)\s+)?(?:how\s+(?:much|many|long|often|far)|what(?:\s+time)?|which|who|whom|"
    r"whose|when|where|why|how)\b(?:\s+(?:is|was|are|were|did|does|do|has|had|have|will|would|"
    r"can|could|should|i|my|me))*\s+", re.I)
_ABOUT = re.compile(r"\babout\s+(?P<subject>.+)$", re.I)
_VERB_TAIL = re.compile(r"\s+(?:say|said|cost|come|come\s+to|arrive|start|end|mean|happen|do|go)"
                        r"\s*$", re.I)
_THING = {"it", "that", "this", "them"}
_PERSON = {"she": "", "he": "", "her": "", "him": "", "they": ""}
_NOT_NAMES = frozenset(m.capitalize() for m in MONTHS + WEEKDAYS) | {"I", "What", "When",
                                                                     "Who", "How", "Which",
                                                                     "Where", "Why", "And"}
_NAME = re.compile(r"(?<![.?!]\s)\b([A-Z][a-z]{1,})\b")


def subject_of(question: str, *, now: dt.datetime) -> str:
    """The thing a question is about: its topic (time phrase out) without the question
    words ("How much was the Marrow Studio invoice?" -> "the Marrow Studio invoice"), or
    what it is "about"."""
    topic = analyse(question, now=now).topic.strip().rstrip("?.! ")
    m = _ABOUT.search(topic)
    if m:
        return m.group("subject").strip()
    rest = _ASKING.sub("", topic, count=1).strip()
    return _VERB_TAIL.sub("", rest).strip() or topic


def person_of(question: str) -> str:
    """A name in the question (a capitalised word not at its start, not a month or a day)."""
    for m in _NAME.finditer(question):
        if m.group(1) not in _NOT_NAMES and m.start() > 0:
            return m.group(1)
    return ""


def _date_phrase(day: dt.date) -> str:
    return f"on {day.day} {MONTHS[day.month - 1].capitalize()} {day.year}"


def _without_time(question: str, now: dt.datetime) -> str:
    a = analyse(question, now=now)
    return a.topic.strip().rstrip("?.! ") if a.time_phrase else question.strip().rstrip("?.! ")


def carry(question: str, last: LastTurn | None, *, now: dt.datetime,
          rules: tuple[Rule, ...] = FOLLOWUP_RULES) -> Carried:
    """`question` as it stands alone, given the thread's last turn; `now` must be aware."""
    q = " ".join(question.split())
    if last is None or not q:
        return Carried(q)
    own = analyse(q, now=now)
    for rule in rules:
        m = rule.pattern.search(q)
        if not m:
            continue
        got = _apply(rule, m, q, own, last, now)
        if got == q:
            break       # this rule's form, but nothing to carry: asked as it is
        if got:
            return Carried(got, rule.name)
    return Carried(q)


def _apply(rule: Rule, m: re.Match, q: str, own, last: LastTurn, now: dt.datetime) -> str:
    base = _without_time(last.question, now)
    if rule.action == "shift_day":
        if last.day is None:
            return q
        return f"{base} {_date_phrase(last.day + dt.timedelta(days=rule.days))}?"
    if rule.action == "new_time":
        if own.time_phrase is None:
            return ""
        leftover = re.sub(r"^\s*(?:and|what\s+about|how\s+about)\b", "", own.topic, flags=re.I)
        if re.sub(r"[\s?.!,]|\b(?:on|in|at|the)\b", "", leftover, flags=re.I):
            return ""   # a subject of its own: not this rule
        return f"{base} {own.time_phrase}?"
    if rule.action == "new_subject":
        rest = m.group("rest")
        if own.time_phrase is not None or _ASKING.match(rest) or \
                _PRONOUNS.search(rest):
            return ""   # a question of its own ("and what did he say?"), not a subject
        old = subject_of(last.question, now=now)
        when = analyse(last.question, now=now).time_phrase
        if old and old.lower() in last.question.lower():
            swapped = re.sub(re.escape(old), rest, last.question, count=1, flags=re.I)
            return swapped if swapped.rstrip().endswith("?") else swapped + "?"
        return f"{rest} {when}?" if when else ""
    if rule.action == "pronouns":
        subject = subject_of(last.question, now=now)
        person = last.person or person_of(last.question)

        def swap(w: re.Match) -> str:
            word = w.group(0)
            if word.lower() in _THING and subject:
                return subject
            if word.lower() in _PERSON and person:
                return person
            return word
        out = re.sub(rule.pattern, swap, q)
        if out == q:
            return ""
        when = analyse(last.question, now=now).time_phrase
        if own.time_phrase is None and when:   # the last turn's time goes with its subject
            out = f"{out.rstrip('?. ')} {when}?"
        return out
    return ""


# -- suggested questions on an empty thread -------------------------------------------------
# Drawn from the user's own recent days (memory/store/threads.recent_material): one form per
# kind of material, filled with what it holds and when. Tried in this order, best-weighted
# material first, one question per material, at most `n`.
SUGGESTION_FORMS: tuple[tuple[str, str, str], ...] = (
    # (material kind, memory type or "", form)
    ("app", "", "What was I doing in {text} {when}?"),
    ("memory", "semantic", "What do I know about {head}?"),
    ("title", "", "What did I see in “{head}”?"),
    ("memory", "episodic", "What happened with {head} {when}?"),
    ("memory", "resource", "What was {head} about?"),
    ("memory", "procedural", "How did I {head}?"),
)
HEAD_WORDS = 6          # a title's or memory's words shown in a suggestion
_HEAD_CUT = re.compile(r"\s+[—–|-]\s+|:\s+|\.\s+")


def _when(day: dt.date, now: dt.datetime) -> str:
    today = now.date()
    if day == today:
        return "today"
    if day == today - dt.timedelta(days=1):
        return "yesterday"
    if today - dt.timedelta(days=6) <= day < today:
        return f"on {WEEKDAYS[day.weekday()].capitalize()}"
    return _date_phrase(day)


def _head(text: str) -> str:
    first = _HEAD_CUT.split(" ".join(text.split()), maxsplit=1)[0]
    words = first.split()
    return " ".join(words[:HEAD_WORDS]).strip(" ,;.")


def suggest_questions(material, *, now: dt.datetime, n: int = 4,
                      forms: tuple[tuple[str, str, str], ...] = SUGGESTION_FORMS) -> list[str]:
    """Up to `n` questions about the user's recent days, most-weighted material first,
    taking the forms in turn so the suggestions differ in kind."""
    by_form: list[list[str]] = []
    for kind, detail, form in forms:
        got = []
        for m in sorted(material, key=lambda m: -m.weight):
            if m.kind != kind or (detail and m.detail != detail):
                continue
            head = _head(m.text)
            if len(head) < 3:
                continue
            got.append(form.format(text=m.text, head=head, when=_when(m.day, now)))
        by_form.append(got)
    out: list[str] = []
    for i in range(max((len(g) for g in by_form), default=0)):
        for g in by_form:
            if i < len(g) and g[i] not in out:
                out.append(g[i])
            if len(out) == n:
                return out
    return out


# -- what an answer searched ----------------------------------------------------------------
SEARCHED_APPS = 4       # apps named in "what was searched" (the rest counted)


def searched_for(question: str, evidence, citations, *, now: dt.datetime) -> dict:
    """What answering `question` looked at, for the thread and for an honest "I don't see
    that": the time range it read (the question's own, else all of the history), the apps
    of the moments it read, how many; and the day of the moment that answered (the time a
    follow-up carries), with the speaker of a cited chat turn when the evidence says."""
    a = analyse(question, now=now)
    apps: dict[str, int] = {}
    for h in evidence:
        label = h.app or ("chat" if h.kind == "turn" else "")
        if label:
            apps[label] = apps.get(label, 0) + 1
    day = a.start.date() if a.start is not None else None
    if day is None:
        cited = set(citations)
        for h in evidence:
            if h.timestamp and set(h.sources) & cited:
                try:
                    day = parse_iso(h.timestamp, naive="keep").date()
                except ValueError:
                    continue   # an unreadable time names no day
                break
    # the moments read from inside the asked range (retrieval prefers them, not only them)
    in_range = None
    if a.start is not None and a.end is not None:
        in_range = 0
        for h in evidence:
            try:
                t = parse_iso(h.timestamp, naive="keep") if h.timestamp else None
            except ValueError:
                t = None   # an unreadable time is not inside
            in_range += t is not None and a.start <= (t if t.tzinfo else t.astimezone()) < a.end
    return {"phrase": a.time_phrase or "", "in_range": in_range,
            "start": a.start.isoformat() if a.start else "",
            "end": a.end.isoformat() if a.end else "",
            "apps": sorted(apps, key=lambda k: -apps[k]), "moments": len(evidence),
            "day": day.isoformat() if day else ""}


def describe_searched(searched: dict) -> str:
    """"Searched yesterday (16 Feb 00:00 – 17 Feb 00:00) · 12 moments read in Firefox, Slack";
    when some of what was read lies outside the range asked: "· 2 moments from then and 3
    from other times read in ..." or "· nothing seen then; 5 moments from other times ..."."""
    if searched.get("start"):
        s = parse_iso(searched["start"], naive="keep")
        e = parse_iso(searched["end"], naive="keep")
        when = f"{searched.get('phrase') or 'the time asked'} ({s:%d %b %H:%M} – {e:%d %b %H:%M})"
    else:
        when = "all of your history"
    apps = searched.get("apps") or []
    n = searched.get("moments", 0)
    where = ""
    if apps:
        named = ", ".join(apps[:SEARCHED_APPS])
        more = len(apps) - SEARCHED_APPS
        where = f" in {named}{f' and {more} more' if more > 0 else ''}"
    k = searched.get("in_range")
    if not n:
        found = "nothing close was found"
    elif k is None or k >= n:
        found = f"{n} moment{'s' * (n != 1)} read{where}"
    elif k == 0:   # what was read came from other times: say so, not "12 moments"
        found = f"nothing seen then; {n} moment{'s' * (n != 1)} from other times read{where}"
    else:
        found = f"{k} moment{'s' * (k != 1)} from then and {n - k} from other times read{where}"
    return f"Searched {when} · {found}"
