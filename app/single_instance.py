"""One running app per user: a second launch asks the first to show its window, then exits.

Plain Python (no Qt), so `app/gui.py` can call it before building a QApplication:

    guard = SingleInstance(runtime_dir)
    if not guard.acquire():
        guard.notify("focus")          # the first instance raises its window
        return 0
    guard.serve(on_message)            # on_message(str) runs on a background thread:
    ...                                # hop to the GUI thread with a queued signal
    guard.release()

How: an exclusive lock on a lock file (fcntl.flock on POSIX, msvcrt.locking on Windows)
decides who is first; the kernel drops the lock when the process dies, so a crash never
leaves a stale "already running". The first instance then listens on a Unix socket
(POSIX) or a named pipe (Windows) next to the lock for one-line messages.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

NAME = "commonplace"
_MAX_MESSAGE = 4096


def for_data_dir(data_dir: Path, runtime_dir: Path | None = None) -> SingleInstance:
    """The guard of one data directory: one app (and one embedded vector index writer) per
    history; two histories may run side by side."""
    import hashlib

    tag = hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:12]
    return SingleInstance(runtime_dir, name=f"{NAME}-{tag}")


def default_runtime_dir() -> Path:
    """$XDG_RUNTIME_DIR (per-user, tmpfs) where there is one, else the user cache dir."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / NAME
    import platformdirs

    return Path(platformdirs.user_cache_dir(NAME))


class SingleInstance:
    def __init__(self, runtime_dir: Path | None = None, *, name: str = NAME) -> None:
        self.dir = Path(runtime_dir) if runtime_dir else default_runtime_dir()
        self.lock_path = self.dir / f"{name}.lock"
        self.sock_path = self.dir / f"{name}.sock"
        if len(os.fsencode(self.sock_path)) > 100:   # AF_UNIX paths stop at ~108 bytes
            import tempfile

            self.sock_path = Path(tempfile.gettempdir()) / f"{name}-{_user_tag()}.sock"
        self._pipe_name = rf"\\.\pipe\{name}-{_user_tag()}"
        self._lock_fh: BinaryIO | None = None
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- who is first --------------------------------------------------------------------

    def acquire(self) -> bool:
        """True if this process is the first instance (and now holds the lock)."""
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fh = open(self.lock_path, "a+b")
        try:
            if sys.platform == "win32":
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()).encode())
        fh.flush()
        self._lock_fh = fh
        return True

    # -- the first instance listens --------------------------------------------------------

    def serve(self, on_message: Callable[[str], None]) -> None:
        """Listen for messages from later launches; `on_message` runs on a daemon thread."""
        if self._lock_fh is None:
            raise RuntimeError("serve() needs acquire() to have returned True")
        if sys.platform == "win32":
            target = self._serve_pipe
        else:
            # We hold the lock, so a socket file left here is from a crashed instance.
            self.sock_path.unlink(missing_ok=True)
            srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            srv.bind(str(self.sock_path))
            os.chmod(self.sock_path, 0o600)
            srv.listen(4)
            srv.settimeout(0.2)
            self._server = srv
            target = self._serve_unix
        self._thread = threading.Thread(target=target, args=(on_message,),
                                        name="single-instance", daemon=True)
        self._thread.start()

    def _serve_unix(self, on_message: Callable[[str], None]) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by release()
            with conn:
                conn.settimeout(2.0)
                try:
                    data = _read_line(conn.recv)
                    conn.sendall(b"ok\n")
                except OSError:
                    continue
            self._dispatch(on_message, data)

    def _serve_pipe(self, on_message: Callable[[str], None]) -> None:  # pragma: no cover
        from multiprocessing.connection import Listener

        with Listener(self._pipe_name, family="AF_PIPE") as listener:
            while not self._stop.is_set():
                try:
                    with listener.accept() as conn:
                        data = conn.recv_bytes(_MAX_MESSAGE)
                        conn.send_bytes(b"ok")
                except OSError:
                    continue
                self._dispatch(on_message, data)

    @staticmethod
    def _dispatch(on_message: Callable[[str], None], data: bytes) -> None:
        msg = data.decode("utf-8", "replace").strip()
        if not msg:
            return
        try:
            on_message(msg)
        except Exception:  # a worker boundary: a bad handler must not kill the listener
            log.exception("single-instance message handler failed (%d chars)", len(msg))

    # -- a later launch talks --------------------------------------------------------------

    def notify(self, message: str = "focus", *, timeout: float = 3.0) -> bool:
        """Send one message to the running instance; True if it acknowledged."""
        payload = message.replace("\n", " ").encode("utf-8")[: _MAX_MESSAGE - 1] + b"\n"
        try:
            if sys.platform == "win32":  # pragma: no cover
                from multiprocessing.connection import Client

                with Client(self._pipe_name, family="AF_PIPE") as conn:
                    conn.send_bytes(payload)
                    return conn.recv_bytes(16) == b"ok"
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout)
                s.connect(str(self.sock_path))
                s.sendall(payload)
                return _read_line(s.recv) == b"ok"
        except OSError as e:
            log.info("could not reach the running instance: %s", e)
            return False

    def release(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.close()
            self._server = None
            self.sock_path.unlink(missing_ok=True)
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        if self._lock_fh is not None:
            self._lock_fh.close()  # closing drops the lock; the file stays (harmless)
            self._lock_fh = None

    def __enter__(self) -> SingleInstance:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _read_line(recv: Callable[[int], bytes]) -> bytes:
    buf = b""
    while b"\n" not in buf and len(buf) < _MAX_MESSAGE:
        chunk = recv(1024)
        if not chunk:
            break
        buf += chunk
    return buf.split(b"\n", 1)[0]


def _user_tag() -> str:
    """Keeps named pipes per user on Windows (pipe names are machine-wide)."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return str(os.getpid())
