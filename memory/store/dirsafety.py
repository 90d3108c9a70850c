"""A data directory's safety on disk: who may read it (modes) and who may change it (locks).

Modes: everything a store writes is for its owner only (directories 0700, files 0600),
whatever the umask; a wider mode found on a file we own is narrowed when the store opens.

Locks are POSIX `flock`s on two files in the data directory; the kernel drops them when a
process dies, so a crash never leaves a stale lock behind:

- `commonplace.lock` (OPEN_LOCK), exclusive and brief: held while a process creates or
  unlocks the key record, creates or migrates the database, opens the vector index and
  runs the start-up repair. Two first opens of a new directory thus agree on one key.
- `commonplace.users.lock` (USERS_LOCK), shared: every open store holds it for its whole
  life. The start-up repair moves files the database does not know; another process may
  just have written such a file and not yet committed its row. So the repair runs only
  when it can take this lock exclusively without waiting: when no one else has the store
  open. Readers and writers never wait on it.

Without `fcntl` (Windows) the open lock uses `msvcrt.locking`, which has no shared mode:
there the users lock is never exclusive, so the repair is skipped (and logged), never run
under a writer's feet.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover - Windows has no fcntl
    fcntl = None
else:
    import fcntl

OPEN_LOCK = "commonplace.lock"
USERS_LOCK = "commonplace.users.lock"
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
# How long an open waits for another process's open (unlock + migrations + repair).
OPEN_LOCK_TIMEOUT_S = 120.0
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class LockTimeout(Exception):
    """The lock was not free within the timeout (the caller words the message)."""


class FileLock:
    """One flock on one lock file, through a descriptor of its own.

    flock locks belong to the open file description, so two FileLocks on the same path in
    one process exclude each other exactly as two processes would."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
            fd = os.open(self.path, flags, PRIVATE_FILE)
            narrow_fd(fd, PRIVATE_FILE)
            self._fd = fd
        return self._fd

    def _try(self, exclusive: bool) -> bool:
        fd = self._open()
        if fcntl is None:  # pragma: no cover - Windows: exclusive byte-range lock only
            import msvcrt

            if not exclusive:
                return True
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                return False
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def acquire(self, *, exclusive: bool, timeout: float) -> None:
        """Take the lock, waiting up to `timeout` seconds; LockTimeout after that."""
        deadline = time.monotonic() + timeout
        delay = 0.01
        while not self._try(exclusive):
            if time.monotonic() >= deadline:
                raise LockTimeout(str(self.path))
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    def try_exclusive(self) -> bool:
        """Upgrade to exclusive without waiting. On failure the lock is shared again.

        A shared-to-exclusive flock conversion is not atomic (the shared lock is dropped
        first), so on failure it is taken again; callers hold OPEN_LOCK, so no one can be
        waiting for an exclusive lock in between."""
        if fcntl is None:  # pragma: no cover - no shared locks to tell users apart
            return False
        if self._try(True):
            return True
        self.acquire(exclusive=False, timeout=OPEN_LOCK_TIMEOUT_S)
        return False

    def share(self) -> None:
        """Back from exclusive to shared (other processes may open the store again)."""
        if fcntl is not None:
            fcntl.flock(self._open(), fcntl.LOCK_SH)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops the lock; the file stays (harmless)


# -- modes ---------------------------------------------------------------------------------

def _ours(st: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or st.st_uid == os.geteuid()


def narrow_fd(fd: int, mode: int) -> None:
    st = os.fstat(fd)
    if _ours(st) and stat.S_IMODE(st.st_mode) & ~mode:
        os.fchmod(fd, mode)


def narrow(path: Path, mode: int) -> bool:
    """chmod `path` to `mode` if it is wider and ours; links and others' files are left.
    True if the mode was changed."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode) or not _ours(st) or not stat.S_IMODE(st.st_mode) & ~mode:
        return False
    os.chmod(path, mode)
    return True


def narrow_tree(root: Path) -> int:
    """Narrow every directory under `root` (itself included) to 0700 and file to 0600."""
    changed = int(narrow(root, PRIVATE_DIR))
    for dirpath, dirs, files in os.walk(root):
        for d in dirs:
            changed += narrow(Path(dirpath) / d, PRIVATE_DIR)
        for f in files:
            changed += narrow(Path(dirpath) / f, PRIVATE_FILE)
    return changed


def make_private_dir(path: Path) -> None:
    """mkdir -p where every folder we create is 0700, and narrow `path` if it is ours."""
    missing = []
    p = Path(path)
    while not os.path.lexists(p) and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            pass  # another process made it first: fine, narrowed below if it is ours
    if sys.platform != "win32":
        narrow(Path(path), PRIVATE_DIR)


def create_private_file(path: Path) -> bool:
    """Create an empty 0600 file if none is there (never through a link); True if created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    return True
