"""What must never be captured, and when capture is paused, decided before any grab.

`PrivacyFilter.decide_screen(focused, shown)` is asked before the screen is grabbed and
again after (a window switch mid-grab must not let an excluded window through). It never
logs a window's title: excluded windows are logged as "excluded window" only.

The app never captures itself. Its own windows are known by the process that owns them
(the capturing process, where the GUI runs too) or by their WM_CLASS (a second instance).
Focused, nothing is grabbed; shown behind or beside the focused window, the parts of them
that show are painted over (`hide`) before change detection, OCR and storage, so neither
their pixels nor their text are kept. An own window that shows where the source cannot
say refuses the frame, like an excluded one.

`redact(text)` and `redact_lines(lines)` mask secrets (cards, IBANs, keys and tokens,
labelled passwords, …) in OCR text and titles before they are stored; both are the one
implementation in `memory.redact`.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PIL import Image, ImageColor, ImageDraw

from capture.settings import PrivacySettings
from capture.window import Rect, WindowInfo

if TYPE_CHECKING:
    from memory.ocr_types import OcrLine
    from memory.redact import Redactor

LOCK_SCREEN_APPS = ("gnome-screensaver", "xscreensaver", "i3lock", "swaylock", "light-locker",
                    "xsecurelock", "kscreenlocker_greet", "loginwindow", "lockapp")


SELF_APP = "commonplace"   # our own window: re-recording the user's history is noise at best
SELF_FILL = "#808080"      # what our own windows' shown parts become in a stored frame


@dataclass(frozen=True)
class Decision:
    allowed: bool
    # "app", "title", "self", "self-unplaced" (an own window shows, nobody says where) or
    # "" — never the title itself
    reason: str = ""
    hide: tuple[Rect, ...] = ()   # screen areas of our own windows to paint over


class PrivacyFilter:
    def __init__(self, settings: PrivacySettings, *,
                 own_pids: Iterable[int] | None = None) -> None:
        """`own_pids`: the processes whose windows are ours (default: this one, which in
        `commonplace run` is also the GUI's)."""
        self._apps = set(settings.excluded_apps) | set(LOCK_SCREEN_APPS)
        self._titles = [re.compile(p) for p in settings.excluded_titles]
        self._own = frozenset(own_pids) if own_pids is not None else frozenset({os.getpid()})

    def decide(self, window: WindowInfo | None) -> Decision:
        """May this one window be captured (as the focused window)?"""
        if window is None:
            return Decision(True)
        app = window.app.lower()
        if app == SELF_APP or (window.pid is not None and window.pid in self._own):
            return Decision(False, "self")
        if app and (app in self._apps or any(a in app for a in self._apps if len(a) > 4)):
            return Decision(False, "app")
        for p in self._titles:
            if p.search(window.title) or (window.url and p.search(window.url)):
                return Decision(False, "title")
        return Decision(True)

    def allows(self, window: WindowInfo | None) -> bool:
        return self.decide(window).allowed

    def decide_screen(self, focused: WindowInfo | None,
                      shown: list[WindowInfo] | None) -> Decision:
        """May the screen be grabbed with `focused` in front and `shown` on it (None: not
        known), and which parts must be painted over?

        An excluded window anywhere refuses the frame; an own window behind or beside the
        focused one is hidden where it shows, or refuses the frame when its shown parts
        are not known."""
        first = self.decide(focused)
        if not first.allowed:
            return first
        hide: list[Rect] = []
        for window in shown or ():
            d = self.decide(window)
            if d.allowed:
                continue
            if d.reason != "self":
                return d
            if window.shown is None:
                return Decision(False, "self-unplaced")
            hide.extend(window.shown)
        return Decision(True, hide=tuple(hide))


def paint_over(image: Image.Image, areas: Iterable[Rect],
               origin: tuple[int, int] = (0, 0)) -> Image.Image:
    """`image` with each screen area filled solid (SELF_FILL); `origin` is the image's
    top-left corner on the screen. Areas outside the image (another monitor) are skipped."""
    fill = ImageColor.getcolor(SELF_FILL, image.mode)
    draw = None
    for x, y, w, h in areas:
        x0, y0 = max(0, x - origin[0]), max(0, y - origin[1])
        x1, y1 = min(image.width, x - origin[0] + w), min(image.height, y - origin[1] + h)
        if x0 >= x1 or y0 >= y1:
            continue
        draw = draw or ImageDraw.Draw(image)
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=fill)
    return image


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


def redact_lines(lines: Sequence[str]) -> list[str]:
    """Mask secrets in a frame's OCR lines, with context across lines (a label on one line
    and its value on the next; a PEM block's body lines)."""
    from memory.redact import Redactor

    return Redactor().redact_lines(lines)


def redact_frame_text(redactor: Redactor, lines: Sequence[OcrLine],
                      title: str) -> tuple[list[OcrLine], str]:
    """A frame's OCR lines (masked with context across lines) and window title with
    secrets masked before storage; each line keeps its box, score and source."""
    texts = redactor.redact_lines([line.text for line in lines])
    return [replace(line, text=t) for t, line in zip(texts, lines)], redactor.redact(title)
