"""What must never be captured, and when capture is paused, decided before any grab.

`PrivacyFilter.allows(window)` is asked before the screen is grabbed and again after
(a window switch mid-grab must not let an excluded window through). It never logs a
window's title: excluded windows are logged as "excluded window" only.

`redact(text)` masks card numbers (Luhn-checked), IBANs and key-like secrets in OCR text
and titles before they are stored.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Callable

from capture.settings import PrivacySettings
from capture.window import WindowInfo

LOCK_SCREEN_APPS = ("gnome-screensaver", "xscreensaver", "i3lock", "swaylock", "light-locker",
                    "xsecurelock", "kscreenlocker_greet", "loginwindow", "lockapp")


SELF_APP = "commonplace"   # our own window: re-recording the user's history is noise at best


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # "app", "title", "self" or "" — never the title itself


class PrivacyFilter:
    def __init__(self, settings: PrivacySettings) -> None:
        self._apps = set(settings.excluded_apps) | set(LOCK_SCREEN_APPS)
        self._titles = [re.compile(p) for p in settings.excluded_titles]

    def decide(self, window: WindowInfo | None) -> Decision:
        if window is None:
            return Decision(True)
        app = window.app.lower()
        if app == SELF_APP:
            return Decision(False, "self")
        if app and (app in self._apps or any(a in app for a in self._apps if len(a) > 4)):
            return Decision(False, "app")
        for p in self._titles:
            if p.search(window.title) or (window.url and p.search(window.url)):
                return Decision(False, "title")
        return Decision(True)

    def allows(self, window: WindowInfo | None) -> bool:
        return self.decide(window).allowed


class PauseState:
    """Paused by the user, indefinitely or for some minutes; thread-safe."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._paused = False
        self._until: float | None = None

    def pause(self, minutes: float | None = None) -> None:
        if minutes is not None and minutes <= 0:
            raise ValueError("pause minutes must be positive")
        with self._lock:
            self._paused = True
            self._until = None if minutes is None else self._clock() + minutes * 60.0

    def resume(self) -> None:
        with self._lock:
            self._paused, self._until = False, None

    def paused(self) -> bool:
        with self._lock:
            if self._paused and self._until is not None and self._clock() >= self._until:
                self._paused, self._until = False, None
            return self._paused

    def remaining_s(self) -> float | None:
        """Seconds left of a timed pause; None when not paused or paused indefinitely."""
        with self._lock:
            if not self._paused or self._until is None:
                return None
            return max(0.0, self._until - self._clock())


# -- redaction ---------------------------------------------------------------------------

def redact(text: str) -> str:
    """Mask secrets in screen text before storage (one implementation: memory.redact)."""
    from memory.redact import Redactor

    return Redactor().redact(text)
