"""Which window is in front: a small protocol with one backend per OS.

`WindowSource.active()` returns the focused top-level window's app, title, process id and,
for browsers, the page URL when the title gives it away; `visible()` the windows that show
on screen, with where they are and which parts of them show. Backends are chosen by
`default_window_source()` at run time (never at import) and each imports its platform
library lazily, so Linux runs without pywin32 or pyobjc and vice versa.

A source is owned by one thread (X11 connections are not thread-safe): the capture thread.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, replace
from typing import Protocol

log = logging.getLogger(__name__)

Rect = tuple[int, int, int, int]   # x, y, width, height in screen (desktop) pixels


@dataclass(frozen=True)
class WindowInfo:
    app: str            # program name, lower-case where the OS gives a class/bundle name
    title: str
    pid: int | None = None
    url: str | None = None
    # Where the window is (its frame, decorations included) and which parts of it are not
    # covered by windows stacked above it; None where the source cannot tell.
    rect: Rect | None = None
    shown: tuple[Rect, ...] | None = None


class WindowSource(Protocol):
    def active(self) -> WindowInfo | None:
        """The focused window, or None when there is none or it cannot be read."""
        ...

    def visible(self) -> list[WindowInfo] | None:
        """The top-level windows that show at least partly on screen, with `rect` and
        `shown` where the source knows them; None when the list cannot be read.

        Capture refuses a frame in which an excluded window shows behind the focused one
        (a password manager left open beside the editor) and paints over the shown parts
        of its own windows. On None it goes by the focused window alone."""
        ...

    def close(self) -> None: ...


def visible_parts(rect: Rect, above: list[Rect]) -> list[Rect]:
    """The parts of `rect` outside every rectangle in `above`, as disjoint rectangles."""
    parts = [rect] if rect[2] > 0 and rect[3] > 0 else []
    for ax, ay, aw, ah in above:
        if aw <= 0 or ah <= 0:
            continue
        rest = []
        for x, y, w, h in parts:
            x0, y0 = max(x, ax), max(y, ay)
            x1, y1 = min(x + w, ax + aw), min(y + h, ay + ah)
            if x0 >= x1 or y0 >= y1:
                rest.append((x, y, w, h))
                continue
            if y < y0:
                rest.append((x, y, w, y0 - y))                 # the band above the cover
            if y1 < y + h:
                rest.append((x, y1, w, y + h - y1))            # the band below it
            if x < x0:
                rest.append((x, y0, x0 - x, y1 - y0))          # left of it, between them
            if x1 < x + w:
                rest.append((x1, y0, x + w - x1, y1 - y0))     # right of it
        parts = rest
        if not parts:
            break
    return parts


def uncovered(rect: tuple[int, int, int, int],
               above: list[tuple[int, int, int, int]], grid: int = 12) -> bool:
    """Whether any point of a grid over `rect` lies outside every rectangle in `above`."""
    x, y, w, h = rect
    if w <= 0 or h <= 0:
        return False
    for i in range(grid):
        px = x + (2 * i + 1) * w / (2 * grid)
        for j in range(grid):
            py = y + (2 * j + 1) * h / (2 * grid)
            if not any(ax <= px < ax + aw and ay <= py < ay + ah for ax, ay, aw, ah in above):
                return True
    return False


class NullWindowSource:
    """No window metadata (an unsupported platform, or a test)."""

    def active(self) -> WindowInfo | None:
        return None

    def visible(self) -> list[WindowInfo] | None:
        return None

    def close(self) -> None:
        pass


# -- browser URLs from titles --------------------------------------------------------------

BROWSERS = {
    "firefox": "Mozilla Firefox", "firefox-esr": "Mozilla Firefox", "navigator": "Mozilla Firefox",
    "librewolf": "LibreWolf", "chromium": "Chromium", "chromium-browser": "Chromium",
    "google-chrome": "Google Chrome", "chrome": "Google Chrome", "brave-browser": "Brave",
    "brave": "Brave", "microsoft-edge": "Microsoft Edge", "msedge": "Microsoft Edge",
    "vivaldi-stable": "Vivaldi", "vivaldi": "Vivaldi", "opera": "Opera", "safari": "Safari",
    "epiphany": "Web", "org.gnome.epiphany": "Web", "qutebrowser": "qutebrowser",
}
_BROWSER_SUFFIX = re.compile(
    r"\s+[-\u2013\u2014|]\s+(?:Mozilla Firefox(?: Private Browsing)?|Firefox|Google Chrome|"
    r"Chromium|Brave|Microsoft\u200b? Edge|Microsoft Edge|Vivaldi|Opera|Safari|LibreWolf|"
    r"qutebrowser|Web)\s*$", re.IGNORECASE)
_URL = re.compile(r"\b((?:https?|file)://[^\s<>\"'|]+)", re.IGNORECASE)
_HOSTLIKE = re.compile(
    r"^(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}|localhost)"
    r"(?::\d{1,5})?(?:/[^\s]*)?$", re.IGNORECASE)
# File names look like domains ("notes.txt", "report.pdf"); these endings are not TLDs we want.
_FILE_EXT = {"txt", "md", "py", "pdf", "doc", "docx", "xls", "xlsx", "png", "jpg", "jpeg",
             "gif", "json", "csv", "html", "htm", "js", "ts", "c", "h", "rs", "go", "java",
             "log", "cfg", "ini", "toml", "yaml", "yml", "sh", "zip", "tar", "gz", "odt",
             "ods", "svg", "webp", "mp4", "mp3", "xml", "sql", "ipynb", "rb", "php"}


def is_browser(app: str, title: str = "") -> bool:
    return app.lower() in BROWSERS or bool(_BROWSER_SUFFIX.search(title))


def url_from_title(title: str, app: str = "") -> str | None:
    """A URL read from a window title, or None.

    An explicit URL anywhere in the title wins (some browsers and extensions put it
    there). Otherwise, only for a browser window, a host-looking segment of
    "Page - host - Browser" or "host/path - Browser" becomes https://host...
    """
    if not title:
        return None
    m = _URL.search(title)
    if m:
        return m.group(1).rstrip(".,;:)]}")
    if not is_browser(app, title):
        return None
    body = _BROWSER_SUFFIX.sub("", title).strip()
    for part in reversed(re.split(r"\s+[-\u2013\u2014|]\s+", body)):
        part = part.strip().rstrip("/")
        if not part or " " in part or not _HOSTLIKE.match(part):
            continue
        host = part.split("/", 1)[0].split(":", 1)[0]
        if host.rsplit(".", 1)[-1].lower() in _FILE_EXT:
            continue
        return "https://" + part
    return None


def with_url(info: WindowInfo) -> WindowInfo:
    if info.url:
        return info
    url = url_from_title(info.title, info.app)
    return replace(info, url=url) if url else info


def default_window_source() -> WindowSource:
    """The backend for this platform, or a NullWindowSource (logged) when none works."""
    try:
        if sys.platform.startswith("win"):
            from capture.window_win import WinWindowSource
            return WinWindowSource()
        if sys.platform == "darwin":
            from capture.window_mac import MacWindowSource
            return MacWindowSource()
        from capture.window_x11 import open_x11_source
        return open_x11_source()
    except Exception as e:  # a missing library or no display: capture goes on without titles
        log.warning("window metadata unavailable: %s", e)
        return NullWindowSource()
