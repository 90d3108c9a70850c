"""app/single_instance.py: two launches in two processes; the second asks the first to focus."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FIRST = """
import sys, threading
from app.single_instance import SingleInstance
g = SingleInstance(sys.argv[1])
print("first" if g.acquire() else "not-first", flush=True)
got = threading.Event()
def on_message(m):
    print("received", m, flush=True)
    got.set()
g.serve(on_message)
print("serving", flush=True)
got.wait(20)
g.release()
print("released", flush=True)
"""

SECOND = """
import sys
from app.single_instance import SingleInstance
g = SingleInstance(sys.argv[1])
if g.acquire():
    print("first"); g.release()
else:
    print("already running; focus sent" if g.notify("focus") else "already running; no answer")
"""


def _py(code: str, runtime: Path, **kw):
    return subprocess.Popen([sys.executable, "-c", code, str(runtime)], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


@pytest.mark.skipif(sys.platform == "win32", reason="the Unix-socket path; Windows uses a pipe")
def test_second_launch_focuses_the_first(tmp_path):
    first = _py(FIRST, tmp_path)
    try:
        assert first.stdout.readline().strip() == "first"
        assert first.stdout.readline().strip() == "serving"
        second = _py(SECOND, tmp_path)
        out, err = second.communicate(timeout=20)
        assert out.strip() == "already running; focus sent", err
        rest, err = first.communicate(timeout=20)
        assert "received focus" in rest, err
        assert "released" in rest
    finally:
        if first.poll() is None:
            first.kill()
    # After the first exits, a new launch is first again.
    third = _py(SECOND, tmp_path)
    assert third.communicate(timeout=20)[0].strip() == "first"


def test_a_crashed_first_instance_leaves_no_stale_lock(tmp_path):
    first = _py(FIRST, tmp_path)
    assert first.stdout.readline().strip() == "first"
    assert first.stdout.readline().strip() == "serving"
    first.kill()  # no release(): the socket and lock files are left behind
    first.communicate(timeout=10)   # reaped, its pipes closed
    from app.single_instance import SingleInstance

    g = SingleInstance(tmp_path)
    try:
        assert g.acquire()
        got = []
        g.serve(got.append)  # replaces the stale socket file
        assert SingleInstance(tmp_path).notify("focus")
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            time.sleep(0.02)
        assert got == ["focus"]
    finally:
        g.release()


def test_in_process_guard_semantics(tmp_path):
    from app.single_instance import SingleInstance

    with SingleInstance(tmp_path) as a:
        assert a.acquire()
        b = SingleInstance(tmp_path)
        # flock locks belong to the open file description: a second open in the same
        # process conflicts too, so this models a second launch faithfully.
        assert not b.acquire()
        assert not b.notify("focus", timeout=0.5)  # a is not serving: no answer, no hang
        with pytest.raises(RuntimeError):
            b.serve(lambda m: None)
    with SingleInstance(tmp_path) as c:   # released, its lock file closed
        assert c.acquire()
