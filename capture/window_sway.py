"""The focused window and the windows that show, from sway's IPC (i3-compatible).

One GET_TREE request on $SWAYSOCK: views carry `app_id` (Wayland) or
`window_properties.class` (Xwayland), `name` (the title), `pid`, `focused`, `visible` and
`rect` in layout coordinates (those grim's full-layout grab uses). Sway tiles, so views
do not cover each other except floating ones: a view's shown part is its rect.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import struct
from typing import Any

from capture.window import WindowInfo, with_url

log = logging.getLogger(__name__)

MAGIC = b"i3-ipc"
GET_TREE = 4


class SwayWindowSource:
    def __init__(self, socket_path: str | None = None, *, timeout_s: float = 2.0) -> None:
        path = socket_path or os.environ.get("SWAYSOCK")
        if not path:
            raise RuntimeError("SWAYSOCK is not set: not a sway session")
        self._path = path
        self._timeout = timeout_s
        self._sock: socket.socket | None = None

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _request(self, kind: int) -> Any:
        """The JSON reply to one IPC message of `kind`."""
        if self._sock is None:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(self._timeout)
            s.connect(self._path)
            self._sock = s
        sock = self._sock
        sock.sendall(MAGIC + struct.pack("<II", 0, kind))
        head = self._recv(sock, len(MAGIC) + 8)
        length, _ = struct.unpack("<II", head[len(MAGIC):])
        return json.loads(self._recv(sock, length))

    def _recv(self, sock: socket.socket, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("sway closed the IPC socket")
            buf += chunk
        return buf

    def _views(self) -> list[dict] | None:
        try:
            tree = self._request(GET_TREE)
        except (OSError, ValueError, ConnectionError) as e:
            log.debug("sway IPC failed (%s); will reconnect", e)
            self.close()
            return None
        out: list[dict] = []
        stack: list[dict] = [tree]
        while stack:
            n = stack.pop()
            kids = n.get("nodes", []) + n.get("floating_nodes", [])
            if not kids and n.get("type") in ("con", "floating_con") and \
                    (n.get("app_id") is not None or n.get("window_properties")):
                out.append(n)
            stack.extend(kids)
        return out

    @staticmethod
    def _info(n: dict) -> WindowInfo:
        app = n.get("app_id") or (n.get("window_properties") or {}).get("class") or ""
        r = n.get("rect") or {}
        rect = (int(r.get("x", 0)), int(r.get("y", 0)), int(r.get("width", 0)),
                int(r.get("height", 0)))
        return with_url(WindowInfo(app=str(app).lower(), title=n.get("name") or "",
                                   pid=n.get("pid"), rect=rect, shown=(rect,)))

    def active(self) -> WindowInfo | None:
        views = self._views()
        focused = [v for v in views or () if v.get("focused")]
        return self._info(focused[0]) if focused else None

    def visible(self) -> list[WindowInfo] | None:
        views = self._views()
        if views is None:
            return None
        return [self._info(v) for v in views if v.get("visible")]
