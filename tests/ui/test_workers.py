"""The worker pool: results reach their handlers on the GUI thread, in order, once; a
finished worker is released; after a shutdown nothing queued reaches anybody, even a handler
whose object has since gone."""

from __future__ import annotations

import gc
import threading
import weakref

from ui.workers import WorkerPool


class Owner:
    """A plain (non-Qt) object whose bound methods are the handlers, as GuiApp's are."""

    def __init__(self) -> None:
        self.seen: list = []

    def returned(self, r) -> None:
        self.seen.append(("returned", r, threading.current_thread() is threading.main_thread()))

    def finished(self) -> None:
        self.seen.append(("finished",))


def _steps():
    yield 1
    yield 2
    return 3


def test_results_reach_handlers_on_the_gui_thread_in_order(qtbot):
    pool = WorkerPool("t")
    owner, yielded, errors = Owner(), [], []
    pool.submit(_steps, on_yielded=yielded.append, on_returned=owner.returned,
                on_finished=owner.finished)
    pool.submit(lambda: 1 / 0, on_errored=errors.append)
    qtbot.waitUntil(lambda: len(owner.seen) == 2 and bool(errors), timeout=5000)
    assert yielded == [1, 2] and owner.seen == [("returned", 3, True), ("finished",)]
    assert isinstance(errors[0], ZeroDivisionError) and pool.busy == 0
    assert pool.shutdown(1000)


def test_a_finished_worker_is_released(qtbot):
    """A long session starts thousands of workers (thumbnails, refreshes): none is kept."""
    pool = WorkerPool("t")
    done: list = []
    refs = [weakref.ref(pool.submit(lambda i=i: i, on_returned=done.append).signals)
            for i in range(50)]
    qtbot.waitUntil(lambda: len(done) == 50, timeout=5000)
    qtbot.wait(50)   # the connections are cut on the next turn of the event loop
    gc.collect()
    assert sorted(done) == list(range(50))
    assert sum(r() is not None for r in refs) == 0
    assert pool.shutdown(1000)


def test_a_result_queued_at_shutdown_reaches_nobody(qtbot):
    """The lock path: a worker returned, its result is queued, the pool shuts down and the
    handler's object is dropped before the event loop turns. Connected straight to the
    signal, PySide held that bound method weakly and delivered to freed memory."""
    pool = WorkerPool("t")
    seen: list = []
    for _ in range(20):
        owner = Owner()
        owner.seen = seen
        pool.submit(lambda: "late", on_returned=owner.returned, on_finished=owner.finished)
        pool._pool.waitForDone(5000)   # emitted from the pool thread; not yet delivered
        del owner
    assert pool.shutdown(1000)
    gc.collect()
    qtbot.wait(100)                    # the queued events are processed now
    assert seen == [] and pool.busy == 0

    pool.reopen()                      # unlocked: the same pool takes work again
    owner = Owner()
    pool.submit(lambda: "again", on_returned=owner.returned)
    qtbot.waitUntil(lambda: bool(owner.seen), timeout=5000)
    assert owner.seen == [("returned", "again", True)]
    assert pool.shutdown(1000)
