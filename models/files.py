"""The one atomic file write: a crash leaves the old content or the new, never half.

It lives at the bottom of the import graph (next to the root error in models/errors.py)
so every package can use it: the store's key record, the embedder's converted files, the
settings file, the autostart entry. A file whose content is not held in memory (the bundled
model assembled from its chunks, a model linked or copied from the shared cache) is placed
by `atomic_place`, the same steps around a callback that makes the file."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename or link in `path` durable; a no-op where directories cannot be opened
    (Windows), where the file itself was already fsynced."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the rename still happened
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | str, *, mode: int | None = None,
                 sync_dir: bool = True) -> None:
    """Write `data` (str as UTF-8) to `path`: a temp file in the same directory, fsynced,
    renamed over `path`, then the directory fsynced (unless `sync_dir` is False: a
    caller writing many files, such as frame images, syncs them in bulk or not at all).

    The temp file is created exclusively under a random name (never through a planted
    link) and is its owner's only (0600) unless `mode` says otherwise. OSError propagates,
    with no temp file left behind."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.chmod(f.fileno(), mode)
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def atomic_place(path: Path, make: Callable[[Path], None], *, sync_dir: bool = True) -> None:
    """Put the file `make(tmp)` writes (or links) at `path`: `tmp` is a fresh name in the
    same directory; the file made there is fsynced, renamed over `path`, then the directory
    fsynced (unless `sync_dir` is False). What `make` or the steps raise propagates, with
    no temp file left behind; `path` keeps its old content."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        make(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # A link to the very file `path` already is: POSIX rename does nothing and keeps both.
    tmp.unlink(missing_ok=True)
    if sync_dir:
        fsync_dir(path.parent)
