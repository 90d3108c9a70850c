import queue

from capture.batches import Batcher


def add(b, i):
    """Frame `i` was stored, at second `i`."""
    b.add(i, f"2024-01-01T10:00:{i:02d}+00:00")


def test_batch_closes_at_frame_count(clock):
    q = queue.Queue()
    b = Batcher(q, batch_seconds=60, batch_frames=3, clock=clock)
    for i in range(7):
        add(b, i)
    assert [q.get_nowait().frame_ids for _ in range(2)] == [(0, 1, 2), (3, 4, 5)]
    assert q.empty() and b.pending == 1


def test_batch_closes_after_seconds(clock):
    q = queue.Queue()
    b = Batcher(q, batch_seconds=60, batch_frames=100, clock=clock)
    add(b, 1)
    clock.advance(30)
    add(b, 2)
    b.poll()
    assert q.empty()
    clock.advance(30)
    b.poll()
    batch = q.get_nowait()
    assert batch.frame_ids == (1, 2) and batch.start_ts < batch.end_ts
    assert b.sent == 1


def test_full_queue_never_blocks_and_keeps_order(clock):
    q = queue.Queue(maxsize=1)
    b = Batcher(q, batch_seconds=60, batch_frames=1, clock=clock)
    for i in range(3):
        add(b, i)  # returns at once although the queue is full
    assert q.get_nowait().frame_ids == (0,)
    assert b.pending == 2
    b.poll()
    assert q.get_nowait().frame_ids == (1,)
    b.flush()
    assert q.get_nowait().frame_ids == (2,) and b.pending == 0


def test_backlog_cap_hands_back_oldest(clock):
    q = queue.Queue(maxsize=1)
    b = Batcher(q, batch_seconds=60, batch_frames=1, clock=clock, max_backlog=2)
    for i in range(5):
        add(b, i)
    dropped = b.drain_dropped()
    assert [d.frame_ids for d in dropped] == [(1,), (2,)]
    assert b.drain_dropped() == []


def test_flush_of_nothing_sends_nothing(clock):
    q = queue.Queue()
    Batcher(q, batch_seconds=1, batch_frames=1, clock=clock).flush()
    assert q.empty()
