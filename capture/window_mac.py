"""The front window on macOS, through pyobjc (AppKit + Quartz), imported when built.

The frontmost application comes from NSWorkspace; its top on-screen layer-0 window from
CGWindowListCopyWindowInfo. Window titles need the Screen Recording permission; without
it macOS returns no title and we report the app alone.
"""

from __future__ import annotations

import logging

from capture.window import WindowInfo, with_url

log = logging.getLogger(__name__)


class MacWindowSource:
    def __init__(self) -> None:
        import AppKit  # noqa: F401  (ImportError → NullWindowSource, logged by the caller)
        import Quartz  # noqa: F401

    def close(self) -> None:
        pass

    def active(self) -> WindowInfo | None:
        import AppKit
        import Quartz

        try:
            front = AppKit.NSWorkspace.sharedWorkspace().frontmostApplication()
            if front is None:
                return None
            pid = int(front.processIdentifier())
            app = str(front.localizedName() or "").lower()
            title = ""
            opts = (Quartz.kCGWindowListOptionOnScreenOnly
                    | Quartz.kCGWindowListExcludeDesktopElements)
            for w in Quartz.CGWindowListCopyWindowInfo(opts, Quartz.kCGNullWindowID) or []:
                if int(w.get("kCGWindowOwnerPID", -1)) == pid and \
                        int(w.get("kCGWindowLayer", 1)) == 0:
                    title = str(w.get("kCGWindowName") or "")
                    break
        except Exception as e:  # pyobjc bridges raise assorted errors
            log.debug("front window unreadable: %s", e)
            return None
        return with_url(WindowInfo(app=app, title=title, pid=pid))
