"""Is the user at the machine? Idle time and screen lock, behind a protocol tests can fake.

On X11 the MIT-SCREEN-SAVER extension (python-xlib) gives the time since the last input
and whether the screen saver (which lockers drive) is on; `xprintidle` is the fallback.
Elsewhere a NullIdleSource reports "active": capture then never stops for idleness,
which errs on the side of recording, while the privacy filter still excludes lock screens
by title.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdleState:
    idle_s: float | None   # seconds since the last keyboard/mouse input; None = unknown
    locked: bool = False   # screen locked or screen saver running


class IdleSource(Protocol):
    def state(self) -> IdleState: ...

    def close(self) -> None: ...


class NullIdleSource:
    def state(self) -> IdleState:
        return IdleState(None, False)

    def close(self) -> None:
        pass


class X11IdleSource:
    def __init__(self, display: str | None = None) -> None:
        from Xlib import display as xdisplay

        self._name = display
        self._d = xdisplay.Display(display)
        if not self._d.has_extension("MIT-SCREEN-SAVER"):
            self._d.close()
            raise RuntimeError("the X server has no MIT-SCREEN-SAVER extension")

    def state(self) -> IdleState:
        from Xlib import error

        try:
            if self._d is None:
                from Xlib import display as xdisplay
                self._d = xdisplay.Display(self._name)
            info = self._d.screen().root.screensaver_query_info()
        except (error.ConnectionClosedError, error.DisplayError, OSError) as e:
            log.debug("X connection lost (%s); will reconnect", e)
            self.close()
            return IdleState(None, False)
        return IdleState(info.idle / 1000.0, info.state == 1)  # ScreenSaverOn

    def close(self) -> None:
        if self._d is not None:
            try:
                self._d.close()
            except Exception:  # the server is already gone
                pass
            self._d = None


class XprintidleSource:
    def state(self) -> IdleState:
        try:
            out = subprocess.run(["xprintidle"], capture_output=True, text=True, timeout=2)
            return IdleState(int(out.stdout.strip()) / 1000.0, False)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            return IdleState(None, False)

    def close(self) -> None:
        pass


def default_idle_source() -> IdleSource:
    if sys.platform.startswith("linux"):
        try:
            return X11IdleSource()
        except Exception as e:  # no Xlib, no display, no extension
            if shutil.which("xprintidle"):
                return XprintidleSource()
            log.warning("idle detection unavailable (%s): capture will not pause when idle", e)
    return NullIdleSource()
