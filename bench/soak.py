"""A bounded soak: repeated import + search + ask (--no-llm) in one process, sampling RSS,
open file descriptors and threads over time. Not run in CI.

    python -m bench.soak [--minutes 5] [--data-dir DIR] [--interval 10]

Each round re-imports the dev screens and chat (idempotent after the first) into one
unencrypted temporary store, then runs a few searches and extractive answers. The last line
printed is one JSON object: the samples' first/last/max and the growth of each measure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
QUESTIONS = ["How much was the Marrow Studio invoice?", "What budget did Orchard Health approve?",
             "Where did Emeka go for the holidays?", "What is the confirmation code?"]


def sample(proc: psutil.Process, t0: float) -> dict:
    return {"t": round(time.monotonic() - t0, 1), "rss_mb": round(proc.memory_info().rss / 2**20, 1),
            "fds": proc.num_fds(), "threads": threading.active_count(),
            "os_threads": proc.num_threads()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--interval", type=float, default=10.0, help="seconds between samples")
    ap.add_argument("--data-dir", type=Path, help="default: a temporary folder, removed after")
    args = ap.parse_args(argv)

    from app.settings import load_settings
    from app.wiring import open_core
    from capture.importer import FrameImporter
    from memory.answer import Answerer
    from memory.chat_import import import_chat

    tmp = None if args.data_dir else Path(tempfile.mkdtemp(prefix="commonplace-soak-"))
    data = args.data_dir or tmp / "data"
    settings = load_settings(data_dir=data, config_file=(tmp or data) / "none.toml")
    settings = replace(settings, privacy=replace(settings.privacy, encrypt=False))
    proc, t0 = psutil.Process(), time.monotonic()
    samples, rounds, next_sample = [sample(proc, t0)], 0, 0.0
    deadline = t0 + args.minutes * 60
    try:
        while time.monotonic() < deadline:
            core = open_core(settings, passphrase=None)
            try:
                FrameImporter(store=core.store, ocr=core.ocr).run(EVAL / "screens-dev" / "frames.jsonl")
                import_chat(EVAL / "conversations_dev.json", store=core.store)
                answerer = Answerer(core.retriever, None, store=core.store)
                for q in QUESTIONS:
                    core.retriever.search(q, limit=10)
                    answerer.ask(q)
            finally:
                core.close()
            rounds += 1
            if time.monotonic() - t0 >= next_sample:
                samples.append(sample(proc, t0))
                print(json.dumps(samples[-1]), file=sys.stderr)
                next_sample += args.interval
        samples.append(sample(proc, t0))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    # Growth from the first sample after warm-up (round 1 loads models and caches).
    base = samples[1] if len(samples) > 2 else samples[0]
    last = samples[-1]
    out = {"minutes": args.minutes, "rounds": rounds, "samples": len(samples),
           "first": base, "last": last,
           "max": {k: max(s[k] for s in samples) for k in ("rss_mb", "fds", "threads",
                                                            "os_threads")},
           "growth": {k: round(last[k] - base[k], 1) for k in ("rss_mb", "fds", "threads",
                                                               "os_threads")}}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
