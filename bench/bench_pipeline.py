"""Memory pipeline throughput: observations/min for the floor vs plain row insertion.

Synthetic frames (app sessions with codes, amounts, steps, commands and names) are written
into a fresh unencrypted store; then timed in the same run: (a) plain insertion of the
frame rows, (b) the floor as pure functions, (c) the whole pipeline (floor + repository
writes + memory docs + embedding). Prints one JSON object last. Under 2 minutes.

    .venv/bin/python bench/bench_pipeline.py [--frames 600]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=600)
    args = ap.parse_args()
    from app.prepare import ensure_minilm
    from memory.floor import floor_candidates
    from memory.pipeline import pending_frames, run_store
    from memory.store.frames import OcrLine
    from memory.store.store import Store
    from models.embeddings import OnnxEmbedder

    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    embedder = OnnxEmbedder(ensure_minilm(tmp / "models"))
    store = Store.open(tmp / "data", passphrase=None, encrypt_new=False, embedder=embedder)
    t0 = dt.datetime(2026, 2, 17, 8, 0, tzinfo=dt.timezone.utc)
    start = time.perf_counter()
    for i in range(args.frames):
        app, title = APPS[(i // 5) % len(APPS)]
        store.frames.add(image_bytes=b"x", ts=t0 + dt.timedelta(seconds=10 * i), app=app,
                         window_title=title.format(n=i // 30), url=None, width=1, height=1,
                         phash="0", sources=[f"frames/{i:05d}.png"],
                         ocr_lines=[OcrLine(t, (0, 0, 1, 1), 0.9) for t in lines_for(i)])
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
    per_min = lambda s: round(args.frames / s * 60, 1)  # noqa: E731
    print(json.dumps({
        "observations": args.frames, "candidates": len(cands),
        "insert_rows_per_min": per_min(insert_s), "floor_pure_obs_per_min": per_min(floor_s),
        "pipeline_obs_per_min": per_min(pipeline_s), "pipeline_s": round(pipeline_s, 2),
        "insert_s": round(insert_s, 2), "memories_by_type": out["by_type"],
        "ops": out["by_op"], "embedded": out["embedded"],
        "second_run_observations": again["observations"]}))


if __name__ == "__main__":
    main()
