"""Follow-ups carry the last turn's subject and time (memory/followup.py), no Qt."""

from __future__ import annotations

import datetime as dt

import pytest

from memory.followup import FOLLOWUP_RULES, LastTurn, carry, person_of, subject_of
from memory.query import analyse

NOW = dt.datetime(2026, 2, 17, 20, 0).astimezone()
INVOICE = "How much was the Marrow Studio invoice yesterday?"


def test_the_day_before_moves_the_last_turns_day_and_keeps_its_subject():
    last = LastTurn(INVOICE, day=dt.date(2026, 2, 16))
    got = carry("and the day before?", last, now=NOW)
    assert got.rule == "day_before"
    assert got.question == "How much was the Marrow Studio invoice on 15 February 2026?"
    a = analyse(got.question, now=NOW)
    assert a.start.date() == dt.date(2026, 2, 15) and a.end.date() == dt.date(2026, 2, 16)
    nxt = carry("What about the next day?", last, now=NOW)
    assert nxt.rule == "next_day" and "17 February 2026" in nxt.question


def test_the_day_before_without_a_known_day_is_asked_as_it_is():
    got = carry("and the day before?", LastTurn(INVOICE.replace(" yesterday", "")), now=NOW)
    assert not got.rewritten and got.question == "and the day before?"


def test_a_new_time_keeps_the_subject():
    got = carry("and on Monday?", LastTurn(INVOICE, day=dt.date(2026, 2, 16)), now=NOW)
    assert got.rule == "new_time"
    assert got.question == "How much was the Marrow Studio invoice on Monday?"   # as typed
    assert analyse(got.question, now=NOW).start.date() == dt.date(2026, 2, 16)


def test_a_new_subject_keeps_the_question_and_its_time():
    got = carry("what about the Orchard Health invoice?", LastTurn(INVOICE), now=NOW)
    assert got.rule == "new_subject"
    assert got.question == "How much was the Orchard Health invoice yesterday?"


def test_pronouns_name_the_last_person_and_subject():
    last = LastTurn("What did Ana say about the parcel?", person="")
    got = carry("what did she say about it?", last, now=NOW)
    assert got.rule == "pronouns"
    assert got.question == "what did Ana say about the parcel?"
    # the person who answered (a chat turn's speaker) wins over a name in the question
    got = carry("and what did he think of it?",
                LastTurn("When is the dentist appointment?", person="Ben"), now=NOW)
    assert got.question == "and what did Ben think of the dentist appointment?"


def test_a_question_that_stands_alone_is_not_touched():
    q = "What budget did Orchard Health approve?"
    assert carry(q, LastTurn(INVOICE, day=dt.date(2026, 2, 16)), now=NOW) == carry(q, None,
                                                                                   now=NOW)
    assert not carry(q, LastTurn(INVOICE), now=NOW).rewritten


@pytest.mark.parametrize("question, subject", [
    (INVOICE, "the Marrow Studio invoice"),
    ("What did Ana say about the race?", "the race"),
    ("When is the dentist appointment?", "the dentist appointment"),
])
def test_subject_of(question, subject):
    assert subject_of(question, now=NOW) == subject


def test_person_of_skips_months_days_and_the_first_word():
    assert person_of("What did Ana tell Ben on Monday?") == "Ana"
    assert person_of("When in March was it?") == ""


def test_rules_are_named_and_ordered():
    names = [r.name for r in FOLLOWUP_RULES]
    assert len(names) == len(set(names))
    assert names.index("day_before") < names.index("new_time") < names.index("pronouns")


def test_suggestions_come_from_the_material_one_kind_at_a_time():
    from memory.followup import suggest_questions
    from memory.store.threads import Material

    mats = [Material("app", "Firefox", dt.date(2026, 2, 16), 40.0),
            Material("app", "Terminal", dt.date(2026, 2, 17), 12.0),
            Material("title", "Invoice 2024-117 — Marrow Studio - Mozilla Firefox",
                     dt.date(2026, 2, 16), 9.0, "Firefox"),
            Material("memory", "Marrow Studio: design agency, invoices monthly",
                     dt.date(2026, 2, 13), 0.8, "semantic")]
    got = suggest_questions(mats, now=NOW, n=4)
    assert got == ["What was I doing in Firefox yesterday?",
                   "What do I know about Marrow Studio?",
                   "What did I see in “Invoice 2024-117”?",
                   "What was I doing in Terminal today?"]
    assert analyse(got[0], now=NOW).start.date() == dt.date(2026, 2, 16)
    assert suggest_questions([], now=NOW) == []


def test_searched_names_the_range_the_apps_and_the_answering_day():
    from memory.followup import describe_searched, searched_for
    from memory.retrieval import Hit

    hits = [Hit("frame", 1, "Invoice total 1,240", "2026-02-16T09:30:00+00:00", 1.0,
                ["frame:1"], app="Firefox"),
            Hit("turn", 2, "Ana: paid it", "2026-02-15T10:00:00+00:00", 0.5, ["c:D1:1"]),
            Hit("frame", 3, "Invoice draft", "2026-02-14T10:00:00+00:00", 0.4, ["frame:3"],
                app="Firefox")]
    s = searched_for("How much was the invoice yesterday?", hits, [], now=NOW)
    assert s["phrase"] == "yesterday" and s["day"] == "2026-02-16"
    assert s["apps"] == ["Firefox", "chat"] and s["moments"] == 3
    text = describe_searched(s)
    assert text.startswith("Searched yesterday (16 Feb 00:00 – 17 Feb 00:00)")
    # retrieval prefers the asked day but reads others too: the line says which is which
    assert "1 moment from then and 2 from other times read in Firefox, chat" in text
    s = searched_for("How much was the invoice on 10 February?", hits, [], now=NOW)
    assert "nothing seen then; 3 moments from other times read in" in describe_searched(s)
    s = searched_for("How much was the invoice in February?", hits, [], now=NOW)
    assert "· 3 moments read in Firefox, chat" in describe_searched(s)
    # no time in the question: all of the history; the day is the cited moment's
    s = searched_for("How much was the invoice?", hits, ["c:D1:1"], now=NOW)
    assert s["day"] == "2026-02-15" and s["start"] == ""
    assert describe_searched(s).startswith("Searched all of your history · 3 moments")
    assert "nothing close was found" in describe_searched(
        searched_for("What is the tracking number?", [], [], now=NOW))
