"""The MCP server's cost per tool call, beside the command line's, in one run.

Usage:
  .venv/bin/python bench/bench_mcp.py [--store DIR] [--rounds 5] [--cli-rounds 1]

A real MCP client session (the SDK's Client over stdio, `commonplace mcp --enable` as a
client starts it) searches, asks and reads a moment for every dev question
(../shared/eval/screens-dev); the same calls are timed
  - in process, through the functions `search --json` / `ask --json` use (app.queries),
  - in process, through the MCP service (scope filter, vault mask, audit row), and
  - as the CLI subprocess (`commonplace search|ask ... --json`: a process start, the
    store unlocked and the models loaded every call).
Prints p50/p95 ms per tool and path, and the MCP/in-process and MCP/CLI ratios; JSON last.
Without --store the dev screens are imported (real OCR, encrypted) into a temporary store.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SCREENS = REPO.parent / "shared" / "eval" / "screens-dev"
PASSPHRASE = "bench passphrase for the mcp store"
NOW = "2026-02-17T20:00:00"


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


def pct(xs: list[float]) -> dict:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, max(0, round(0.95 * len(xs)) - 1))]
    return {"n": len(xs), "p50_ms": round(statistics.median(xs) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1)}


def cli(data: Path, config: Path, *args: str, env: dict) -> dict:
    r = subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(data), "--config",
                        str(config), "--now", NOW, *args, "--json"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=600)
    if r.returncode:
        raise SystemExit(f"cli {args[0]} failed: {r.stderr.strip()}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def mcp_session(data: Path, config: Path, questions: list[str], rounds: int,
                env: dict) -> tuple[dict[str, list[float]], float]:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable, cwd=str(REPO), env=env,
        args=["-m", "app.cli", "--data-dir", str(data), "--config", str(config), "--now", NOW,
              "mcp", "--enable"])
    times: dict[str, list[float]] = {"search": [], "ask": [], "get_moment": []}

    async def main() -> float:
        t0 = time.perf_counter()
        async with Client(params, read_timeout_seconds=300) as c:
            started = time.perf_counter() - t0
            await c.call_tool("ask", {"question": questions[0]})   # warm: the model loads
            for _ in range(rounds):
                for q in questions:
                    t = time.perf_counter()
                    hits = json.loads((await c.call_tool("search", {"query": q, "limit": 5}))
                                      .content[0].text)["hits"]
                    times["search"].append(time.perf_counter() - t)
                    t = time.perf_counter()
                    r = await c.call_tool("ask", {"question": q})
                    times["ask"].append(time.perf_counter() - t)
                    assert not r.is_error, r.content[0].text
                    if hits:
                        t = time.perf_counter()
                        r = await c.call_tool("get_moment", {"source": hits[0]["sources"][0]})
                        times["get_moment"].append(time.perf_counter() - t)
                        assert not r.is_error, r.content[0].text
        return started
    return times, asyncio.run(main())


def in_process(data: Path, config: Path, questions: list[str], rounds: int):
    """(the CLI's functions, the MCP service) timings, warm, over one open core."""
    from app import queries
    from app.cli import _now, build_parser
    from app.mcp_server.scope import Scope
    from app.mcp_server.service import McpService
    from app.settings import load_settings
    from app.wiring import open_core
    from memory.store.sources import resolve

    settings = load_settings(data_dir=data, config_file=config)
    now = _now(build_parser().parse_args(["--now", NOW, "doctor"]))
    core = open_core(settings, passphrase=PASSPHRASE)
    fn = {"search": [], "ask": [], "get_moment": []}
    svc_t = {"search": [], "ask": [], "get_moment": []}
    service = McpService(core, Scope(settings.mcp.client("default"), settings.privacy),
                         search_limit=settings.memory.search_limit, max_limit=50,
                         use_llm=True, audit=core.store.audit, now=lambda: now)
    try:
        queries.answer(core.retriever, questions[0], backend=core.backend, store=core.store,
                       now=now)   # warm
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                hits = queries.search_json(q, core.retriever.search(q, limit=5, now=now))["hits"]
                fn["search"].append(time.perf_counter() - t)
                t = time.perf_counter()
                queries.answer(core.retriever, q, backend=core.backend, store=core.store,
                               now=now).as_json()
                fn["ask"].append(time.perf_counter() - t)
                if hits:
                    src = hits[0]["sources"][0]
                    t = time.perf_counter()
                    queries.moment_json(core.store, resolve(core.store.db, [src])[src],
                                        image=False)
                    fn["get_moment"].append(time.perf_counter() - t)
                for tool, call in (("search", lambda q=q: service.search(q, limit=5)),
                                   ("ask", lambda q=q: service.ask(q))):
                    t = time.perf_counter()
                    call()
                    svc_t[tool].append(time.perf_counter() - t)
                if hits:
                    t = time.perf_counter()
                    service.get_moment(hits[0]["sources"][0])
                    svc_t["get_moment"].append(time.perf_counter() - t)
    finally:
        core.close()
    return fn, svc_t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, help="an encrypted data dir (passphrase: "
                    "$BENCH_PASSPHRASE); default: import the dev screens into a temp one")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cli-rounds", type=int, default=1)
    args = ap.parse_args()
    global PASSPHRASE
    PASSPHRASE = os.environ.get("BENCH_PASSPHRASE", PASSPHRASE)
    questions = [json.loads(line)["question"] for line in
                 (SCREENS / "questions.jsonl").read_text("utf-8").splitlines() if line.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="bench-mcp-"))
    config = tmp / "config.toml"
    config.write_text("", "utf-8")
    env = {**os.environ, "COMMONPLACE_PASSPHRASE": PASSPHRASE}
    try:
        data = args.store
        if data is None:
            data = tmp / "data"
            log("importing the dev screens (real OCR, encrypted) ...")
            t = time.perf_counter()
            cli(data, config, "import-frames", str(SCREENS / "frames.jsonl"), "--no-llm",
                env=env)
            log(f"  {time.perf_counter() - t:.0f} s")
        log(f"in process: {args.rounds} rounds x {len(questions)} questions ...")
        fn, svc = in_process(data, config, questions, args.rounds)
        log("MCP session over stdio ...")
        mcp, started = mcp_session(data, config, questions, args.rounds, env)
        log(f"CLI subprocess: {args.cli_rounds} round(s) ...")
        sub = {"search": [], "ask": []}
        for _ in range(args.cli_rounds):
            for q in questions:
                for tool, extra in (("search", ["--limit", "5"]), ("ask", [])):
                    t = time.perf_counter()
                    cli(data, config, tool, q, *extra, env=env)
                    sub[tool].append(time.perf_counter() - t)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = {"questions": len(questions), "rounds": args.rounds,
           "loadavg": os.getloadavg(), "mcp_session_start_s": round(started, 2), "tools": {}}
    for tool in ("search", "ask", "get_moment"):
        row = {"mcp_stdio": pct(mcp[tool]), "mcp_service_in_process": pct(svc[tool]),
               "function_in_process": pct(fn[tool])}
        if tool in sub:
            row["cli_subprocess"] = pct(sub[tool])
        base = row["function_in_process"]["p95_ms"]
        row["p95_ratio_mcp_vs_function"] = round(row["mcp_stdio"]["p95_ms"] / base, 2)
        if tool in sub:
            row["p95_ratio_mcp_vs_cli"] = round(
                row["mcp_stdio"]["p95_ms"] / row["cli_subprocess"]["p95_ms"], 3)
        out["tools"][tool] = row
        log(f"{tool:10s} p95 ms: mcp {row['mcp_stdio']['p95_ms']}, service "
            f"{row['mcp_service_in_process']['p95_ms']}, function {base}"
            + (f", cli {row['cli_subprocess']['p95_ms']}" if tool in sub else ""))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
