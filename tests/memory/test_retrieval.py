import datetime as dt

import pytest

from memory.retrieval import Retriever, rrf
from memory.evaluate import distinct_sources


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
