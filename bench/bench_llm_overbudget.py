"""A RAM budget below the model size: the plan pages weights from mmap ("flash").

Runs the same generation fully resident and over budget in one process each (a child
process per mode so peak RSS is per mode), reporting decode tokens/s, peak RSS (total,
anonymous and file-backed) and the plan's stated slowdown. Over budget, the page cache is
dropped (POSIX_FADV_DONTNEED) before and every 8 tokens during decoding, emulating a
machine whose free RAM cannot hold the weights. Prints one JSON object last.

Usage: .venv/bin/python bench/bench_llm_overbudget.py [--models-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROMPT = "The history of the printing press begins in the fifteenth century, when"


def child(models_dir: Path, budget_mb: int, max_tokens: int) -> dict:
    import psutil

    from models.factory import plan_for
    from models.llama import LlamaCppBackend
    from models.planner import drop_page_cache
    from models.settings import LlmSettings

    info, plan = plan_for(LlmSettings(n_ctx=512, ram_budget_mb=budget_mb), models_dir)
    over = not plan.fully_resident
    if over:
        drop_page_cache(plan.model_path)
    backend = LlamaCppBackend(info, plan, idle_unload_s=0)
    proc = psutil.Process()
    peak = {"rss": 0, "anon": 0, "file": 0}

    def sample() -> None:
        mem = proc.memory_full_info()
        peak["rss"] = max(peak["rss"], mem.rss)
        peak["file"] = max(peak["file"], getattr(mem, "shared", 0))
        peak["anon"] = max(peak["anon"], mem.rss - getattr(mem, "shared", 0))

    started = time.perf_counter()
    backend.count_tokens("x")
    load_s = time.perf_counter() - started
    n, first, t0 = 0, None, time.perf_counter()
    for _piece in backend.stream(PROMPT, max_tokens=max_tokens):
        n += 1
        first = first or time.perf_counter()
        if over and n % 8 == 0:
            drop_page_cache(plan.model_path)
        sample()
    end = time.perf_counter()
    backend.close()
    return {
        "budget_mb": plan.budget_bytes // 2**20, "fully_resident": plan.fully_resident,
        "use_mmap": plan.use_mmap, "readahead": plan.readahead, "expected_slowdown": plan.expected_slowdown,
        "load_s": round(load_s, 3), "ttft_s": round((first or end) - t0, 3), "tokens": n,
        "decode_tps": round((n - 1) / (end - first), 2) if first and n > 1 else 0.0,
        "peak_rss_mb": round(peak["rss"] / 2**20, 1), "peak_file_backed_mb": round(peak["file"] / 2**20, 1),
        "peak_anon_mb": round(peak["anon"] / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--child", nargs=2, metavar=("BUDGET_MB", "MODELS_DIR"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[1]), int(args.child[0]), args.max_tokens)))
        return
    models_dir = args.models_dir or Path(tempfile.mkdtemp(prefix="cp-bench-"))
    from models.registry import prepare_bundled

    size_mb = prepare_bundled(models_dir).stat().st_size // 2**20
    runs = {}
    for name, budget in (("resident", 4096), ("over_budget", size_mb // 2)):
        out = subprocess.run([sys.executable, __file__, "--max-tokens", str(args.max_tokens),
                              "--child", str(budget), str(models_dir)], capture_output=True, text=True, check=True)
        runs[name] = json.loads(out.stdout.strip().splitlines()[-1])
    r, o = runs["resident"], runs["over_budget"]
    print(json.dumps({"model_mb": size_mb, **runs,
                      "measured_slowdown": round(r["decode_tps"] / o["decode_tps"], 2) if o["decode_tps"] else None}))


if __name__ == "__main__":
    main()
