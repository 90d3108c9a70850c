"""Keys for encryption at rest.

A random 256-bit data key encrypts everything (the SQLCipher database and every frame
file). The data key is stored only wrapped (AES-GCM) under a key-encryption key that
scrypt derives from the user's passphrase, so changing the passphrase re-wraps 32 bytes
instead of re-encrypting the store. Separate subkeys for the database, the frames and
vault values come from HKDF, so one leaked subkey does not open the others.

Passphrases are NFC-normalised before scrypt: the same words typed on macOS (NFD) and on
Linux (NFC) must open the same store. Records written before that (raw passphrase) or with
a weaker scrypt cost still open, and `unwrap()` says when the record is due a re-wrap.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import unicodedata
from dataclasses import dataclass
from typing import TypeGuard

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from memory.errors import LockedError, StoreError

FRAME_MAGIC = b"CPF1"
_NONCE = 12
_AAD = b"commonplace-data-key"
# scrypt cost for new records: N=2^17 (OWASP's minimum), 128 MiB, ~0.4-0.6 s on a laptop.
# It is stored with the wrapped key, so it can grow; weaker records are re-wrapped.
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
# Bounds a record's parameters must meet before scrypt runs: a damaged or hostile record
# must give a clear error, not an OpenSSL ValueError or a multi-GiB allocation.
SCRYPT_MAX_MEMORY = 1 << 30   # bytes (128 * r * n)
SCRYPT_MAX_P = 16
SCRYPT_MIN_N = 2**10
MIN_PASSPHRASE_CHARS = 8


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    if not isinstance(s, str):
        raise TypeError(f"expected base64 text, got {type(s).__name__}")
    return base64.b64decode(s.encode("ascii"), validate=True)


def normalize(passphrase: str) -> str:
    """The form every passphrase takes before the KDF (NFC)."""
    return unicodedata.normalize("NFC", passphrase)


def _plain_int(v: object) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def check_scrypt(n: object, r: object, p: object) -> None:
    """StoreError unless (n, r, p) are sane scrypt parameters (checked before scrypt runs)."""
    if not (_plain_int(n) and _plain_int(r) and _plain_int(p)) \
            or n < SCRYPT_MIN_N or n & (n - 1) or not 1 <= r <= 64 \
            or not 1 <= p <= SCRYPT_MAX_P or 128 * r * n > SCRYPT_MAX_MEMORY:
        raise StoreError(f"The key record has impossible scrypt parameters (n={n!r}, r={r!r}, "
                         f"p={p!r}): it is damaged. Restore commonplace.json from your backup; "
                         "it is the only copy of the key.")


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    check_scrypt(n, r, p)
    # OpenSSL needs 128*r*(n+p+2) bytes; a little headroom on top.
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * (n + p + 2) + (1 << 20), dklen=32)


@dataclass(frozen=True)
class PassphraseStrength:
    """A rough estimate for the UI: `bits` of guessing work, a 0-4 `score`, one hint."""

    bits: float
    score: int
    hint: str


def passphrase_strength(passphrase: str) -> PassphraseStrength:
    """Length times the log2 of the character pool, with repeats counted at half weight.

    Deliberately simple (no dictionary): it only has to tell "x" and "password1" apart
    from four random words, and never claim more than a length-based estimate.
    """
    import math

    p = normalize(passphrase)
    pool = 0
    pool += 26 if any(c.islower() and c.isascii() for c in p) else 0
    pool += 26 if any(c.isupper() and c.isascii() for c in p) else 0
    pool += 10 if any(c.isdigit() and c.isascii() for c in p) else 0
    pool += 33 if any(not c.isalnum() and c.isascii() for c in p) else 0
    pool += 100 if any(not c.isascii() for c in p) else 0
    distinct = len(set(p))
    bits = round((distinct + 0.5 * (len(p) - distinct)) * math.log2(pool), 1) if pool else 0.0
    score = sum(bits >= t for t in (28, 45, 60, 80))
    if len(p) < MIN_PASSPHRASE_CHARS:
        hint = f"Too short: use at least {MIN_PASSPHRASE_CHARS} characters; four or more " \
               "unrelated words are easy to remember and hard to guess."
    elif score < 3:
        hint = "Weak: add more words (four or more unrelated words), or mix in digits and " \
               "symbols."
    else:
        hint = "Good." if score == 3 else "Strong."
    return PassphraseStrength(bits=bits, score=score, hint=hint)


def check_new_passphrase(passphrase: str | None) -> str:
    """The normalised passphrase, or WeakPassphraseError saying how to choose a better one."""
    from memory.errors import WeakPassphraseError

    p = normalize(passphrase or "")
    if len(p) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphraseError(
            f"The new passphrase has {len(p)} characters; use at least "
            f"{MIN_PASSPHRASE_CHARS} (four or more unrelated words are easy to remember and "
            "hard to guess). It is the only way into your encrypted data.")
    return p


@dataclass(frozen=True)
class WrappedKey:
    """The data key as stored on disk: wrapped under the passphrase's key."""

    salt: bytes
    nonce: bytes
    ciphertext: bytes
    n: int
    r: int
    p: int
    # False for records written before passphrases were NFC-normalised (read as absent).
    nfc: bool = True

    def to_json(self) -> dict:
        return {"kdf": "scrypt", "salt": _b64(self.salt), "n": self.n, "r": self.r,
                "p": self.p, "nonce": _b64(self.nonce), "wrapped": _b64(self.ciphertext),
                "nfc": self.nfc}

    @classmethod
    def from_json(cls, d: object) -> WrappedKey:
        damaged = ("The key record of this data directory is damaged ({}). Restore "
                   "commonplace.json from your backup; it is the only copy of the key.")
        if not isinstance(d, dict):
            raise StoreError(damaged.format(f"its key is a {type(d).__name__}, not an object"))
        if d.get("kdf", "scrypt") != "scrypt":
            raise StoreError(damaged.format(f"unknown kdf {d.get('kdf')!r}"))
        try:
            w = cls(salt=_unb64(d["salt"]), nonce=_unb64(d["nonce"]),
                    ciphertext=_unb64(d["wrapped"]), n=d["n"], r=d["r"], p=d["p"],
                    nfc=d.get("nfc") is True)
        except KeyError as e:
            raise StoreError(damaged.format(f"no {e.args[0]!r} field")) from None
        except (ValueError, TypeError, binascii.Error) as e:
            raise StoreError(damaged.format(e)) from None
        if len(w.salt) < 16 or len(w.nonce) != _NONCE or len(w.ciphertext) != 48:
            raise StoreError(damaged.format("salt, nonce or wrapped key has the wrong size"))
        check_scrypt(w.n, w.r, w.p)
        return w

    @property
    def weaker_than_current(self) -> bool:
        return self.r * self.n < SCRYPT["r"] * SCRYPT["n"]  # scrypt's memory (and time) cost


def wrap(data_key: bytes, passphrase: str) -> WrappedKey:
    salt = os.urandom(16)
    nonce = os.urandom(_NONCE)
    kek = _kek(normalize(passphrase), salt, **SCRYPT)
    ct = AESGCM(kek).encrypt(nonce, bytes(data_key), _AAD)
    return WrappedKey(salt=salt, nonce=nonce, ciphertext=ct, nfc=True, **SCRYPT)


def unwrap(wrapped: WrappedKey, passphrase: str) -> tuple[bytes, bool]:
    """(data key, whether the record should be re-wrapped) or LockedError.

    Tries the NFC form first. A legacy record (written before normalisation) may have been
    wrapped under a non-NFC spelling; only then is the raw passphrase tried as well.
    """
    tries = [normalize(passphrase)]
    if not wrapped.nfc and passphrase != tries[0]:
        tries.append(passphrase)
    for i, attempt in enumerate(tries):
        kek = _kek(attempt, wrapped.salt, wrapped.n, wrapped.r, wrapped.p)
        try:
            key = AESGCM(kek).decrypt(wrapped.nonce, wrapped.ciphertext, _AAD)
        except InvalidTag:
            continue
        return key, bool(i) or not wrapped.nfc or wrapped.weaker_than_current
    raise LockedError("Wrong passphrase for this data directory.")


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


class Keys:
    """The unwrapped subkeys of an open (unlocked) store. `wipe()` to lock.

    The subkeys live in bytearrays that `wipe()` overwrites with zeros, and the AES-GCM
    objects are dropped. What Python cannot promise: the unwrapped data key and HKDF's
    output arrive as immutable `bytes` (copied here, then only dropped); the SQLCipher
    `PRAGMA key` statement is an immutable `str` (built per connection, then dropped);
    the `cryptography` library and SQLCipher keep their own copies in native memory, which
    are freed but not necessarily zeroed. Dropped objects linger until the allocator reuses
    their memory, so wiping narrows the window; it does not make memory forensics-proof.
    """

    def __init__(self, data_key: bytes) -> None:
        self._db = self._derive(data_key, b"sqlcipher")
        self._frames_key = self._derive(data_key, b"frames")
        self._vault_key = self._derive(data_key, b"vault")
        self._frames: AESGCM | None = AESGCM(self._frames_key)
        self._vault: AESGCM | None = AESGCM(self._vault_key)

    @staticmethod
    def _derive(key: bytes, info: bytes) -> bytearray:
        return bytearray(HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                              info=info).derive(bytes(key)))

    @property
    def wiped(self) -> bool:
        return self._frames is None

    def wipe(self) -> None:
        """Zero the subkeys and drop the ciphers; every later use raises StoreError."""
        for buf in (self._db, self._frames_key, self._vault_key):
            buf[:] = bytes(len(buf))
        self._frames = self._vault = None

    def _live(self, cipher: AESGCM | None) -> AESGCM:
        if cipher is None:
            raise StoreError("The store is locked: its keys were wiped.")
        return cipher

    def sqlcipher_pragma(self) -> str:
        # A raw key: SQLCipher then skips its own (slow) PBKDF2, we already did scrypt.
        self._live(self._frames)
        return f"PRAGMA key = \"x'{self._db.hex()}'\""

    def seal_frame(self, plain: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return FRAME_MAGIC + nonce + self._live(self._frames).encrypt(nonce, plain, aad)

    def open_frame(self, blob: bytes, aad: bytes) -> bytes:
        if blob[:4] != FRAME_MAGIC:
            raise StoreError("Frame file is not an encrypted Commonplace frame.")
        try:
            return self._live(self._frames).decrypt(blob[4:4 + _NONCE], blob[4 + _NONCE:], aad)
        except InvalidTag:
            raise StoreError("Frame file failed its integrity check (damaged or swapped).") from None

    def seal_value(self, plain: str) -> str:
        nonce = os.urandom(_NONCE)
        return _b64(nonce + self._live(self._vault).encrypt(nonce, plain.encode("utf-8"),
                                                            b"vault"))

    def open_value(self, sealed: str) -> str:
        raw = _unb64(sealed)
        try:
            return self._live(self._vault).decrypt(raw[:_NONCE], raw[_NONCE:],
                                                   b"vault").decode("utf-8")
        except InvalidTag:
            raise StoreError("A vault value failed its integrity check.") from None
