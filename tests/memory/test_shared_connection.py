"""One store connection used from two threads at once: a writer in transactions and a
reader polling, as the capture writer and a caller asking for the last frame do."""

from __future__ import annotations

import sqlite3
import threading

from memory.store.database import Database


def _db(tmp_path) -> Database:
    conn = sqlite3.connect(str(tmp_path / "t.db"), timeout=10, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    db = Database(conn)
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    return db


def test_reader_and_writer_threads_share_a_connection(tmp_path):
    db = _db(tmp_path)
    errors: list[BaseException] = []
    done = threading.Event()

    def write() -> None:
        try:
            for i in range(400):
                with db.atomic():
                    db.execute("INSERT INTO t (v) VALUES (?)", [f"a{i}"])
                    with db.atomic():  # a nested savepoint, as the repos take
                        db.execute("INSERT INTO t (v) VALUES (?)", [f"b{i}"])
                db["t"].insert({"v": f"c{i}"})
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            errors.append(e)
        finally:
            done.set()

    def read() -> None:
        try:
            while not done.is_set():
                list(db.query("SELECT * FROM t ORDER BY id DESC LIMIT 1"))
                db.execute("SELECT count(*) FROM t").fetchone()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=write), threading.Thread(target=read),
               threading.Thread(target=read)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 1200
    assert not db.conn.in_transaction


def test_a_failed_transaction_rolls_back_and_frees_the_connection(tmp_path):
    db = _db(tmp_path)
    try:
        with db.atomic():
            db.execute("INSERT INTO t (v) VALUES ('x')")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    got: list[int] = []
    t = threading.Thread(target=lambda: got.append(
        db.execute("SELECT count(*) FROM t").fetchone()[0]))
    t.start()
    t.join(5)
    assert got == [0]
