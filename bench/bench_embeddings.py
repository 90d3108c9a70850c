"""Throughput of OnnxEmbedder (dynamic padding) vs. padding every text to 256 tokens.

The baseline is the same ONNX model and tokenizer, run the way Chroma's default
embedding function does it (input order, every batch padded to 256), so the ratio
isolates the padding strategy. Texts are synthetic screen lines / chat turns.
Padding to 256 makes every text cost the same, so the baseline's docs/s is measured
on the first --baseline-n texts (keeps the run under ~2 minutes on 2 slow cores).

    .venv/bin/python bench/bench_embeddings.py [--n 2000] [--baseline-n 128] [--threads 0]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.embeddings import OnnxEmbedder, prepare_minilm  # noqa: E402

WORDS = ("the a to and of in is for on it that with this you meeting file update "
         "error build commit deploy review lunch tomorrow today slack email draft "
         "invoice budget design ticket bug fix test release notes call project "
         "python window terminal browser search tab open close save report").split()


def synthetic_texts(n: int, seed: int = 0) -> list[str]:
    """Mostly short lines (3-15 words) with a tail of chat-turn lengths (to 60)."""
    rng = np.random.default_rng(seed)
    lengths = np.where(rng.random(n) < 0.8, rng.integers(3, 16, n), rng.integers(16, 61, n))
    return [" ".join(rng.choice(WORDS, size=int(k))) for k in lengths]


def padded_baseline(embedder: OnnxEmbedder, texts: list[str], pad_to: int = 256) -> np.ndarray:
    encodings = embedder._tokenizer.encode_batch(texts)
    bs = embedder.batch_size
    return np.concatenate([embedder._run(encodings[i:i + bs], pad_to=pad_to)
                           for i in range(0, len(texts), bs)])


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--baseline-n", type=int, default=128)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--model-dir", type=Path, default=None,
                    help="prepared model dir (default: a fresh temp dir)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="cp-bench-") as tmp:
        model_dir = args.model_dir or Path(tmp) / "minilm"
        _, prepare_s = timed(prepare_minilm, model_dir)
        embedder = OnnxEmbedder(model_dir, threads=args.threads)
        texts = synthetic_texts(args.n)
        lengths = [len(e.ids) for e in embedder._tokenizer.encode_batch(texts)]
        embedder.embed(texts[:64])  # warm-up: first runs allocate arenas
        padded_baseline(embedder, texts[:32])

        dynamic, dyn_s = timed(embedder.embed, texts)
        base = texts[:args.baseline_n]
        padded, pad_s = timed(padded_baseline, embedder, base)

    result = {
        "texts": len(texts),
        "baseline_texts": len(base),
        "tokens_mean": round(float(np.mean(lengths)), 1),
        "tokens_max": int(np.max(lengths)),
        "threads": embedder.threads,
        "batch_size": embedder.batch_size,
        "cpu_count": os.cpu_count(),
        "prepare_s": round(prepare_s, 2),
        "dynamic_docs_per_s": round(len(texts) / dyn_s, 1),
        "padded256_docs_per_s": round(len(base) / pad_s, 1),
        "speedup": round((len(texts) / dyn_s) / (len(base) / pad_s), 2),
        "max_abs_diff": float(np.max(np.abs(dynamic[:len(base)] - padded))),
        "loadavg_1m": round(os.getloadavg()[0], 2),  # other work on the box skews both
    }
    print(f"dynamic padding : {result['dynamic_docs_per_s']:8.1f} docs/s ({dyn_s:.2f} s)")
    print(f"padded to 256   : {result['padded256_docs_per_s']:8.1f} docs/s ({pad_s:.2f} s, "
          f"{len(base)} texts)")
    print(f"ratio           : {result['speedup']:.2f}x  (max |diff| {result['max_abs_diff']:.2e})")
    print(json.dumps(result))


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    main()
