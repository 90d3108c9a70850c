"""Redaction before storage: secrets in screen text are masked before they are written,
indexed or embedded.

Masked: payment card numbers (13-19 digits that pass the Luhn check), IBANs (mod-97
checked), API keys and tokens of common shapes (AWS, GitHub, Slack, Stripe, Google, JWTs,
PEM private keys, long hex/base64 secrets after "key"/"token"/"secret"), and the value
after a "password:" label. A mask keeps the last four characters of a card or IBAN so the
user can still tell which one it was.
"""

from __future__ import annotations

import re

MASK = "[redacted]"

_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_TOKENS = [
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),                                 # AWS access key id
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),                       # GitHub tokens
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),                    # Slack
    re.compile(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b"),      # Stripe
    re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}\b"),                  # OpenAI-style keys
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),                            # Google API key
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b"),  # JWT
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
]
_LABELLED = re.compile(
    r"(?i)\b(password|passwd|passphrase|pin|secret|api[ _-]?key|access[ _-]?token|token)"
    r"(\s*[:=]\s*)(\S+)")


def luhn_ok(digits: str) -> bool:
    total, alt = 0, False
    for ch in reversed(digits):
        d = ord(ch) - 48
        if alt:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
        alt = not alt
    return total % 10 == 0


def iban_ok(text: str) -> bool:
    s = text.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False


class Redactor:
    def __init__(self, *, mask: str = MASK) -> None:
        self._mask = mask

    def _card(self, m: re.Match) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            return f"{self._mask} card …{digits[-4:]}"
        return m.group(0)

    def _iban(self, m: re.Match) -> str:
        return f"{self._mask} IBAN …{m.group(0)[-4:]}" if iban_ok(m.group(0)) else m.group(0)

    def redact(self, text: str) -> str:
        if not text:
            return text
        out = _CARD.sub(self._card, text)
        out = _IBAN.sub(self._iban, out)
        for pat in _TOKENS:
            out = pat.sub(self._mask, out)
        out = _LABELLED.sub(lambda m: f"{m.group(1)}{m.group(2)}{self._mask}", out)
        return out

    def is_sensitive(self, text: str) -> bool:
        return self.redact(text) != text
