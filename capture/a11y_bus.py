"""The accessibility bus (AT-SPI2) over D-Bus, through jeepney.

Why jeepney: it is pure Python (no libdbus, no GObject introspection to match the
interpreter the virtual environment was built with, which python3-gi from Debian does not),
it is already in the dependency tree (keyring → SecretStorage), and its blocking connection
fits the capture poll thread, which owns the connection. dbus-fast is asyncio-first; pyatspi
needs the system's python3-gi and so cannot be installed into our own environment.

`A11yBus.open()` finds the bus the way toolkits do: $AT_SPI_BUS_ADDRESS, else
org.a11y.Bus.GetAddress on the session bus (at-spi-bus-launcher, D-Bus-activated).
`enable_accessibility()` sets org.a11y.Status.IsEnabled, the switch screen readers flip
(GNOME stores it as org.gnome.desktop.interface toolkit-accessibility): Qt apps started
after it expose their tree without QT_ACCESSIBILITY=1; GTK apps always do.

`call_many` sends a round of calls without waiting and collects the replies by serial,
so walking a tree costs one round trip per level, not one per call.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

from capture.errors import CaptureError

log = logging.getLogger(__name__)

A11Y_BUS = ("org.a11y.Bus", "/org/a11y/bus")
REGISTRY = ("org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root")
ROUND_CHUNK = 256          # calls in flight at once (the daemon's queue stays small)


class A11yUnavailable(CaptureError):
    """The accessibility bus cannot be reached."""


class OutOfTime(Exception):
    """The time budget ran out before every reply came."""


@dataclass(frozen=True)
class Call:
    bus_name: str
    path: str
    interface: str
    method: str
    signature: str | None = None
    body: tuple = ()


def _session_call(call: Call, timeout: float = 2.0):
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    try:
        conn = open_dbus_connection("SESSION")
    except (KeyError, OSError, RuntimeError, TimeoutError) as e:  # no session bus at all
        raise A11yUnavailable(f"no D-Bus session bus: {e}") from e
    try:
        msg = new_method_call(DBusAddress(call.path, bus_name=call.bus_name,
                                          interface=call.interface),
                              call.method, call.signature, call.body)
        reply = conn.send_and_get_reply(msg, timeout=timeout)
    except (OSError, TimeoutError) as e:
        raise A11yUnavailable(f"the session bus did not answer: {e}") from e
    finally:
        conn.close()
    from jeepney.low_level import MessageType

    if reply.header.message_type is MessageType.error:
        raise A11yUnavailable(f"{call.bus_name}.{call.method}: {reply.body}")
    return reply.body


def bus_address() -> str:
    """The accessibility bus's address, as toolkits find it."""
    env = os.environ.get("AT_SPI_BUS_ADDRESS")
    if env:
        return env
    body = _session_call(Call(*A11Y_BUS, "org.a11y.Bus", "GetAddress"))
    return body[0]


def enable_accessibility(enabled: bool = True) -> None:
    """Ask applications to expose their accessibility tree (org.a11y.Status.IsEnabled)."""
    _session_call(Call(*A11Y_BUS, "org.freedesktop.DBus.Properties", "Set", "ssv",
                       ("org.a11y.Status", "IsEnabled", ("b", enabled))))


def accessibility_enabled() -> bool:
    body = _session_call(Call(*A11Y_BUS, "org.freedesktop.DBus.Properties", "Get", "ss",
                              ("org.a11y.Status", "IsEnabled")))
    return bool(body[0][1])


class A11yBus:
    """One connection to the accessibility bus, owned by one thread."""

    def __init__(self, conn) -> None:
        self._conn = conn

    @classmethod
    def open(cls, address: str | None = None) -> A11yBus:
        from jeepney.io.blocking import open_dbus_connection

        addr = address or bus_address()
        try:
            return cls(open_dbus_connection(addr))
        except (OSError, RuntimeError, TimeoutError, ValueError, StopIteration) as e:
            raise A11yUnavailable(f"cannot connect to the accessibility bus: {e}") from e

    def close(self) -> None:
        try:
            self._conn.close()
        except OSError:  # already closed with the bus
            pass

    def call_many(self, calls: list[Call], deadline: float) -> list:
        """The reply bodies of `calls` in order (None for an error reply, e.g. a node that
        went away). Raises OutOfTime past `deadline` (time.monotonic()); replies that come
        later are skipped by the next round, which matches on its own serials."""
        from jeepney import DBusAddress, new_method_call
        from jeepney.low_level import HeaderFields, MessageType

        out: list = [None] * len(calls)
        for start in range(0, len(calls), ROUND_CHUNK):
            pending: dict[int, int] = {}
            for i in range(start, min(len(calls), start + ROUND_CHUNK)):
                c = calls[i]
                msg = new_method_call(DBusAddress(c.path, bus_name=c.bus_name,
                                                  interface=c.interface),
                                      c.method, c.signature, c.body)
                serial = next(self._conn.outgoing_serial)
                try:
                    self._conn.send(msg, serial=serial)
                except OSError as e:
                    raise A11yUnavailable(f"the accessibility bus went away: {e}") from e
                pending[serial] = i
            while pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise OutOfTime()
                try:
                    msg = self._conn.receive(timeout=left)
                except TimeoutError:
                    raise OutOfTime() from None
                except OSError as e:
                    raise A11yUnavailable(f"the accessibility bus went away: {e}") from e
                slot = pending.pop(msg.header.fields.get(HeaderFields.reply_serial, -1), None)
                if slot is not None and msg.header.message_type is MessageType.method_return:
                    out[slot] = msg.body
        return out

    def call(self, call: Call, timeout: float = 1.0):
        return self.call_many([call], time.monotonic() + timeout)[0]

    def pid_of(self, bus_name: str, timeout: float = 1.0) -> int | None:
        body = self.call(Call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s",
                              (bus_name,)), timeout)
        return int(body[0]) if body else None


def bus_answers(timeout: float = 2.0) -> tuple[bool, str]:
    """Whether the accessibility bus answers, and one line saying so (for `doctor`)."""
    try:
        bus = A11yBus.open()
    except A11yUnavailable as e:
        return False, str(e)
    try:
        apps = bus.call(Call(*REGISTRY, "org.a11y.atspi.Accessible", "GetChildren"), timeout)
    except (A11yUnavailable, OutOfTime) as e:
        return False, f"the accessibility registry did not answer: {e or 'timed out'}"
    finally:
        bus.close()
    if apps is None:
        return False, "the accessibility registry refused GetChildren"
    try:
        enabled = "on" if accessibility_enabled() else "off (apps may not expose text)"
    except A11yUnavailable:
        enabled = "unknown"
    return True, f"answers: {len(apps[0])} application(s) registered; IsEnabled {enabled}"
