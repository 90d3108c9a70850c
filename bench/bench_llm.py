"""Runtime overhead of LlamaCppBackend vs llama_cpp driven directly; TTFT; cold vs warm load.

Usage: .venv/bin/python bench/bench_llm.py [--models-dir DIR] [--max-tokens N] [--repeats N]
Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.cli_support import model_bench  # noqa: E402
from models.factory import plan_for  # noqa: E402
from models.llama import LlamaCppBackend  # noqa: E402
from models.planner import drop_page_cache  # noqa: E402
from models.settings import LlmSettings  # noqa: E402


def load_time(settings: LlmSettings, models_dir: Path, *, cold: bool) -> dict:
    info, plan = plan_for(settings, models_dir)
    dropped = drop_page_cache(plan.model_path) if cold else False
    backend = LlamaCppBackend(info, plan, idle_unload_s=0)
    started = time.perf_counter()
    backend.count_tokens("x")
    total = time.perf_counter() - started
    backend.close()
    return {"load_s": round(backend.last_load_seconds, 3), "first_call_s": round(total, 3), "cache_dropped": dropped}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--max-tokens", type=int, default=48)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    models_dir = args.models_dir or Path(tempfile.mkdtemp(prefix="cp-bench-"))
    settings = LlmSettings(n_ctx=1024)
    cold = load_time(settings, models_dir, cold=True)
    warm = load_time(settings, models_dir, cold=False)
    result = model_bench(settings, models_dir, max_tokens=args.max_tokens, repeats=args.repeats)
    result.update(load_cold=cold, load_warm=warm, target_overhead_ratio=0.95,
                  meets_target=bool(result["overhead_ratio"] and result["overhead_ratio"] >= 0.95))
    print(json.dumps(result))


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    main()
