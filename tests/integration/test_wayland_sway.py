"""Capture on Wayland: a real headless sway (wlroots, pixman renderer) run by an
unprivileged user (sway refuses root), real Qt windows on it as Wayland clients, grim
(wlr-screencopy) as the screen source, sway's IPC as the window source, real OCR and a
real Store.

The compositor runs as a user the fixture creates (useradd) when the tests run as root,
as CI does; the Qt clients and capture connect to its sockets from this process (the
virtual environment's interpreter may live where that user cannot read it).
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from capture.a11y import A11yReader, A11yTuning
from capture.a11y_bus import enable_accessibility
from capture.idle import NullIdleSource
from capture.ocr import OcrEngine
from capture.privacy import PrivacyFilter
from capture.screen_wayland import GrimGrabber
from capture.service import CaptureService, State
from capture.session import choose, detect
from capture.settings import CaptureSettings, PrivacySettings
from capture.window import WindowInfo
from capture.window_a11y import A11yWindowSource
from capture.window_sway import SwayWindowSource
from tests.integration import desktop_bus
from tests.integration.conftest import stop_process
from tests.integration.test_capture_xvfb import settle, until

SIZE = (1280, 800)
VAULT_SECRET = "okapi narwhal 662014"

QT_APP = textwrap.dedent(r'''
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QFont, QGuiApplication
    from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QVBoxLayout, QWidget
    app_id, title, text = sys.argv[1], sys.argv[2], sys.argv[3].replace("\\n", "\n")
    app = QApplication(sys.argv[:1])
    QGuiApplication.setDesktopFileName(app_id)       # the Wayland app_id sway reports
    app.setApplicationName(app_id)                   # the application's name on AT-SPI
    app.setFont(QFont("DejaVu Sans", 20))
    w = QWidget()
    w.setWindowTitle(title)
    lay = QVBoxLayout(w)
    lay.addWidget(QLabel(title))
    ed = QPlainTextEdit()
    ed.setPlainText(text)
    lay.addWidget(ed)
    w.show()
    QTimer.singleShot(600, lambda: print("ready", flush=True))
    app.exec()
''')


@pytest.fixture
def sway(tmp_path):
    for tool in ("sway", "grim"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (apt-get install sway grim)")
    if os.geteuid() == 0 and not shutil.which("useradd"):
        pytest.skip("running as root needs useradd to run sway as another user")
    ids = desktop_bus.compositor_user()
    run = Path(tempfile.mkdtemp(prefix="cp-wayland-"))
    (run / "sway.conf").write_text(
        f"output HEADLESS-1 resolution {SIZE[0]}x{SIZE[1]}\ndefault_border none\n"
        "focus_on_window_activation focus\n")
    if ids:
        os.chown(run, *ids)
    os.chmod(run, 0o700)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(run), "XDG_RUNTIME_DIR": str(run),
           "WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1",
           "WLR_HEADLESS_OUTPUTS": "1"}
    kw = {"user": ids[0], "group": ids[1], "extra_groups": []} if ids else {}
    log = open(tmp_path / "sway.log", "w")
    proc = subprocess.Popen(["sway", "-c", str(run / "sway.conf")], env=env, stdout=log,
                            stderr=subprocess.STDOUT, **kw)
    clients: list[subprocess.Popen] = []
    try:
        end = time.monotonic() + 20
        while not (list(run.glob("sway-ipc.*.sock")) and list(run.glob("wayland-*[0-9]"))):
            if proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError("sway did not start: " +
                                   (tmp_path / "sway.log").read_text()[-800:])
            time.sleep(0.1)
        sock = str(next(run.glob("sway-ipc.*.sock")))
        display = next(p for p in run.glob("wayland-*") if not p.name.endswith(".lock")).name
        wl_env = {"XDG_RUNTIME_DIR": str(run), "WAYLAND_DISPLAY": display, "SWAYSOCK": sock,
                  "XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "sway"}

        def window(app_id: str, title: str, text: str) -> subprocess.Popen:
            script = tmp_path / "wl_window.py"
            script.write_text(QT_APP)
            cenv = dict(os.environ, QT_QPA_PLATFORM="wayland",
                        QT_LOGGING_RULES="*.debug=false;qt.qpa.*=false", **wl_env)
            cenv.pop("DISPLAY", None)
            p = subprocess.Popen([sys.executable, str(script), app_id, title,
                                  text.replace("\n", "\\n")], env=cenv,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            clients.append(p)
            if not p.stdout.readline().startswith("ready"):
                raise RuntimeError(f"Qt window did not start on sway (exit {p.poll()})")
            time.sleep(0.5)   # mapped, focused and drawn
            return p

        def focus(app_id: str) -> None:
            subprocess.run(["swaymsg", "-s", sock, f'[app_id="{app_id}"] focus'],
                           capture_output=True, timeout=5, check=True)
            time.sleep(0.3)

        yield SimpleNamespace(env=wl_env, socket=sock, window=window, focus=focus)
    finally:
        for p in clients:
            stop_process(p)
        stop_process(proc)
        log.close()
        shutil.rmtree(run, ignore_errors=True)


def test_session_on_sway_chooses_grim_and_sway_ipc(sway):
    session = detect(sway.env)
    assert (session.kind, session.compositor) == ("wayland", "sway")
    old = dict(os.environ)
    os.environ.update(sway.env)
    try:
        sources = choose(session)
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert isinstance(sources.grabber, GrimGrabber)
    assert isinstance(sources.windows, SwayWindowSource)
    sources.windows.close()


def test_capture_on_sway_stores_searchable_text_with_app_and_title(sway, plain_store):
    sway.window("ledgerapp", "Ledger - Qt on Wayland",
                "Quarterly budget review\nRent is due on the first")
    grim = GrimGrabber(env=dict(os.environ, **sway.env))
    windows = SwayWindowSource(sway.socket)
    assert windows.active().app == "ledgerapp"
    settings = CaptureSettings(interval_s=0.5, window_poll_s=0.2, full_ocr_every=50,
                               batch_frames=100, min_free_disk_mb=10)
    svc = CaptureService(plain_store, OcrEngine(max_width=1280), settings,
                         PrivacySettings(encrypt=False), windows, NullIdleSource(),
                         queue.Queue(), grabber=grim)
    svc.start()
    try:
        until(lambda: svc.status().frames_stored >= 1, what="a frame from sway")
        settle(svc)
        frame = plain_store.frames.last()
        assert (frame.app, frame.window_title) == ("ledgerapp", "Ledger - Qt on Wayland")
        assert (frame.width, frame.height) == SIZE
        assert "Quarterly budget" in frame.ocr_text and "Rent is due" in frame.ocr_text

        # An excluded app focused: nothing grabbed, nothing stored.
        n = svc.status().frames_stored
        sway.window("keepassxc", "Vault - KeePassXC", f"Online banking\n{VAULT_SECRET}")
        sway.focus("keepassxc")
        until(lambda: svc.status().state is State.EXCLUDED, what="excluded state")
        time.sleep(1.5)
        assert svc.status().frames_stored == n
        # Back to the ledger while the vault still shows beside it (sway tiles both):
        # the frame is refused, not cropped.
        sway.focus("ledgerapp")
        time.sleep(1.5)
        assert svc.status().state is State.EXCLUDED and svc.status().frames_stored == n
    finally:
        svc.stop(20)
    from memory.retrieval import Retriever

    hits = Retriever(plain_store).search("quarterly budget", mode="bm25")
    assert hits and hits[0].app == "ledgerapp"
    needles = [b"okapi", b"narwhal", b"662014"]
    for path in Path(plain_store.layout.data_dir).rglob("*"):
        if path.is_file():
            assert not any(x in path.read_bytes() for x in needles), path


def test_tree_text_on_sway_is_read_for_the_focused_window(sway):
    why = desktop_bus.missing()
    if why:
        pytest.skip(why)
    with desktop_bus.session_bus():
        enable_accessibility()
        sway.window("notesapp", "Notes - Qt on Wayland", "Buy oat milk\nCall the plumber")
        windows = SwayWindowSource(sway.socket)
        reader = A11yReader.open(A11yTuning(budget_s=5.0))
        tree_windows = A11yWindowSource(A11yReader(tuning=A11yTuning(budget_s=5.0)))
        try:
            win = windows.active()
            text = reader.read(win)
            # Without the compositor's IPC (GNOME, KDE) the tree names the focused window.
            assert tree_windows.active() == WindowInfo("notesapp", "Notes - Qt on Wayland",
                                                        win.pid)
            # An excluded app's window showing beside it: where, a Wayland client cannot
            # know; the frame is refused, not cropped.
            sway.window("keepassxc", "Vault - KeePassXC", f"Online banking\n{VAULT_SECRET}")
            sway.focus("notesapp")
            shown = tree_windows.visible()
            assert {w.app for w in shown} == {"notesapp", "keepassxc"}
            assert all(w.shown is None for w in shown)
            decision = PrivacyFilter(PrivacySettings()).decide_screen(tree_windows.active(),
                                                                      shown)
            assert not decision.allowed and decision.reason == "app"
        finally:
            tree_windows.close()
            reader.close()
            windows.close()
    assert win.app == "notesapp" and win.pid
    assert text is not None and text.covers
    assert text.window_name == "Notes - Qt on Wayland"
    assert [l.text for l in text.lines] == ["Notes - Qt on Wayland", "Buy oat milk",
                                            "Call the plumber"]


def test_doctor_on_sway_names_the_wayland_source(sway, tmp_path, monkeypatch):
    from app.doctor import capture_checks
    from app.settings import load_settings

    for k, v in sway.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    settings = load_settings(data_dir=tmp_path / "d", config_file=tmp_path / "none.toml")
    checks = {c["name"]: c for c in capture_checks(settings)}
    assert checks["session"]["detail"].startswith("wayland (sway)")
    assert checks["screen source"]["ok"] and "grim" in checks["screen source"]["detail"]
    assert checks["screen consent"]["ok"]
    assert not checks["accessibility bus"]["ok"]       # no session bus in this test
    assert "OCR alone" in checks["accessibility bus"]["detail"]
