"""The desktop app on a real X display (Xvfb, Qt's xcb plugin), as users run it.

One smoke test through every real part: the installed `commonplace` script, an encrypted
data directory, the main window drawn by xcb, capture started by the app grabbing the real
screen (another app's window, never its own), the memory pipeline run on start, a clean
shutdown on SIGTERM, and afterwards the captured text searchable from the CLI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.conftest import stop_app
from tests.integration.test_capture_xvfb import until

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "xvfb"
CLI = Path(sys.executable).with_name("commonplace")

CHAT = [{"sample_id": "smoke", "conversation": {
    "speaker_a": "Ada", "speaker_b": "Ben",
    "session_1_date_time": "1:00 pm on 8 May, 2023",
    "session_1": [{"speaker": "Ada", "dia_id": "D1:1",
                   "text": "I booked the ferry to Hydra for the 14th of June."},
                  {"speaker": "Ben", "dia_id": "D1:2", "text": "Lovely, which company?"}]},
    "qa": []}]


def _windows(display: str) -> dict[str, str]:
    from capture.window_x11 import XlibWindowSource

    src = XlibWindowSource(display)
    try:
        return {w.app: w.title for w in src.visible() or []}
    finally:
        src.close()


@pytest.mark.skipif(not CLI.exists(), reason="the commonplace script is not installed")
def test_desktop_app_on_a_real_display_captures_and_quits_cleanly(xvfb, qt_windows, tmp_path):
    data, config = tmp_path / "data", tmp_path / "config.toml"
    config.write_text("[capture]\ninterval_s = 0.5\nwindow_poll_s = 0.2\n", "utf-8")
    env = dict(os.environ, DISPLAY=xvfb, QT_QPA_PLATFORM="xcb",
               COMMONPLACE_PASSPHRASE="smoke test passphrase",
               QT_LOGGING_RULES="*.debug=false;qt.qpa.*=false")
    base = [str(CLI), "--data-dir", str(data), "--config", str(config)]
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps(CHAT), "utf-8")
    # An existing (encrypted) history, so the app opens straight on the timeline.
    subprocess.run([*base, "import-chat", str(chat), "--no-llm"], env=env, check=True,
                   capture_output=True, timeout=300)

    notes = qt_windows(app="notesapp", title="Groceries - Notes", text=(
        "Buy oat milk and lentils\nPick up the parcel from the post office"),
        geometry=(0, 0, 900, 900))
    notes.focus()
    log = tmp_path / "app.log"
    with open(log, "w") as out:
        app = subprocess.Popen([*base, "-v", "run"], env=env, stdout=out,
                               stderr=subprocess.STDOUT)
    try:
        until(lambda: "commonplace" in _windows(xvfb), timeout=120, what="the main window")
        # A second launch on the same history raises the first window and leaves.
        second = subprocess.run([*base, "run"], env=env, capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 0 and "already running" in second.stdout, second
        notes.focus()   # the user goes back to work; the app keeps recording behind it
        time.sleep(6.0)
        from capture.screen import ScreenGrabber

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        grabber = ScreenGrabber()
        try:
            grabber.grab().save(ARTIFACTS / "desktop_app_xcb.png")
        finally:
            grabber.close()
    finally:
        code = stop_app(app)
    text = log.read_text("utf-8", "replace")
    assert code == 0, text[-3000:]
    assert "capture started" in text and "gui shut down" in text, text[-3000:]
    assert "Traceback" not in text, text[-3000:]

    out = subprocess.run([*base, "search", "parcel post office", "--json"], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)["hits"]
    assert any(h["kind"] == "frame" and "parcel" in h["text"] for h in hits), hits

    # The frames the app captured: the notes window's, never the app's own.
    from memory.store.store import Store
    from models.embeddings import HashEmbedder
    from tests.integration.conftest import MemoryVectors

    store = Store.open(data, passphrase="smoke test passphrase", encrypt_new=True,
                       embedder=HashEmbedder(), vectors=MemoryVectors())
    try:
        frames = store.frames.between(0, 1e12)
        assert frames and {f.app for f in frames} == {"notesapp"}, {f.app for f in frames}
        assert store.integrity() == "ok"
    finally:
        store.close()
