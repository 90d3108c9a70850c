"""OpenAICompatibleBackend: the same `LlmBackend` over HTTP (llama.cpp server, vLLM, ...).

Uses httpx with `trust_env=False` so no proxy from the environment silently reroutes
the user's text. Every transport fault becomes a BackendUnavailableError that names
the server and says what to check; a reply that is not the expected JSON becomes a
ModelError, never a KeyError.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import httpx

from models.backend import (
    CancelToken,
    Completion,
    Message,
    ModelInfo,
    Prompt,
    completion_from_openai,
)
from models.errors import BackendUnavailableError, ModelError
from models.grammar import parse_and_validate, tighten_schema

log = logging.getLogger(__name__)


def _base_url(url: str) -> str:
    url = url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


class OpenAICompatibleBackend:
    """An `LlmBackend` talking to `/v1/completions` and `/v1/chat/completions`."""

    def __init__(
        self,
        server_url: str,
        *,
        model: str = "",
        api_key: str = "",
        timeout_s: float = 60.0,
        capability: str = "instruct",
        n_ctx: int = 0,
    ) -> None:
        self._base = _base_url(server_url)
        self._model = model
        self._timeout = timeout_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=self._base, headers=headers, timeout=httpx.Timeout(timeout_s), trust_env=False
        )
        self._info = ModelInfo(
            name=model or f"server at {self._base}", path=None,
            capability=capability, n_ctx=n_ctx, has_chat_template=capability == "instruct",  # type: ignore[arg-type]
        )
        self._rejected: set[str] = set()  # constraint forms this server refused (see structured)

    @classmethod
    def from_settings(cls, settings: Any) -> OpenAICompatibleBackend:
        key = os.environ.get(settings.api_key_env, "") if settings.api_key_env else ""
        if settings.api_key_env and not key:
            raise ModelError(f"The environment variable {settings.api_key_env} (api_key_env) is not set.")
        capability = "completion" if settings.capability == "completion" else "instruct"
        return cls(settings.server_url, model=settings.server_model, api_key=key,
                   timeout_s=settings.request_timeout_s, capability=capability, n_ctx=settings.n_ctx)

    @property
    def info(self) -> ModelInfo:
        return self._info

    # --- the protocol -------------------------------------------------------------

    def complete(
        self, prompt: str, *, max_tokens: int, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> Completion:
        body = self._body(prompt=prompt, max_tokens=max_tokens, temperature=temperature, stop=list(stop) or None)
        started = time.perf_counter()
        return completion_from_openai(self._post("/v1/completions", body), started)

    def chat(self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0) -> Completion:
        self._require_chat()
        body = self._body(messages=[m.as_dict() for m in messages], max_tokens=max_tokens, temperature=temperature)
        started = time.perf_counter()
        return completion_from_openai(self._post("/v1/chat/completions", body), started)

    def stream(
        self,
        prompt: str,
        *,
        max_tokens: int,
        stop: Sequence[str] = (),
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        """Server-sent events from `/v1/completions`; closing the generator closes the connection."""
        body = self._body(prompt=prompt, max_tokens=max_tokens, temperature=0.0, stop=list(stop) or None, stream=True)
        with self._guard("/v1/completions"):
            with self._client.stream("POST", "/v1/completions", json=body) as resp:
                self._check(resp, "/v1/completions")
                for line in resp.iter_lines():
                    if cancel is not None and cancel.cancelled:
                        return
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        text = json.loads(data)["choices"][0].get("text") or ""
                    except (json.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError):
                        raise ModelError(f"The model server at {self._base} sent a malformed "
                                         f"stream event: {data[:200]!r}") from None
                    if text:
                        yield text

    def structured(self, prompt: Prompt, *, schema: dict, max_tokens: int) -> dict:
        tight = tighten_schema(schema)
        if isinstance(prompt, str):
            path, body = "/v1/completions", self._body(prompt=prompt, max_tokens=max_tokens, temperature=0.0)
            forms = [("grammar", _completion_constraint(tight))]
        else:
            self._require_chat()
            path = "/v1/chat/completions"
            body = self._body(messages=[m.as_dict() for m in prompt], max_tokens=max_tokens, temperature=0.0)
            forms = [
                ("json_schema", {"response_format": {"type": "json_schema", "json_schema": {
                    "name": "output", "schema": tight, "strict": True}}}),
                # llama-cpp-python's server knows only this form (and answers the other with HTTP 500)
                ("json_object", {"response_format": {"type": "json_object", "schema": tight}}),
            ]
        started = time.perf_counter()
        for name, extra in forms:
            if not extra or name in self._rejected:
                continue
            try:
                reply = self._post(path, {**body, **extra})
                break
            except BackendUnavailableError as exc:
                if not _rejects_constraint(exc):
                    raise
                log.info("server rejected constrained decoding by %s (%s)", name, exc)
                self._rejected.add(name)
        else:
            reply = self._post(path, body)  # no constraint the server takes: validate locally only
        return parse_and_validate(completion_from_openai(reply, started).text, tight)

    def score(self, prompt: str, continuations: Sequence[str]) -> list[list[float]] | None:
        """None: OpenAI-compatible servers return no log-probabilities of given text
        (only of what they generate), so answer candidates are ranked without them."""
        return None

    def count_tokens(self, text: str) -> int:
        """Exact via llama-cpp-python's `/extras/tokenize/count` or llama.cpp's `/tokenize`;
        other servers get an estimate of 4 bytes per token."""
        for path, body, key in (
            ("/extras/tokenize/count", {"input": text}, "count"),
            ("/tokenize", {"content": text}, "tokens"),
        ):
            try:
                reply = self._post(path, body)
            except BackendUnavailableError as exc:
                if getattr(exc, "status", 0) in (404, 405):
                    continue
                raise
            value = reply.get(key)
            if isinstance(value, int):
                return value
            if isinstance(value, list):
                return len(value)
        return math.ceil(len(text.encode("utf-8")) / 4)

    def close(self) -> None:
        self._client.close()

    # --- helpers ------------------------------------------------------------------

    def _require_chat(self) -> None:
        if self._info.capability != "instruct":
            raise ModelError(f"{self._info.name} is configured as completion-only; chat() is not available.")

    def _body(self, **fields: Any) -> dict[str, Any]:
        body = {k: v for k, v in fields.items() if v is not None}
        if self._model:
            body["model"] = self._model
        return body

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._guard(path):
            resp = self._client.post(path, json=body)
            self._check(resp, path)
            try:
                reply = resp.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ModelError(f"The model server at {self._base} answered {path} "
                                 "with something that is not JSON.") from None
        if not isinstance(reply, dict):
            raise ModelError(f"The model server at {self._base} answered {path} with JSON that is not an object.")
        return reply

    def _check(self, resp: httpx.Response, path: str) -> None:
        if resp.status_code < 400:
            return
        resp.read()
        detail = resp.text.strip().replace("\n", " ")[:300]
        err = BackendUnavailableError(
            f"The model server at {self._base} answered {path} with HTTP {resp.status_code}: "
            f"{detail or resp.reason_phrase}"
        )
        err.status = resp.status_code  # type: ignore[attr-defined]
        raise err

    def _guard(self, path: str) -> _Guard:
        return _Guard(self._base, path, self._timeout)


class _Guard:
    """Turns httpx transport errors into one clear BackendUnavailableError."""

    def __init__(self, base: str, path: str, timeout: float) -> None:
        self.base, self.path, self.timeout = base, path, timeout

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Any, _tb: Any) -> Literal[False]:
        if exc is None or not isinstance(exc, httpx.HTTPError):
            return False
        if isinstance(exc, httpx.TimeoutException):
            msg = (f"The model server at {self.base} did not answer {self.path} "
                   f"within {self.timeout:g} s.")
        elif isinstance(exc, httpx.ConnectError):
            msg = (f"Could not connect to the model server at {self.base} ({exc}); "
                   "is it running and is server_url right?")
        else:
            msg = (f"The connection to the model server at {self.base} failed during "
                   f"{self.path}: {exc}")
        raise BackendUnavailableError(msg) from None


def _rejects_constraint(exc: BackendUnavailableError) -> bool:
    """The server refused the request's constraint (llama-cpp-python reports its request
    validation errors as HTTP 500, naming the field)."""
    status = getattr(exc, "status", 0)
    return status in (400, 422) or (status == 500 and "response_format" in str(exc))


def _completion_constraint(schema: dict) -> dict[str, Any]:
    """For `/v1/completions`: a GBNF grammar (llama.cpp servers) when we can build one."""
    try:
        from models.grammar import schema_to_gbnf

        return {"grammar": schema_to_gbnf(schema)}
    except ImportError:
        return {}


