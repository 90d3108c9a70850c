"""LlamaCppBackend: one worker thread owns one `llama_cpp.Llama` and serves a queue.

Why a single owner: a llama.cpp context is not thread-safe, and two loaded copies of
a model would double its memory. Callers on any thread get futures (complete, chat,
structured, count_tokens) or a generator fed by the worker (stream). The worker loads
the model lazily on the first job, and unloads it after `idle_unload_s` without work
(a timeout on its own queue read, so unloading never races a running job).
"""

from __future__ import annotations

import ctypes
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

from models.backend import (
    CancelToken,
    Completion,
    Message,
    ModelInfo,
    Prompt,
    completion_from_openai,
)
from models.errors import CancelledError, ModelError, ModelLoadError
from models.grammar import build_grammar, parse_and_validate, tighten_schema
from models.planner import LoadPlan, advise_readahead

log = logging.getLogger(__name__)
native_log = logging.getLogger("models.llama.native")

T = TypeVar("T")
_STOP = object()
_UNLOAD = object()
CLOSE_WAIT_S = 10.0


def _chat_format_for(info: ModelInfo) -> str | None:
    """The GGUF's own template when it has one; otherwise None (chat() is refused).

    llama-cpp-python falls back to llama-2 formatting when a GGUF has no template,
    and may map a known template onto a built-in format; naming the template handler
    it registers ("chat_template.default") makes it use the file's Jinja template as-is.
    """
    return "chat_template.default" if info.has_chat_template else None


def llama_kwargs(plan: LoadPlan, info: ModelInfo) -> dict[str, Any]:
    """Everything passed to `llama_cpp.Llama(...)`; each key is a real keyword of it."""
    kwargs = plan.to_llama_kwargs()
    kwargs["chat_format"] = _chat_format_for(info)
    return kwargs


class LlamaCppBackend:
    """An `LlmBackend` running a GGUF in-process through llama-cpp-python."""

    def __init__(
        self,
        info: ModelInfo,
        plan: LoadPlan,
        *,
        idle_unload_s: float = 300.0,
        llama_factory: Callable[..., Any] | None = None,
    ) -> None:
        """`llama_factory` defaults to `llama_cpp.Llama`; tests may pass a stand-in."""
        self._info = replace(info, n_ctx=plan.n_ctx)
        self._plan = plan
        self._idle_unload_s = idle_unload_s
        self._factory = llama_factory
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False
        self._llm: Any = None  # touched only by the worker thread
        self.load_count = 0
        self.last_load_seconds = 0.0

    # --- public state -------------------------------------------------------------

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def plan(self) -> LoadPlan:
        return self._plan

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    # --- the protocol -------------------------------------------------------------

    def complete(
        self, prompt: str, *, max_tokens: int, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> Completion:
        def job(llm: Any) -> Completion:
            started = time.perf_counter()
            out = llm.create_completion(
                prompt, max_tokens=max_tokens, stop=list(stop) or None, temperature=temperature
            )
            return completion_from_openai(out, started)

        return self._call(job)

    def chat(self, messages: Sequence[Message], *, max_tokens: int, temperature: float = 0.0) -> Completion:
        self._require_chat()
        payload = [m.as_dict() for m in messages]

        def job(llm: Any) -> Completion:
            started = time.perf_counter()
            out = llm.create_chat_completion(payload, max_tokens=max_tokens, temperature=temperature)
            return completion_from_openai(out, started)

        return self._call(job)

    def stream(
        self,
        prompt: str,
        *,
        max_tokens: int,
        stop: Sequence[str] = (),
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as they are decoded. Closing the generator (or cancelling
        `cancel`) stops generation at the next token."""
        token = cancel or CancelToken()
        pieces: queue.Queue = queue.Queue()

        def job(llm: Any) -> None:
            if token.cancelled:
                return
            chunks = llm.create_completion(
                prompt, max_tokens=max_tokens, stop=list(stop) or None, temperature=0.0, stream=True
            )
            try:
                for chunk in chunks:
                    if token.cancelled:
                        break
                    text = chunk["choices"][0]["text"]
                    if text:
                        pieces.put(text)
            finally:
                chunks.close()

        future = self._submit(job)
        future.add_done_callback(lambda _f: pieces.put(_STOP))
        try:
            while True:
                item = pieces.get()
                if item is _STOP:
                    break
                yield item
            err = future.exception()
            if err is not None:
                raise _translate(err)
        finally:
            token.cancel()  # the consumer left early: stop decoding on the worker

    def structured(self, prompt: Prompt, *, schema: dict, max_tokens: int) -> dict:
        tight = tighten_schema(schema)
        grammar = build_grammar(tight)
        if not isinstance(prompt, str):
            self._require_chat()
            payload = [m.as_dict() for m in prompt]

        def job(llm: Any) -> Completion:
            started = time.perf_counter()
            if isinstance(prompt, str):
                out = llm.create_completion(prompt, max_tokens=max_tokens, grammar=grammar, temperature=0.0)
            else:
                out = llm.create_chat_completion(payload, max_tokens=max_tokens, grammar=grammar, temperature=0.0)
            return completion_from_openai(out, started)

        done = self._call(job)
        return parse_and_validate(done.text, tight)

    def count_tokens(self, text: str) -> int:
        return self._call(lambda llm: len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)))

    def score(self, prompt: str, continuations: Sequence[str]) -> list[list[float]]:
        """The log-probability of each token of each continuation after `prompt`.

        The prompt is evaluated once (its tokens shared with the previous call are reused
        from the KV cache); each continuation is then decoded in one batch on top of it and
        removed again, the way multiple-choice benchmarks score a base model.
        """
        def job(llm: Any) -> list[list[float]]:
            n_vocab = llm.n_vocab()
            pre = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=False)
            if not pre or len(pre) >= llm.n_ctx():
                raise ValueError("exceed context window")
            cached = llm.input_ids[: llm.n_tokens].tolist()
            common = 0
            while common < min(len(cached), len(pre) - 1) and cached[common] == pre[common]:
                common += 1
            llm.n_tokens = common
            llm.eval(pre[common:])  # the last row of logits predicts the first continuation token
            first = _log_softmax(np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(n_vocab,)).copy())
            n_pre = llm.n_tokens
            out: list[list[float]] = []
            for text in continuations:
                toks = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
                if not toks or n_pre + len(toks) >= llm.n_ctx() or len(toks) > llm.n_batch:
                    out.append([])
                    continue
                llm._ctx.kv_cache_seq_rm(-1, n_pre, -1)
                llm._batch.set_batch(batch=toks, n_past=n_pre, logits_all=True)
                llm._ctx.decode(llm._batch)
                rows = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(len(toks) * n_vocab,))
                rows = rows.reshape(len(toks), n_vocab)
                lp = [float(first[toks[0]])]
                lp += [float(_log_softmax(rows[i - 1])[toks[i]]) for i in range(1, len(toks))]
                out.append(lp)
            llm._ctx.kv_cache_seq_rm(-1, n_pre, -1)  # the cache holds the prompt alone again
            return out

        return self._call(job)

    def unload(self) -> None:
        """Free the model now (it reloads on the next call)."""
        if self._thread is not None and not self._closed:
            self._jobs.put(_UNLOAD)

    def run(self, fn: Callable[[Any], T]) -> T:
        """Run `fn(llama)` on the worker; for benchmarks and diagnostics only."""
        return self._call(fn)

    def close(self) -> None:
        """Stop the worker and free the model, waiting at most CLOSE_WAIT_S."""
        if self._closed:
            return
        self._closed = True
        thread = self._thread
        if thread is None:
            return
        self._jobs.put(_STOP)
        thread.join(CLOSE_WAIT_S)
        if thread.is_alive():
            log.warning("llama worker did not stop within %.0f s; leaving it as a daemon", CLOSE_WAIT_S)

    def __enter__(self) -> LlamaCppBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- callers' side ------------------------------------------------------------

    def _require_chat(self) -> None:
        if self._info.capability != "instruct" or not self._info.has_chat_template:
            raise ModelError(
                f"{self._info.name} is a completion-only model (its GGUF has no chat template), "
                "so chat() is not available; use complete() with a few-shot prompt, or choose an "
                "instruction-tuned GGUF."
            )

    def _submit(self, job: Callable[[Any], T]) -> Future:
        if self._closed:
            raise ModelError("The language model backend was closed.")
        self._ensure_worker()
        future: Future = Future()
        self._jobs.put((job, future))
        return future

    def _call(self, job: Callable[[Any], T]) -> T:
        future = self._submit(job)
        try:
            return future.result()
        except BaseException as exc:
            raise _translate(exc) from (None if isinstance(exc, ModelError) else exc)

    def _ensure_worker(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="llama-worker", daemon=True)
                self._thread.start()

    # --- the worker ---------------------------------------------------------------

    def _serve(self) -> None:
        try:
            while True:
                timeout = self._idle_unload_s if (self._llm is not None and self._idle_unload_s > 0) else None
                try:
                    item = self._jobs.get(timeout=timeout)
                except queue.Empty:
                    log.info("unloading %s after %.0f s idle", self._info.name, self._idle_unload_s)
                    self._unload()
                    continue
                if item is _STOP:
                    break
                if item is _UNLOAD:
                    self._unload()
                    continue
                job, future = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(job(self._load()))
                except Exception as exc:  # worker boundary: hand every failure to the caller
                    future.set_exception(exc)
        finally:
            self._unload()
            self._drain_pending()

    def _drain_pending(self) -> None:
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, tuple) and item[1].set_running_or_notify_cancel():
                item[1].set_exception(ModelError("The language model backend was closed."))

    def _load(self) -> Any:
        if self._llm is not None:
            return self._llm
        factory = self._factory
        if factory is None:
            import llama_cpp

            self._route_native_log(llama_cpp)
            factory = llama_cpp.Llama
        advise_readahead(self._plan)
        started = time.perf_counter()
        try:
            self._llm = factory(**llama_kwargs(self._plan, self._info))
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelLoadError(f"Could not load {self._plan.model_path}: {exc}") from exc
        self.last_load_seconds = time.perf_counter() - started
        self.load_count += 1
        log.info("loaded %s in %.2f s (%s)", self._info.name, self.last_load_seconds,
                 "resident" if self._plan.fully_resident else "paged from disk")
        return self._llm

    def _unload(self) -> None:
        llm, self._llm = self._llm, None
        if llm is not None:
            close = getattr(llm, "close", None)
            if close is not None:
                close()
            del llm

    def _route_native_log(self, llama_cpp: Any) -> None:
        _route_native_log(llama_cpp)


# The ctypes callback handed to llama.cpp must outlive every native call that may log,
# including frees at interpreter exit; a per-backend callback freed with its backend
# segfaults. So one callback is made on the first load (never at import) and kept.
_native_log_cb: list[Any] = []


def _route_native_log(llama_cpp: Any) -> None:
    """Send llama.cpp's C-side log lines to Python logging at DEBUG."""
    if _native_log_cb:
        return

    @llama_cpp.llama_log_callback
    def forward(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
        native_log.debug(text.decode("utf-8", errors="replace").rstrip())

    _native_log_cb.append(forward)
    llama_cpp.llama_log_set(forward, ctypes.c_void_p(0))


def _log_softmax(row: Any) -> Any:
    top = row.max()
    return row - (top + float(np.log(np.exp(row - top).sum())))


def _translate(exc: BaseException) -> BaseException:
    """llama-cpp-python raises ValueError for a prompt longer than the context; say so plainly."""
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, ValueError) and "exceed context window" in str(exc):
        return ModelError(f"The prompt is too long for the model's context window: {exc}")
    from concurrent.futures import CancelledError as FutureCancelled

    if isinstance(exc, FutureCancelled):
        return CancelledError("The generation was cancelled.")
    if isinstance(exc, (ValueError, RuntimeError, OSError)):  # llama.cpp's own failures
        return ModelError(f"The language model failed: {type(exc).__name__}: {exc}")
    return exc  # a bug: keep its type and traceback
