"""The front window on macOS, through pyobjc (AppKit + Quartz), imported when built.

The frontmost application comes from NSWorkspace; its top on-screen layer-0 window from
CGWindowListCopyWindowInfo. Window titles need the Screen Recording permission; without
it macOS returns no title and we report the app alone.
"""

from __future__ import annotations

import logging

from capture.window import WindowInfo, uncovered, with_url

log = logging.getLogger(__name__)


def _on_screen() -> list:
    """Layer-0 (ordinary) windows on screen, front to back, as CGWindowList dictionaries."""
    import Quartz

    opts = Quartz.kCGWindowListOptionOnScreenOnly | Quartz.kCGWindowListExcludeDesktopElements
    return [w for w in Quartz.CGWindowListCopyWindowInfo(opts, Quartz.kCGNullWindowID) or []
            if int(w.get("kCGWindowLayer", 1)) == 0]


class MacWindowSource:
    def __init__(self) -> None:
        import AppKit  # noqa: F401  (ImportError → NullWindowSource, logged by the caller)
        import Quartz  # noqa: F401

    def close(self) -> None:
        pass

    def active(self) -> WindowInfo | None:
        import AppKit

        try:
            front = AppKit.NSWorkspace.sharedWorkspace().frontmostApplication()
            if front is None:
                return None
            pid = int(front.processIdentifier())
            app = str(front.localizedName() or "").lower()
            title = next((str(w.get("kCGWindowName") or "") for w in _on_screen()
                          if int(w.get("kCGWindowOwnerPID", -1)) == pid), "")
        except Exception as e:  # pyobjc bridges raise assorted errors
            log.debug("front window unreadable: %s", e)
            return None
        return with_url(WindowInfo(app=app, title=title, pid=pid))

    def visible(self) -> list[WindowInfo] | None:
        """Windows with some part not covered by the windows in front of them. Fully
        transparent windows neither show nor cover."""
        try:
            windows = [w for w in _on_screen() if float(w.get("kCGWindowAlpha", 1.0)) > 0]
        except Exception as e:  # pyobjc bridges raise assorted errors
            log.debug("window list unreadable: %s", e)
            return None
        above: list[tuple[int, int, int, int]] = []
        out = []
        for w in windows:
            b = w.get("kCGWindowBounds") or {}
            rect = (int(b.get("X", 0)), int(b.get("Y", 0)),
                    int(b.get("Width", 0)), int(b.get("Height", 0)))
            if uncovered(rect, above):
                pid = int(w.get("kCGWindowOwnerPID", 0))
                out.append(with_url(WindowInfo(app=str(w.get("kCGWindowOwnerName") or "").lower(),
                                               title=str(w.get("kCGWindowName") or ""),
                                               pid=pid or None)))
            above.append(rect)
        return out
