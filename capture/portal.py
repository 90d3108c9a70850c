"""The screen through xdg-desktop-portal's ScreenCast interface and PipeWire.

The portal is how any Wayland desktop (GNOME, KDE, wlroots via xdg-desktop-portal-wlr)
lets an application read the screen: the user consents once in the desktop's own dialog;
with persist mode 2 the portal hands back a restore token, kept in `token_file` (0600),
so later starts do not ask again. The D-Bus client is jeepney (see capture.a11y_bus for
why): CreateSession → SelectSources(monitor, persist) → Start → OpenPipeWireRemote, each
request answered by a Request.Response signal.

Frames come from the PipeWire stream through GStreamer's pipewiresrc (gst-launch-1.0,
one buffer per grab, PPM on a pipe): the stream is opened on the portal's PipeWire fd and
node. `close()` ends the portal session (pause, lock, quit).
"""

from __future__ import annotations

import io
import itertools
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from capture.errors import CaptureError
from capture.screen import ScreenUnavailable

log = logging.getLogger(__name__)

DESKTOP = ("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop")
SCREENCAST = "org.freedesktop.portal.ScreenCast"
MONITOR, PERSIST_UNTIL_REVOKED, CURSOR_HIDDEN = 1, 2, 1
_tokens = itertools.count(1)


class PortalError(CaptureError):
    """The screen-cast portal is missing, failed, or the user declined."""


@dataclass(frozen=True)
class Stream:
    node_id: int
    fd: int
    restore_token: str | None


class ScreenCastPortal:
    """One portal session on the session bus; owned by one thread."""

    def __init__(self, *, token_file: Path | None = None, timeout_s: float = 60.0) -> None:
        from jeepney.io.blocking import open_dbus_connection

        try:
            self._conn = open_dbus_connection("SESSION", enable_fds=True)
        except (KeyError, OSError, RuntimeError, TimeoutError) as e:
            raise PortalError(f"no D-Bus session bus: {e}") from e
        self._token_file = token_file
        self._timeout = timeout_s
        self.session: str | None = None
        self.steps: list[str] = []     # the requests the portal answered (for doctor/tests)

    # -- D-Bus plumbing -----------------------------------------------------------------
    def _addr(self, interface: str = SCREENCAST, path: str = DESKTOP[1]):
        from jeepney import DBusAddress

        return DBusAddress(path, bus_name=DESKTOP[0], interface=interface)

    def _call(self, method: str, signature: str | None, body: tuple, *,
              interface: str = SCREENCAST, path: str = DESKTOP[1]):
        from jeepney import new_method_call
        from jeepney.low_level import MessageType

        msg = new_method_call(self._addr(interface, path), method, signature, body)
        try:
            reply = self._conn.send_and_get_reply(msg, timeout=self._timeout)
        except (OSError, TimeoutError) as e:
            raise PortalError(f"the portal did not answer {method}: {e}") from e
        if reply.header.message_type is MessageType.error:
            raise PortalError(f"the portal refused {method}: {reply.body[0] if reply.body else ''}")
        return reply.body

    def _request(self, method: str, signature: str, build) -> dict:
        """Call a portal method that answers through a Request object's Response signal."""
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus

        token = f"commonplace{os.getpid()}_{next(_tokens)}"
        sender = self._conn.unique_name[1:].replace(".", "_")
        path = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
        rule = MatchRule(type="signal", interface="org.freedesktop.portal.Request",
                         member="Response", path=path)
        self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=self._timeout)
        with self._conn.filter(rule) as responses:
            self._call(method, signature, build(token))
            try:
                signal = self._conn.recv_until_filtered(responses, timeout=self._timeout)
            except TimeoutError as e:
                raise PortalError(f"no answer to {method} within {self._timeout:.0f} s "
                                  "(a consent dialog left open?)") from e
        code, results = signal.body
        if code == 1:
            raise PortalError(f"screen sharing was declined ({method})")
        if code != 0:
            raise PortalError(f"the portal ended {method} without a screen (code {code})")
        self.steps.append(method)
        return {k: v[1] for k, v in results.items()}

    # -- the flow -------------------------------------------------------------------------
    def version(self) -> int:
        body = self._call("Get", "ss", (SCREENCAST, "version"),
                          interface="org.freedesktop.DBus.Properties")
        return int(body[0][1])

    def restore_token(self) -> str | None:
        f = self._token_file
        if f is not None and f.exists():
            return f.read_text().strip() or None
        return None

    def _keep_token(self, token: str | None) -> None:
        if token and self._token_file is not None:
            self._token_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(token)

    def create_session(self) -> str:
        r = self._request("CreateSession", "a{sv}", lambda t: (
            {"handle_token": ("s", t), "session_handle_token": ("s", t + "s")},))
        self.session = str(r["session_handle"])
        return self.session

    def select_sources(self) -> None:
        def build(t):
            opts = {"handle_token": ("s", t), "types": ("u", MONITOR),
                    "multiple": ("b", False), "cursor_mode": ("u", CURSOR_HIDDEN),
                    "persist_mode": ("u", PERSIST_UNTIL_REVOKED)}
            token = self.restore_token()
            if token:
                opts["restore_token"] = ("s", token)
            return (self.session, opts)
        self._request("SelectSources", "oa{sv}", build)

    def start(self) -> Stream:
        if self.session is None:
            self.create_session()
            self.select_sources()
        r = self._request("Start", "osa{sv}", lambda t: (self.session, "",
                                                         {"handle_token": ("s", t)}))
        streams = r.get("streams") or []
        if not streams:
            raise PortalError("the portal started no stream")
        token = r.get("restore_token")
        self._keep_token(token)
        body = self._call("OpenPipeWireRemote", "oa{sv}", (self.session, {}))
        fd = body[0].to_raw_fd() if hasattr(body[0], "to_raw_fd") else int(body[0])
        return Stream(int(streams[0][0]), fd, token)

    def close(self) -> None:
        if self.session is not None:
            try:
                self._call("Close", None, (), interface="org.freedesktop.portal.Session",
                           path=self.session)
            except PortalError as e:  # the session already ended with the portal
                log.debug("portal session close: %s", e)
            self.session = None
        self._conn.close()


class PortalGrabber:
    """Frames from the portal's PipeWire stream; the portal is asked on the first grab."""

    def __init__(self, *, token_file: Path | None = None, timeout_s: float = 60.0) -> None:
        self._token_file = token_file
        self._timeout = timeout_s
        self._portal: ScreenCastPortal | None = None
        self._stream: Stream | None = None
        self.notice = ""

    def grab(self) -> Image.Image:
        if self._stream is None:
            try:
                self._portal = ScreenCastPortal(token_file=self._token_file,
                                                timeout_s=self._timeout)
                self._stream = self._portal.start()
            except PortalError as e:
                self.close()
                raise ScreenUnavailable(f"Screen-cast portal: {e}. Nothing is recorded.") \
                    from e
        s = self._stream
        cmd = ["gst-launch-1.0", "-q", "pipewiresrc", f"fd={s.fd}", f"path={s.node_id}",
               "num-buffers=1", "!", "videoconvert", "!", "video/x-raw,format=RGB", "!",
               "pnmenc", "!", "fdsink", "fd=1"]
        try:
            out = subprocess.run(cmd, capture_output=True, timeout=15, pass_fds=(s.fd,),
                                 check=False)
            im: Image.Image = Image.open(io.BytesIO(out.stdout))
            im.load()
        except (OSError, subprocess.TimeoutExpired, UnidentifiedImageError) as e:
            raise ScreenUnavailable(f"No frame from the screen-cast stream: {e}") from e
        im = im.convert("RGB")
        im.info["origin"] = (0, 0)
        return im

    def close(self) -> None:
        if self._stream is not None:
            try:
                os.close(self._stream.fd)
            except OSError:  # already closed
                pass
            self._stream = None
        if self._portal is not None:
            self._portal.close()
            self._portal = None
