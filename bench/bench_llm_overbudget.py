"""A RAM budget below the model size: the plan pages weights from mmap ("flash").

Runs the same generation fully resident and over budget in one process each (a child
process per mode so peak RSS is per mode), reporting decode tokens/s, peak RSS (total,
anonymous and file-backed) and the plan's stated slowdown.

Over budget, where this process may make a memory cgroup (v1 or v2; root on Linux), the
child runs under a hard limit: its anonymous memory as measured fully resident plus the
weights budget. The kernel must then evict weight pages to keep it going, and an
allocation past the limit would get it OOM-killed (reported, not hidden). Elsewhere the
page cache is dropped (POSIX_FADV_DONTNEED) before and every 8 tokens during decoding,
which emulates a machine whose free RAM cannot hold the weights but imposes no limit.
Prints one JSON object last.

Usage: .venv/bin/python bench/bench_llm_overbudget.py [--models-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROMPT = "The history of the printing press begins in the fifteenth century, when"


def child(models_dir: Path, budget_mb: int, max_tokens: int, drop: bool = True) -> dict:
    import psutil

    from models.factory import plan_for
    from models.llama import LlamaCppBackend
    from models.planner import drop_page_cache
    from models.settings import LlmSettings

    info, plan = plan_for(LlmSettings(n_ctx=512, ram_budget_mb=budget_mb), models_dir)
    over = not plan.fully_resident
    if over:  # under a cgroup too: cached pages stay charged to whoever read them first
        drop_page_cache(plan.model_path)
    drop = drop and over
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
        if drop and n % 8 == 0:
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


class MemoryCgroup:
    """A fresh memory cgroup with a hard limit, for one child process (v2 or v1)."""

    def __init__(self, limit_bytes: int) -> None:
        name = f"commonplace-bench-{os.getpid()}"
        v2 = Path("/sys/fs/cgroup")
        if "memory" in _read(v2 / "cgroup.controllers").split():
            self.version, self.path = "v2", v2 / name
            limits = {"memory.max": limit_bytes, "memory.swap.max": 0}
        else:
            self.version, self.path = "v1", v2 / "memory" / name
            limits = {"memory.limit_in_bytes": limit_bytes}
        self.path.mkdir()
        try:
            for f, v in limits.items():
                if (self.path / f).exists():
                    (self.path / f).write_text(str(v))
        except OSError:
            self.close()
            raise

    def enter(self) -> None:
        """Run in the child before exec: move it into the group."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def report(self) -> dict:
        if self.version == "v2":
            events = dict(l.split() for l in _read(self.path / "memory.events").splitlines())
            peak = _read(self.path / "memory.peak").strip()
            return {"cgroup": "v2", "peak_cgroup_mb": round(int(peak) / 2**20, 1) if peak else None,
                    "limit_hits": int(events.get("max", 0)),
                    "oom_killed": int(events.get("oom_kill", 0)) > 0}
        oom = dict(l.split() for l in _read(self.path / "memory.oom_control").splitlines())
        return {"cgroup": "v1",
                "peak_cgroup_mb": round(int(_read(self.path / "memory.max_usage_in_bytes"))
                                        / 2**20, 1),
                "limit_hits": int(_read(self.path / "memory.failcnt") or 0),
                "oom_killed": int(oom.get("oom_kill", 0)) > 0}

    def close(self) -> None:
        try:
            self.path.rmdir()
        except OSError:
            pass


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def run_child(models_dir: Path, budget_mb: int, max_tokens: int,
              cgroup: MemoryCgroup | None = None) -> dict:
    cmd = [sys.executable, __file__, "--max-tokens", str(max_tokens),
           "--child", str(budget_mb), str(models_dir)] + (["--no-drop"] if cgroup else [])
    out = subprocess.run(cmd, capture_output=True, text=True,
                         preexec_fn=cgroup.enter if cgroup else None)
    if out.returncode == 0:
        return json.loads(out.stdout.strip().splitlines()[-1])
    killed = out.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL)
    return {"budget_mb": budget_mb, "failed": True, "returncode": out.returncode,
            "killed": killed, "stderr_tail": out.stderr[-400:]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--child", nargs=2, metavar=("BUDGET_MB", "MODELS_DIR"))
    parser.add_argument("--no-drop", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-cgroup", action="store_true",
                        help="emulate memory pressure with fadvise even where a cgroup could "
                             "impose a real limit")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[1]), int(args.child[0]), args.max_tokens,
                               drop=not args.no_drop)))
        return
    models_dir = args.models_dir or Path(tempfile.mkdtemp(prefix="cp-bench-"))
    from models.registry import prepare_bundled

    size_mb = prepare_bundled(models_dir).stat().st_size // 2**20
    runs = {"resident": run_child(models_dir, 4096, args.max_tokens)}
    budget = size_mb // 2
    cgroup, why = None, "--no-cgroup"
    if not args.no_cgroup:
        # The limit: what the process needs besides the weights (its anonymous memory when
        # fully resident) plus the weights budget.
        limit_mb = int(runs["resident"]["peak_anon_mb"]) + budget
        try:
            cgroup = MemoryCgroup(limit_mb * 2**20)
        except OSError as e:
            why = f"no memory cgroup here ({e.strerror or e}): page cache dropped instead"
    try:
        runs["over_budget"] = run_child(models_dir, budget, args.max_tokens, cgroup)
        if cgroup:
            runs["over_budget"].update(hard_limit_mb=limit_mb, **cgroup.report())
        else:
            runs["over_budget"]["hard_limit"] = why
    finally:
        if cgroup:
            cgroup.close()
    r, o = runs["resident"], runs["over_budget"]
    print(json.dumps({"model_mb": size_mb, **runs,
                      "measured_slowdown": round(r["decode_tps"] / o["decode_tps"], 2)
                      if o.get("decode_tps") else None}))


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    main()
