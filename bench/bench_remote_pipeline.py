"""Answering throughput: the in-process LlamaCppBackend vs the OpenAICompatibleBackend talking
to `python -m llama_cpp.server` on loopback, both serving the same bundled GGUF.

The workload is the chat agent (memory.answer.Answerer) over the dev conversation imported
into a fresh unencrypted store: ~10 questions, each a retrieval + one model call. Both
backends get the same load plan (n_ctx, n_batch, threads), so the difference is the HTTP
hop and the server's own overhead. A warm-up question loads each model before timing.
Prints questions/min for each, the ratio (remote/local) and answer agreement; one JSON
object last.

    .venv/bin/python bench/bench_remote_pipeline.py [--questions 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CONVERSATIONS = ROOT.parent / "shared" / "eval" / "conversations_dev.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(plan_kwargs: dict, port: int, log_path: Path,
                  chat_format: str | None = None) -> subprocess.Popen:
    """`python -m llama_cpp.server` on loopback with the load plan's settings; `chat_format`
    (e.g. "gemma") lets /v1/chat/completions format messages for a GGUF without a template."""
    import httpx

    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", plan_kwargs["model_path"],
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(plan_kwargs["n_ctx"]),
           "--n_batch", str(plan_kwargs["n_batch"]), "--n_threads", str(plan_kwargs["n_threads"]),
           "--n_threads_batch", str(plan_kwargs["n_threads_batch"]),
           "--use_mmap", str(plan_kwargs["use_mmap"]), "--verbose", "False",
           *(["--chat_format", chat_format] if chat_format else [])]
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    deadline = time.monotonic() + 120
    with httpx.Client(trust_env=False, timeout=2) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                if http.get(f"http://127.0.0.1:{port}/v1/models").status_code == 200:
                    return proc
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("llama_cpp.server did not start:\n" + log_path.read_text(errors="replace"))


def _stop_server(proc: subprocess.Popen) -> None:
    """Stop the server started by `_start_server`, by its process, within ~15 s."""
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def _run(answerer, questions: list[str], rounds: int) -> tuple[float, list[str], list[str]]:
    answerer.ask(questions[0])  # warm-up: loads the model / opens the connection
    answers, modes = [], []
    start = time.perf_counter()
    for r in range(rounds):
        for q in questions:
            a = answerer.ask(q)
            if r == 0:
                answers.append(a.answer)
                modes.append(a.tier)
    return time.perf_counter() - start, answers, modes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2, help="passes over the questions")
    args = ap.parse_args()

    from app.prepare import ensure_bundled_gguf, ensure_minilm
    from memory.answer import Answerer
    from memory.chat_import import import_chat, load_samples
    from memory.retrieval import Retriever
    from memory.store.store import Store
    from models.embeddings import OnnxEmbedder
    from models.factory import plan_for
    from models.llama import LlamaCppBackend
    from models.registry import prepare_bundled
    from models.remote import OpenAICompatibleBackend
    from models.settings import LlmSettings

    tmp = Path(tempfile.mkdtemp(prefix="bench-remote-"))
    models = tmp / "models"
    embedder = OnnxEmbedder(ensure_minilm(models))
    store = Store.open(tmp / "data", passphrase=None, encrypt_new=False, embedder=embedder)
    import_chat(CONVERSATIONS, store=store)
    retriever = Retriever(store)
    qa = [q for s in load_samples(CONVERSATIONS) for q in s.get("qa", [])]
    questions = [q["question"] for q in qa][: args.questions]

    ensure_bundled_gguf(models)
    prepare_bundled(models)
    settings = LlmSettings()
    info, plan = plan_for(settings, models)
    kwargs = plan.to_llama_kwargs()

    local = LlamaCppBackend(info, plan, idle_unload_s=0)
    try:
        local_s, local_answers, local_modes = _run(
            Answerer(retriever, lambda: local, store=store), questions, args.rounds)
    finally:
        local.close()

    port = _free_port()
    server = _start_server(kwargs, port, tmp / "server.log")
    remote = OpenAICompatibleBackend(f"http://127.0.0.1:{port}", capability=info.capability,
                                     n_ctx=kwargs["n_ctx"], timeout_s=120)
    try:
        remote_s, remote_answers, remote_modes = _run(
            Answerer(retriever, lambda: remote, store=store), questions, args.rounds)
    finally:
        remote.close()
        _stop_server(server)
    store.close()

    n = len(questions) * args.rounds
    local_qpm, remote_qpm = 60 * n / local_s, 60 * n / remote_s
    agree = sum(a == b for a, b in zip(local_answers, remote_answers))
    for q, a, b in zip(questions, local_answers, remote_answers):
        print(f"{q}\n  local : {a}\n  remote: {b}", file=sys.stderr)
    print(json.dumps({
        "bench": "remote_pipeline", "model": info.name, "capability": info.capability,
        "questions": len(questions), "rounds": args.rounds,
        "n_ctx": kwargs["n_ctx"], "n_threads": kwargs["n_threads"],
        "local_s": round(local_s, 2), "remote_s": round(remote_s, 2),
        "local_questions_per_min": round(local_qpm, 1),
        "remote_questions_per_min": round(remote_qpm, 1),
        "remote_over_local": round(remote_qpm / local_qpm, 3),
        "answers_identical": f"{agree}/{len(questions)}",
        "local_tiers": sorted(set(local_modes)), "remote_tiers": sorted(set(remote_modes)),
        "cpu_count": os.cpu_count(),
    }))


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    main()
