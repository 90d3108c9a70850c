import datetime as dt

import pytest

from memory.answer import ABSTAIN, Answerer, best_lines
from memory.answer_tuning import AnswerTuning
from memory.evaluate import contains_answer, judge_locomo, judge_screen, token_f1
from memory.retrieval import Hit, Retriever
from models.fake import ScriptedLlm
from tests.conftest import import_turns


def test_a_completion_model_without_scores_leaves_the_reader_an_exact_cited_span(screens_store):
    """(Replaces the tests of the generated-answer path: a base model no longer writes the
    answer, so there is no invented text to reject. The reader's answer is a span of a line
    of the frame it cites, by construction.)"""
    fake = ScriptedLlm(["Forty-two euros, paid in cash"], capability="completion")
    a = Answerer(Retriever(screens_store), lambda: fake, store=screens_store)
    ans = a.ask("How much was the Marrow Studio invoice?")
    assert ans.tier == "reader" and not ans.abstained and "1,240" in ans.answer
    cited = [h for h in ans.evidence if set(h.sources) & set(ans.citations)]
    assert any(ans.answer in h.text for h in cited)
    assert not fake.calls  # nothing was generated


def test_the_reader_takes_the_value_asked_for_not_the_next_line(screens_store):
    a = Answerer(Retriever(screens_store), None, store=screens_store)
    ans = a.ask("What budget did Orchard Health approve?")
    assert "6,500" in ans.answer and "March" not in ans.answer


def test_a_question_whose_rare_words_are_on_no_screen_abstains(screens_store):
    strict = Answerer(Retriever(screens_store), None, tuning=AnswerTuning(min_key_coverage=0.6))
    assert strict.ask("How much was the Brackenfeather Studio invoice?").abstained
    assert not strict.ask("How much was the Marrow Studio invoice?").abstained


def test_a_raw_line_is_quoted_before_a_memory_line_that_covers_as_much():
    memory = Hit("memory", 1, "Fact: Orchard Health: seen in Calendar", None, 0.9, ["f1"])
    frame = Hit("frame", 2, "Budget approved: 6,500 EUR", None, 0.5, ["f2"])
    line, hit = best_lines("What budget did Orchard Health approve?", [memory, frame])[0]
    assert hit is frame and "6,500" in line


def test_a_when_question_is_answered_with_the_date_a_relative_word_works_out_to(tmp_path,
                                                                               open_store):
    store = open_store(encrypt=False)
    import_turns(tmp_path, store, [[
        ("Ana", "I went to a pottery workshop yesterday, so relaxing!"),
        ("Ben", "Sounds lovely.")]], sample="w", dates=["1:56 pm on 8 May, 2023"])
    fake = ScriptedLlm(["2023"], capability="completion")
    ans = Answerer(Retriever(store), lambda: fake, store=store).ask(
        "When did Ana go to the pottery workshop?")
    assert ans.answer == "7 May 2023" and ans.tier == "extractive-date"
    assert ans.citations == ["w:D1:1"] and not fake.calls  # no model guessed the date


def test_when_did_without_a_date_in_the_answer_is_when_it_was_told(tmp_path, open_store):
    """No relative word in the line and the model answers only "2023": it happened when
    the line telling of it was said. A model answer with a day or month stands."""
    store = open_store(encrypt=False)
    import_turns(tmp_path, store, [[
        ("Ana", "I signed up for a pottery class, so relaxing!"),
        ("Ben", "The kiln opens on 12 June for the pottery class.")]],
        sample="p", dates=["1:56 pm on 8 May, 2023"])
    r = Retriever(store)
    year_only = Answerer(r, lambda: ScriptedLlm(["2023"], capability="completion"))
    ans = year_only.ask("When did Ana sign up for a pottery class?")
    assert ans.answer == "8 May 2023" and ans.tier == "extractive-date"
    assert ans.citations == ["p:D1:1"]
    dated = Answerer(r, lambda: ScriptedLlm(["12 June"], capability="completion"))
    ans = dated.ask("When did Ben say the kiln opens for the pottery class?")
    # The reader quotes the line that holds the date (AnswerTuning.answer_unit = "line").
    assert "12 June" in ans.answer and ans.tier == "reader"


def test_a_question_about_what_one_person_said_is_answered_from_their_own_turns(
        tmp_path, open_store):
    store = open_store(encrypt=False)
    import_turns(tmp_path, store, [[
        ("Ben", "After the charity race I realised self-care matters."),
        ("Ana", "Ben, that is wise. My cello lessons start in June."),
        ("Ben", "Did you go to Lisbon for the holidays?"),
        ("Ana", "Yes, we flew there on 27 December.")]], sample="s", dates=["8 May 2023"])
    a = Answerer(Retriever(store), None, store=store)
    ours = a.ask("What did Ben realise after the charity race?")
    assert not ours.abstained and ours.citations == ["s:D1:1"]
    # The same question about Ana, who never ran a race: the only covering turn is Ben's.
    theirs = a.ask("What did Ana realise after the charity race?")
    assert theirs.abstained and theirs.answer == ABSTAIN
    assert not a.ask("When do Ana's cello lessons start?").abstained
    # Her reply covers the question with the question she was answering.
    trip = a.ask("Where did Ana go for the holidays?")
    assert not trip.abstained and trip.citations == ["s:D1:4"]


def test_locomo_answer_scores():
    assert token_f1("The 5 years, already", "5 years") == pytest.approx(0.8)
    assert token_f1("", "5 years") == 0.0 and token_f1("Sweden", "Sweden") == 1.0
    assert contains_answer("She moved from Sweden.", "sweden")
    assert not contains_answer("Swedenborg", "Sweden") and not contains_answer("x", "")


def test_judge_locomo_scores_answers_citations_and_abstention(screens_store):
    a = Answerer(Retriever(screens_store), None, store=screens_store)
    q = "How much was the Marrow Studio invoice?"
    cited = a.ask(q).citations[0]
    row = judge_locomo(a, q, "1,240", [cited, "frames/0999.png"], baseline=a)
    # A quoted line holds the answer among other words: contained, with a partial F1.
    assert row["contains"] and 0 < row["f1"] < 1 and row["citation_recall"] == 0.5
    assert row["baseline_contains"] == row["contains"]
    row = judge_locomo(a, "What did I eat for breakfast?", None, [])
    assert row["abstained"] and row["correct_abstention"]


@pytest.mark.model
def test_bundled_model_answers_dev_screens(screens_store, screen_questions, bundled_gguf):
    from models.factory import build_backend
    from models.settings import LlmSettings

    backend = build_backend(LlmSettings(), bundled_gguf.parent)
    try:
        a = Answerer(Retriever(screens_store), lambda: backend, store=screens_store)
        results = [(q, judge_screen(a, q, dt.datetime.fromisoformat(q["asked_at"]).astimezone()))
                   for q in screen_questions]
    finally:
        backend.close()
    answerable = [r for q, r in results if not q.get("abstain")]
    accepted = sum(r["accepted"] for r in answerable)
    assert accepted >= 0.8 * len(answerable), [(q["question"], r["answer"]) for q, r in results]
    for q, r in results:
        if q.get("abstain"):
            assert r["abstained"] and r["answer"] == ABSTAIN
        elif not r["abstained"]:
            assert r["citations"], q["question"]
    # A completion-only model no longer writes the answer: the reader picks it (its score
    # weight for the model is 0, see memory/answer_tuning.py), so no answer is generated text.
    assert all(r["tier"] in ("reader", "timeline") for r in answerable if not r["abstained"])


def test_a_locked_database_while_grounding_a_speaker_is_a_clear_error(tmp_path, open_store,
                                                                       monkeypatch):
    """The speaker lookups run outside search(): a fault there is a StoreError with its
    message, not an internal error."""
    import sqlite3

    from memory.errors import DatabaseLockedError

    store = open_store(encrypt=False)
    import_turns(tmp_path, store, [[("Ana", "I planted tomatoes."), ("Ben", "Nice.")]])
    r = Retriever(store)
    hits = r.search("What did Ana plant?", limit=5)

    def locked(*_a, **_k):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store.db, "execute", locked)
    with pytest.raises(DatabaseLockedError):
        r.named_speaker("What did Ana plant?")
    with pytest.raises(DatabaseLockedError):
        r.spoken_by(hits, "Ana")


def test_what_was_i_doing_is_answered_from_the_timeline(open_store):
    """Activity questions list the episodes of the time asked about, in order, each citing
    the moment it began; too many for a short answer, the hour summaries over them; a word
    beyond the activity ("in Zoom") keeps the episodes that mention it; an empty range
    abstains, and a question about something else takes the usual path."""
    from memory.consolidate import consolidate
    from memory.pipeline import repo_for
    from tests.conftest import add_episode

    store = open_store(encrypt=False)
    repo = repo_for(store)

    def episode(start, minutes, app, what, src):
        add_episode(repo, start, minutes, app, what, src, details="notes")

    episode("2026-02-17T08:30:00+00:00", 10, "Evolution", "Inbox", "f1")
    episode("2026-02-17T09:05:00+00:00", 25, "Chromium", "Pull request #418", "f2")
    episode("2026-02-17T14:00:00+00:00", 45, "Zoom", "Orchard Health call", "f3")
    for i in range(9):   # a busy evening: nine short sessions over three hours
        episode(f"2026-02-17T{17 + i // 3}:{10 * (i % 3) + 5:02d}:00+00:00", 5, "Konsole",
                f"build {i}", f"k{i}")
    now = dt.datetime(2026, 2, 17, 23, 0, tzinfo=dt.UTC)
    consolidate(store, now=now)
    answerer = Answerer(Retriever(store), None)

    morning = answerer.ask("What was I doing this morning?", now=now)
    assert morning.tier == "timeline" and not morning.abstained
    assert morning.answer.splitlines() == [
        "08:30–08:40 Evolution: Inbox — notes", "09:05–09:30 Chromium: Pull request #418 — notes"]
    assert morning.citations == ["f1", "f2"]

    evening = answerer.ask("what did I work on this evening?", now=now)
    assert evening.answer.splitlines() == [
        "17:00–18:00: Konsole (build 0 …) 15 min", "18:00–19:00: Konsole (build 3 …) 15 min",
        "19:00–20:00: Konsole (build 6 …) 15 min"]

    # "around 18:12" (17:57-18:27): the episodes nearest that moment, at most
    # AnswerTuning.around_episodes, in order, each citing its own frame
    near = answerer.ask("What was I doing around 18:12?", now=now)
    assert near.tier == "timeline"
    assert [l.split(" — ")[0] for l in near.answer.splitlines()] == [
        "18:05–18:10 Konsole: build 3", "18:15–18:20 Konsole: build 4",
        "18:25–18:30 Konsole: build 5"]
    assert near.citations == ["k3", "k4", "k5"]
    two = Answerer(Retriever(store), None, tuning=AnswerTuning(around_episodes=2))
    assert two.ask("What was I doing around 18:12?", now=now).citations == ["k3", "k4"]

    zoom = answerer.ask("What was I doing in Zoom today?", now=now)
    assert zoom.answer.startswith("14:00–14:45 Zoom: Orchard Health call") and zoom.citations == ["f3"]

    empty = answerer.ask("What was I doing yesterday afternoon?", now=now)
    assert empty.abstained and "yesterday afternoon" in empty.answer and not empty.citations
    # Not an activity question, or about something no episode mentions: the usual path.
    assert answerer.ask("What was the pull request number this morning?", now=now).tier != "timeline"
    assert answerer.ask("What was I doing with the invoice today?", now=now).tier != "timeline"
