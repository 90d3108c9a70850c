"""ScriptedLlm: an honest fake `LlmBackend` for unit tests of other packages.

It replies from a script (a list of replies, consumed in order) or a function of the
prompt, records every call, and keeps the real contract: `max_tokens` truncates
(with finish_reason "length"), stop strings cut, `structured` parses and validates
exactly as the real backends do (a bad scripted reply raises StructuredOutputError),
and `chat` on a completion-only fake is refused like the real model.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.backend import CancelToken, Completion, Message, ModelInfo, Prompt
from models.errors import ModelError
from models.grammar import parse_and_validate, tighten_schema

Reply = str | dict | Callable[[str], str | dict]


@dataclass(frozen=True)
class Call:
    """One recorded call: the method, the prompt as text, and its options."""

    method: str
    prompt: str
    options: dict[str, Any] = field(default_factory=dict)


def render_messages(messages: Sequence[Message]) -> str:
    return "\n".join(f"{m.role}: {m.content}" for m in messages)


class ScriptedLlm:
    """A scripted `LlmBackend`. Tokens are whitespace-separated words."""

    def __init__(
        self,
        replies: Sequence[Reply] | Callable[[str], str | dict] = (),
        *,
        capability: str = "instruct",
        n_ctx: int = 2048,
        name: str = "scripted",
        scores: Callable[[str, str], float] | None = None,
    ) -> None:
        """`scores(prompt, continuation)` scripts `score`: the continuation's total
        log-probability, spread evenly over its words (None: the fake cannot score)."""
        self._script = replies if callable(replies) else list(replies)
        self._info = ModelInfo(name=name, path=None, capability=capability, n_ctx=n_ctx)  # type: ignore[arg-type]
        self._scores = scores
        self._lock = threading.Lock()
        self.calls: list[Call] = []
        self.closed = False

    @property
    def info(self) -> ModelInfo:
        return self._info

    # --- the protocol -------------------------------------------------------------

    def complete(
        self, prompt: str, *, max_tokens: int, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> Completion:
        started = time.perf_counter()
        text = self._next("complete", prompt, max_tokens=max_tokens, stop=tuple(stop),
                          temperature=temperature)
        return self._finish(prompt, text, max_tokens, stop, started)

    def chat(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0
    ) -> Completion:
        if self._info.capability != "instruct":
            raise ModelError(f"{self._info.name} is a completion-only model; chat() needs an instruct model.")
        started = time.perf_counter()
        prompt = render_messages(messages)
        text = self._next("chat", prompt, max_tokens=max_tokens, temperature=temperature)
        return self._finish(prompt, text, max_tokens, (), started)

    def stream(
        self,
        prompt: str,
        *,
        max_tokens: int,
        stop: Sequence[str] = (),
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        text = self._next("stream", prompt, max_tokens=max_tokens, stop=tuple(stop))
        done = self._finish(prompt, text, max_tokens, stop, time.perf_counter())
        for i, word in enumerate(done.text.split(" ")):
            if cancel is not None and cancel.cancelled:
                return
            yield word if i == 0 else " " + word

    def structured(self, prompt: Prompt, *, schema: dict, max_tokens: int) -> dict:
        text_prompt = prompt if isinstance(prompt, str) else render_messages(prompt)
        text = self._next("structured", text_prompt, max_tokens=max_tokens, schema=schema)
        done = self._finish(text_prompt, text, max_tokens, (), time.perf_counter())
        return parse_and_validate(done.text, tighten_schema(schema))

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def score(self, prompt: str, continuations: Sequence[str]) -> list[list[float]] | None:
        if self.closed:
            raise ModelError("ScriptedLlm was closed.")
        if self._scores is None:
            return None
        with self._lock:
            self.calls.append(Call("score", prompt, {"continuations": tuple(continuations)}))
        out = []
        for c in continuations:
            n = max(len(c.split()), 1)
            out.append([self._scores(prompt, c) / n] * n)
        return out

    def close(self) -> None:
        self.closed = True

    # --- helpers ------------------------------------------------------------------

    def _next(self, method: str, prompt: str, **options: Any) -> str:
        if self.closed:
            raise ModelError("ScriptedLlm was closed.")
        with self._lock:
            self.calls.append(Call(method, prompt, options))
            if callable(self._script):
                reply: Any = self._script
            elif self._script:
                reply = self._script.pop(0)
            else:
                raise ModelError(f"ScriptedLlm has no scripted reply left for call {len(self.calls)} ({method}).")
        if callable(reply):
            reply = reply(prompt)
        return json.dumps(reply) if isinstance(reply, dict) else str(reply)

    def _finish(
        self, prompt: str, text: str, max_tokens: int, stop: Sequence[str], started: float
    ) -> Completion:
        finish = "stop"
        for s in stop:
            if s and s in text:
                text = text[: text.index(s)]
        words = text.split(" ")
        if len(text.split()) > max_tokens:
            text = " ".join(words[:max_tokens])
            finish = "length"
        return Completion(
            text=text,
            prompt_tokens=self.count_tokens(prompt),
            completion_tokens=len(text.split()),
            finish_reason=finish,
            seconds=time.perf_counter() - started,
        )
