"""The Wayland side of a live day (`bench/live_day.py --display wayland`).

- `SwayDesktop`: a headless sway (wlroots, pixman renderer, one 1600x900 output, tabbed
  layout so that the newest window fills the screen as a stacked X11 desktop shows it),
  run as an unprivileged user (sway refuses root: a user is created when run as root);
  the session's environment (WAYLAND_DISPLAY, SWAYSOCK, XDG_SESSION_TYPE=wayland, ...) is
  set for this process meanwhile, so the desktop app's capture chooses grim + sway IPC as
  it does in a real sway session. Ended by PID.
- `WaylandPlayer`: the X11 Player's schedule, with each window a Qt Wayland client whose
  app_id (checked through sway's IPC) is the script's `app`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.live_window import SCREEN, Player, _stop
from tests.integration.desktop_bus import compositor_user

log = logging.getLogger("live_day")

class SwayDesktop:
    KEYS = ("DISPLAY", "WAYLAND_DISPLAY", "SWAYSOCK", "XDG_RUNTIME_DIR", "XDG_SESSION_TYPE",
            "XDG_CURRENT_DESKTOP")

    def __init__(self, log_file) -> None:
        self._log = log_file
        self._proc: subprocess.Popen | None = None
        self._run: Path | None = None
        self._old = {k: os.environ.get(k) for k in self.KEYS}

    def __enter__(self) -> str:
        for tool in ("sway", "grim"):
            if not shutil.which(tool):
                raise RuntimeError(f"{tool} is not installed (apt-get install sway grim)")
        ids = compositor_user()
        self._run = run = Path(tempfile.mkdtemp(prefix="live-day-wl-"))
        (run / "sway.conf").write_text(
            f"output HEADLESS-1 resolution {SCREEN[0]}x{SCREEN[1]}\n"
            "default_border none\nworkspace_layout tabbed\n")
        if ids:
            os.chown(run, *ids)
        os.chmod(run, 0o700)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(run), "XDG_RUNTIME_DIR": str(run),
               "WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman",
               "WLR_LIBINPUT_NO_DEVICES": "1"}
        kw = {"user": ids[0], "group": ids[1], "extra_groups": []} if ids else {}
        self._proc = subprocess.Popen(["sway", "-c", str(run / "sway.conf")], env=env,
                                      stdout=self._log, stderr=self._log, **kw)
        end = time.monotonic() + 20
        while not (list(run.glob("sway-ipc.*.sock")) and list(run.glob("wayland-*[0-9]"))):
            if self._proc.poll() is not None or time.monotonic() > end:
                self.__exit__()
                raise RuntimeError("sway did not start (see desktop.log)")
            time.sleep(0.1)
        display = next(p for p in run.glob("wayland-*") if not p.name.endswith(".lock")).name
        os.environ.pop("DISPLAY", None)
        os.environ.update({"WAYLAND_DISPLAY": display, "XDG_RUNTIME_DIR": str(run),
                           "SWAYSOCK": str(next(run.glob("sway-ipc.*.sock"))),
                           "XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "sway"})
        return display

    def __exit__(self, *exc) -> None:
        for k, v in self._old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if self._proc is not None:
            _stop(self._proc)
            self._proc = None
        if self._run is not None:
            shutil.rmtree(self._run, ignore_errors=True)
            self._run = None


class WaylandPlayer(Player):
    def _open(self, i: int) -> None:
        from capture.window_sway import SwayWindowSource

        w = self._windows[i]
        script = Path(__file__).resolve().parent / "live_window.py"
        # The Wayland app_id is Qt's desktop file name (else the interpreter's name): set it
        # to the script's app, then run the X11 harness's window program unchanged.
        boot = ("import runpy, sys; from PySide6.QtGui import QGuiApplication; "
                "QGuiApplication.setDesktopFileName(sys.argv[1]); sys.argv = sys.argv[2:]; "
                "runpy.run_path(sys.argv[0], run_name='__main__')")
        spec = self._spec(w, [0, 0, *SCREEN])
        if self._start(i, [sys.executable, "-c", boot, w.app, str(script), json.dumps(spec)],
                       "wayland") is None:
            return
        shown = self.shown[i]
        src = SwayWindowSource()
        try:
            apps = [v.app for v in src.visible() or [] if v.title == w.title]
        finally:
            src.close()
        shown.wm_class = apps   # the app_id sway reports (wm_class on X11)
        if apps != [w.app.lower()]:
            shown.problem = f"app_id is {apps}, not {w.app!r}"
            log.warning("%s: %s", w.title, shown.problem)
        log.info("%5.1f s  shown  %s: %s", shown.opened_s, w.app, w.title)
