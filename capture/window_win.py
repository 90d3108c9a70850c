"""The focused window on Windows, through pywin32 (imported when the source is built)."""

from __future__ import annotations

import logging
import os
from dataclasses import replace

from capture.window import WindowInfo, visible_parts, with_url

log = logging.getLogger(__name__)


class WinWindowSource:
    def __init__(self) -> None:
        import win32gui  # noqa: F401  (ImportError → NullWindowSource, logged by the caller)
        import win32process  # noqa: F401

    def close(self) -> None:
        pass

    def active(self) -> WindowInfo | None:
        import win32gui

        try:
            hwnd = win32gui.GetForegroundWindow()
            if not hwnd:
                return None
            return self._describe(hwnd)
        except Exception as e:  # pywintypes.error: the window closed mid-call
            log.debug("foreground window unreadable: %s", e)
            return None

    def visible(self) -> list[WindowInfo] | None:
        """Titled top-level windows with some part not covered by titled windows above them.

        EnumWindows lists top-level windows from the top of the Z order down. Untitled
        windows (tool windows, invisible overlays, the taskbar) are neither reported nor
        counted as covering: an overlay must not hide a password manager from the check.
        """
        import win32gui

        hwnds: list[int] = []
        try:
            win32gui.EnumWindows(lambda h, acc: acc.append(h) or True, hwnds)
        except Exception as e:  # pywintypes.error
            log.debug("window list unreadable: %s", e)
            return None
        above: list[tuple[int, int, int, int]] = []
        out = []
        for hwnd in hwnds:
            try:
                if not win32gui.IsWindowVisible(hwnd) or win32gui.IsIconic(hwnd) or \
                        not win32gui.GetWindowText(hwnd):
                    continue
                left, top, right, bottom = win32gui.GetWindowRect(hwnd)
                rect = (left, top, right - left, bottom - top)
                parts = visible_parts(rect, above)
                if parts:
                    out.append(replace(self._describe(hwnd), rect=rect, shown=tuple(parts)))
            except Exception as e:  # closed while listed
                log.debug("window %s unreadable: %s", hwnd, e)
                continue
            above.append(rect)
        return out

    @staticmethod
    def _describe(hwnd: int) -> WindowInfo:
        import win32gui
        import win32process

        title = win32gui.GetWindowText(hwnd) or ""
        _tid, pid = win32process.GetWindowThreadProcessId(hwnd)
        return with_url(WindowInfo(app=_process_name(pid), title=title, pid=pid or None))


def _process_name(pid: int) -> str:
    if not pid:
        return ""
    try:
        import psutil

        name = psutil.Process(pid).name()
    except Exception:  # access denied for elevated processes, or it exited
        return ""
    base = os.path.basename(name).lower()
    return base[:-4] if base.endswith(".exe") else base
