"""The optional keyring copy: kept per history, read back, removed; nothing offered (and
nothing raised) where no keyring runs. The backend here is an in-memory KeyringBackend, the
`keyring` library's own extension point; the real Secret Service needs a desktop session."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from app import keychain


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username))


@pytest.fixture
def backend():
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


def test_kept_per_history_and_read_back(backend, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert keychain.available() == (True, "")
    assert keychain.save(a, "granite otter lantern violet")
    assert keychain.load(a) == "granite otter lantern violet"
    assert keychain.load(b) is None
    assert keychain.load(tmp_path / "x" / ".." / "a") == "granite otter lantern violet"
    keychain.forget(a)
    assert keychain.load(a) is None
    keychain.forget(a)  # nothing kept: no error


def test_no_keyring_offers_nothing_and_raises_nothing(tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        usable, why = keychain.available()
        assert not usable and "keyring" in why
        assert keychain.save(tmp_path, "granite otter lantern violet") is False
        assert keychain.load(tmp_path) is None
        keychain.forget(tmp_path)
    finally:
        keyring.set_keyring(previous)
