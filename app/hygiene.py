"""Process hygiene: third-party telemetry off before any library that could send it is
imported; secrets held no longer than needed; `eval`'s throwaway plaintext store removed
even when the run is stopped.

Nothing happens at import; `app.cli.main()` calls `offline_environment()` first.
"""

from __future__ import annotations

import ctypes
import os
import sys
import tempfile
from pathlib import Path

# onnxruntime's Linux/macOS wheels (1.2x/1.3x) start Microsoft's 1DS telemetry when the
# runtime environment is created: a persistent device id and an event queue under
# ~/.cache/Microsoft/DeveloperTools/.onnxruntime, and uploads to
# mobile.events.data.microsoft.com. `disable_telemetry_events()` comes too late (the
# uploader is already running) and only silences some events. The runtime reads these
# variables once, at that creation, and then never starts the uploader for the process:
# ORT_DISABLE_TELEMETRY in the 1.30 wheels, ORT_TELEMETRY_DISABLED in later sources.
# rapidocr and chromadb's default embedding function load the same library, so this covers
# them; ANONYMIZED_TELEMETRY is Chroma's own switch (the store also passes it explicitly).
OFFLINE_ENV = {"ORT_DISABLE_TELEMETRY": "1", "ORT_TELEMETRY_DISABLED": "1",
               "ANONYMIZED_TELEMETRY": "False"}


def offline_environment(environ=None) -> None:
    """Switch off third-party telemetry for this process and its children. Must run before
    onnxruntime, rapidocr or chromadb is imported (they read it once, at start)."""
    env = os.environ if environ is None else environ
    env.update(OFFLINE_ENV)


def take_env_secret(name: str) -> str | None:
    """Read an environment variable once and remove it: from os.environ, from the C
    environment (so child processes do not inherit it) and, where the platform allows,
    overwrite its bytes in place (else /proc/PID/environ still shows the original)."""
    raw = os.environb.get(name.encode()) if os.name != "nt" else None
    value = os.environ.get(name)
    if value is None:
        return None
    if raw is not None:
        _wipe_c_env(name, len(raw))
    os.environ.pop(name, None)   # also unsetenv()
    if raw is not None:
        wipe(raw)
    return value or None


def _wipe_c_env(name: str, length: int) -> None:
    try:
        libc = ctypes.CDLL(None)
        libc.getenv.restype = ctypes.c_void_p
        libc.getenv.argtypes = [ctypes.c_char_p]
        ptr = libc.getenv(name.encode())
    except (OSError, AttributeError):
        return
    if ptr:
        ctypes.memset(ptr, 0, length)


def private_copy(secret: str | None) -> str | None:
    """A new string equal to `secret`, which its receiver may `wipe()` without touching the
    caller's object (a caller's constant, say). Built through a wiped buffer: no other copy."""
    if secret is None:
        return None
    buf = bytearray(secret, "utf-8")
    try:
        return str(buf, "utf-8")
    finally:
        wipe(buf)


_BYTES_HEADER = sys.getsizeof(b"") - 1     # where a bytes object's data starts
_ASCII_HEADER = sys.getsizeof("") - 1      # ... and a compact ASCII str's


def wipe(secret) -> None:
    """Overwrite a secret's characters in place, so freeing it leaves no copy in memory.

    For a bytearray this is ordinary mutation. For a bytes or an ASCII str it writes into an
    object Python treats as immutable: only call it on a secret this program created itself
    (read from a file or the environment) and no longer needs. Strings of one character are
    shared singletons and are left alone; non-ASCII strings are overwritten in their
    canonical form only (CPython may keep a UTF-8 copy beside it)."""
    if secret is None:
        return
    if isinstance(secret, bytearray):
        secret[:] = bytes(len(secret))
        return
    n = len(secret)
    if n < 2 or sys.implementation.name != "cpython":
        return
    if type(secret) is bytes:
        ctypes.memset(id(secret) + _BYTES_HEADER, 0, n)
    elif type(secret) is str:
        if secret.isascii():
            ctypes.memset(id(secret) + _ASCII_HEADER, 0, n)
        else:
            top = ord(max(secret))
            kind = 1 if top < 0x100 else 2 if top < 0x10000 else 4
            header = sys.getsizeof(secret) - (n + 1) * kind
            compact = sys.getsizeof("\xe9\xe9") - 3
            if header >= compact:   # larger when a UTF-8 copy is cached (left as it is)
                ctypes.memset(id(secret) + compact, 0, n * kind)


# -- `eval`'s throwaway store ---------------------------------------------------------------

EVAL_PREFIX = "commonplace-eval-"


def exit_on_sigterm():
    """SIGTERM raises SystemExit(143) so `finally` blocks run (the default ends the process
    on the spot). Not KeyboardInterrupt: raised inside a native library's embedded Python
    (pybind11 eval), that one makes the interpreter kill itself with SIGINT at exit."""
    import signal

    def interrupt(signum, frame):
        raise SystemExit(128 + signum)

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:   # not the main thread (an embedding caller): leave it
        return None


def restore_sigterm(old) -> None:
    import signal

    if old is not None:
        signal.signal(signal.SIGTERM, old)


def remove_stale_eval_dirs(base: Path | None = None) -> list[Path]:
    """Remove `eval` folders left by runs that were killed outright (SIGKILL, power loss):
    ours (same owner), named after a process that no longer runs."""
    import shutil

    removed: list[Path] = []
    if os.name == "nt":   # os.kill(pid, 0) would end the process there; no check to make
        return removed
    for d in Path(base or tempfile.gettempdir()).glob(f"{EVAL_PREFIX}*"):
        pid = d.name[len(EVAL_PREFIX):].split("-", 1)[0]
        try:
            if not pid.isdigit() or d.is_symlink() or d.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
        except OSError:
            continue   # alive (another user's: PermissionError) or unreadable
    return removed
