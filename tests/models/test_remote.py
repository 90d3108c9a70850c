"""OpenAICompatibleBackend against a real llama_cpp.server on loopback, and its failure modes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from models.backend import CancelToken
from models.errors import BackendUnavailableError, ModelError
from models.remote import OpenAICompatibleBackend
from tests.models.test_llama import TWO_SHOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(bundled_gguf: Path) -> str:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "1024", "--verbose", "False"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {proc.stderr.read().decode()[-2000:]}")
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


@pytest.mark.model
def test_remote_completion(server_url: str) -> None:
    backend = OpenAICompatibleBackend(server_url + "/v1", timeout_s=60, capability="completion")
    try:
        out = backend.complete(TWO_SHOT, max_tokens=12, stop=["\n"])
        assert "Lisbon" in out.text and out.prompt_tokens > 50
        assert backend.count_tokens("hello world") >= 2
    finally:
        backend.close()


@pytest.mark.model
def test_remote_stream_and_cancel(server_url: str) -> None:
    backend = OpenAICompatibleBackend(server_url, timeout_s=60)
    try:
        pieces = list(backend.stream("The capital of France is", max_tokens=6))
        assert 1 <= len(pieces) <= 6 and "".join(pieces).strip()
        token = CancelToken()
        got = []
        for piece in backend.stream("Once upon a time", max_tokens=200, cancel=token):
            got.append(piece)
            token.cancel()
        assert len(got) == 1
    finally:
        backend.close()


@pytest.mark.model
def test_remote_structured(server_url: str) -> None:
    backend = OpenAICompatibleBackend(server_url, timeout_s=120)
    schema = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 12}}, "required": ["city"]}
    try:
        out = backend.structured('Text: Dana lives in Oslo.\nJSON: {"city": "Oslo"}\n\nText: Marco flew to Lisbon.\nJSON:',
                                 schema=schema, max_tokens=16)
        assert out == {"city": "Lisbon"}
    finally:
        backend.close()


def test_connection_refused_is_clear() -> None:
    backend = OpenAICompatibleBackend(f"http://127.0.0.1:{_free_port()}", timeout_s=5)
    with pytest.raises(BackendUnavailableError, match="Could not connect to the model server at http://127.0.0.1"):
        backend.complete("x", max_tokens=1)
    with pytest.raises(BackendUnavailableError, match="Could not connect"):
        list(backend.stream("x", max_tokens=1))
    backend.close()


def test_timeout_is_clear() -> None:
    """A loopback server that accepts and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    backend = OpenAICompatibleBackend(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout_s=0.5)
    try:
        with pytest.raises(BackendUnavailableError, match=r"did not answer /v1/completions within 0.5 s"):
            backend.complete("x", max_tokens=1)
    finally:
        backend.close()
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        listener.close()


def test_http_error_and_malformed_reply() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/completions":
            return httpx.Response(500, text="model exploded")
        return httpx.Response(200, json={"choices": []})

    backend = OpenAICompatibleBackend("http://127.0.0.1:1", timeout_s=5)
    backend._client = httpx.Client(base_url="http://127.0.0.1:1", transport=httpx.MockTransport(handler))
    with pytest.raises(BackendUnavailableError, match="HTTP 500: model exploded"):
        backend.complete("x", max_tokens=1)
    from models.backend import Message

    with pytest.raises(ModelError, match="not an OpenAI-style completion"):
        backend.chat([Message("user", "hi")], max_tokens=1)
    backend.close()
