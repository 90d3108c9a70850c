"""Keys for encryption at rest.

A random 256-bit data key encrypts everything (the SQLCipher database and every frame
file). The data key is stored only wrapped (AES-GCM) under a key-encryption key that
scrypt derives from the user's passphrase, so changing the passphrase re-wraps 32 bytes
instead of re-encrypting the store. Separate subkeys for the database, the frames and
vault values come from HKDF, so one leaked subkey does not open the others.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from memory.errors import LockedError, StoreError

FRAME_MAGIC = b"CPF1"
_NONCE = 12
# scrypt cost: ~0.1 s and 32 MiB on a laptop; stored with the wrapped key so it can grow.
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"))


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * 1024 * 1024, dklen=32)


@dataclass(frozen=True)
class WrappedKey:
    """The data key as stored on disk: wrapped under the passphrase's key."""

    salt: bytes
    nonce: bytes
    ciphertext: bytes
    n: int
    r: int
    p: int

    def to_json(self) -> dict:
        return {"kdf": "scrypt", "salt": _b64(self.salt), "n": self.n, "r": self.r,
                "p": self.p, "nonce": _b64(self.nonce), "wrapped": _b64(self.ciphertext)}

    @classmethod
    def from_json(cls, d: dict) -> WrappedKey:
        try:
            return cls(salt=_unb64(d["salt"]), nonce=_unb64(d["nonce"]),
                       ciphertext=_unb64(d["wrapped"]), n=int(d["n"]), r=int(d["r"]),
                       p=int(d["p"]))
        except (KeyError, ValueError, TypeError) as e:
            raise StoreError(f"The key record of this data directory is damaged ({e}).") from e


def wrap(data_key: bytes, passphrase: str) -> WrappedKey:
    salt = os.urandom(16)
    nonce = os.urandom(_NONCE)
    kek = _kek(passphrase, salt, **_SCRYPT)
    ct = AESGCM(kek).encrypt(nonce, data_key, b"commonplace-data-key")
    return WrappedKey(salt=salt, nonce=nonce, ciphertext=ct, **_SCRYPT)


def unwrap(wrapped: WrappedKey, passphrase: str) -> bytes:
    kek = _kek(passphrase, wrapped.salt, wrapped.n, wrapped.r, wrapped.p)
    try:
        return AESGCM(kek).decrypt(wrapped.nonce, wrapped.ciphertext, b"commonplace-data-key")
    except InvalidTag:
        raise LockedError("Wrong passphrase for this data directory.") from None


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


class Keys:
    """The unwrapped subkeys of an open (unlocked) store. Drop it to lock."""

    def __init__(self, data_key: bytes) -> None:
        self._db = self._derive(data_key, b"sqlcipher")
        self._frames = AESGCM(self._derive(data_key, b"frames"))
        self._vault = AESGCM(self._derive(data_key, b"vault"))

    @staticmethod
    def _derive(key: bytes, info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)

    def sqlcipher_pragma(self) -> str:
        # A raw key: SQLCipher then skips its own (slow) PBKDF2, we already did scrypt.
        return f"PRAGMA key = \"x'{self._db.hex()}'\""

    def seal_frame(self, plain: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return FRAME_MAGIC + nonce + self._frames.encrypt(nonce, plain, aad)

    def open_frame(self, blob: bytes, aad: bytes) -> bytes:
        if blob[:4] != FRAME_MAGIC:
            raise StoreError("Frame file is not an encrypted Commonplace frame.")
        try:
            return self._frames.decrypt(blob[4:4 + _NONCE], blob[4 + _NONCE:], aad)
        except InvalidTag:
            raise StoreError("Frame file failed its integrity check (damaged or swapped).") from None

    def seal_value(self, plain: str) -> str:
        nonce = os.urandom(_NONCE)
        return _b64(nonce + self._vault.encrypt(nonce, plain.encode("utf-8"), b"vault"))

    def open_value(self, sealed: str) -> str:
        raw = _unb64(sealed)
        try:
            return self._vault.decrypt(raw[:_NONCE], raw[_NONCE:], b"vault").decode("utf-8")
        except InvalidTag:
            raise StoreError("A vault value failed its integrity check.") from None
