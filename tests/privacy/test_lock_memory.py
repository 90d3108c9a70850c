"""After Lock, the running app's memory no longer holds the passphrase, and its environment
(/proc/PID/environ, what child processes inherit) never did after start.

The real desktop app runs on Xvfb; Lock is pressed as a user does (Ctrl+L on its window,
through xdotool); then every readable mapping of the process is scanned.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

PASSPHRASE = "Quetzalcoatl-Lockdown-9931"
PHRASE = "the okapi from Zanzibar ate my marmalade"
CHAT = [{"sample_id": "lock", "qa": [], "conversation": {
    "speaker_a": "Ada", "speaker_b": "Ben",
    "session_1_date_time": "1:00 pm on 8 May, 2023",
    "session_1": [{"speaker": "Ada", "dia_id": "D1:1", "text": f"Guess what: {PHRASE}."},
                  {"speaker": "Ben", "dia_id": "D1:2", "text": "That is a story."}]}}]

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool") and Path("/proc/self/mem").exists()),
    reason="needs Xvfb, xdotool and /proc")


def scan_memory(pid: int, needles: dict[str, bytes]) -> dict[str, int]:
    """How often each needle occurs in the process's readable memory."""
    counts = dict.fromkeys(needles, 0)
    longest = max(len(b) for b in needles.values())
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            addr, perms, *rest = line.split()
            name = rest[3] if len(rest) > 3 else ""
            if not perms.startswith("r") or name in ("[vvar]", "[vsyscall]", "[vvar_vclock]"):
                continue
            start, end = (int(x, 16) for x in addr.split("-"))
            tail = b""
            for off in range(start, end, 1 << 22):
                try:
                    mem.seek(off)
                    chunk = tail + mem.read(min(1 << 22, end - off))
                except (OSError, ValueError, OverflowError):
                    break
                for key, b in needles.items():
                    counts[key] += chunk.count(b)
                tail = chunk[-(longest - 1):]
    return counts


def _needles() -> dict[str, bytes]:
    return {"passphrase": PASSPHRASE.encode(), "passphrase-utf16": PASSPHRASE.encode("utf-16-le"),
            "chat": PHRASE.encode()}


def _wait_for(path: Path, text: str, proc, timeout: float) -> None:
    end = time.monotonic() + timeout
    while text not in path.read_text("utf-8", "replace"):
        assert proc.poll() is None, path.read_text("utf-8", "replace")[-3000:]
        assert time.monotonic() < end, f"no {text!r}: " + path.read_text("utf-8", "replace")[-3000:]
        time.sleep(0.3)


def test_lock_leaves_no_passphrase_in_memory_or_environment(tmp_path, runtime_dir):
    from tests.integration.conftest import xvfb_display

    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir()
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps(CHAT), "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COMMONPLACE_PASSPHRASE"}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"),
               XDG_RUNTIME_DIR=runtime_dir, COMMONPLACE_PASSPHRASE=PASSPHRASE)
    cli = [sys.executable, "-m", "app.cli", "--data-dir", str(data)]
    r = subprocess.run([*cli, "import-chat", str(chat), "--no-llm"], env=env, cwd=REPO,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr

    with xvfb_display() as display:
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb",
                   QT_LOGGING_RULES="*.debug=false;qt.qpa.*=false")
        log = tmp_path / "app.log"
        with open(log, "wb") as out:
            app = subprocess.Popen([*cli, "-v", "run", "--no-capture"], env=env, cwd=REPO,
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_for(log, "main window shown", app, 180)
            environ = Path(f"/proc/{app.pid}/environ").read_bytes()
            assert PASSPHRASE.encode() not in environ   # what children would inherit
            win = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name",
                                  "^Commonplace$"], env=env, capture_output=True, text=True,
                                 timeout=30).stdout.split()
            assert win, "the main window is not on the display"
            subprocess.run(["xdotool", "windowfocus", "--sync", win[0]], env=env, timeout=10)
            subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+l"], env=env,
                           timeout=10)
            _wait_for(log, "app.gui: locked", app, 60)
            time.sleep(3)
            counts = scan_memory(app.pid, _needles())
            text = log.read_text("utf-8", "replace")
            print("after lock:", counts)
            assert counts["passphrase"] == 0 and counts["passphrase-utf16"] == 0, counts
            assert PASSPHRASE not in text and PHRASE not in text
        finally:
            if app.poll() is None:
                os.kill(app.pid, signal.SIGTERM)
                try:
                    app.wait(60)
                except subprocess.TimeoutExpired:
                    os.kill(app.pid, signal.SIGKILL)
                    app.wait(10)
    assert app.returncode == 0, log.read_text("utf-8", "replace")[-3000:]
    assert not re.search("Traceback", log.read_text("utf-8", "replace"))
