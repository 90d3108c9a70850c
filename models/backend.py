"""The one interface every language-model backend implements, and its plain data types.

Callers (memory agents, the chat answerer, the CLI) depend on `LlmBackend` only;
provider quirks (llama.cpp, an OpenAI-compatible server, the scripted fake) stay
in their adapters.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from models.errors import ModelError

Role = Literal["system", "user", "assistant"]
Capability = Literal["instruct", "completion"]
FinishReason = Literal["stop", "length", "cancelled"]


@dataclass(frozen=True)
class Message:
    """One chat turn."""

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in ("system", "user", "assistant"):
            raise ValueError(f"unknown chat role {self.role!r}")

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Completion:
    """The result of one generation."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str  # "stop" | "length" | "cancelled"
    seconds: float


@dataclass(frozen=True)
class ModelInfo:
    """What is known about a model without loading its weights.

    Sizes are bytes; architecture fields are 0 when the file (or server) does not say.
    """

    name: str
    path: Path | None
    capability: Capability
    architecture: str = ""
    n_params: int = 0
    n_layers: int = 0
    n_ctx_train: int = 0
    n_embd: int = 0
    n_head: int = 0
    n_head_kv: int = 0
    key_length: int = 0
    value_length: int = 0
    sliding_window: int = 0
    file_type: str = ""
    file_size: int = 0
    has_chat_template: bool = False
    chat_template: str = field(default="", repr=False)
    n_ctx: int = 0  # the context actually in use once loaded (0 = not loaded / unknown)
    bundled: bool = False

    @property
    def head_dim_k(self) -> int:
        if self.key_length:
            return self.key_length
        return self.n_embd // self.n_head if self.n_head else 0

    @property
    def head_dim_v(self) -> int:
        if self.value_length:
            return self.value_length
        return self.n_embd // self.n_head if self.n_head else 0

    def kv_bytes_per_token(self, bytes_per_elem: int = 2) -> int:
        """KV-cache bytes one token costs: n_layers * n_kv_heads * (k_dim + v_dim) * bytes.

        Equals 2 * n_layers * n_kv_heads * head_dim * bytes when K and V dims agree.
        """
        n_kv = self.n_head_kv or self.n_head
        return self.n_layers * n_kv * (self.head_dim_k + self.head_dim_v) * bytes_per_elem


class CancelToken:
    """A thread-safe flag a caller sets to stop a generation early."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


Prompt = str | Sequence[Message]


@runtime_checkable
class LlmBackend(Protocol):
    """A language model. All methods block the calling thread (never call from the GUI thread).

    `complete` is raw text continuation (what base models are good at); `chat` needs an
    instruction-tuned model and raises ModelError on a completion-only one; `structured`
    returns a dict that validates against `schema` or raises StructuredOutputError.
    """

    @property
    def info(self) -> ModelInfo: ...

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
    ) -> Completion: ...

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float = 0.0,
    ) -> Completion: ...

    def stream(
        self,
        prompt: str,
        *,
        max_tokens: int,
        stop: Sequence[str] = (),
        cancel: CancelToken | None = None,
    ) -> Iterator[str]: ...

    def structured(
        self,
        prompt: Prompt,
        *,
        schema: dict,
        max_tokens: int,
    ) -> dict: ...

    def count_tokens(self, text: str) -> int: ...

    def score(self, prompt: str, continuations: Sequence[str]) -> list[list[float]] | None:
        """The log-probability of each token of each continuation after `prompt` (how a
        base model ranks answer candidates); None when the backend cannot tell (a server
        that returns no prompt log-probabilities)."""
        ...

    def close(self) -> None: ...


def completion_from_openai(reply: dict, started: float) -> Completion:
    """A Completion from an OpenAI-style reply (llama-cpp-python and servers share the shape)."""
    try:
        choice = reply["choices"][0]
        text = choice["message"]["content"] if "message" in choice else choice["text"]
        usage = reply.get("usage") or {}
        return Completion(
            text=text or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=str(choice.get("finish_reason") or "stop"),
            seconds=time.perf_counter() - started,
        )
    except (KeyError, IndexError, TypeError, ValueError):
        raise ModelError(f"The model server's reply is not an OpenAI-style completion: {str(reply)[:200]}") from None
