"""The Windows and macOS window sources' own logic, on Linux, with their OS libraries
replaced by scripted modules (pywin32's win32gui/win32process; pyobjc's AppKit/Quartz).

What this proves: the calls are made as those libraries define them, the Z order is read
in the right direction, untitled/transparent windows neither show nor cover, and a
library error gives None instead of an exception. What it cannot prove: that the real
libraries return these values on a real desktop (these sources never ran on one here).
"""

from __future__ import annotations

import os
import sys
import types

import psutil
import pytest

ME = os.getpid()
MY_NAME = psutil.Process(ME).name().lower()


class Desktop:
    """Top-level windows, top of the Z order first: (hwnd, title, (l, t, r, b), pid, shown)."""

    def __init__(self, windows, foreground):
        self.windows = {w[0]: w for w in windows}
        self.order = [w[0] for w in windows]
        self.foreground = foreground
        self.fail = False

    def modules(self):
        gui, proc = types.ModuleType("win32gui"), types.ModuleType("win32process")

        def enum(callback, extra):
            if self.fail:
                raise OSError("EnumWindows failed")
            for h in self.order:
                if not callback(h, extra):
                    break

        gui.EnumWindows = enum
        gui.GetForegroundWindow = lambda: self.foreground
        gui.GetWindowText = lambda h: self.windows[h][1]
        gui.GetWindowRect = lambda h: self.windows[h][2]
        gui.IsWindowVisible = lambda h: self.windows[h][4] != "hidden"
        gui.IsIconic = lambda h: self.windows[h][4] == "minimised"
        proc.GetWindowThreadProcessId = lambda h: (1, self.windows[h][3])
        return gui, proc


@pytest.fixture
def win(monkeypatch):
    desk = Desktop([
        (1, "Report.docx - Word", (0, 0, 1000, 800), ME, "shown"),
        (2, "", (0, 0, 1920, 1080), ME, "shown"),                 # an invisible overlay
        (3, "Passwords - KeePassXC", (900, 0, 1400, 600), ME, "shown"),  # a strip shows
        (4, "Inbox - Mail", (100, 100, 600, 600), ME, "shown"),  # under Word entirely
        (5, "Old - Notepad", (0, 0, 300, 300), ME, "minimised"),
    ], foreground=1)
    gui, proc = desk.modules()
    monkeypatch.setitem(sys.modules, "win32gui", gui)
    monkeypatch.setitem(sys.modules, "win32process", proc)
    from capture.window_win import WinWindowSource
    return desk, WinWindowSource()


def test_windows_active_window(win):
    desk, src = win
    info = src.active()
    assert (info.app, info.title, info.pid) == (MY_NAME.removesuffix(".exe"),
                                                "Report.docx - Word", ME)
    desk.foreground = 0
    assert src.active() is None


def test_windows_visible_reads_the_z_order_top_down(win):
    _desk, src = win
    titles = [w.title for w in src.visible()]
    # KeePassXC shows beside Word (the untitled overlay covers nothing); Mail is hidden
    # under Word; the minimised window does not show.
    assert titles == ["Report.docx - Word", "Passwords - KeePassXC"]


def test_windows_errors_give_none(win):
    desk, src = win
    desk.fail = True
    assert src.visible() is None
    desk.foreground = 99  # a window that closed between the calls
    assert src.active() is None


def _quartz(windows, fail=False):
    q = types.ModuleType("Quartz")
    q.kCGWindowListOptionOnScreenOnly, q.kCGWindowListExcludeDesktopElements = 1, 16
    q.kCGNullWindowID = 0

    def copy(opts, relative_to):
        assert opts == 17 and relative_to == 0
        if fail:
            raise RuntimeError("bridge error")
        return windows

    q.CGWindowListCopyWindowInfo = copy
    return q


def _appkit(pid, name):
    app = types.SimpleNamespace(processIdentifier=lambda: pid, localizedName=lambda: name)
    ws = types.SimpleNamespace(frontmostApplication=lambda: app)
    a = types.ModuleType("AppKit")
    a.NSWorkspace = types.SimpleNamespace(sharedWorkspace=lambda: ws)
    return a


MAC_WINDOWS = [  # front to back, as CGWindowListCopyWindowInfo gives them
    {"kCGWindowLayer": 25, "kCGWindowOwnerPID": 7, "kCGWindowOwnerName": "Dock",
     "kCGWindowBounds": {"X": 0, "Y": 0, "Width": 1920, "Height": 1080}},
    {"kCGWindowLayer": 0, "kCGWindowOwnerPID": 11, "kCGWindowOwnerName": "Safari",
     "kCGWindowName": "Fernwood wiki - wiki.fernwood.io - Safari",
     "kCGWindowBounds": {"X": 0, "Y": 0, "Width": 1200, "Height": 900}},
    {"kCGWindowLayer": 0, "kCGWindowOwnerPID": 12, "kCGWindowOwnerName": "Overlay",
     "kCGWindowAlpha": 0.0, "kCGWindowBounds": {"X": 0, "Y": 0, "Width": 1920, "Height": 1080}},
    {"kCGWindowLayer": 0, "kCGWindowOwnerPID": 13, "kCGWindowOwnerName": "1Password",
     "kCGWindowName": "Vault", "kCGWindowBounds": {"X": 1100, "Y": 0, "Width": 500, "Height": 500}},
    {"kCGWindowLayer": 0, "kCGWindowOwnerPID": 14, "kCGWindowOwnerName": "Notes",
     "kCGWindowName": "Groceries", "kCGWindowBounds": {"X": 10, "Y": 10, "Width": 300, "Height": 300}},
]


def test_mac_front_window_and_visible(monkeypatch):
    monkeypatch.setitem(sys.modules, "Quartz", _quartz(MAC_WINDOWS))
    monkeypatch.setitem(sys.modules, "AppKit", _appkit(11, "Safari"))
    from capture.window_mac import MacWindowSource

    src = MacWindowSource()
    info = src.active()
    assert (info.app, info.title, info.pid) == ("safari", MAC_WINDOWS[1]["kCGWindowName"], 11)
    assert info.url == "https://wiki.fernwood.io"
    shown = src.visible()
    # The Dock's layer is not a window; the transparent overlay neither shows nor covers;
    # 1Password shows to the right of Safari; Notes lies under Safari.
    assert [w.app for w in shown] == ["safari", "1password"]


def test_mac_bridge_errors_give_none(monkeypatch):
    monkeypatch.setitem(sys.modules, "Quartz", _quartz([], fail=True))
    monkeypatch.setitem(sys.modules, "AppKit", _appkit(11, "Safari"))
    from capture.window_mac import MacWindowSource

    src = MacWindowSource()
    assert src.active() is None and src.visible() is None


# -- the geometry every source shares (X11 reports it; capture paints our own windows with it)

def test_visible_parts_is_the_rectangle_minus_the_windows_above():
    from capture.window import visible_parts

    def area(parts):
        return sum(w * h for _, _, w, h in parts)

    ours = (0, 0, 900, 500)
    assert visible_parts(ours, []) == [ours]
    assert visible_parts(ours, [(0, 0, 1600, 900)]) == []
    # Another window over its bottom-right corner: an L of the top band and the left band.
    parts = visible_parts(ours, [(500, 250, 1000, 600)])
    assert sorted(parts) == [(0, 0, 900, 250), (0, 250, 500, 250)]
    # A hole in the middle and a window beside it that does not touch it.
    parts = visible_parts(ours, [(100, 100, 100, 100), (1000, 0, 100, 100)])
    assert area(parts) == 900 * 500 - 100 * 100
    for x in range(0, 900, 50):          # disjoint, and every point outside the hole is in one
        for y in range(0, 500, 50):
            inside = [p for p in parts if p[0] <= x < p[0] + p[2] and p[1] <= y < p[1] + p[3]]
            assert len(inside) == (0 if 100 <= x < 200 and 100 <= y < 200 else 1), (x, y)
    assert visible_parts((0, 0, 0, 10), []) == []


def test_sources_that_cannot_list_windows_say_so():
    from capture.window import NullWindowSource
    from capture.window_x11 import XdotoolWindowSource

    assert NullWindowSource().visible() is None
    assert XdotoolWindowSource(":0").visible() is None
