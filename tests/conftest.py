"""Shared fixtures: building blocks over real parts (real SQLite/SQLCipher files, a real
Chroma store, the real ONNX embedder and OCR), each in a temporary directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
SCREENS = EVAL / "screens-dev"
CONVERSATIONS = EVAL / "conversations_dev.json"
PASSPHRASE = "correct horse battery staple"


def pytest_configure(config):
    # The test process loads onnxruntime itself (embedder, OCR): no telemetry there either.
    from app.hygiene import offline_environment

    offline_environment()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path_factory):
    """No test reads the user's config or passphrase by accident."""
    monkeypatch.delenv("COMMONPLACE_PASSPHRASE", raising=False)
    monkeypatch.setenv("COMMONPLACE_CONFIG", str(tmp_path_factory.getbasetemp() / "none.toml"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    from app.prepare import ensure_minilm
    from models.embeddings import OnnxEmbedder

    return OnnxEmbedder(ensure_minilm(tmp_path_factory.mktemp("models")))


@pytest.fixture
def settings_factory(tmp_path):
    from app.settings import load_settings

    def make(encrypt: bool = True, data_dir: Path | None = None, **overrides):
        ov = {"privacy": {"encrypt": encrypt}}
        for k, v in overrides.items():
            ov.setdefault(k, {}).update(v)
        return load_settings(data_dir=data_dir or tmp_path / "data",
                             config_file=tmp_path / "config.toml", overrides=ov)
    return make


@pytest.fixture
def open_store(tmp_path, embedder):
    """Open (or reopen) a real store: SQLCipher + frame files + embedded Chroma."""
    from memory.store.store import Store

    opened = []

    def make(data_dir: Path | None = None, *, passphrase: str | None = PASSPHRASE,
             encrypt: bool = True):
        s = Store.open(data_dir or tmp_path / "data", passphrase=passphrase,
                       encrypt_new=encrypt, embedder=embedder)
        opened.append(s)
        return s
    yield make
    for s in opened:
        try:
            s.close()
        except Exception:
            pass


@pytest.fixture(scope="session")
def ocr():
    from capture.ocr import OcrEngine

    return OcrEngine()


@pytest.fixture(scope="session")
def screens_store(tmp_path_factory, embedder, ocr):
    """The dev screenshots imported once (OCR is the slow part) into an encrypted store."""
    from capture.importer import FrameImporter
    from memory.redact import Redactor
    from memory.store.store import Store

    data = tmp_path_factory.mktemp("screens") / "data"
    store = Store.open(data, passphrase=PASSPHRASE, encrypt_new=True, embedder=embedder)
    report = FrameImporter(store=store, ocr=ocr, redactor=Redactor()).run(
        SCREENS / "frames.jsonl")
    store.import_report = report
    yield store
    store.close()


@pytest.fixture(scope="session")
def screen_questions():
    return [json.loads(l) for l in (SCREENS / "questions.jsonl").read_text().splitlines()
            if l.strip()]


@pytest.fixture(scope="session")
def bundled_gguf(tmp_path_factory):
    from app.prepare import ensure_bundled_gguf
    from models.registry import prepare_bundled

    d = tmp_path_factory.mktemp("gguf")
    ensure_bundled_gguf(d)
    return prepare_bundled(d)


@pytest.fixture(scope="session")
def server_url(bundled_gguf, tmp_path_factory):
    """A real `python -m llama_cpp.server` on loopback serving the bundled model, once per
    session. `--chat_format gemma` lets /v1/chat/completions format messages (the base model
    ships no chat template); /v1/completions is unaffected. Its log goes to a file (a pipe
    nobody reads would fill and stall it). Only this process is stopped, by its id."""
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_file = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log_file.open("wb") as log_fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf),
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
             "--chat_format", "gemma", "--verbose", "False"],
            stdout=subprocess.DEVNULL, stderr=log_fh,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: "
                                   f"{log_file.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=1, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not start within 90 s")
            time.sleep(0.3)
        yield url
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)


def run_cli(*args, env=None, data_dir=None, passphrase=PASSPHRASE, timeout=900):
    """Run the real `commonplace` entry point in a subprocess; returns CompletedProcess."""
    import subprocess
    import sys

    e = dict(os.environ)
    e.pop("COMMONPLACE_PASSPHRASE", None)
    if passphrase:
        e["COMMONPLACE_PASSPHRASE"] = passphrase
    e.update(env or {})
    pre = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "app.cli", *pre, *args], capture_output=True,
                          text=True, timeout=timeout, env=e, cwd=REPO)


def import_turns(tmp_path: Path, store, sessions, *, sample: str = "c",
                 dates: list[str] | None = None):
    """Import a small LoCoMo-format chat: `sessions` is a list of sessions, each a list of
    (speaker, text); speakers Ana and Ben; session N dated `dates[N-1]` or "N May 2023"."""
    from memory.chat_import import import_chat

    conv = {"speaker_a": "Ana", "speaker_b": "Ben"}
    for n, turns in enumerate(sessions, 1):
        conv[f"session_{n}_date_time"] = dates[n - 1] if dates else f"{n} May 2023"
        conv[f"session_{n}"] = [{"speaker": s, "dia_id": f"D{n}:{i}", "text": t}
                                for i, (s, t) in enumerate(turns, 1)]
    path = tmp_path / f"{sample}.json"
    path.write_text(json.dumps([{"sample_id": sample, "qa": [], "conversation": conv}]))
    return import_chat(path, store=store)


def add_episode(repo, start: str, minutes: int, app: str, what: str, src: str,
                details: str | None = None) -> int:
    """One app-session episode through MemoryRepo.add: `start` ISO, `minutes` long."""
    import datetime as dt

    from memory.items import EPISODIC

    s = dt.datetime.fromisoformat(start)
    fields = {"occurred_at": s.isoformat(),
              "ended_at": (s + dt.timedelta(minutes=minutes)).isoformat(),
              "event_type": "app_session", "app": app, "summary": f"{app}: {what}"}
    if details is not None:
        fields["details"] = details
    return repo.add(EPISODIC, fields, sources=[src], occurred_at=s.isoformat())
