import datetime as dt

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
