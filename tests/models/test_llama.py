"""LlamaCppBackend: the worker's lifecycle with a stand-in Llama, then the real bundled model."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from models.backend import CancelToken, LlmBackend, Message
from models.errors import ModelError, StructuredOutputError
from models.factory import plan_for
from models.llama import LlamaCppBackend
from models.planner import plan_load
from models.settings import LlmSettings
from tests.models.conftest import synthetic_info
from tests.models.test_planner import machine

TWO_SHOT = (
    "Text: The meeting with Dana is on Friday at 3pm in room 204.\n"
    "Question: Where is the meeting?\nAnswer: room 204\n\n"
    "Text: Invoice 8812 from Acme Corp totals 1,250 euros and is due March 3.\n"
    "Question: Who sent the invoice?\nAnswer: Acme Corp\n\n"
    "Text: Marco flew to Lisbon on Tuesday to visit the new office.\n"
    "Question: Where did Marco fly to?\nAnswer:"
)


class StandInLlama:
    """Counts live instances and detects re-entrant use from several threads."""

    live = 0
    peak = 0
    threads: set[int] = set()

    def __init__(self, **kwargs: object) -> None:
        type(self).live += 1
        type(self).peak = max(type(self).peak, type(self).live)
        self.kwargs = kwargs
        self.busy = threading.Lock()

    def create_completion(self, prompt: str, **kw: object) -> dict:
        assert self.busy.acquire(blocking=False), "two threads inside llama at once"
        try:
            type(self).threads.add(threading.get_ident())
            time.sleep(0.01)
            return {"choices": [{"text": prompt.upper(), "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1}}
        finally:
            self.busy.release()

    def close(self) -> None:
        type(self).live -= 1


@pytest.fixture
def stand_in() -> type[StandInLlama]:
    StandInLlama.live, StandInLlama.peak, StandInLlama.threads = 0, 0, set()
    return StandInLlama


def _backend(factory: object, idle: float = 0) -> LlamaCppBackend:
    info = synthetic_info(size_mb=253)
    return LlamaCppBackend(info, plan_load(info, machine(16), LlmSettings()), idle_unload_s=idle, llama_factory=factory)


def test_lazy_load_concurrent_calls_serialised_on_one_worker(stand_in) -> None:
    backend = _backend(stand_in)
    assert not backend.loaded and stand_in.live == 0  # nothing loaded at construction
    results: list[str] = []
    threads = [threading.Thread(target=lambda i=i: results.append(backend.complete(f"q{i}", max_tokens=4).text))
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [f"Q{i}" for i in range(8)]
    assert stand_in.peak == 1 and len(stand_in.threads) == 1
    assert stand_in.threads != {threading.get_ident()}
    backend.close()
    assert stand_in.live == 0


def test_idle_unload_then_reload_never_two_copies(stand_in) -> None:
    backend = _backend(stand_in, idle=0.2)
    backend.complete("a", max_tokens=1)
    assert backend.loaded
    deadline = time.monotonic() + 5
    while backend.loaded and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not backend.loaded and stand_in.live == 0
    assert backend.complete("b", max_tokens=1).text == "B"
    assert backend.load_count == 2 and stand_in.peak == 1
    backend.close()


def test_closed_backend_refuses_work(stand_in) -> None:
    backend = _backend(stand_in)
    backend.complete("a", max_tokens=1)
    backend.close()
    with pytest.raises(ModelError, match="closed"):
        backend.complete("a", max_tokens=1)


def test_load_failure_is_a_model_error() -> None:
    def broken(**_kw: object) -> None:
        raise ValueError("Failed to load model from file")

    backend = _backend(broken)
    with pytest.raises(ModelError, match="Could not load"):
        backend.complete("a", max_tokens=1)
    backend.close()


def test_completion_only_model_refuses_chat(stand_in) -> None:
    backend = _backend(stand_in)
    with pytest.raises(ModelError, match="completion-only"):
        backend.chat([Message("user", "hi")], max_tokens=4)
    assert stand_in.live == 0  # refused before loading anything
    backend.close()


# --- the real bundled model ---------------------------------------------------------


@pytest.fixture(scope="module")
def gemma(bundled_gguf: Path) -> LlamaCppBackend:
    _info, _plan = plan_for(LlmSettings(n_ctx=1024), bundled_gguf.parent)
    backend = LlamaCppBackend(_info, _plan, idle_unload_s=0)
    yield backend
    backend.close()


@pytest.mark.model
def test_two_shot_extraction(gemma: LlamaCppBackend) -> None:
    assert isinstance(gemma, LlmBackend)
    out = gemma.complete(TWO_SHOT, max_tokens=12, stop=["\n"])
    assert "Lisbon" in out.text
    assert out.prompt_tokens > 50 and out.completion_tokens >= 1 and out.finish_reason == "stop"


@pytest.mark.model
def test_stream_and_count_tokens(gemma: LlamaCppBackend) -> None:
    pieces = list(gemma.stream("The capital of France is", max_tokens=6))
    assert 1 <= len(pieces) <= 6 and "".join(pieces).strip()
    assert gemma.count_tokens("hello world") == 2


@pytest.mark.model
def test_cancelled_stream_stops_promptly(gemma: LlamaCppBackend) -> None:
    token = CancelToken()
    stream = gemma.stream("Once upon a time", max_tokens=400, cancel=token)
    first = next(stream)
    assert first
    started = time.perf_counter()
    stream.close()  # closing the generator cancels generation on the worker
    assert token.cancelled
    out = gemma.complete("Paris is the capital of", max_tokens=2)  # the worker is free again
    assert time.perf_counter() - started < 20 and out.completion_tokens >= 1


@pytest.mark.model
def test_structured_output_validates(gemma: LlamaCppBackend) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 12}},
              "required": ["city"]}
    prompt = ('Text: Dana lives in Oslo.\nJSON: {"city": "Oslo"}\n\n'
              "Text: Marco flew to Lisbon.\nJSON:")
    out = gemma.structured(prompt, schema=schema, max_tokens=16)
    assert out == {"city": "Lisbon"}


@pytest.mark.model
def test_structured_cut_by_max_tokens_raises(gemma: LlamaCppBackend) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    with pytest.raises(StructuredOutputError, match="not valid JSON"):
        gemma.structured("Text: Marco flew to Lisbon.\nJSON:", schema=schema, max_tokens=3)


@pytest.mark.model
def test_prompt_longer_than_context_is_a_model_error(gemma: LlamaCppBackend) -> None:
    with pytest.raises(ModelError, match="context window"):
        gemma.complete("word " * 2000, max_tokens=4)


@pytest.mark.model
def test_real_idle_unload_and_reload(bundled_gguf: Path) -> None:
    info, plan = plan_for(LlmSettings(n_ctx=512), bundled_gguf.parent)
    backend = LlamaCppBackend(info, plan, idle_unload_s=0.3)
    try:
        assert backend.count_tokens("a b") >= 2 and backend.loaded
        deadline = time.monotonic() + 10
        while backend.loaded and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not backend.loaded
        assert backend.count_tokens("a b") >= 2 and backend.load_count == 2
    finally:
        backend.close()
