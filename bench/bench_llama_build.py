"""llama.cpp CPU build: prompt and decode speed of the bundled GGUF under this interpreter's
llama-cpp-python, against another interpreter's build (`--vs PYTHON`), in the same run.

The package ships llama.cpp built with `-DGGML_NATIVE=OFF` (an x86-64-v3 baseline: AVX2,
FMA, F16C) so it runs on other users' CPUs; this measures what that costs against a build
for the machine's own features. Build the other wheel in its own venv, e.g.

    python3 -m venv /tmp/llnative && /tmp/llnative/bin/pip install numpy typing_extensions \
        diskcache jinja2
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON \
        -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON -DGGML_AVX_VNNI=ON" \
        /tmp/llnative/bin/pip install --no-cache-dir --no-deps llama-cpp-python==0.3.36

    .venv/bin/python bench/bench_llama_build.py --vs /tmp/llnative/bin/python

Each side runs in its own process, alternating A B A B, `--rounds` times; each round loads
the model once and times one prompt evaluation (`--prompt-tokens`, no generation) and one
greedy decode of `--decode` tokens. Prints one JSON object last: medians per side and the
ratios B/A (above 1: the other build is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TEXT = ("The invoice from Marrow Studio totals 4,850 EUR, due on 14 March. The meeting with "
        "Orchard Health moved to Thursday at 10:30 in room 14C. ")


def _model() -> Path:
    from models.registry import prepare_bundled

    return prepare_bundled(Path(os.path.expanduser("~/.cache/commonplace/models")))


def one_round(model: Path, prompt_tokens: int, decode: int, threads: int) -> dict:
    """Runs in the side's own interpreter: load, one prompt pass, one decode."""
    from llama_cpp import Llama, llama_print_system_info

    llm = Llama(model_path=str(model), n_ctx=2048, n_threads=threads, verbose=False)
    words = TEXT.split()
    prompt = " ".join(words[i % len(words)] for i in range(prompt_tokens))
    n = len(llm.tokenize(prompt.encode()))
    t = time.perf_counter()
    llm.create_completion(prompt, max_tokens=1, temperature=0.0)
    prompt_s = time.perf_counter() - t
    llm.reset()
    t = time.perf_counter()
    out = llm.create_completion("Once upon a time", max_tokens=decode, temperature=0.0,
                                stop=[])
    decode_s = time.perf_counter() - t
    got = out["usage"]["completion_tokens"]
    return {"prompt_tok_s": n / prompt_s, "decode_tok_s": got / decode_s,
            "cpu": llama_print_system_info().decode().strip()}


def _run_side(python: str, args) -> dict:
    code = (f"import sys, json; sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r});"
            f"from bench.bench_llama_build import one_round;"
            f"print(json.dumps(one_round(__import__('pathlib').Path({str(args.model)!r}), "
            f"{args.prompt_tokens}, {args.decode}, {args.threads})))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"{python} failed (exit {out.returncode}): {out.stderr[-1500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vs", required=True, help="the other interpreter (its llama-cpp-python)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--prompt-tokens", type=int, default=512)
    ap.add_argument("--decode", type=int, default=64)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    args.model = _model()
    sides = {"this": sys.executable, "vs": args.vs}
    runs: dict[str, list[dict]] = {k: [] for k in sides}
    for r in range(args.rounds):
        for name, python in sides.items():
            runs[name].append(_run_side(python, args))
            print(f"round {r + 1} {name}: {runs[name][-1]['prompt_tok_s']:.0f} prompt tok/s, "
                  f"{runs[name][-1]['decode_tok_s']:.1f} decode tok/s", file=sys.stderr)
    med = {name: {k: round(statistics.median(x[k] for x in rs), 1)
                  for k in ("prompt_tok_s", "decode_tok_s")} | {"cpu": rs[0]["cpu"]}
           for name, rs in runs.items()}
    print(json.dumps({"bench": "llama_build", "model": args.model.name, "rounds": args.rounds,
                      "threads": args.threads, "this": med["this"], "vs": med["vs"],
                      "ratio_vs_over_this": {
                          k: round(med["vs"][k] / med["this"][k], 3)
                          for k in ("prompt_tok_s", "decode_tok_s")}}))


if __name__ == "__main__":
    main()
