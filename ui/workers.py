"""The one thin Qt adapter for long work (superqt's `thread_worker` shape).

The work itself is a plain callable, or a generator that yields progress and returns a
result; it knows nothing of Qt. `Worker.run()` turns every exception into `errored`, so a
failure in a worker thread is a signal, never a traceback on stderr. Results cross threads
as plain data, bytes or QImage (never QPixmap or widgets).
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    started = Signal()
    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(object)   # the exception
    finished = Signal()        # always last, after returned or errored


class Worker:
    """Runs `fn(*args, **kwargs)` on a pool thread; a generator's yields become `yielded`.

    Started as `QThreadPool.start(worker.run)`: the pool holds that callable only until it
    has run (a QRunnable passed to `start` would be referenced by the pool's wrapper for
    the pool's whole life: every worker ever started, kept)."""

    def __init__(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        self.signals = WorkerSignals()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._abort = threading.Event()

    def abort(self) -> None:
        """Ask a generator to stop at its next yield (a plain callable runs to the end)."""
        self._abort.set()

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def run(self) -> None:
        s = self.signals
        s.started.emit()
        try:
            result = self._fn(*self._args, **self._kwargs)
            if inspect.isgenerator(result):
                result = self._drain(result)
            if not self._abort.is_set():
                s.returned.emit(result)
        except Exception as e:  # the worker boundary: every failure becomes a signal
            log.debug("worker %s failed", getattr(self._fn, "__name__", self._fn),
                      exc_info=True)
            s.errored.emit(e)
        finally:
            s.finished.emit()

    def _drain(self, gen):
        try:
            while True:
                if self._abort.is_set():
                    gen.close()
                    return None
                self.signals.yielded.emit(next(gen))
        except StopIteration as stop:
            return stop.value


def _call(slot: Callable | None, *args: Any) -> None:
    """Run a handler, unless there is none or it is a method of a deleted Qt object."""
    owner = getattr(slot, "__self__", None)
    if slot is not None and (not isinstance(owner, QObject) or shiboken6.isValid(owner)):
        slot(*args)


def _disconnect(w: Worker) -> None:
    s = w.signals
    for sig in (s.yielded, s.returned, s.errored, s.finished):
        sig.disconnect()


class WorkerPool:
    """Owns a QThreadPool and the workers in flight; `shutdown()` waits a bounded time.

    `max_threads=1` makes the pool the one owner of a resource (e.g. store reads).
    """

    def __init__(self, name: str, *, max_threads: int = 1) -> None:
        self.name = name
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        # The workers in flight and their handlers, held here until the worker's `finished`
        # arrives; a shutdown drops the handlers (the worker stays listed until it ends).
        self._live: dict[Worker, dict[str, Callable]] = {}
        self._closed = False

    def submit(self, fn: Callable[..., Any], /, *args: Any,
               on_yielded: Callable | None = None, on_returned: Callable | None = None,
               on_errored: Callable | None = None, on_finished: Callable | None = None,
               **kwargs: Any) -> Worker:
        """Connect the handlers first, then start: no signal can be missed.

        The handlers are held here, strongly, until the worker's `finished` arrives or the
        pool shuts down, and the worker's signals reach them through this pool. Connected
        directly, a bound method of a plain object is held weakly by PySide: when that object
        died with a result still queued (the app locked or quit between a worker's last
        emit and the event loop's next turn), Qt delivered it to freed memory (a segfault
        seen in the tests). After `shutdown()` a queued result reaches nobody.
        """
        w = Worker(fn, *args, **kwargs)
        if self._closed:
            return w  # shutting down: never started, its handlers never run
        self._live[w] = {name: slot for name, slot in (
            ("yielded", on_yielded), ("returned", on_returned), ("errored", on_errored),
            ("finished", on_finished)) if slot is not None}
        sig = w.signals
        sig.yielded.connect(lambda v: _call(self._live.get(w, {}).get("yielded"), v))
        sig.returned.connect(lambda v: _call(self._live.get(w, {}).get("returned"), v))
        sig.errored.connect(lambda e: _call(self._live.get(w, {}).get("errored"), e))
        sig.finished.connect(lambda: self._finished(w))
        self._pool.start(w.run)
        return w

    def _finished(self, w: Worker) -> None:
        _call(self._live.pop(w, {}).get("finished"))
        # The connections hold lambdas that hold the worker: a cycle through C++ that Python's
        # collector cannot see. Cut it once this delivery is over, and the worker goes.
        QTimer.singleShot(0, lambda: _disconnect(w))

    @property
    def busy(self) -> int:
        return len(self._live)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Abort everything, drop what has not started, wait at most `timeout_ms`."""
        self._closed = True
        for w in list(self._live):
            w.abort()
        self._pool.clear()
        done = self._pool.waitForDone(timeout_ms)
        if done:
            self._live.clear()  # ended, or dropped before they started
        else:
            # Still running: listed until they end, but what they return reaches nobody.
            self._live = dict.fromkeys(self._live, {})
            log.warning("%s workers still busy after %d ms; leaving them", self.name,
                        timeout_ms)
        return done

    def reopen(self) -> None:
        """Take work again after `shutdown()` (the app locked, then unlocked): the same threads;
        nothing queued before the shutdown reaches a handler."""
        self._closed = False
