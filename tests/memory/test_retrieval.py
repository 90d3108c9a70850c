import datetime as dt
import itertools

import pytest

from memory.retrieval import Retriever, distinct_sources, rrf
from memory.retrieval_tuning import RetrievalTuning
from tests.conftest import import_turns


def test_hybrid_search_finds_the_evidence_frame(screens_store, screen_questions):
    r = Retriever(screens_store)
    for q in screen_questions:
        if q.get("abstain"):
            continue
        now = dt.datetime.fromisoformat(q["asked_at"]).astimezone()
        hits = r.search(q["question"], limit=5, now=now)
        assert set(distinct_sources(hits)) & set(q["evidence"]), q["question"]


def test_hits_carry_every_merged_source_and_no_near_duplicates(screens_store):
    hits = Retriever(screens_store).search("Orchard Health budget approved", limit=10)
    top = hits[0]
    assert top.kind == "frame"
    assert {"frames/0018.png", "frames/0022.png"} <= set(top.sources)
    texts = [" ".join(h.text.split()) for h in hits]
    assert len(texts) == len(set(texts))


def test_time_range_focuses_results(screens_store):
    r = Retriever(screens_store)
    now = dt.datetime(2026, 2, 17, 20, 0).astimezone()
    hits = r.search("what was I reading around noon", limit=3, now=now)
    assert hits and "T11:" <= hits[0].timestamp[10:14] <= "T13:"


def test_baselines_are_available(screens_store):
    r = Retriever(screens_store)
    assert r.search("lentils simmer", limit=3, mode="bm25")[0].sources
    assert r.search("lentils simmer", limit=3, mode="vector")[0].sources


def test_rrf_prefers_items_ranked_high_by_both():
    fused = rrf([([(1, 9.0), (2, 8.0), (3, 1.0)], 1.0), ([(3, 0.9), (1, 0.8)], 1.0)], 60)
    assert max(fused, key=fused.get) == 1
    assert fused[3] > fused[2]


@pytest.mark.parametrize("path", ["compared directly", "chroma id search", "filter fallback"])
def test_vector_search_in_a_time_window_returns_only_that_window(open_store, monkeypatch,
                                                                  caplog, path):
    import memory.store.vectors as vectors
    from memory.store.docs import NewDoc

    store = open_store(encrypt=False)
    day = 86_400.0
    texts = ["quarterly budget review with Orchard Health", "budget spreadsheet for the trip",
             "lentil soup recipe", "deploy the tokenizer service", "budget meeting notes"]
    docs = [NewDoc("turn", i, t, None, 1_000_000.0 + i * day, "", [f"s{i}"])
            for i, t in enumerate(texts * 4)]           # 20 docs, one a day
    store.docs.add(docs)
    store.docs.embed_pending()
    if path == "chroma id search":
        monkeypatch.setattr(vectors, "COMPARE_DIRECTLY", 0)
    if path == "filter fallback":                       # a doc the index never got
        monkeypatch.setattr(vectors, "COMPARE_DIRECTLY", 0)
        store.docs.add([NewDoc("turn", 99, "budget ghost", None, 1_000_000.0 + 3 * day, "",
                               ["ghost"])])
        store.db.execute("UPDATE docs SET embedded = 1 WHERE ref_id = 99")
    window = (1_000_000.0 + 2 * day, 1_000_000.0 + 9 * day)
    hits = store.docs.vector("budget review", k=5, ts_range=window)
    inside = {r[0] for r in store.db.execute(
        "SELECT id FROM docs WHERE ts_epoch BETWEEN ? AND ?", list(window))}
    assert hits and {i for i, _ in hits} <= inside
    best_text = store.db.execute("SELECT text FROM docs WHERE id = ?", [hits[0][0]]).fetchone()[0]
    assert "budget" in best_text
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    unfiltered = dict(store.docs.vector("budget review", k=50))
    for i, s in hits:   # the same cosine similarity whichever path computed it
        assert abs(unfiltered[i] - s) < 1e-3
    assert ("filtering instead" in caplog.text) == (path == "filter fallback")


WORDS = ("budget invoice lentil tokenizer deploy garden museum pottery camping violin "
         "adoption mentor parade sunrise horse library dentist flight ticket festival").split()


def _many_turns(store, n=240, seed=3):
    import random

    from memory.store.docs import NewDoc

    rng = random.Random(seed)
    docs = [NewDoc("turn", i, " ".join(rng.sample(WORDS, 4)), None, 1_000_000.0 + i * 60,
                   "chat", [f"c:D{i // 20 + 1}:{i % 20 + 1}"]) for i in range(n)]
    store.docs.add(docs)
    store.docs.embed_pending()
    return docs


def test_fusion_does_not_depend_on_how_many_hits_are_asked_for(open_store):
    # It did: the candidate lists were limit*3 deep, and deeper lists fused differently
    # (weak matches found in both lists overtook strong ones found in one), so `eval`
    # (limit 30) ranked its first ten unlike `search` (limit 10).
    store = open_store(encrypt=False)
    _many_turns(store)
    r = Retriever(store)
    queries = [" ".join(c) for n in (2, 3) for c in itertools.combinations(WORDS[:7], n)]
    for q in queries:
        ten = [h.id for h in r.search(q, limit=10)]
        assert [h.id for h in r.search(q, limit=30)][:10] == ten, q


def test_a_session_memory_cites_only_its_moments_that_match(open_store):
    from memory.store.docs import NewDoc

    store = open_store(encrypt=False)
    turns = _many_turns(store)
    session = [s for d in turns[:20] for s in d.sources]   # every turn of session 1
    store.docs.add([NewDoc("memory", 1, f"a session: {turns[13].text}, {turns[2].text}", None,
                           1_000_000.0, "chat", session)])
    store.docs.embed_pending()
    q = turns[13].text                                       # one turn of that session
    hits = Retriever(store).search(q, limit=10)
    mem = next(h for h in hits if h.kind == "memory")
    assert 1 <= len(mem.sources) <= RetrievalTuning().max_cited
    assert mem.sources[0] == turns[13].sources[0]           # the matching moment first
    assert set(mem.sources) <= set(session)
    other = Retriever(store).search("xylophone quartz", limit=10, mode="vector")
    mem = next((h for h in other if h.kind == "memory"), None)
    if mem is not None:                                      # nothing of it ranked: its first
        assert mem.sources == session[:1]


def test_time_window_ids_come_from_a_covering_index(open_store):
    store = open_store(encrypt=False)
    _many_turns(store, n=40)
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        store.docs.vector("budget", k=5, ts_range=(1_000_000.0, 1_000_600.0), kinds=["turn"])
    finally:
        store.db.conn.set_trace_callback(None)
    sql = next(s for s in seen if "ts_epoch BETWEEN" in s and s.lstrip().startswith("SELECT id"))
    plan = " ".join(str(r) for r in store.db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
    assert "COVERING INDEX idx_docs_ts_epoch_embedded_kind" in plan, plan


def test_the_reply_to_a_matching_question_is_found(tmp_path, open_store):
    import json

    from memory.chat_import import import_chat

    chat = [{"sample_id": "t", "qa": [], "conversation": {
        "speaker_a": "Ana", "speaker_b": "Ben",
        "session_1_date_time": "1:00 pm on 8 May, 2023",
        "session_1": [
            {"speaker": "Ana", "dia_id": "D1:1", "text": "What a lovely wedding photo! How long "
                                                         "have you been married?"},
            {"speaker": "Ben", "dia_id": "D1:2", "text": "Five years already, time flies!"},
            {"speaker": "Ana", "dia_id": "D1:3", "text": "Did you keep the dress?"},
            {"speaker": "Ben", "dia_id": "D1:4", "text": "It hangs in the attic."}]
        + [{"speaker": "Ana" if i % 2 else "Ben", "dia_id": f"D1:{i}",
            "text": f"Filler line {i} about gardens, trains and soup."} for i in range(5, 40)]}}]
    path = tmp_path / "chat.json"
    path.write_text(json.dumps(chat))
    store = open_store(encrypt=False)
    import_chat(path, store=store)
    ids = {r[1]: r[0] for r in store.db.execute(
        "SELECT docs.id, turns.dia_id FROM docs JOIN turns ON turns.id = docs.ref_id "
        "WHERE docs.kind = 'turn'")}
    # Question turns lead to their replies; a statement leads nowhere.
    assert store.turns.replies([ids["D1:1"], ids["D1:2"], ids["D1:3"]]) == {
        ids["D1:1"]: ids["D1:2"], ids["D1:3"]: ids["D1:4"]}

    def score_of_reply(share):
        hits = Retriever(store, tuning=RetrievalTuning(reply_share=share)).search(
            "How long has Ben been married?", limit=10)
        return next(h.score for h in hits if h.sources == ["t:D1:2"]), hits

    without, _ = score_of_reply(0.0)
    with_, hits = score_of_reply(0.5)
    assert with_ > without
    assert "t:D1:2" in distinct_sources(hits, 2)


def test_a_named_speakers_own_turns_count_double(tmp_path, open_store):
    import json

    from memory.chat_import import import_chat

    turns = [("Ana", "Ben, I planted tomatoes in the garden today."),
             ("Ben", "Lovely! I planted roses in the garden last week."),
             ("Ana", "Did you water them?"), ("Ben", "Every evening.")]
    chat = [{"sample_id": "g", "qa": [], "conversation": {
        "speaker_a": "Ana", "speaker_b": "Ben", "session_1_date_time": "8 May 2023",
        "session_1": [{"speaker": s, "dia_id": f"D1:{i}", "text": t}
                      for i, (s, t) in enumerate(turns, 1)]}}]
    path = tmp_path / "chat.json"
    path.write_text(json.dumps(chat))
    store = open_store(encrypt=False)
    import_chat(path, store=store)

    def scores(query, boost):
        r = Retriever(store, tuning=RetrievalTuning(speaker_boost=boost))
        return {h.sources[0]: h.score for h in r.search(query, limit=10)}

    plain, boosted = (scores("What did Ben plant in the garden?", b) for b in (1.0, 2.0))
    assert boosted["g:D1:2"] == pytest.approx(2 * plain["g:D1:2"])   # Ben's turn
    assert boosted["g:D1:1"] == pytest.approx(plain["g:D1:1"])       # Ana's, naming Ben
    # Two speakers named together, or none: nothing is weighed.
    both = "What did Ana and Ben plant in the garden?"
    assert scores(both, 2.0) == pytest.approx(scores(both, 1.0))
    # Two named, one the subject of the question: that one's turns weigh.
    about = "What did Ben say about Ana's tomatoes in the garden?"
    plain, boosted = (scores(about, b) for b in (1.0, 2.0))
    assert boosted["g:D1:2"] == pytest.approx(2 * plain["g:D1:2"])
    assert boosted["g:D1:1"] == pytest.approx(plain["g:D1:1"])
    subject = Retriever(store).named_speaker
    assert subject("According to Ana, what did Ben plant?") == "Ana"
    assert subject("What does Ana tell Ben about roses?") == "Ana"
    assert subject("Ben, what did Ana plant?") is None   # spoken to, not about
    assert subject("Did Ben or Ana plant roses?") is None
    assert subject("What did Ana's friend tell Ben?") is None
    assert subject("What did the gardener tell Ana about Ben?") is None


def test_an_answer_is_found_by_the_words_of_the_turn_before_it(tmp_path, open_store):
    """Ana asks about the kayak trip; Ben's answer names neither kayak nor trip. Ranked by
    their own words (the plain BM25 baseline) the answer is not found at all; with its
    context (the question before it) it is, below the question that holds the words."""
    filler = [("Ana" if i % 2 else "Ben", f"Filler line {i} about gardens, trains and soup.")
              for i in range(40)]
    store = open_store(encrypt=False)
    import_turns(tmp_path, store, [[("Ana", "Tell me about the kayak trip on the fjord!"),
                                     ("Ben", "Freezing water, but we saw three seals."),
                                     ("Ana", "Wow, seals up close.")], filler])
    ids = {r[1]: r[0] for r in store.db.execute(
        "SELECT docs.id, turns.dia_id FROM docs JOIN turns ON turns.id = docs.ref_id")}
    plain = [i for i, _ in store.docs.fts("kayak fjord trip", k=10, context=False)]
    ranked = [i for i, _ in store.docs.fts("kayak fjord trip", k=10)]
    assert ids["D1:2"] not in plain
    assert ranked[0] == ids["D1:1"] and ids["D1:2"] in ranked
    # Context never crosses a session: the first filler turn is not the third turn's
    # neighbour.
    row = store.db.execute("SELECT context FROM docs WHERE id = ?", [ids["D1:3"]]).fetchone()
    assert row[0] == "Ben: Freezing water, but we saw three seals."
    assert ids["D2:1"] not in ranked


def test_a_continued_session_gives_its_last_turn_a_new_neighbour(tmp_path, open_store):
    store = open_store(encrypt=False)
    first = [("Ana", "Did the parcel come?"), ("Ben", "Not yet.")]
    import_turns(tmp_path, store, [first])
    store.docs.embed_pending()
    r = import_turns(tmp_path, store, [first + [("Ana", "The courier says Thursday.")]])
    assert r.turns == 1 and r.already == 2
    row = store.db.execute(
        "SELECT docs.id, docs.context, docs.embedded, docs.embed_text FROM docs JOIN turns "
        "ON turns.id = docs.ref_id WHERE turns.dia_id = 'D1:2'").fetchone()
    assert row[1] == "Ana: Did the parcel come?\nAna: The courier says Thursday."
    assert row[3].endswith("Ana: The courier says Thursday.") and row[2] == 1
    top = store.docs.vector(row[3], k=1)[0]   # re-embedded from its new text
    assert top[0] == row[0] and top[1] > 0.99
    hits = dict(store.docs.fts("courier", k=5))
    plain = dict(store.docs.fts("courier", k=5, context=False))
    assert len(hits) == 2 and len(plain) == 1  # the new turn and the turn before it
    # Deleting a doc takes its context out of the index too (the trigger).
    doc_id = next(iter(set(hits) - set(plain)))
    store.docs.delete([doc_id])
    assert doc_id not in dict(store.docs.fts("courier", k=5))


def test_migration_gives_existing_turns_their_context(tmp_path):
    import sqlite_utils

    from memory.store.migrations import MIGRATIONS

    db = sqlite_utils.Database(tmp_path / "old.db")
    MIGRATIONS.apply(db, stop_before="m005_docs_context")
    for j, (who, text) in enumerate([("Ana", "How was the concert?"), ("Ben", "Loud and long."),
                                     ("Ana", "Next one?")], 1):
        session = 1 if j < 3 else 2
        db["turns"].insert({"id": j, "source": f"c:D{session}:{j}", "sample_id": "c",
                            "dia_id": f"D{session}:{j}", "session": session, "speaker": who,
                            "text": text})
        db["docs"].insert({"kind": "turn", "ref_id": j, "text": f"{who}: {text}",
                           "embedded": 1, "sources": "[]"})
    db["docs"].insert({"kind": "frame", "ref_id": 1, "text": "concert tickets",
                       "embedded": 1, "sources": "[]"})
    MIGRATIONS.apply(db)
    rows = list(db.query("SELECT context, embedded, embed_text FROM docs ORDER BY id"))
    assert rows[0]["context"] == "Ben: Loud and long."
    assert rows[1]["context"] == "Ana: How was the concert?"
    assert rows[2]["context"] == ""  # alone in its session
    assert rows[1]["embed_text"] == "Ana: How was the concert?\nBen: Loud and long."
    assert [r["embedded"] for r in rows] == [0, 0, 0, 1]  # turns re-embed, frames stay
    found = {r[0] for r in db.execute(
        "SELECT rowid FROM docs_context_fts WHERE docs_context_fts MATCH 'concert'")}
    assert found == {2}
    db.execute("INSERT INTO docs_context_fts(docs_context_fts) VALUES('integrity-check')")


def test_a_speaker_is_known_by_the_start_of_their_name(tmp_path, open_store):
    """People shorten names ("Mel" for Melanie): a capitalised word that begins exactly one
    speaker's name names that speaker; one that fits two, opens the question or names a
    month or day ("May" is not Maya) does not."""
    store = open_store(encrypt=False)
    import_turns(tmp_path, store, [[("Melanie", "We painted the fence."),
                                     ("Caroline", "Mel, it looks great!"),
                                     ("Carolyn", "Agreed."), ("Maya", "Me too.")]])
    named = Retriever(store).named_speaker
    assert named("What did Mel paint?") == "Melanie"
    assert named("How long have Mel and her husband been married?") == "Melanie"
    assert named("What did Mel say about Melanie's fence?") == "Melanie"  # one person
    assert named("What did Carol paint?") is None        # Caroline or Carolyn
    assert named("Mel, what was painted?") is None       # opens the question
    assert named("What was painted in May?") is None     # a month, not Maya
    assert named("What did Melanie tell Caro about Carolyn?") == "Melanie"


def test_feedback_terms_from_the_top_hits_find_a_line_without_the_querys_words(
        tmp_path, open_store):
    """Pseudo-relevance feedback: the best hits' rarest frequent words ("celadon", "glaze")
    are searched too, so a turn that says only those is lifted; the query's own words,
    stop words and words too common to set anything apart are never added."""
    filler = [("Ana" if i % 2 else "Ben", f"Line {i}: trains, soup and the weather again.")
              for i in range(30)]
    store = open_store(encrypt=False)
    import_turns(tmp_path, store, [
        [("Ana", "To destress I throw pots: the kiln and the celadon glaze calm me."),
         ("Ben", "Sounds calming.")],
        filler,
        [("Ana", "Fired the kiln again, the celadon glaze came out perfect."),
         ("Ben", "Show me!")]])
    r = Retriever(store)
    top = {i: 1.0 for i, _ in store.docs.fts("ways to destress", k=1)}
    terms = r._feedback_terms("ways to destress", top).split()
    assert {"celadon", "glaze"} <= set(terms) and len(terms) == r.tuning.feedback_terms
    assert not {"destress", "the", "and"} & set(terms)

    def score(weight):
        hits = Retriever(store, tuning=RetrievalTuning(feedback_weight=weight)).search(
            "ways to destress", limit=40)
        return next(h.score for h in hits if h.sources == ["c:D3:1"])

    assert score(0.5) > score(0.0)
    # The plain BM25 baseline has no feedback: the line shares no word with the query.
    base = Retriever(store).search("ways to destress", limit=40, mode="bm25")
    assert "c:D3:1" not in distinct_sources(base)
    # A word in `feedback_df_cap` docs or more is too common to add.
    capped = Retriever(store, tuning=RetrievalTuning(feedback_df_cap=2))
    assert "glaze" not in capped._feedback_terms("ways to destress", top).split()


def test_retrieval_tuning_comes_from_the_memory_settings():
    from memory.settings import MemorySettings

    assert MemorySettings().retrieval_tuning == RetrievalTuning()
    s = MemorySettings(rrf_k=7, candidates=30, retrieval={"reply_share": 0.25})
    assert s.retrieval_tuning == RetrievalTuning(rrf_k=7, candidates=30, reply_share=0.25)
    for bad in ({"no_such_weight": 1.0}, {"max_cited": 0}, {"speaker_boost": -1.0},
                {"fade_floor": 2.0}, {"feedback_terms": 2.5}, {"rrf_k": 5}):
        with pytest.raises(ValueError, match="retrieval|RetrievalTuning"):
            MemorySettings(retrieval=bad)


def test_the_retriever_uses_the_tuning_it_is_handed(open_store, tmp_path):
    """Fusion depth and the RRF constant come from the tuning: a constant of 1 spreads the
    fused scores of the same ranking wider than one of 60."""
    store = open_store(encrypt=False)
    import_turns(tmp_path, store, [[("Ana", "The kiln and the celadon glaze."),
                                    ("Ben", "Celadon again? Lovely glaze."),
                                    ("Ana", "Trains and soup.")]])
    sharp, flat = (Retriever(store, tuning=RetrievalTuning(rrf_k=k)).search(
        "celadon glaze", limit=3, mode="bm25") for k in (1, 60))
    assert [h.id for h in sharp] == [h.id for h in flat]
    assert sharp[0].score - sharp[-1].score > flat[0].score - flat[-1].score
