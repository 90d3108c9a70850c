"""Query analysis: a time range resolved against `now`, and the topic words left over.

Handles the expressions people use when asking about their own day: "today",
"yesterday (morning|afternoon|evening)", "this morning", "tonight", "around lunchtime",
"around noon", "last week", "last Tuesday", "on Monday", "in March", "on 6 March",
"1 February, 2023", "last/this month", "last/this year", "in 2022", "N days/hours ago",
"around 14:20" / "at 3 pm" (a window of `around_minutes` either side).
Anything not understood leaves the range open: retrieval then searches all time, so a
misparse can only widen, never hide, results.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from memory.text import MONTH_RE as _MONTH_RE
from memory.text import MONTHS, WEEKDAYS, month_index  # noqa: F401  (MONTHS: importers of memory.query)
from memory.timefmt import parse_iso

PARTS = {"morning": (5, 12), "afternoon": (12, 18), "evening": (17, 23), "night": (18, 24),
         "lunchtime": (11, 15), "lunch": (11, 15), "noon": (11, 13)}


@dataclass(frozen=True)
class QueryAnalysis:
    text: str
    topic: str
    start: dt.datetime | None
    end: dt.datetime | None
    time_phrase: str | None
    centre: dt.datetime | None = None   # "around 14:20": the moment asked about

    @property
    def ts_range(self) -> tuple[float, float] | None:
        if self.start is None or self.end is None:
            return None
        return self.start.timestamp(), self.end.timestamp()


def _day(d: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    s = d.replace(hour=0, minute=0, second=0, microsecond=0)
    return s, s + dt.timedelta(days=1)


def _part(day_start: dt.datetime, part: str) -> tuple[dt.datetime, dt.datetime]:
    a, b = PARTS[part]
    return day_start + dt.timedelta(hours=a), day_start + dt.timedelta(hours=b)


def _weekday_before(day: dt.datetime, name: str) -> dt.datetime:
    """The last `name`d weekday before `day` (a week back when `day` is one)."""
    return day - dt.timedelta(days=(day.weekday() - WEEKDAYS.index(name)) % 7 or 7)


def _month_after(first: dt.datetime) -> dt.datetime:
    """The first of the month after `first` (itself a first of a month)."""
    return first.replace(year=first.year + (first.month == 12), month=first.month % 12 + 1)


def analyse(text: str, *, now: dt.datetime, around_minutes: int = 15) -> QueryAnalysis:
    """Find one time expression in `text`; `now` must be timezone-aware. A clock time of
    today ("around 14:20", "at 3 pm") reads `around_minutes` either side of it."""
    q = text.lower()
    today, _ = _day(now)
    rng: tuple[dt.datetime, dt.datetime] | None = None
    phrase = None
    point: dt.datetime | None = None

    def hit(m: re.Match, r: tuple[dt.datetime, dt.datetime]) -> None:
        nonlocal rng, phrase
        if rng is None:   # the phrase as the user wrote it ("3 December"), not lowered
            rng = r
            phrase = text[m.start():m.end()] if len(q) == len(text) else m.group(0)

    parts = "|".join(PARTS)
    if m := re.search(rf"\byesterday(?:\s+({parts}))?\b", q):
        d = today - dt.timedelta(days=1)
        hit(m, _part(d, m.group(1)) if m.group(1) else (d, today))
    if m := re.search(rf"\b(?:this|today'?s?)\s+({parts})\b|\btonight\b", q):
        hit(m, _part(today, m.group(1) or "night"))
    if m := re.search(r"\btoday\b", q):
        hit(m, (today, today + dt.timedelta(days=1)))
    if m := re.search(rf"\b(?:around|at|during|over)\s+({parts})\b", q):
        hit(m, _part(today, m.group(1)))
    if m := re.search(r"\b(?:around|at|about|near)\s+(\d{1,2})(?:[:.](\d{2}))?\s*([ap])?\.?m?\b", q):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if m.group(3) == "p" and hour < 12:
            hour += 12
        elif m.group(3) == "a" and hour == 12:
            hour = 0
        if (m.group(2) or m.group(3)) and hour < 24 and minute < 60:
            centre = today + dt.timedelta(hours=hour, minutes=minute)
            half = dt.timedelta(minutes=around_minutes)
            if rng is None:
                point = centre
            hit(m, (centre - half, centre + half))
    if m := re.search(r"\b(\d+)\s+(day|hour|week)s?\s+ago\b", q):
        n, unit = int(m.group(1)), m.group(2)
        try:
            delta = {"day": dt.timedelta(days=n), "hour": dt.timedelta(hours=n),
                     "week": dt.timedelta(weeks=n)}[unit]
            centre = now - delta
            hit(m, _day(centre) if unit != "hour" else (centre - dt.timedelta(hours=1),
                                                        centre + dt.timedelta(hours=1)))
        except OverflowError:
            pass  # before the start of the calendar: leave the range open
    if m := re.search(r"\blast\s+week\b", q):
        start = today - dt.timedelta(days=today.weekday() + 7)
        hit(m, (start, start + dt.timedelta(days=7)))
    if m := re.search(r"\bthis\s+week\b", q):
        start = today - dt.timedelta(days=today.weekday())
        hit(m, (start, now))
    if m := re.search(rf"\b(last|on|this)\s+({'|'.join(WEEKDAYS)})\b", q):
        d = _weekday_before(today, m.group(2))
        hit(m, (d, d + dt.timedelta(days=1)))
    if m := re.search(rf"\b(?:on\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\b(?:,?\s+(\d{{4}}))?"
                      rf"|\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", q):
        day = int(m.group(1) or m.group(5))
        month = month_index(m.group(2) or m.group(4))
        year = int(m.group(3) or m.group(6) or now.year)
        try:
            d = now.replace(year=year, month=month, day=day, hour=0, minute=0, second=0,
                            microsecond=0)
            if not (m.group(3) or m.group(6)) and d > now:
                d = d.replace(year=year - 1)
            hit(m, (d, d + dt.timedelta(days=1)))
        except ValueError:
            pass
    if m := re.search(rf"\bin\s+({_MONTH_RE})\b(?:,?\s+(\d{{4}}))?", q):
        month = month_index(m.group(1))
        year = int(m.group(2)) if m.group(2) else (now.year if month <= now.month else now.year - 1)
        s = now.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
        hit(m, (s, _month_after(s)))
    if m := re.search(r"\b(last|this)\s+month\b", q):
        s = today.replace(day=1)
        if m.group(1) == "last":
            s = (s - dt.timedelta(days=1)).replace(day=1)
        e = _month_after(s)
        hit(m, (s, min(e, now) if m.group(1) == "this" else e))
    if m := re.search(r"\b(?:(last|this)\s+year|in\s+((?:19|20)\d\d))\b", q):
        year = int(m.group(2)) if m.group(2) else now.year - (m.group(1) == "last")
        s = today.replace(year=year, month=1, day=1)
        hit(m, (s, s.replace(year=year + 1)))
    topic = text
    if phrase:
        topic = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
        topic = " ".join(topic.split())
    return QueryAnalysis(text=text, topic=topic or text, start=rng[0] if rng else None,
                         end=rng[1] if rng else None, time_phrase=phrase, centre=point)


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT = rf"(\d+|{'|'.join(_NUMBERS)})"


def _date(d: dt.datetime) -> str:
    return f"{d.day} {d:%B %Y}"


def day_of(timestamp: str) -> str:
    """'2023-05-08T13:56:00+00:00' -> '8 May 2023' (the text itself if it is no time)."""
    try:
        return _date(parse_iso(timestamp, naive="keep"))
    except ValueError:
        return timestamp


def resolve_relative(text: str, at: dt.datetime) -> str | None:
    """When something a line tells of happened, from a relative expression in it and the
    time the line was written or seen: "I went yesterday" said on 8 May 2023 -> "7 May
    2023"; "last week" -> "the week before 9 June 2023"; "last year" -> "2022". None when
    the line holds no such expression (the first one in the line counts)."""
    q = text.lower()
    found: list[tuple[int, str]] = []

    def add(m: re.Match | None, answer: str) -> None:
        if m:
            found.append((m.start(), answer))

    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    add(re.search(r"\b(yesterday|last night)\b", q), _date(day - dt.timedelta(days=1)))
    add(re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", q), _date(day))
    add(re.search(r"\btomorrow\b", q), _date(day + dt.timedelta(days=1)))
    add(re.search(r"\b(last|this past) week\b", q), f"the week before {_date(day)}")
    add(re.search(r"\b(last|this past) weekend\b", q), f"the weekend before {_date(day)}")
    add(re.search(r"\bnext week\b", q), f"the week after {_date(day)}")
    add(re.search(r"\bnext month\b", q),
        f"{(day.replace(day=1) + dt.timedelta(days=32)):%B %Y}")
    add(re.search(r"\blast month\b", q), f"{(day.replace(day=1) - dt.timedelta(days=1)):%B %Y}")
    add(re.search(r"\blast year\b", q), str(day.year - 1))
    add(re.search(r"\bnext year\b", q), str(day.year + 1))
    if m := re.search(rf"\b(last|this past) ({'|'.join(WEEKDAYS)})\b", q):
        add(m, f"{m.group(2).capitalize()}, {_date(_weekday_before(day, m.group(2)))}")
    if m := re.search(rf"\b{_COUNT} (day|week|weekend|month|year)s? ago\b", q):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1)]
        unit = m.group(2)
        if unit == "day":
            add(m, _date(day - dt.timedelta(days=n)))
        elif unit == "year":
            add(m, str(day.year - n))
        else:
            add(m, f"{m.group(1)} {unit}{'s' if n > 1 else ''} before {_date(day)}")
    return min(found)[1] if found else None
