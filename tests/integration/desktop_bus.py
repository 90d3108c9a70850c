"""A private D-Bus session with the accessibility bus on it, for integration tests.

`session_bus()` starts `dbus-daemon --session` and `at-spi-bus-launcher` (which starts the
accessibility bus and, on demand, at-spi2-registryd) the way a desktop session does, sets
DBUS_SESSION_BUS_ADDRESS meanwhile, and stops both by PID at the end.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.integration.conftest import stop_process

LAUNCHERS = ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher",
             "/usr/lib/at-spi2/at-spi-bus-launcher")


def launcher_path() -> str | None:
    return next((p for p in LAUNCHERS if Path(p).exists()), None)


def missing() -> str | None:
    """Why an accessibility session cannot be started here, or None."""
    if not shutil.which("dbus-daemon"):
        return "dbus-daemon is not installed (apt-get install dbus-daemon)"
    if launcher_path() is None:
        return "at-spi-bus-launcher is not installed (apt-get install at-spi2-core)"
    return None


def _name_has_owner(name: str) -> bool:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection("SESSION")
    try:
        msg = new_method_call(DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                                          interface="org.freedesktop.DBus"),
                              "NameHasOwner", "s", (name,))
        return bool(conn.send_and_get_reply(msg, timeout=2).body[0])
    finally:
        conn.close()


@contextmanager
def session_bus(timeout: float = 15.0):
    """Yield the private session bus's address, with org.a11y.Bus owned on it."""
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    old = {k: os.environ.get(k) for k in ("DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS")}
    launcher = None
    try:
        address = bus.stdout.readline().strip()
        if not address:
            raise RuntimeError(f"dbus-daemon did not start (exit {bus.poll()})")
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
        os.environ.pop("AT_SPI_BUS_ADDRESS", None)
        launcher = subprocess.Popen([launcher_path(), "--launch-immediately"],
                                    env=dict(os.environ), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        end = time.monotonic() + timeout
        while not _name_has_owner("org.a11y.Bus"):
            if launcher.poll() is not None:
                raise RuntimeError(f"at-spi-bus-launcher exited with {launcher.returncode}")
            if time.monotonic() > end:
                raise RuntimeError("at-spi-bus-launcher did not take org.a11y.Bus")
            time.sleep(0.05)
        yield address
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if launcher is not None:
            stop_process(launcher)   # it stops the accessibility bus it started
        stop_process(bus)


# sway refuses to start as root: as root, the compositor runs as this user (created once)
USER = "cp-wayland-test"


def compositor_user() -> tuple[int, int] | None:
    """(uid, gid) to run sway as: a user created for the tests when running as root."""
    if os.geteuid() != 0:
        return None
    try:
        pw = pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
                       check=True, capture_output=True, timeout=30)
        pw = pwd.getpwnam(USER)
    return pw.pw_uid, pw.pw_gid
