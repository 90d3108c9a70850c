"""The LLM tier's mechanics with the real bundled model behind a real llama_cpp.server.

The agent *logic* is tested with a scripted fake (test_pipeline.py). Here the replies come
from Gemma 3 270M base (chat formatted by the server, JSON-schema constrained): whatever it
says, schema-valid nonsense or a reply cut off by max_tokens, the store stays consistent,
a failure is logged once per run, the floor's memories stand, and a second run does nothing.
Nothing here asserts on what the model says.
"""

from __future__ import annotations

import datetime as dt
import logging

import httpx
import pytest

from memory.items import PROCEDURAL, TYPES, VAULT, normalise
from memory.ocr_types import OcrLine
from memory.pipeline import repo_for, run_store
from models.remote import OpenAICompatibleBackend

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
FAILED = "LLM tier failed"

pytestmark = pytest.mark.model


def _frame(store, i, secs, app, title, lines=()):
    ts = T0 + dt.timedelta(seconds=secs)
    return store.frames.add(image_bytes=b"img", ts=ts, app=app, window_title=title, url=None,
                            width=10, height=10, phash="0", sources=[f"frames/{i:04d}.png"],
                            ocr_lines=[OcrLine(t, (0, 0, 1, 1), 0.9) for t in lines])


def _frames(store, *, gap_s: float) -> None:
    """A confirmation code and a numbered list (both recognised by the floor); `gap_s`
    apart, so 20 s is one batch and 300 s two."""
    _frame(store, 1, 0, "Chromium", "Payments - Northwind Bank",
           ["Transfer complete", "Confirmation code: NWB-55710-K"])
    _frame(store, 2, gap_s, "Joplin", "Conference talk plan",
           ["1. Draft the talk outline", "2. Submit the abstract", "3. Rehearse with Dana"])


def _state(store) -> dict:
    return {t: store.db[t].count for t in ("memories", "memory_sources", "memory_ops",
                                           "memory_versions", "docs", "processed_observations")}


def _all(repo) -> list:
    return [m for t in TYPES for m in repo.list_by_type(t)]


def _assert_floor_stands(repo) -> None:
    code = [m for m in repo.list_by_type(VAULT) if m.fields.get("value") == "NWB-55710-K"]
    assert len(code) == 1 and code[0].tier == "floor"
    assert code[0].sources == ["frames/0001.png"]
    steps = [m for m in repo.list_by_type(PROCEDURAL) if m.tier == "floor"]
    assert len(steps) == 1 and steps[0].sources == ["frames/0002.png"]
    assert "Submit the abstract" in " ".join(steps[0].fields["steps"])


def _failure_notes(repo) -> list[dict]:
    return [o for o in repo.ops(limit=1000)
            if o["op"] == "none" and o["reason"].startswith("llm tier failed")]


def _wait_idle(server_url: str) -> None:
    """A request the client gave up on still runs to its end on llama_cpp.server; /v1/models
    takes the same lock, so this returns once the shared server is idle again."""
    httpx.get(f"{server_url}/v1/models", timeout=180, trust_env=False).raise_for_status()


def test_llm_tier_with_the_real_model_keeps_the_store_consistent(open_store, server_url,
                                                                 caplog):
    store = open_store()
    _frames(store, gap_s=20)
    backend = OpenAICompatibleBackend(server_url, timeout_s=180)
    assert backend.info.capability == "instruct"
    try:
        with caplog.at_level(logging.INFO):
            out = run_store(store, backend=backend, use_llm=True)
    finally:
        backend.close()
    llm = out["llm"]
    print(f"\nreal model, LLM tier: {llm}; ops {out['by_op']}")
    assert out["observations"] == 2 and out["batches"] == 1
    assert llm["ran"] is True and llm["skipped"] == ""
    assert llm["batches"] + llm["errors"] == out["batches"]
    assert store.integrity() == "ok"

    repo = repo_for(store)
    if llm["errors"]:
        _assert_floor_stands(repo)
    else:  # an agent may have updated a floor item: the floor's row is then superseded, kept
        floor = [repo.get(r[0]) for r in store.db.execute(
            "SELECT id FROM memories WHERE tier = 'floor'")]
        assert any(m.type == VAULT and m.fields.get("value") == "NWB-55710-K" for m in floor)
        assert any(m.type == PROCEDURAL for m in floor)
    frame_sources = {"frames/0001.png", "frames/0002.png"}
    for m in _all(repo):
        assert m.sources and set(m.sources) <= frame_sources, m
        assert normalise(m.type, m.fields) == m.fields, m
    by_llm = [m for m in _all(repo) if m.tier == "llm"]
    print("llm-tier memories:", [(m.type, m.text) for m in by_llm])
    if llm["errors"]:
        assert not by_llm  # a failed batch applies none of its ops
    applied = sum(n for op, n in out["by_op"].items() if op.startswith("llm_"))
    assert applied >= len(by_llm)

    failed = [r for r in caplog.records if FAILED in r.message]
    assert len(failed) == min(llm["errors"], 1)
    print("failure logged:", [r.message[:300] for r in failed])
    assert len(_failure_notes(repo)) == llm["errors"]
    assert store.db.execute("SELECT COUNT(*) FROM docs WHERE embedded = 0").fetchone()[0] == 0

    before = _state(store)
    backend = OpenAICompatibleBackend(server_url, timeout_s=180)
    try:
        again = run_store(store, backend=backend, use_llm=True)
    finally:
        backend.close()
    assert again["observations"] == 0 and again["batches"] == 0 and again["by_op"] == {}
    assert again["llm"]["errors"] == 0 and _state(store) == before


def test_backend_that_times_out_leaves_the_floor_standing(open_store, server_url, caplog):
    store = open_store()
    _frames(store, gap_s=300)  # two batches: two failures, one log line
    backend = OpenAICompatibleBackend(server_url, timeout_s=0.05)
    try:
        out = run_store(store, backend=backend, use_llm=True)
    finally:
        backend.close()
        _wait_idle(server_url)
    llm = out["llm"]
    assert out["observations"] == 2 and out["batches"] == 2
    assert llm["ran"] is True and llm["errors"] == 2 and llm["batches"] == 0
    failed = [r for r in caplog.records if FAILED in r.message]
    # the error's type only: a model error's message can quote the model's reply (screen text)
    assert len(failed) == 1 and "BackendUnavailableError" in failed[0].message
    assert store.integrity() == "ok"

    repo = repo_for(store)
    _assert_floor_stands(repo)
    assert [m for m in _all(repo) if m.tier == "llm"] == []
    assert not any(k.startswith("llm_") for k in out["by_op"])
    notes = _failure_notes(repo)
    assert len(notes) == 2 and all("BackendUnavailableError" in o["reason"] for o in notes)

    before = _state(store)
    assert run_store(store, backend=backend, use_llm=True)["observations"] == 0
    assert _state(store) == before
