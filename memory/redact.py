"""Redaction before storage: secrets in screen text, window titles and imported chats are
masked before they are written, indexed or embedded. Every path (screen capture, frame
import, chat import) goes through the one `Redactor` here.

What is masked is data, in two tables:
- `LABELS`: the words that announce a secret ("password", "client_secret", "Passwort",
  "mot de passe", "PIN", …) and the vault type its value is kept as;
- `PATTERNS`: one `SecretPattern` per shape of secret (cards, IBANs, provider keys, JWTs,
  PEM blocks, a value after a label, a password in a URL, …), each saying which part of a
  match is the secret, how it is masked and, optionally, a check the part must pass.

One precedence rule: every pattern is matched against the original text; the secret spans
found are merged, a span inside another takes the outer one's mask, and spans that overlap
or touch become one plain mask. No character of any match survives.

Context crosses lines: `redact_lines` matches over the lines joined by newlines (a label on
one OCR line and its value on the next; the body lines of a PEM block), then masks each
line's own part, so the result has the input's length and order.

A mask is "[redacted]"; a card or IBAN keeps its last four characters ("[redacted] card
…1111", "[redacted] IBAN …3000") so the user can still tell which one it was.

Not masked, on purpose: unlabelled hex or base64 strings (commit ids, checksums, digests and
UUIDs are ordinary screen content), numbers that fail the Luhn / mod-97 checks or whose
first digit no card network uses (0, 1, 7, 8, 9: order, tracking and phone numbers).
"""

from __future__ import annotations

import base64
import binascii
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MASK = "[redacted]"

PASSWORD = "password"   # vault entry types a secret's value is kept as (sealed)
API_KEY = "api_key"


# -- label words ------------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    words: str   # a regular expression of the label's spellings (matched case-insensitively)
    vault: str   # the vault entry type its value is kept as


LABELS: tuple[Label, ...] = (
    Label(r"pass(?:word|wd|phrase|code)|pwd", PASSWORD),
    Label(r"pin(?:[ _-]?(?:code|number))?", PASSWORD),
    Label(r"passwort|kennwort|zugangscode", PASSWORD),                   # German
    Label(r"mot[ _-]de[ _-]passe|mdp", PASSWORD),                         # French
    Label(r"contrase[ñn]a|clave", PASSWORD),                              # Spanish
    Label(r"senha|palavra[ _-]passe", PASSWORD),                          # Portuguese
    Label(r"wachtwoord|l[öo]senord|passord|adgangskode|salasana", PASSWORD),  # Dutch, Nordic
    Label(r"has[łl]o|heslo|jelsz[óo]|parola|şifre|sifre|пароль", PASSWORD),
    Label(r"密码|密碼|パスワード|비밀번호", PASSWORD),
    Label(r"(?:recovery|backup)[ _-]?(?:codes?|key|phrase)|seed[ _-]?phrase|mnemonic",
          PASSWORD),
    Label(r"(?:client[ _.-]?)?secret(?:[ _.-]?(?:access[ _.-]?)?key)?|geheimnis|secreto"
          r"|segredo", API_KEY),
    Label(r"api[ _.-]?key|x-api-key|(?:private|access|account|signing|encryption|master"
          r"|shared[ _.-]?access)[ _.-]?key", API_KEY),
    Label(r"(?:(?:access|auth|refresh|session|id|api|bearer)[ _.-]?)?token", API_KEY),
    Label(r"authori[sz]ation|(?:set-)?cookie|session[ _.-]?id", API_KEY),
)

# A label may sit inside an identifier whose parts are joined by "_", "." or "-":
# AWS_SECRET_ACCESS_KEY, spring.datasource.password, WLAN-Passwort, --password.
_ANY_LABEL = "|".join(f"(?:{l.words})" for l in LABELS)
# Or glued to the end of a word by OCR, which reads two overlapping windows as one line
# ("OrdePassword" = "Orde…" of the window behind + "Password"): a lower-to-upper case step.
_IDENT_LABEL = (r"(?:(?<![A-Za-z0-9_.-])|(?-i:(?<=[a-z])(?=[A-Z])))(?:--?)?"
                r"(?:[A-Za-z0-9]+[_.-]){0,8}"
                rf"(?P<label>{_ANY_LABEL})(?:[_.-][A-Za-z0-9]+){{0,8}}")
_LABEL_RX = [re.compile(rf"(?:{l.words})", re.I) for l in LABELS]


def label_vault(label: str) -> str:
    """The vault type of a label's value: the first LABELS entry spelled like it."""
    return next((l.vault for l, rx in zip(LABELS, _LABEL_RX) if rx.fullmatch(label)), API_KEY)


# -- checks: how much of a candidate is a secret (0: none of it) ---------------------------
IBAN_COUNTRIES = frozenset(
    "AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE "
    "GI GL GR GT HR HU IE IL IQ IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU "
    "NI NL NO OM PK PL PS PT QA RO RS RU SA SC SD SE SI SK SM SO ST SV TL TN TR UA VA VG XK "
    "YE".split())
CARD_FIRST_DIGITS = "23456"   # Mir, Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay


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
    s = re.sub(r"\s", "", text).upper()
    if not 15 <= len(s) <= 34 or s[:2] not in IBAN_COUNTRIES or not s[2:4].isdigit():
        return False
    moved = s[4:] + s[:4]
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False


def _card(s: str) -> int:
    digits = re.sub(r"\D", "", s)
    ok = 13 <= len(digits) <= 19 and digits[0] in CARD_FIRST_DIGITS and luhn_ok(digits)
    return len(s) if ok else 0


_B36 = {ord(c): str(int(c, 36)) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def _iban(s: str) -> int:
    """The longest prefix ending at a group boundary that is a valid IBAN (a match may have
    swallowed the next word: "BE68 5390 0754 7034 today"). The mod-97 remainder of the
    account part grows group by group; each boundary finishes it with the country code and
    check digits, which the check moves to the end."""
    up = s.upper()
    if up[:2] not in IBAN_COUNTRIES:
        return 0
    head = up[:4].translate(_B36)
    shift, moved = 10 ** len(head), int(head)
    best, rest, n, pos = 0, 0, 4, 0
    for k, part in enumerate(up.split(" ")):
        end = pos + len(part)
        body = part[4:] if k == 0 else part
        if body:
            digits = body.translate(_B36)
            rest = (rest * 10 ** len(digits) + int(digits)) % 97
            n += len(body)
        if 15 <= n <= 34 and (rest * shift + moved) % 97 == 1:
            best = end
        pos = end + 1
    return best


def _token(s: str) -> int:
    """A generated token, not words: two of upper/lower/digit and a long unbroken run."""
    classes = sum(bool(re.search(p, s)) for p in ("[A-Z]", "[a-z]", "[0-9]"))
    longest = max((len(p) for p in re.split(r"[-_]", s)), default=0)
    return len(s) if classes >= 2 and longest >= 10 else 0


def _random(s: str) -> int:
    """Hex or base64 that is not a word: both letters and digits."""
    return len(s) if re.search("[0-9]", s) and re.search("[A-Za-z]", s) else 0


def _basic_auth(s: str) -> int:
    try:
        raw = base64.b64decode(s + "=" * (-len(s) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return 0
    return len(s) if ":" in raw and raw.isprintable() else 0


def _secretish(s: str) -> int:
    """After "password is": a word that looks chosen, not prose ("is wrong", "is expired")."""
    v = s.rstrip(".,!?;:'\")")
    if len(v) < 4:
        return 0
    mixed = any(c.isupper() for c in v[1:]) and any(c.islower() for c in v)
    return len(v) if re.search(r"[0-9\W_]", v) or mixed else 0


def _short_line(s: str) -> int:
    """A whole next line as a label's value: only a short one (not a paragraph)."""
    return len(s) if len(s) <= 100 and len(s.split()) <= 6 else 0


# -- the table ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SecretPattern:
    name: str
    regex: re.Pattern
    mask: str = "plain"          # "plain", or "card"/"iban": keep the last four characters
    vault: str | None = API_KEY  # the vault type the floor keeps it as; None: only masked
    check: Callable[[str], int] | None = None   # how much of the secret part is a secret
    # The secret part is the match's "value" group when the regex has one, else all of it.


def _p(name: str, rx: str, flags: int = 0, **kw) -> SecretPattern:
    return SecretPattern(name, re.compile(rx, flags), **kw)


_VALUE = r"(?P<value>[^\s,;](?:[^\s,;]|[,;](?=\S)|[ ](?=\S))*)"  # to a tab, "  ", ", " or EOL
_SEP = r"[\"']?[ \t]*(?:(?:is|was)[ \t]*)?(?::=|=>|[:=：])[ \t]*"
_NB = r"(?<![A-Za-z0-9])"   # not after a letter or digit ("\b" fails after "_": KEY=AKIA…)
_NA = r"(?![A-Za-z0-9])"
_NB4 = r"(?<![A-Za-z0-9].{4})"   # _NB after a 4-character literal: a pattern that starts with
#                                  a literal is found by a fast scan, a look-behind is tried at
#                                  every position
_LABEL_LINE = (rf"^[ \t]*(?:[\w'-]+[ \t]+){{0,3}}?(?:[A-Za-z]{{0,30}}?[a-z])?{_IDENT_LABEL}"
               r"[ \t]*[:=：]?[ \t]*")  # a label alone on its line (OCR may glue a word to it)
_PEM_BEGIN = r"-{0,10}[ ]?BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?[ ]?-{0,10}"
_PEM_END = r"-{0,10}[ ]?END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?[ ]?-{0,10}"

PATTERNS: tuple[SecretPattern, ...] = (
    # a PEM private key: the whole block; cut off (no END line): the body lines that follow
    _p("pem_private_key",
       rf"{_PEM_BEGIN}(?:(?!BEGIN)[\s\S]){{0,12000}}?{_PEM_END}"
       rf"|{_PEM_BEGIN}(?:[ \t]*\r?\n[ \t]*(?:(?:Proc-Type|DEK-Info|Comment|Version):[^\n]*"
       r"|\S{8,}(?:[ \t]\S{8,})*)?)*"),
    _p("card", r"(?<![\w.-])(?<![A-Za-z]{2}\d{2}[ .-])(?:\d{4}([ .-])\d{4}\1\d{4}\1\d{4}\1\d{1,3}"
       r"|\d{4}([ .-])\d{4}\2\d{4}\2\d{1,7}|\d{4}([ .-])\d{6}\3\d{4,5}|\d{13,19})"
       r"(?!\w|[.-]\d)", mask="card", vault=None, check=_card),
    _p("card_security_code", r"(?<![\w])(?:CVV2?|CVC2?|CID|CSC|CVN|security code|card code"
       r"|Kartenpr[üu]fnummer|Pr[üu]fnummer|cryptogramme)[ \t]*[:#=]?[ \t]*"
       r"(?P<value>\d{3,4})(?!\d)", re.I, vault=None),
    _p("iban", rf"{_NB}[A-Z]{{2}}\d{{2}}(?:[ ]?[A-Z0-9]{{4}}){{2,7}}(?:[ ]?[A-Z0-9]{{1,4}})?{_NA}",
       re.I, mask="iban", vault=None, check=_iban),
    _p("aws_access_key_id", rf"A(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA){_NB4}[A-Z0-9]{{16}}{_NA}"),
    _p("github_token", r"g(?<![A-Za-z0-9]g)(?:h[pousr]_[A-Za-z0-9]{30,}"
       r"|ithub_pat_[A-Za-z0-9_]{22,})"),
    _p("gitlab_token", r"gl(?<![A-Za-z0-9]gl)(?:pat|dt|rt|ptt|soat|ft|cbt|agent)-"
       r"[A-Za-z0-9_-]{20,}"),
    _p("huggingface_token", r"(?:hf_(?<![A-Za-z0-9]hf_)|api_org_(?<![A-Za-z0-9]api_org_))"
       r"[A-Za-z0-9]{30,}"),
    _p("slack_token", r"x(?<![A-Za-z0-9]x)(?:ox[abposrce]-[A-Za-z0-9-]{10,}"
       r"|app-\d-[A-Za-z0-9-]{10,})"),
    _p("webhook_url", r"hooks\.slack\.com/services/[A-Za-z0-9/_-]+"
       r"|discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]+"),
    _p("stripe_key", r"[spr]k_(?:live|test)_(?<![A-Za-z0-9].{8})[A-Za-z0-9]{16,}"
       r"|whsec_(?<![A-Za-z0-9]whsec_)[A-Za-z0-9]{24,}"),
    _p("openai_style_key", r"sk-(?<![A-Za-z0-9]sk-)[A-Za-z0-9_-]{20,}", check=_token),
    _p("google_key", r"AIza(?<![A-Za-z0-9]AIza)[0-9A-Za-z_-]{35}"
       r"|GOCSPX-(?<![A-Za-z0-9]GOCSPX-)[A-Za-z0-9_-]{24,}"
       r"|ya29\.(?<![A-Za-z0-9]ya29\.)[0-9A-Za-z_-]{20,}"),
    _p("package_token", rf"{_NB}(?:npm_[A-Za-z0-9]{{36}}|pypi-[A-Za-z0-9_-]{{50,}}"
       r"|dop_v1_[a-f0-9]{64}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"
       r"|SG\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}|AGE-SECRET-KEY-1[0-9A-Z]{50,})"),
    _p("jwt", r"eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    _p("bearer_token", r"(?<![\w])Bearer[ \t]+(?P<value>[A-Za-z0-9._~+/-]{16,}=*)", re.I),
    _p("basic_auth", r"(?<![\w])Basic[ \t]+(?P<value>[A-Za-z0-9+/]{6,}={0,2})(?![\w+/=])",
       re.I, check=_basic_auth),
    _p("url_password", r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}://[^\s:/@]*:"
       r"(?P<value>[^\s/]+)@", vault=PASSWORD),
    _p("cli_password", r"(?<![\w-])(?:--(?:password|passwd|pass|token|secret|api-key)(?:=|[ \t]+)"
       r"|(?:mysql|mysqldump|mariadb)\b[^\n]{0,200}?[ \t]-p)(?P<value>[^\s-]\S*)",
       vault=PASSWORD),
    _p("pin", r"(?<![A-Za-z0-9_.-])PIN(?:[ _-]?(?:code|number))?[ \t]*(?:[:=#：]|is|was)?[ \t]*"
       r"(?P<value>\d{4,8})(?!\d)", re.I, vault=PASSWORD),
    # a value after a label on its line: "Password: correct horse battery staple"
    _p("labelled_value", rf"{_IDENT_LABEL}{_SEP}{_VALUE}", re.I),
    # the label alone on its line, its value on the next: a login form read by OCR
    _p("label_then_line", rf"{_LABEL_LINE}\r?\n[ \t]*(?P<value>[^\n]*\S)", re.I | re.M,
       check=_short_line),
    # in prose: "the wifi password is Glockenspiel42"
    _p("label_is_value", rf"{_IDENT_LABEL}[ \t]+(?:is|was|lautet|ist|est|es|é)[ \t]+"
       r"(?P<value>[^\s,;]+)", re.I, check=_secretish),
    # a long random-looking string right after a key/token/secret word ("key 8f7d6e…")
    _p("keyed_random", r"(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9]+[_.-]){0,8}(?:key|token|secret"
       r"|signature)s?[ \t:=#\"'-]*(?P<value>[A-Za-z0-9+/_-]{24,}={0,2})"
       r"(?![A-Za-z0-9+/_=-])", re.I, check=_random),
    # .env style assignments of an upper-case name ending in a secret word: SIGNING_KEY=…
    _p("env_assignment", r"(?<![A-Za-z0-9_.-])(?:[A-Z][A-Z0-9]*_){1,8}(?:KEY|PASS|PW|PIN|AUTH|SALT"
       r"|SEED|CREDENTIALS?|DSN)(?:_[A-Z0-9]+){0,4}[ \t]*=[ \t]*" + _VALUE),
)


# -- applying the table ---------------------------------------------------------------------
@dataclass(frozen=True)
class Secret:
    """One masked span: where it is, what found it, how it is masked, its vault type."""
    start: int
    end: int
    name: str
    mask: str
    vault: str | None


def _vault_of(p: SecretPattern, m: re.Match) -> str | None:
    if "label" in p.regex.groupindex and m.group("label"):
        return label_vault(m.group("label"))
    return p.vault


def _matches(p: SecretPattern, text: str):
    """(start, end, vault) of each secret part the pattern finds; a rejected candidate is
    retried one character later, so a valid secret inside it is not lost."""
    part = "value" if "value" in p.regex.groupindex else 0
    pos = 0
    while pos <= len(text):
        m = p.regex.search(text, pos)
        if m is None:
            return
        start, end = m.span(part)
        keep = p.check(text[start:end]) if p.check else end - start
        if keep > 0:
            yield start, start + keep, _vault_of(p, m)
            pos = max(start + keep, m.start() + 1)
        else:
            pos = m.start() + 1


def find_secrets(text: str) -> list[Secret]:
    """The merged secret spans of a text, in order (the one precedence rule above)."""
    raw = sorted(((s, e, p, v) for p in PATTERNS for s, e, v in _matches(p, text)),
                 key=lambda r: (r[0], -r[1]))
    out: list[Secret] = []
    for s, e, p, v in raw:
        last = out[-1] if out else None
        if last and s <= last.end:
            if e > last.end:   # overlapping or touching: one plain mask over both
                out[-1] = Secret(last.start, e, last.name, "plain", last.vault or v)
            continue           # inside the last one: its mask wins
        out.append(Secret(s, e, p.name, p.mask, v))
    return out


MAX_ROUNDS = 3
_LABEL_ALONE = re.compile(_LABEL_LINE + "$", re.I)


def _touches(line: str, a: int, b: int) -> bool:
    """Whether the span a:b of a line has other text right next to it."""
    return (a > 0 and not line[a - 1].isspace()) or (b < len(line) and not line[b].isspace())


def _runs(indices: list[int]) -> list[list[int]]:
    """Consecutive runs of sorted indices: [1, 2, 3, 7, 8] -> [[1, 2, 3], [7, 8]]."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


class Redactor:
    def __init__(self, *, mask: str = MASK) -> None:
        self._mask = mask

    def _masked(self, secret: Secret, part: str, whole: bool) -> str:
        if whole and secret.mask in ("card", "iban"):
            last4 = re.sub(r"[^0-9A-Za-z]", "", part).upper()[-4:]
            return f"{self._mask} {'card' if secret.mask == 'card' else 'IBAN'} …{last4}"
        return self._mask

    def _apply(self, text: str, base: int, secrets: Sequence[Secret]) -> str:
        """Mask the parts of `secrets` (offsets from `base`) that fall in `text`, one mask
        per line piece, so line breaks inside a secret survive."""
        out, pos, end = [], 0, base + len(text)
        for sec in secrets:
            if sec.end <= base or sec.start >= end:
                continue
            a, b = max(sec.start, base) - base, min(sec.end, end) - base
            out.append(text[pos:a])
            pieces = text[a:b].split("\n")
            whole = len(pieces) == 1 and sec.start >= base and sec.end <= end
            out.append("\n".join(self._masked(sec, p, whole) if p.strip() else p
                                 for p in pieces))
            pos = b
        out.append(text[pos:])
        return "".join(out)

    def redact(self, text: str) -> str:
        """One string; when it holds several lines, context crosses them."""
        if not text:
            return text
        return "\n".join(self.redact_lines(text.split("\n")))

    def redact_lines(self, lines: Sequence[str]) -> list[str]:
        """Each line masked, with context across consecutive lines; same length and order.
        A mask can expose what the secret hid: a label glued to it ("…KEY-----Password: x")
        or a line short enough now to be the value of a label above it. Those lines, with a
        neighbour on each side, get another round (at most MAX_ROUNDS in all)."""
        out = list(lines)
        todo = list(range(len(out)))
        for _ in range(MAX_ROUNDS):
            again: set[int] = set()
            for run in _runs(todo):
                first, last = run[0], run[-1] + 1
                masked, glued = self._round(out[first:last])
                for k, (old, new) in enumerate(zip(out[first:last], masked), start=first):
                    if old != new and (k in glued or k and _LABEL_ALONE.match(out[k - 1])):
                        again.update((k - 1, k, k + 1))
                out[first:last] = masked
            todo = sorted(i for i in again if 0 <= i < len(out))
            if not todo:
                break
        return out

    def _round(self, lines: list[str]) -> tuple[list[str], set[int]]:
        """The lines masked once, and which of them have a mask glued to other text."""
        joined = "\n".join(lines)
        secrets = find_secrets(joined) if joined else []
        if not secrets:
            return list(lines), set()
        starts, ends = [s.start for s in secrets], [s.end for s in secrets]
        out, glued, base = [], set(), 0
        for k, line in enumerate(lines):
            end = base + len(line)
            near = secrets[bisect_right(ends, base):bisect_left(starts, end)]
            if near:
                out.append(self._apply(line, base, near))
                if any(_touches(line, max(s.start, base) - base, min(s.end, end) - base)
                       for s in near):
                    glued.add(k)
            else:
                out.append(line)
            base = end + 1
        return out, glued

    def is_sensitive(self, text: str) -> bool:
        return self.redact(text) != text
