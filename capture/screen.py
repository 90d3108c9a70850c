"""Screen grabs through mss, and the cadence that decides when to grab.

`ScreenGrabber` keeps one `mss.MSS` per thread (mss handles are not shared across
threads), grabs all monitors (0) or one, and turns mss faults into CaptureErrors with a
message a user can act on. A monitor that disappears falls back to the whole desktop and
says so in `notice`.

`Cadence` is the pure scheduling logic (clock injected): a base interval that backs off
while nothing changes, a prompt grab on a window switch, and a keyframe at least every
`keyframe_s` so the timeline has no holes.
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from capture.errors import CaptureError

log = logging.getLogger(__name__)


class Grabber(Protocol):
    def grab(self) -> Image.Image: ...

    @property
    def notice(self) -> str:
        """A non-fatal condition worth showing while recording ("" when none)."""
        ...

    def close(self) -> None: ...


class ScreenUnavailable(CaptureError):
    """The display is gone or refuses the grab."""


class ScreenGrabber:
    def __init__(self, *, monitor: int = 0, display: str | None = None) -> None:
        self._monitor = monitor
        self._display = display
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()
        self.notice = ""  # a non-fatal condition worth showing (monitor fallback)

    def _sct(self):
        sct = getattr(self._local, "sct", None)
        if sct is None:
            import mss

            kwargs = {"display": self._display} if self._display else {}
            try:
                sct = mss.MSS(**kwargs)
            except Exception as e:  # mss raises ScreenShotError, or OSError without a display
                raise ScreenUnavailable(f"Cannot open the display for capture: {e}") from e
            self._local.sct = sct
            with self._lock:
                self._all.append(sct)
        return sct

    def _drop(self) -> None:
        sct = getattr(self._local, "sct", None)
        self._local.sct = None
        if sct is not None:
            with self._lock:
                if sct in self._all:
                    self._all.remove(sct)
            try:
                sct.close()
            except Exception:  # the display is already gone
                pass

    def grab(self) -> Image.Image:
        sct = self._sct()
        try:
            monitors = sct.monitors
            index = self._monitor
            if index >= len(monitors):
                msg = (f"Monitor {index} is not connected ({len(monitors) - 1} found); "
                       "capturing all monitors.")
                if self.notice != msg:
                    log.warning(msg)
                self.notice = msg
                index = 0
            elif self.notice:
                self.notice = ""
            shot = sct.grab(monitors[index])
        except Exception as e:  # mss.ScreenShotError, Xlib/ctypes errors when the display dies
            self._drop()  # a fresh handle next time: the display may come back
            raise ScreenUnavailable(f"Screen capture failed: {e}") from e
        im = Image.frombuffer("RGB", shot.size, shot.bgra, "raw", "BGRX")
        im.info["origin"] = (shot.left, shot.top)  # our own windows are painted in desktop coords
        return im

    def close(self) -> None:
        with self._lock:
            all_, self._all = self._all, []
        for sct in all_:
            try:
                sct.close()
            except Exception:  # closing a handle of a dead display
                pass
        self._local = threading.local()


class Reason(enum.Enum):
    FIRST = "first"
    WINDOW = "window"      # the active window changed: grab now, OCR in full
    KEYFRAME = "keyframe"  # keep a frame even if nothing changed
    INTERVAL = "interval"


@dataclass
class Cadence:
    interval_s: float
    max_interval_s: float
    keyframe_s: float
    backoff: float = 1.5
    last_grab: float | None = None
    last_kept: float | None = None
    current: float = 0.0

    def __post_init__(self) -> None:
        self.current = self.interval_s

    def due(self, now: float, *, window_changed: bool = False) -> Reason | None:
        """Why a grab is due now, or None."""
        if self.last_grab is None:
            return Reason.FIRST
        if window_changed:
            return Reason.WINDOW
        if self.last_kept is None or now - self.last_kept >= self.keyframe_s:
            return Reason.KEYFRAME
        if now - self.last_grab >= self.current - 1e-6:
            return Reason.INTERVAL
        return None

    def grabbed(self, now: float, *, changed: bool, kept: bool) -> None:
        """Record a grab: a change resets the interval, sameness stretches it."""
        self.last_grab = now
        if kept:
            self.last_kept = now
        if changed:
            self.current = self.interval_s
        else:
            self.current = min(self.max_interval_s, self.current * self.backoff)

    def restart(self) -> None:
        """After idle, a pause or an error: grab at the next chance, at the base rate."""
        self.last_grab = None
        self.current = self.interval_s

    def next_in(self, now: float) -> float:
        """Seconds until the next grab is due (0 when due now)."""
        if self.last_grab is None:
            return 0.0
        until_interval = self.last_grab + self.current - now
        until_key = (self.last_kept if self.last_kept is not None else now) + self.keyframe_s - now
        return max(0.0, min(until_interval, until_key))
