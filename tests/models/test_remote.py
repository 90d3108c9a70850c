"""OpenAICompatibleBackend against a real llama_cpp.server on loopback, and its failure modes."""

from __future__ import annotations

import json
import socket
import threading

import httpx
import pytest

from models.backend import CancelToken
from models.errors import BackendUnavailableError, ModelError
from models.remote import OpenAICompatibleBackend
from tests.models.test_llama import TWO_SHOT

# The real server: `server_url` in tests/conftest.py (session-scoped, shared with tests/memory).


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        out = backend.structured('Text: Dana lives in Oslo.\nJSON: {"city": "Oslo"}\n\n'
                                 'Text: Marco flew to Lisbon.\nJSON:',
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


@pytest.mark.model
def test_remote_structured_chat(server_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """Chat messages, formatted by the server (`--chat_format gemma`), JSON-schema
    constrained. llama-cpp-python's server refuses `json_schema` (HTTP 500) but takes
    `json_object` + schema: the backend falls back once and remembers."""
    from models.backend import Message

    backend = OpenAICompatibleBackend(server_url, timeout_s=120)
    # An enum, not a free string: llama-cpp-python's grammar lets a raw newline into a
    # string, which no JSON parser takes.
    cities = ["Oslo", "Lisbon", "Paris"]
    schema = {"type": "object", "properties": {"city": {"type": "string", "enum": cities}},
              "required": ["city"]}
    prompt = [Message("system", 'Reply with JSON: {"city": "..."}.'),
              Message("user", "Marco flew to Lisbon. Which city?")]
    try:
        with caplog.at_level("INFO", logger="models.remote"):
            for _ in range(2):
                out = backend.structured(prompt, schema=schema, max_tokens=16)
                assert set(out) == {"city"} and out["city"] in cities
    finally:
        backend.close()
    assert sum("rejected constrained decoding by json_schema" in r.message
               for r in caplog.records) == 1


def test_structured_chat_constraint_fallbacks() -> None:
    """json_schema refused -> json_object + schema (remembered); both refused -> local
    validation only; a server fault that is not about the constraint is not retried."""
    from models.backend import Message

    seen: list[str] = []
    refuse: set[str] = set()

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        kind = body.get("response_format", {}).get("type", "none")
        seen.append(kind)
        if body["messages"][-1]["content"] == "crash":
            return httpx.Response(500, json={"error": {"message": "llama_decode returned -1"}})
        if kind == "json_schema" and "json_schema" in refuse:  # llama-cpp-python's answer
            return httpx.Response(500, json={"error": {"message": "1 validation error: {'loc': "
                                                       "('body', 'response_format', 'type')}"}})
        if kind == "json_object" and "json_object" in refuse:
            return httpx.Response(422, json={"detail": "unsupported response_format"})
        return httpx.Response(200, json={"choices": [{"message": {"content": '{"n": 3}'}}]})

    def backend() -> OpenAICompatibleBackend:
        b = OpenAICompatibleBackend("http://127.0.0.1:1", timeout_s=5)
        b._client = httpx.Client(base_url="http://127.0.0.1:1",
                                 transport=httpx.MockTransport(handler))
        return b

    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    ask = [Message("user", "n?")]

    b = backend()  # a server that takes json_schema: used as is
    assert b.structured(ask, schema=schema, max_tokens=8) == {"n": 3}
    assert seen == ["json_schema"]

    seen.clear()
    refuse.add("json_schema")
    b = backend()
    assert b.structured(ask, schema=schema, max_tokens=8) == {"n": 3}
    assert b.structured(ask, schema=schema, max_tokens=8) == {"n": 3}
    assert seen == ["json_schema", "json_object", "json_object"]

    seen.clear()
    refuse.add("json_object")
    b = backend()
    assert b.structured(ask, schema=schema, max_tokens=8) == {"n": 3}
    assert b.structured(ask, schema=schema, max_tokens=8) == {"n": 3}
    assert seen == ["json_schema", "json_object", "none", "none"]

    seen.clear()
    b = backend()
    with pytest.raises(BackendUnavailableError, match="HTTP 500: .*llama_decode"):
        b.structured([Message("user", "crash")], schema=schema, max_tokens=8)
    assert seen == ["json_schema"]
