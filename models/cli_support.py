"""Plain rows and dicts behind `commonplace model list | plan | bench` (the app prints them)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from models.factory import plan_for
from models.llama import LlamaCppBackend, llama_kwargs
from models.planner import MachineInfo, detect_machine
from models.registry import scan_models
from models.settings import LlmSettings

BENCH_PROMPT = (
    "The history of the printing press begins in the fifteenth century, when Johannes Gutenberg "
    "combined movable metal type, oil-based ink and a wooden screw press. Within fifty years, "
    "printing shops had spread to more than two hundred cities across Europe, and the number of "
    "books in circulation grew from thousands to millions. Scholars argue about the precise effects, "
    "but most agree that"
)


def model_list(models_dir: Path, extra_paths: Iterable[Path] = ()) -> list[dict[str, Any]]:
    """One row per model found: name, file, size, quantisation, parameters, capability, or error."""
    scan = scan_models(models_dir, extra_paths)
    rows = [
        {
            "name": m.name, "path": str(m.path), "size_mb": round(m.file_size / 2**20, 1),
            "quant": m.file_type, "params_m": round(m.n_params / 1e6, 1), "layers": m.n_layers,
            "ctx_train": m.n_ctx_train, "capability": m.capability, "bundled": m.bundled, "error": None,
        }
        for m in scan.models
    ]
    rows += [{"name": p.name, "path": str(p), "error": err} for p, err in scan.problems]
    return rows


def model_plan(
    settings: LlmSettings, models_dir: Path, *, budget_mb: int | None = None, machine: MachineInfo | None = None
) -> dict[str, Any]:
    """The load plan for the configured model (optionally under another budget), with reasons."""
    if budget_mb is not None:
        settings = replace(settings, ram_budget_mb=budget_mb)
    machine = machine or detect_machine()
    info, plan = plan_for(settings, models_dir, machine)
    return {
        "model": info.name, "path": str(info.path), "file_mb": round(info.file_size / 2**20, 1),
        "budget_mb": plan.budget_bytes // 2**20, "fully_resident": plan.fully_resident,
        "expected_slowdown": plan.expected_slowdown, "kv_mb": round(plan.kv_bytes / 2**20, 1),
        "llama_kwargs": plan.to_llama_kwargs(), "reasons": list(plan.reasons),
    }


def _timed_stream(chunks: Iterable[Any], started: float) -> tuple[float, int, float]:
    """(time to first token, tokens, decode seconds after the first) for a stream."""
    first = None
    n = 0
    for _ in chunks:
        n += 1
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    first = first or end
    return first - started, n, end - first


def _direct_run(llm: Any, prompt: str, max_tokens: int) -> dict[str, float]:
    llm.reset()  # no prefix reuse between runs: both paths pay the full prompt
    started = time.perf_counter()
    ttft, n, decode_s = _timed_stream(
        llm.create_completion(prompt, max_tokens=max_tokens, temperature=0.0, stream=True), started
    )
    return {"ttft_s": ttft, "tokens": n, "decode_tps": (n - 1) / decode_s if decode_s > 0 else 0.0}


def _backend_run(backend: LlamaCppBackend, prompt: str, max_tokens: int) -> dict[str, float]:
    backend.run(lambda llm: llm.reset())
    started = time.perf_counter()
    ttft, n, decode_s = _timed_stream(backend.stream(prompt, max_tokens=max_tokens), started)
    return {"ttft_s": ttft, "tokens": n, "decode_tps": (n - 1) / decode_s if decode_s > 0 else 0.0}


def model_bench(
    settings: LlmSettings, models_dir: Path, *, max_tokens: int = 64, repeats: int = 3
) -> dict[str, Any]:
    """Tokens/s through LlamaCppBackend vs llama_cpp driven directly, in the same process.

    Runs alternate (direct, backend, direct, ...) so drift hits both; medians are reported.
    `overhead_ratio` = backend decode tokens/s / direct decode tokens/s (target >= 0.95).
    """
    import llama_cpp

    info, plan = plan_for(settings, models_dir)
    backend = LlamaCppBackend(info, plan, idle_unload_s=0)
    started = time.perf_counter()
    direct = llama_cpp.Llama(**llama_kwargs(plan, info))
    direct_load = time.perf_counter() - started
    try:
        n_prompt = len(direct.tokenize(BENCH_PROMPT.encode(), add_bos=True))
        backend.count_tokens("warm up")  # loads the model on the worker
        d_runs, b_runs = [], []
        _direct_run(direct, BENCH_PROMPT, 8)  # warm both paths once
        _backend_run(backend, BENCH_PROMPT, 8)
        for _ in range(repeats):
            d_runs.append(_direct_run(direct, BENCH_PROMPT, max_tokens))
            b_runs.append(_backend_run(backend, BENCH_PROMPT, max_tokens))
    finally:
        direct.close()
        backend.close()

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    d_tps, b_tps = med(d_runs, "decode_tps"), med(b_runs, "decode_tps")
    d_ttft, b_ttft = med(d_runs, "ttft_s"), med(b_runs, "ttft_s")
    return {
        "model": info.name, "n_threads": plan.n_threads, "n_ctx": plan.n_ctx,
        "prompt_tokens": n_prompt, "max_tokens": max_tokens, "repeats": repeats,
        "direct": {"load_s": round(direct_load, 3), "ttft_s": round(d_ttft, 4),
                   "prompt_tps": round(n_prompt / d_ttft, 1), "decode_tps": round(d_tps, 1)},
        "backend": {"load_s": round(backend.last_load_seconds, 3), "ttft_s": round(b_ttft, 4),
                    "prompt_tps": round(n_prompt / b_ttft, 1), "decode_tps": round(b_tps, 1)},
        "overhead_ratio": round(b_tps / d_tps, 3) if d_tps else None,
        "ttft_ratio": round(d_ttft / b_ttft, 3) if b_ttft else None,
    }
