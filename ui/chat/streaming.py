"""Asking with the answer streamed as the model writes it (plain Python, no Qt).

`Answerer.ask()` calls `backend.complete()` once and returns the whole answer. To show the
tokens as they come, the backend is wrapped: its `complete()` is served by `stream()`,
each piece handed to a queue; `ask_streaming` is a generator that yields those pieces
while `ask()` runs on a helper thread, then returns the final `Answer` (which may differ
from the streamed text: an unsupported model answer is replaced by the extractive one).
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from collections.abc import Callable, Iterator

from models.backend import CancelToken, Completion

_DONE = object()


class StreamingBackend:
    """An LlmBackend whose `complete` streams through `emit`; everything else passes on."""

    def __init__(self, inner, emit: Callable[[str], None], cancel: CancelToken) -> None:
        self._inner = inner
        self._emit = emit
        self._cancel = cancel

    @property
    def info(self):
        return self._inner.info

    def complete(self, prompt: str, *, max_tokens: int, stop=(), temperature: float = 0.0):
        t0 = time.perf_counter()
        pieces: list[str] = []
        for piece in self._inner.stream(prompt, max_tokens=max_tokens, stop=stop,
                                        cancel=self._cancel):
            pieces.append(piece)
            self._emit(piece)
        text = "".join(pieces)
        return Completion(text=text, prompt_tokens=0, completion_tokens=len(pieces),
                          finish_reason="cancelled" if self._cancel.cancelled else "stop",
                          seconds=time.perf_counter() - t0)

    def chat(self, messages, *, max_tokens: int, temperature: float = 0.0):
        done = self._inner.chat(messages, max_tokens=max_tokens, temperature=temperature)
        self._emit(done.text)
        return done

    def __getattr__(self, name):
        return getattr(self._inner, name)


def ask_streaming(make_answerer: Callable, backend: Callable | None, question: str, *,
                  cancel: CancelToken, now: dt.datetime | None = None) -> Iterator[str]:
    """Worker job. `make_answerer(backend_callable_or_None)` builds the Answerer.

    Yields text pieces; returns the Answer. Exceptions from `ask()` re-raise here.
    """
    pieces: queue.Queue = queue.Queue()
    wrapped = None
    if backend is not None:
        wrapped = lambda: StreamingBackend(backend(), pieces.put, cancel)  # noqa: E731
    answerer = make_answerer(wrapped)
    box: dict = {}

    def run() -> None:
        try:
            box["answer"] = answerer.ask(question, now=now)
        except BaseException as e:  # handed back to the generator's caller
            box["error"] = e
        finally:
            pieces.put(_DONE)

    t = threading.Thread(target=run, name="chat-ask", daemon=True)
    t.start()
    while (piece := pieces.get()) is not _DONE:
        yield piece
    t.join()
    if "error" in box:
        raise box["error"]
    return box["answer"]
