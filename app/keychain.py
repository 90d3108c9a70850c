"""An optional copy of the passphrase in the system keyring (Secret Service / KWallet on
Linux, Keychain on macOS, Credential Locker on Windows), through the `keyring` library.

Only when the user asks for it (first run, or settings). A copy there is exactly as safe as
the user's login keyring: whoever unlocks that session can open the history without typing.
The keyring is a local service (D-Bus on Linux): nothing here touches the network. Where
no keyring runs (a headless machine, a bare window manager), `available()` says why and the
app offers nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

SERVICE = "commonplace"


def _account(data_dir: Path) -> str:
    """One entry per history: the data directory's resolved path."""
    return str(Path(data_dir).expanduser().resolve())


def _backend():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    # chainer/fail backends answer every call with an error, or priority < 1: none is usable
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) < 1:
        return None
    return backend


def available() -> tuple[bool, str]:
    """(usable, why not) — asked before offering the keyring to the user."""
    try:
        backend = _backend()
    except Exception as e:  # a broken keyring install must not stop the app: offer nothing
        return False, f"the system keyring cannot be used here ({type(e).__name__})"
    if backend is None:
        return False, "no system keyring is running (Secret Service, KWallet or Keychain)"
    return True, ""


def load(data_dir: Path) -> str | None:
    """The kept passphrase of this history, or None (none kept, or no keyring)."""
    try:
        backend = _backend()
        return backend.get_password(SERVICE, _account(data_dir)) if backend else None
    except Exception as e:  # a locked or absent keyring: the user types the passphrase
        log.info("keyring not read (%s)", type(e).__name__)
        return None


def save(data_dir: Path, passphrase: str) -> bool:
    try:
        backend = _backend()
        if backend is None:
            return False
        backend.set_password(SERVICE, _account(data_dir), passphrase)
        log.info("passphrase kept in the system keyring")
        return True
    except Exception as e:  # the user is told the copy was not kept; the store is fine
        log.warning("keyring not written (%s)", type(e).__name__)
        return False


def forget(data_dir: Path) -> None:
    try:
        backend = _backend()
        if backend is not None:
            backend.delete_password(SERVICE, _account(data_dir))
    except Exception as e:  # nothing kept, or the keyring is locked: nothing to undo
        log.info("keyring entry not removed (%s)", type(e).__name__)
