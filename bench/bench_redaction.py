"""Redaction speed: Redactor.redact on a megabyte of screen text, against one plain regex pass
over the same text measured in the same run, and how its cost grows with the text.

Texts (from tests/data/secrets_corpus.json): "corpus" is every positive and negative example
of the corpus repeated to 1 MB (a secret on most lines); "screen" is ordinary screen lines
with a secret on one line in twenty. The baseline is one `re.finditer(r"\\S+")` pass (every
word found once): what any per-word scan costs at the least. "growth" is the time for 1 MB
over the time for 250 KB: 4 is linear, 16 would be quadratic (a pattern that backtracks).
CPU seconds of this thread only (`time.thread_time`), best of --repeats.

    .venv/bin/python bench/bench_redaction.py [--repeats 3]

Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from memory.redact import Redactor  # noqa: E402

WORDS = re.compile(r"\S+")


def texts(size: int) -> dict[str, str]:
    corpus = json.loads((ROOT / "tests" / "data" / "secrets_corpus.json").read_text("utf-8"))
    pos, neg = corpus["positives"], corpus["negatives"]
    every = "\n".join(c["text"] for c in pos + neg)
    plain = [n["text"] for n in neg]
    lines = [plain[i % len(plain)] if i % 20 else pos[i % len(pos)]["text"]
             for i in range(size // 20)]
    return {"corpus": (every * (size // len(every) + 1))[:size],
            "screen": "\n".join(lines)[:size]}


def best(fn, text: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.thread_time()
        fn(text)
        times.append(time.thread_time() - t0)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    if args.repeats < 1:
        print("--repeats must be at least 1", file=sys.stderr)
        raise SystemExit(2)
    redactor = Redactor()
    big, small = texts(1_000_000), texts(250_000)
    out: dict = {}
    for name, text in big.items():
        redact = best(redactor.redact, text, args.repeats)
        base = best(lambda t: sum(1 for _ in WORDS.finditer(t)), text, args.repeats)
        quarter = best(redactor.redact, small[name], args.repeats)
        out[name] = {"redact_s_per_mb": round(redact, 3), "baseline_s_per_mb": round(base, 3),
                     "ratio_vs_baseline": round(redact / max(base, 1e-9), 1),
                     "growth_4x_text": round(redact / max(quarter, 1e-9), 2)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
