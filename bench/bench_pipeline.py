"""Memory pipeline throughput: observations/min for the floor vs plain row insertion.

Synthetic frames (app sessions with codes, amounts, steps, commands and names) are written
into a fresh unencrypted store; then timed in the same run: (a) plain insertion of the
frame rows, (b) the floor as pure functions, (c) the whole pipeline (floor + repository
writes + memory docs + embedding). Prints one JSON object last. Under 2 minutes.

With `--remote-llm`, also the pipeline with its LLM tier on, through the
OpenAICompatibleBackend against `python -m llama_cpp.server` on loopback serving the bundled
GGUF with `--chat_format gemma` (so the server formats chat turns and the registry's flag
reads instruct): `--llm-frames` frames into two fresh stores, floor-only vs floor + LLM tier,
timed in the same run. The 270M base model's replies are schema-valid but not good
extractions; this measures the tier's mechanics and cost per batch, not its quality.

    .venv/bin/python bench/bench_pipeline.py [--frames 600] [--remote-llm [--llm-frames 60]]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

APPS = [("Chromium", "Pull request #{n} - acme/widgets - GitHub"), ("Sublime Text", "lexer{n}.rs - parser"),
        ("Evolution", "Inbox - me@example.org"), ("Konsole", "me@box: ~/proj{n}"),
        ("Zoom", "Zoom - Client call {n}"), ("Joplin", "Notes {n}")]


def lines_for(i: int) -> list[str]:
    return [f"Confirmation code: ABC-{10000 + i}-K", f"Amount: {i % 900 + 10}.50 EUR",
            f"Meeting with Nadia Ferreira at {9 + i % 8}:{i % 6}0", "1. Open the report",
            "2. Check the numbers", f"$ make test-{i % 7}", f"Sent by person{i % 13}@example.org"]


def add_frames(store, n: int) -> None:
    """`n` synthetic frames, 10 s apart: sessions of five frames per app."""
    from memory.ocr_types import OcrLine

    t0 = dt.datetime(2026, 2, 17, 8, 0, tzinfo=dt.UTC)
    for i in range(n):
        app, title = APPS[(i // 5) % len(APPS)]
        store.frames.add(image_bytes=b"x", ts=t0 + dt.timedelta(seconds=10 * i), app=app,
                         window_title=title.format(n=i // 30), url=None, width=1, height=1,
                         phash="0", sources=[f"frames/{i:05d}.png"],
                         ocr_lines=[OcrLine(t, (0, 0, 1, 1), 0.9) for t in lines_for(i)])


def remote_llm(tmp: Path, embedder, frames: int) -> dict:
    """Floor-only vs floor + LLM tier (remote, loopback llama_cpp.server), same frames."""
    from app.prepare import ensure_bundled_gguf
    from bench.bench_remote_pipeline import _free_port, _start_server, _stop_server
    from memory.pipeline import run_store
    from memory.store.store import Store
    from models.factory import plan_for
    from models.registry import prepare_bundled
    from models.remote import OpenAICompatibleBackend
    from models.settings import LlmSettings

    def fresh_store(name: str):
        store = Store.open(tmp / f"data-{name}", passphrase=None, encrypt_new=False,
                           embedder=embedder)
        add_frames(store, frames)
        return store

    timed = {}
    store = fresh_store("floor")
    start = time.perf_counter()
    floor_out = run_store(store, use_llm=False)
    timed["floor"] = time.perf_counter() - start
    store.close()

    models = tmp / "models"
    ensure_bundled_gguf(models)
    prepare_bundled(models)
    _info, plan = plan_for(LlmSettings(), models)
    port = _free_port()
    server = _start_server(plan.to_llama_kwargs(), port, tmp / "server.log",
                           chat_format="gemma")
    backend = OpenAICompatibleBackend(f"http://127.0.0.1:{port}", timeout_s=300)
    store = fresh_store("llm")
    try:
        backend.complete("Warm-up:", max_tokens=1)  # the server has loaded its model
        start = time.perf_counter()
        llm_out = run_store(store, backend=backend)
        timed["llm"] = time.perf_counter() - start
        memories = store.db["memories"].count
        by_tier = dict(store.db.execute(
            "SELECT tier, count(*) FROM memories GROUP BY tier").fetchall())
    finally:
        store.close()
        backend.close()
        _stop_server(server)
    per_min = lambda s: round(frames / s * 60, 1)  # noqa: E731
    llm = llm_out["llm"]
    return {"llm_frames": frames, "llm_capability": backend.info.capability,
            "llm_tier_ran": llm["ran"], "llm_skipped": llm["skipped"],
            "llm_batches": llm["batches"], "llm_errors": llm["errors"],
            "floor_only_obs_per_min": per_min(timed["floor"]),
            "with_remote_llm_obs_per_min": per_min(timed["llm"]),
            "remote_llm_over_floor": round(timed["floor"] / timed["llm"], 4),
            "s_per_llm_batch": round((timed["llm"] - timed["floor"])
                                     / max(1, llm["batches"] + llm["errors"]), 2),
            "floor_batches": floor_out["batches"], "llm_ops": {k: v for k, v in
                                                               llm_out["by_op"].items()
                                                               if k.startswith("llm_")},
            "memories": memories, "memories_by_tier": by_tier}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=600)
    ap.add_argument("--remote-llm", action="store_true",
                    help="also time the LLM tier through a loopback llama_cpp.server")
    ap.add_argument("--llm-frames", type=int, default=60)
    args = ap.parse_args()
    from app.prepare import ensure_minilm
    from memory.floor import floor_candidates
    from memory.pipeline import pending_frames, run_store
    from memory.store.store import Store
    from models.embeddings import OnnxEmbedder

    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    embedder = OnnxEmbedder(ensure_minilm(tmp / "models"))
    store = Store.open(tmp / "data", passphrase=None, encrypt_new=False, embedder=embedder)
    start = time.perf_counter()
    add_frames(store, args.frames)
    insert_s = time.perf_counter() - start

    obs = pending_frames(store)
    start = time.perf_counter()
    cands = floor_candidates(obs)
    floor_s = time.perf_counter() - start

    start = time.perf_counter()
    out = run_store(store, use_llm=False)
    pipeline_s = time.perf_counter() - start
    again = run_store(store, use_llm=False)
    store.close()
    remote = remote_llm(tmp, embedder, args.llm_frames) if args.remote_llm else {}
    per_min = lambda s: round(args.frames / s * 60, 1)  # noqa: E731
    print(json.dumps({
        "observations": args.frames, "candidates": len(cands),
        "insert_rows_per_min": per_min(insert_s), "floor_pure_obs_per_min": per_min(floor_s),
        "pipeline_obs_per_min": per_min(pipeline_s), "pipeline_s": round(pipeline_s, 2),
        "insert_s": round(insert_s, 2), "memories_by_type": out["by_type"],
        "ops": out["by_op"], "embedded": out["embedded"],
        "second_run_observations": again["observations"], **remote}))


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    main()
