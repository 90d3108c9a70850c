"""The X side of a live day (bench/live_day.py): a desktop, and the windows played on it.

- `Desktop`: an X server (Xvfb :N, 1600x900) with a real window manager (openbox: focus,
  stacking, `_NET_ACTIVE_WINDOW`, decorations, as on a desktop); both ended by PID.
- `Player`: a thread that opens each `LiveWindow` at `at` seconds and closes it (SIGTERM
  by PID) `duration` seconds later, recording when it really showed and its WM_CLASS as
  xprop reads it; the pointer moves onto each new window, so the idle detector sees a user.
- Run as a program, this file is one such window:

      python bench/live_window.py '{"app": "thunderbird", "title": "...", "text": "...",
                                    "typing": false, "geometry": [x, y, w, h],
                                    "font": "sans" | "mono", "type_s": 8.0}'

  a Qt text window whose WM_CLASS is ("<app>", "<app>"): the instance from `-name`, the
  class from the application name (Qt reads both when the window is created), so the
  capture service's X11 window source sees `app` exactly as a real program's class. The
  text is shown in a large font; with `typing` it appears one keystroke at a time over
  `type_s` seconds, in an editable widget with its caret showing (timed insertion, not
  synthetic key events: a focus change cannot send the keys elsewhere). It prints
  `ready <window id>` once shown and runs until killed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("live_day")

SCREEN = (1600, 900)
TYPING_SHARE = 0.6       # a typing window has filled in after this share of its duration


@dataclass(frozen=True)
class LiveWindow:
    at: float
    duration: float
    app: str
    title: str
    text: str
    typing: bool = False
    font: str = "sans"
    geometry: tuple[int, int, int, int] | None = None


# -- the desktop: Xvfb + openbox ----------------------------------------------------------
def _stop(proc: subprocess.Popen | None, timeout: float = 5.0) -> None:
    """End one child of ours by its PID: SIGTERM, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)


class Desktop:
    """`with Desktop(log_file) as display:` an X server with openbox managing it; DISPLAY
    is set in os.environ meanwhile (the capture sources read it). The starters are the
    integration tests' own (`xvfb_display`, `openbox_on`), with their output in the log."""

    def __init__(self, log_file, timeout: float = 20.0) -> None:
        self._log = log_file
        self._timeout = timeout
        self._stack = ExitStack()
        self.display = ""

    def __enter__(self) -> str:
        for tool in ("Xvfb", "openbox", "xprop", "xdotool"):
            if not shutil.which(tool):
                raise RuntimeError(f"{tool} is not installed (apt-get install xvfb openbox "
                                   "x11-utils xdotool)")
        from tests.integration.conftest import openbox_on, xvfb_display

        try:
            self.display = self._stack.enter_context(
                xvfb_display(log=self._log, timeout=self._timeout))
            wm = self._stack.enter_context(
                openbox_on(self.display, timeout=self._timeout, log=self._log))
        except BaseException:
            self._stack.close()
            raise
        log.info("desktop up: Xvfb %s, openbox (pid %d)", self.display, wm.pid)
        return self.display

    def __exit__(self, *exc) -> None:
        self._stack.close()


# -- playing the windows ------------------------------------------------------------------
@dataclass
class Shown:
    """One window as played: when it really showed, and what X says it is."""
    app: str
    title: str
    opened_s: float | None = None
    closed_s: float | None = None
    wm_class: list[str] = field(default_factory=list)
    problem: str = ""


class Player(threading.Thread):
    """Opens and closes windows on time (seconds from `start()`)."""

    def __init__(self, windows: Sequence[LiveWindow], log_file) -> None:
        super().__init__(name="live-day-player", daemon=True)
        self._windows = list(windows)
        self._log = log_file
        self._stop_event = threading.Event()
        self._procs: dict[int, subprocess.Popen] = {}
        self.shown = [Shown(w.app, w.title) for w in self._windows]
        self.t0 = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        self.t0 = time.monotonic()
        events = sorted([(w.at + w.duration, 0, i) for i, w in enumerate(self._windows)]
                        + [(w.at, 1, i) for i, w in enumerate(self._windows)])
        try:
            for at, is_open, i in events:
                if self._stop_event.wait(max(0.0, self.t0 + at - time.monotonic())):
                    return
                (self._open if is_open else self._close)(i)
        except BaseException as e:  # reported by the harness, which then cleans up
            self.error = e
        finally:
            self.close_all()

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(40.0)   # at most one window start (30 s) to wait out
        self.close_all()

    def close_all(self) -> None:
        for i in list(self._procs):
            self._close(i)

    @staticmethod
    def _spec(w: LiveWindow, geometry: Sequence[int]) -> dict:
        """What window_main() is told to show: the window's text, typing and place."""
        return {"app": w.app, "title": w.title, "text": w.text, "typing": w.typing,
                "font": w.font, "geometry": list(geometry), "type_s": TYPING_SHARE * w.duration}

    def _start(self, i: int, argv: list[str], platform: str) -> str | None:
        """Start window i's program on Qt's `platform`; its "ready" line, or None (the
        problem noted on its Shown and logged) when it did not come up within 30 s."""
        env = dict(os.environ, QT_QPA_PLATFORM=platform,
                   QT_LOGGING_RULES="*.debug=false;qt.qpa.*=false")
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._log, text=True,
                                env=env)
        self._procs[i] = proc
        shown = self.shown[i]
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready and proc.stdout else ""
        if not line.startswith("ready"):
            shown.problem = f"window did not start (exit {proc.poll()})"
            log.warning("%s: %s", self._windows[i].title, shown.problem)
            return None
        shown.opened_s = round(time.monotonic() - self.t0, 2)
        return line

    def _open(self, i: int) -> None:
        w = self._windows[i]
        geometry = w.geometry or (40 + 70 * (i % 5), 20 + 25 * (i % 4), 1240, 760)
        line = self._start(i, [sys.executable, str(Path(__file__).resolve()),
                               json.dumps(self._spec(w, geometry))], "xcb")
        if line is None:
            return
        shown = self.shown[i]
        winid = line.split()[1]
        out = subprocess.run(["xprop", "-id", winid, "WM_CLASS"], capture_output=True,
                             text=True, timeout=5).stdout
        shown.wm_class = re.findall(r'"([^"]*)"', out)
        if [c.lower() for c in shown.wm_class] != [w.app.lower()] * 2:
            shown.problem = f"WM_CLASS is {shown.wm_class}, not {w.app!r}"
            log.warning("%s: %s", w.title, shown.problem)
        # The user moves the pointer onto the new window: input, so never "idle".
        x, y, ww, hh = geometry
        subprocess.run(["xdotool", "mousemove", str(x + ww // 2), str(y + hh // 2)],
                       timeout=5, check=False)
        log.info("%5.1f s  shown  %s: %s", shown.opened_s, w.app, w.title)

    def _close(self, i: int) -> None:
        proc = self._procs.pop(i, None)
        if proc is None:
            return
        _stop(proc, 3.0)
        self.shown[i].closed_s = round(time.monotonic() - self.t0, 2)
        log.info("%5.1f s  closed %s", self.shown[i].closed_s, self._windows[i].title)


# -- one window (this file run as a program) ----------------------------------------------


def window_main() -> int:
    spec = json.loads(sys.argv[1])
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtGui import QFont, QTextCursor
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    QCoreApplication.setApplicationName(spec["app"])
    app = QApplication([sys.argv[0], "-name", spec["app"]])
    ed = QPlainTextEdit()
    mono = spec.get("font") == "mono"
    ed.setFont(QFont("DejaVu Sans Mono" if mono else "DejaVu Sans", 17 if mono else 18))
    ed.setWindowTitle(spec["title"])
    x, y, w, h = spec.get("geometry") or (60, 40, 1280, 760)
    ed.setGeometry(x, y, w, h)
    text = spec["text"]
    if spec.get("typing"):
        step_ms = max(15, int(1000 * float(spec.get("type_s", 8.0)) / max(1, len(text))))
        pos = [0]
        timer = QTimer()

        def type_one() -> None:
            if pos[0] >= len(text):
                timer.stop()
                return
            ed.moveCursor(QTextCursor.MoveOperation.End)
            ed.insertPlainText(text[pos[0]])
            pos[0] += 1

        timer.timeout.connect(type_one)
        QTimer.singleShot(300, lambda: timer.start(step_ms))
    else:
        ed.setPlainText(text)
        ed.setReadOnly(True)
    ed.show()
    ed.raise_()
    ed.activateWindow()
    ed.setFocus()
    QTimer.singleShot(200, lambda: print("ready", int(ed.winId()), flush=True))
    return app.exec()


if __name__ == "__main__":
    sys.exit(window_main())
