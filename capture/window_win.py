"""The focused window on Windows, through pywin32 (imported when the source is built)."""

from __future__ import annotations

import logging
import os

from capture.window import WindowInfo, with_url

log = logging.getLogger(__name__)


class WinWindowSource:
    def __init__(self) -> None:
        import win32gui  # noqa: F401  (ImportError → NullWindowSource, logged by the caller)
        import win32process  # noqa: F401

    def close(self) -> None:
        pass

    def active(self) -> WindowInfo | None:
        import win32gui
        import win32process

        try:
            hwnd = win32gui.GetForegroundWindow()
            if not hwnd:
                return None
            title = win32gui.GetWindowText(hwnd) or ""
            _tid, pid = win32process.GetWindowThreadProcessId(hwnd)
        except Exception as e:  # pywintypes.error: the window closed mid-call
            log.debug("foreground window unreadable: %s", e)
            return None
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
