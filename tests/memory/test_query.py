import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from memory.query import analyse, resolve_relative

NOW = dt.datetime(2026, 2, 17, 20, 0).astimezone()  # a Tuesday evening


def rng(q):
    a = analyse(q, now=NOW)
    return (a.start.strftime("%m-%d %H"), a.end.strftime("%m-%d %H")) if a.start else None


def test_relative_days_and_parts():
    assert rng("what did I read yesterday afternoon") == ("02-16 12", "02-16 18")
    assert rng("what was I cooking around noon?") == ("02-17 11", "02-17 13")
    assert rng("around lunchtime") == ("02-17 11", "02-17 15")
    assert rng("this morning") == ("02-17 05", "02-17 12")
    assert rng("what time is climbing tonight") == ("02-17 18", "02-18 00")
    assert rng("today") == ("02-17 00", "02-18 00")


def test_weekdays_months_and_dates():
    assert rng("last Tuesday") == ("02-10 00", "02-11 00")
    assert rng("on Monday") == ("02-16 00", "02-17 00")
    assert rng("in January") == ("01-01 00", "02-01 00")
    assert rng("in March") == ("03-01 00", "04-01 00")  # last March: the past, not next month
    assert analyse("in March", now=NOW).start.year == 2025
    assert rng("what happened on 6 February") == ("02-06 00", "02-07 00")
    assert rng("2 days ago") == ("02-15 00", "02-16 00")


def test_topic_drops_the_time_phrase_and_plain_questions_have_no_range():
    a = analyse("What was I cooking research for around noon?", now=NOW)
    assert "noon" not in a.topic and "cooking" in a.topic
    assert analyse("How much was the Marrow Studio invoice?", now=NOW).ts_range is None


@given(st.text(max_size=200))
def test_any_text_parses_without_error(text):
    a = analyse(text, now=NOW)
    assert (a.start is None) == (a.end is None)
    if a.start:
        assert a.start < a.end


@pytest.mark.parametrize("text,start,end", [
    ("What did Gina find on 1 February, 2023?", "2023-02-01", "2023-02-02"),
    ("what happened in March, 2023", "2023-03-01", "2023-04-01"),
    ("what did I read last month", "2026-11-01", "2026-12-01"),
    ("trips last year", "2025-01-01", "2026-01-01"),
    ("photos from in 2022", "2022-01-01", "2023-01-01"),
])
def test_dates_with_a_year_and_month_or_year_ranges(text, start, end):
    now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    a = analyse(text, now=now)
    assert (a.start.date().isoformat(), a.end.date().isoformat()) == (start, end)


@pytest.mark.parametrize("line,expected", [
    ("Caroline: I went to a support group yesterday.", "7 May 2023"),
    ("Melanie: I ran a charity race last Saturday!", "Saturday, 6 May 2023"),
    ("We went camping two weekends ago", "two weekends before 8 May 2023"),
    ("Yeah, I painted that lake sunrise last year!", "2022"),
    ("Last week I gave a talk at a school", "the week before 8 May 2023"),
    ("Report due tomorrow, and yesterday was busy", "9 May 2023"),  # the first one counts
    ("Deadline for the audit report: 6 March", None),
])
def test_relative_times_in_evidence_resolve_against_when_it_was_said(line, expected):
    said = dt.datetime(2023, 5, 8, 13, 56, tzinfo=dt.UTC)  # a Monday
    assert resolve_relative(line, said) == expected


def test_locomo_questions_are_asked_the_day_after_the_last_session():
    from memory.evaluate import _asked_at

    sample = {"conversation": {"session_1_date_time": "1:56 pm on 8 May, 2023",
                               "session_2_date_time": "7:55 pm on 9 June, 2023",
                               "session_3_date_time": "not a date", "session_1": []}}
    at = _asked_at(sample)
    assert (at.year, at.month, at.day) == (2023, 6, 10)
    # "in May" then means May 2023, the month the chat went through.
    a = analyse("When did they meet in May?", now=at)
    assert a.start.date().isoformat() == "2023-05-01"
    assert _asked_at({"conversation": {}}) is None and _asked_at({}) is None


def test_a_clock_time_of_today_reads_a_window_around_it():
    assert rng("What was I reading around 14:20?") == ("02-17 14", "02-17 14")
    a = analyse("what was I doing at 3 pm", now=NOW, around_minutes=30)
    assert (a.start.strftime("%H:%M"), a.end.strftime("%H:%M")) == ("14:30", "15:30")
    assert a.time_phrase == "at 3 pm" and a.topic == "what was I doing"
    # the phrase is shown as the user wrote it ("Searched on 3 December 2026 (...)")
    assert analyse("What was the tracking number on 3 December?", now=NOW).time_phrase \
        == "on 3 December"
    assert a.centre.strftime("%H:%M") == "15:00"   # the moment asked about
    assert analyse("what was I doing this morning", now=NOW).centre is None
    assert rng("meet at 5 people") is None  # a bare number is no time
