"""Integration fixtures: a real X server (Xvfb) and real Qt windows on it.

Every process here is started by a fixture and ended by its PID; nothing is killed by name.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.capture.capture_fakes import MemoryVectors  # noqa: F401  (tests import it here)

SCREEN = (1600, 900)


def _free_display() -> int:
    for n in range(90, 190):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number in :90-:189")


def _wait_for_x(display: str, proc: subprocess.Popen, timeout: float = 15.0) -> None:
    from Xlib import display as xdisplay
    from Xlib.error import ConnectionClosedError, DisplayError

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"Xvfb exited with {proc.returncode}")
        try:
            xdisplay.Display(display).close()
            return
        except (DisplayError, ConnectionClosedError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"Xvfb on {display} did not answer within {timeout:.0f} s")


@contextmanager
def xvfb_display(log=None, timeout: float = 15.0):
    """Start `Xvfb :N -screen 0 1600x900x24 -nolisten tcp -noreset`; yield its DISPLAY (also set in
    os.environ meanwhile); stop it by PID at the end. Its stderr goes to `log` (a file) if given.
    Used by the fixtures, the benches and the live-day harness (bench/live_window.Desktop)."""
    display = f":{_free_display()}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                             "-nolisten", "tcp", "-noreset"], stdout=subprocess.DEVNULL,
                            stderr=log if log is not None else subprocess.DEVNULL)
    old = os.environ.get("DISPLAY")
    try:
        _wait_for_x(display, proc, timeout)
        os.environ["DISPLAY"] = display
        yield display
    finally:
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old
        stop_process(proc)


@pytest.fixture(scope="session")
def xvfb():
    """A real X server for the session (see `xvfb_display`)."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    with xvfb_display() as display:
        yield display


QT_WINDOW = textwrap.dedent(r'''
    import queue, sys, threading
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    title, x, y, w, h = sys.argv[1], *map(int, sys.argv[2:6])
    text = sys.argv[6].replace("\\n", "\n")
    app = QApplication(sys.argv[:1])
    ed = QPlainTextEdit()
    ed.setReadOnly(True)
    ed.setFont(QFont("DejaVu Sans", 22))
    ed.setPlainText(text)
    ed.setWindowTitle(title)
    ed.setGeometry(x, y, w, h)
    ed.show()
    cmds = queue.Queue()
    threading.Thread(target=lambda: [cmds.put(l.rstrip("\n")) for l in sys.stdin],
                     daemon=True).start()

    def pump():
        while not cmds.empty():
            line = cmds.get()
            cmd, _, arg = line.partition(" ")
            arg = arg.replace("\\n", "\n")
            if cmd == "append":
                ed.moveCursor(ed.textCursor().MoveOperation.End)
                ed.insertPlainText(arg)
            elif cmd == "set":
                ed.setPlainText(arg)
            elif cmd == "title":
                ed.setWindowTitle(arg)
            elif cmd == "focus":
                ed.raise_()
                ed.activateWindow()
            elif cmd == "quit":
                app.quit()
            print("ok", flush=True)

    t = QTimer()
    t.timeout.connect(pump)
    t.start(30)
    QTimer.singleShot(400, lambda: print("ready", int(ed.winId()), flush=True))
    app.exec()
''')


class QtWindow:
    """A Qt text window in its own process; commands over stdin, acknowledged on stdout."""

    def __init__(self, script: Path, display: str, *, app: str, title: str, text: str,
                 geometry=(0, 0, SCREEN[0], SCREEN[1])) -> None:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
                   QT_LOGGING_RULES="*.debug=false;qt.qpa.*=false")
        # argv[0] names the X resource (WM_CLASS) Qt reports, so each window is its own "app".
        link = script.parent / app
        if not link.exists():
            link.symlink_to(script)
        self.proc = subprocess.Popen(
            [sys.executable, str(link), title, *map(str, geometry), text.replace("\n", "\\n")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env)
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            raise RuntimeError(f"Qt window did not start (exit {self.proc.poll()})")
        self.winid = int(line.split()[1])

    def send(self, cmd: str) -> None:
        self.proc.stdin.write(cmd.replace("\n", "\\n") + "\n")
        self.proc.stdin.flush()
        if self.proc.stdout.readline().strip() != "ok":
            raise RuntimeError("Qt window did not acknowledge " + cmd.split()[0])
        time.sleep(0.25)  # let the X server draw it

    def focus(self) -> None:
        self.send("focus")
        subprocess.run(["xdotool", "windowfocus", "--sync", str(self.winid)],
                       env=dict(os.environ), timeout=5, check=False)
        subprocess.run(["xdotool", "windowraise", str(self.winid)], env=dict(os.environ),
                       timeout=5, check=False)
        time.sleep(0.2)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(3)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(3)


@contextmanager
def window_factory(folder: Path, display: str):
    """Yield make(**kw) -> QtWindow on `display`; every window closed (by PID) at the end."""
    script = folder / "qt_window.py"
    script.write_text(QT_WINDOW)
    made: list[QtWindow] = []

    def make(**kw) -> QtWindow:
        w = QtWindow(script, display, **kw)
        made.append(w)
        return w

    try:
        yield make
    finally:
        for w in made:
            w.close()


def stop_process(proc: subprocess.Popen, wait: float = 5.0, after_kill: float = 5.0
                 ) -> int | None:
    """SIGTERM `proc`, SIGKILL it past `wait` seconds; its exit code, or None if killed."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(after_kill)
        return None


def stop_app(proc: subprocess.Popen) -> int | None:
    """SIGTERM the app (its one shutdown path), kill it past 60 s; its exit code or None."""
    return stop_process(proc, 60, 10)


@pytest.fixture
def qt_windows(xvfb, tmp_path):
    """A factory of QtWindow processes on the Xvfb display, all closed (by PID) at the end."""
    with window_factory(tmp_path, xvfb) as make:
        yield make


@pytest.fixture
def plain_store(tmp_path):
    from memory.store.store import Store
    from models.embeddings import HashEmbedder

    store = Store.open(tmp_path / "data", passphrase=None, encrypt_new=False,
                       embedder=HashEmbedder(), vectors=MemoryVectors())
    yield store
    store.close()


def _wm_running(display: str) -> bool:
    """Whether a window manager announced itself (EWMH _NET_SUPPORTING_WM_CHECK on root)."""
    from Xlib import display as xdisplay

    d = xdisplay.Display(display)
    try:
        prop = d.screen().root.get_full_property(d.intern_atom("_NET_SUPPORTING_WM_CHECK"), 0)
        return prop is not None and bool(prop.value)
    finally:
        d.close()


@contextmanager
def openbox_on(display: str, timeout: float = 15.0, log=None):
    """Run the openbox window manager on `display` (as a desktop has one: focus, stacking,
    decorations); stop it by PID at the end. Its output goes to `log` (a file) if given."""
    out = log if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(["openbox", "--sm-disable"], env=dict(os.environ, DISPLAY=display),
                            stdout=out, stderr=out)
    try:
        end = time.monotonic() + timeout
        while not _wm_running(display):
            if proc.poll() is not None:
                raise RuntimeError(f"openbox exited with {proc.returncode}")
            if time.monotonic() > end:
                raise RuntimeError(f"openbox did not start within {timeout:.0f} s")
            time.sleep(0.1)
        yield proc
    finally:
        stop_process(proc)


@pytest.fixture
def desktop(tmp_path):
    """A desktop of its own: a fresh Xvfb display with openbox running, and a factory of
    QtWindow text windows on it; every process ended by PID at the end."""
    if not (shutil.which("Xvfb") and shutil.which("openbox") and shutil.which("xdotool")):
        pytest.skip("needs Xvfb, openbox and xdotool (apt-get install xvfb openbox xdotool)")
    with xvfb_display() as display, openbox_on(display), \
            window_factory(tmp_path, display) as window:
        yield SimpleNamespace(display=display, window=window)
