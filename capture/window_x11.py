"""The focused window on X11: EWMH through python-xlib, with an xdotool/xprop fallback.

With a window manager, `_NET_ACTIVE_WINDOW` on the root names the active client; without
one (a bare X server, some kiosks) the input focus is used and walked up to the top-level
window that carries WM_CLASS. Title from `_NET_WM_NAME` (UTF-8), else WM_NAME; app from
WM_CLASS (the class part, lower-cased); pid from `_NET_WM_PID`.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import replace
from typing import Any

from capture.window import WindowInfo, WindowSource, visible_parts, with_url

log = logging.getLogger(__name__)


def open_x11_source(display: str | None = None) -> WindowSource:
    """python-xlib when it is installed and the display answers, else xdotool + xprop."""
    try:
        return XlibWindowSource(display)
    except ImportError:
        pass
    if shutil.which("xdotool") and shutil.which("xprop"):
        log.info("window metadata through xdotool/xprop (python-xlib not available)")
        return XdotoolWindowSource(display)
    raise RuntimeError("neither python-xlib nor xdotool/xprop is available")


class XlibWindowSource:
    def __init__(self, display: str | None = None) -> None:
        import Xlib.display  # noqa: F401  (ImportError → the caller falls back)

        self._name = display
        self._d: Any = None  # an Xlib Display (untyped) while connected
        self._connect()

    def _connect(self) -> None:
        from Xlib import display

        self._d = display.Display(self._name)
        d = self._d
        self._root = d.screen().root
        self._atoms = {n: d.intern_atom(n) for n in (
            "_NET_ACTIVE_WINDOW", "_NET_WM_NAME", "_NET_WM_PID", "UTF8_STRING", "WM_CLASS")}

    def close(self) -> None:
        if self._d is not None:
            try:
                self._d.close()
            except Exception:  # already gone with the server
                pass
            self._d = None

    def active(self) -> WindowInfo | None:
        from Xlib import error

        try:
            if self._d is None:
                self._connect()
            win = self._active_window()
            return with_url(self._describe(win)) if win is not None else None
        except (error.BadWindow, error.BadDrawable, error.BadMatch, error.BadValue):
            return None  # the window went away between two requests
        except (error.ConnectionClosedError, error.DisplayError, OSError) as e:
            log.debug("X connection lost (%s); will reconnect", e)
            self.close()
            return None

    def visible(self) -> list[WindowInfo] | None:
        """Top-level windows with some part not covered by windows stacked above them,
        each with its rectangle and its uncovered parts (root coordinates).

        The root's children come bottom to top (the server's own stacking order, with or
        without a window manager); each one that is viewable is a client or a window
        manager's frame around one (the client is then found one or two levels down, by
        WM_CLASS). A frame's rectangle includes its decorations, so the title bar counts as
        the window's. Input-only windows draw nothing and cover nothing.
        """
        from Xlib import X, error

        try:
            if self._d is None:
                self._connect()
            shown: list[tuple[object, tuple[int, int, int, int]]] = []
            for child in self._root.query_tree().children:
                try:
                    attrs = child.get_attributes()
                    if attrs.map_state != X.IsViewable or attrs.win_class == X.InputOnly:
                        continue
                    g = child.get_geometry()
                    client = self._client_of(child)
                except (error.BadWindow, error.BadDrawable, error.BadMatch):
                    continue
                # A client-less window (an override-redirect popup or decoration) still
                # covers what lies below it. x, y are the outer corner: the border counts.
                b = 2 * g.border_width
                shown.append((client, (g.x, g.y, g.width + b, g.height + b)))
            out = []
            for i, (client, rect) in enumerate(shown):
                if client is None:
                    continue
                parts = visible_parts(rect, [r for _, r in shown[i + 1:]])
                if not parts:
                    continue
                try:
                    info = with_url(self._describe(client))
                except (error.BadWindow, error.BadDrawable, error.BadMatch, error.BadValue):
                    continue
                out.append(replace(info, rect=rect, shown=tuple(parts)))
            return out
        except (error.ConnectionClosedError, error.DisplayError, OSError) as e:
            log.debug("X connection lost (%s); will reconnect", e)
            self.close()
            return None

    def _client_of(self, win, depth: int = 2):
        from Xlib import X

        if win.get_full_property(self._atoms["WM_CLASS"], X.AnyPropertyType) is not None:
            return win
        if depth == 0:
            return None
        for child in win.query_tree().children:
            found = self._client_of(child, depth - 1)
            if found is not None:
                return found
        return None

    def _active_window(self):
        from Xlib import X

        prop = self._root.get_full_property(self._atoms["_NET_ACTIVE_WINDOW"], X.AnyPropertyType)
        if prop is not None and len(prop.value) and prop.value[0]:
            return self._d.create_resource_object("window", int(prop.value[0]))
        focus = self._d.get_input_focus().focus
        if isinstance(focus, int) or focus in (X.NONE, X.PointerRoot):
            return None
        # Walk up to the top-level window that the client named (WM_CLASS).
        win = focus
        for _ in range(16):
            if win.id == self._root.id:
                return None
            if win.get_full_property(self._atoms["WM_CLASS"], X.AnyPropertyType) is not None:
                return win
            parent = win.query_tree().parent
            if parent is None or isinstance(parent, int):
                return None
            win = parent
        return None

    def _describe(self, win) -> WindowInfo:
        from Xlib import X

        title = ""
        p = win.get_full_property(self._atoms["_NET_WM_NAME"], self._atoms["UTF8_STRING"])
        if p is not None and p.value:
            title = _text(p.value)
        else:
            title = _text(win.get_wm_name() or "")
        cls = win.get_wm_class()
        app = (cls[1] or cls[0]).lower() if cls else ""
        pid = None
        p = win.get_full_property(self._atoms["_NET_WM_PID"], X.AnyPropertyType)
        if p is not None and len(p.value):
            pid = int(p.value[0])
        return WindowInfo(app=app, title=title, pid=pid)


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class XdotoolWindowSource:
    """Three short subprocesses per call: slower than Xlib, used only as a fallback."""

    def __init__(self, display: str | None = None) -> None:
        import os

        self._env = dict(os.environ)
        if display:
            self._env["DISPLAY"] = display

    def close(self) -> None:
        pass

    def visible(self) -> list[WindowInfo] | None:
        """Not read through xdotool (no stacking order): capture goes by the focused window."""
        return None

    def _run(self, *args: str) -> str | None:
        try:
            out = subprocess.run(args, capture_output=True, text=True, timeout=2, env=self._env)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    def active(self) -> WindowInfo | None:
        wid = self._run("xdotool", "getactivewindow") or self._run("xdotool", "getwindowfocus")
        if not wid:
            return None
        title = self._run("xdotool", "getwindowname", wid) or ""
        pid_s = self._run("xdotool", "getwindowpid", wid)
        cls = self._run("xprop", "-id", wid, "WM_CLASS") or ""
        # WM_CLASS(STRING) = "instance", "Class"
        parts = [p.strip().strip('"') for p in cls.split("=", 1)[-1].split(",")] if "=" in cls \
            else []
        app = (parts[-1] if parts else "").lower()
        pid = int(pid_s) if pid_s and pid_s.isdigit() else None
        return with_url(WindowInfo(app=app, title=title, pid=pid))
