"""Which desktop session capture runs in, and the screen and window sources that fit it.

- X11: mss grabs the screen, EWMH (python-xlib) names the focused window.
- Wayland under sway (or another wlroots compositor that sway's IPC answers for): grim
  grabs through wlr-screencopy, sway's IPC names the focused window and where every
  window is.
- Wayland elsewhere (GNOME, KDE): the screen may be read only through the
  xdg-desktop-portal ScreenCast interface, with the user's consent (capture.portal);
  where that is not available capture says so and stores nothing — an X11 client there
  sees only other X11 clients, so mss would record black or stale frames.

Nothing here runs at import; `detect()` reads the environment it is given.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the sources are imported when chosen, never at import
    from capture.screen import Grabber
    from capture.window import WindowSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Session:
    kind: str            # "x11", "wayland" or "none"
    compositor: str      # "sway", "gnome", "kde", ... or "" when not known
    display: str         # $DISPLAY or $WAYLAND_DISPLAY


def detect(env: Mapping[str, str] | None = None) -> Session:
    env = os.environ if env is None else env
    declared = (env.get("XDG_SESSION_TYPE") or "").lower()
    wayland, x11 = env.get("WAYLAND_DISPLAY", ""), env.get("DISPLAY", "")
    if declared == "wayland" or (wayland and declared != "x11"):
        kind, display = "wayland", wayland
    elif x11:
        kind, display = "x11", x11
    else:
        kind, display = "none", ""
    desktop = (env.get("XDG_CURRENT_DESKTOP") or "").split(":")[0].lower()
    sock = env.get("SWAYSOCK", "")
    compositor = "sway" if sock and Path(sock).exists() else desktop
    return Session(kind, compositor, display)


@dataclass(frozen=True)
class Sources:
    grabber: Grabber
    windows: WindowSource
    screen_source: str   # one line for `doctor` and the log: what reads the screen


TOKEN_FILE = "screencast.token"   # the portal's restore token, in the data directory


def choose(session: Session, *, monitor: int = 0, state_dir: Path | None = None) -> Sources:
    """The grabber and window source for this session (opened here, owned by the caller).
    `state_dir` keeps the screen-cast portal's restore token (the user's consent)."""
    from capture.window import default_window_source

    if session.kind == "wayland":
        from capture.screen_wayland import GrimGrabber, UnavailableGrabber

        if session.compositor == "sway" and shutil.which("grim"):
            from capture.window_sway import SwayWindowSource

            return Sources(GrimGrabber(), SwayWindowSource(),
                           "wayland: wlr-screencopy (grim), windows from sway IPC")
        from capture.window_a11y import A11yWindowSource

        if shutil.which("gst-launch-1.0"):
            from capture.portal import PortalGrabber

            token = state_dir / TOKEN_FILE if state_dir is not None else None
            return Sources(PortalGrabber(token_file=token), A11yWindowSource(),
                           "wayland: xdg-desktop-portal ScreenCast + PipeWire (GStreamer), "
                           "windows from AT-SPI")
        msg = ("Wayland session without a screen source Commonplace can use "
               f"({session.compositor or 'unknown compositor'}): nothing is recorded. "
               "Install gstreamer1.0-tools and gstreamer1.0-pipewire for the screen-cast "
               "portal (or grim under sway).")
        return Sources(UnavailableGrabber(msg), A11yWindowSource(), "none: " + msg)
    from capture.screen import ScreenGrabber

    return Sources(ScreenGrabber(monitor=monitor), default_window_source(),
                   "x11: mss (XGetImage/XShm), windows from EWMH")
