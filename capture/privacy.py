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


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # "app", "title" or "" — never the title itself


class PrivacyFilter:
    def __init__(self, settings: PrivacySettings) -> None:
        self._apps = set(settings.excluded_apps) | set(LOCK_SCREEN_APPS)
        self._titles = [re.compile(p) for p in settings.excluded_titles]

    def decide(self, window: WindowInfo | None) -> Decision:
        if window is None:
            return Decision(True)
        app = window.app.lower()
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

_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_SECRETS = [
    re.compile(r"\b(?:sk|pk|rk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9]{16,}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}\b"),
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)\b(password|passwd|pwd|secret|api[_-]?key|token)\s*[:=]\s*\S+"),
]


def _luhn(digits: str) -> bool:
    total, alt = 0, False
    for ch in reversed(digits):
        d = int(ch)
        if alt:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
        alt = not alt
    return total % 10 == 0


def _iban_ok(s: str) -> bool:
    s = s.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    n = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(n) % 97 == 1


def redact(text: str) -> str:
    def card(m: re.Match) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        return "[card]" if 13 <= len(digits) <= 19 and _luhn(digits) else m.group(0)

    text = _CARD.sub(card, text)
    text = _IBAN.sub(lambda m: "[iban]" if _iban_ok(m.group(0)) else m.group(0), text)
    for p in _SECRETS[:-1]:
        text = p.sub("[secret]", text)
    return _SECRETS[-1].sub(lambda m: f"{m.group(1)}: [secret]", text)
