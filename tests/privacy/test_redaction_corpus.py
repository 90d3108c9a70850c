"""The Redactor against a corpus of secrets of every kind (tests/data/secrets_corpus.json):
every secret value is gone after redaction, whether the text comes as one string or as
OCR lines; ordinary text (prices, dates, order and ticket numbers, versions, commit ids…)
is left exactly as it was. Then the same through real OCR of a rendered screen."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from bench.bench_redaction import texts as bench_texts
from memory.redact import MASK, PATTERNS, Redactor, find_secrets

CORPUS = json.loads((Path(__file__).parents[1] / "data" / "secrets_corpus.json")
                    .read_text("utf-8"))
POSITIVES, NEGATIVES = CORPUS["positives"], CORPUS["negatives"]
R = Redactor()


def _squash(s: str) -> str:
    return "".join(s.split())


def _outputs(text: str) -> dict[str, str]:
    return {"redact": R.redact(text), "redact_lines": "\n".join(R.redact_lines(text.split("\n")))}


@pytest.mark.parametrize("case", POSITIVES,
                         ids=[f"{p['kind']}-{i}" for i, p in enumerate(POSITIVES)])
def test_every_secret_in_the_corpus_is_masked(case):
    for how, out in _outputs(case["text"]).items():
        assert MASK in out, how
        for secret in case["secrets"]:
            assert secret not in out and _squash(secret) not in _squash(out), (how, secret, out)
        if "expect" in case:
            assert out == case["expect"], how


@pytest.mark.parametrize("case", NEGATIVES,
                         ids=[f"{n['kind']}-{i}" for i, n in enumerate(NEGATIVES)])
def test_ordinary_text_is_left_alone(case):
    for how, out in _outputs(case["text"]).items():
        assert out == case["text"], how
    assert not R.is_sensitive(case["text"])


def test_the_corpus_covers_every_kind_and_every_pattern():
    kinds = Counter(p["kind"] for p in POSITIVES)
    assert len(kinds) >= 20 and min(kinds.values()) >= 4, kinds
    assert len(NEGATIVES) >= 60 and all(p["secrets"] for p in POSITIVES)
    unused = [p.name for p in PATTERNS
              if not any(p.regex.search(c["text"]) for c in POSITIVES)]
    assert unused == []


@pytest.mark.parametrize("case", POSITIVES[::7], ids=lambda c: c["kind"])
def test_redaction_is_stable_and_line_shaped(case):
    lines = case["text"].split("\n")
    once = R.redact_lines(lines)
    assert len(once) == len(lines)
    assert R.redact_lines(once) == once
    assert R.redact(case["text"]) == "\n".join(once)


# A guard against patterns that backtrack (seconds become minutes or hours), not a speed
# target: how fast redaction is, and how its cost grows with the text, is measured by
# bench/bench_redaction.py against a baseline in the same run. 1 MB takes 1-6 CPU s on a
# quiet core; the ceiling leaves room for a busy, throttled machine.
CEILING_S = 40.0


def _timed(text: str) -> float:
    """CPU seconds of this thread (other processes and the suite's threads do not count)."""
    t0 = time.thread_time()
    R.redact(text)
    return time.thread_time() - t0


def test_a_megabyte_of_screen_text_is_redacted_in_seconds_not_minutes():
    # the benchmark's two texts: the corpus repeated, and ordinary screen text with a secret
    # on one line in twenty
    texts = bench_texts(1_000_000)
    mixed, sparse = texts["corpus"], texts["screen"]
    took, took_sparse = _timed(mixed), _timed(sparse)
    print(f"1 MB of corpus text: {took:.2f} s; 1 MB of screen text: {took_sparse:.2f} s")
    assert took < CEILING_S and took_sparse < CEILING_S
    assert len(find_secrets(mixed)) > len(POSITIVES)


HOSTILE = {   # 200 KB each: shapes that make a careless pattern backtrack quadratically
    "one line": lambda n: ("Password: x card 4111 1111 1111 1111 key " * n)[:n],
    "digits": lambda n: "4" * n,
    "dashes": lambda n: "-" * n,
    "identifier": lambda n: "a_" * (n // 2),
    "env name": lambda n: "A_KEY_" * (n // 6),
    "label runs": lambda n: "password password " * (n // 18),
    "url": lambda n: "postgres://u:" + "p" * n,
    "pem begin": lambda n: "-----BEGIN RSA PRIVATE KEY-----\n" * (n // 32),
    "iban-ish": lambda n: "DE89 " * (n // 5),
    "label lines": lambda n: "Password\n" * (n // 9),
}


@pytest.mark.parametrize("shape", HOSTILE)
def test_hostile_text_is_linear(shape):
    took = _timed(HOSTILE[shape](200_000))
    print(f"{shape}: {took:.2f} s for 200 KB")
    assert took < CEILING_S   # quadratic backtracking would take minutes here


# -- through real OCR ----------------------------------------------------------------------
SCREEN = [
    "Password: correct horse battery staple",
    "Password",
    "Tr0ub4dorZebra",
    "postgres://admin:Xylophone77Secret@db.internal:5432/prod",
    "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzqxKEY",
    "Card 4111 1111 1111 1111 CVV 737",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
    "QyNTUxOQAAACBQ3W9Xn1v1kF5Z0k9Vt7Kq8m4e0xX6",
    "-----END OPENSSH PRIVATE KEY-----",
    "Meeting at 10:30 about ticket ABC-1234",
]
SCREEN_SECRETS = ["correct horse", "battery staple", "Tr0ub4dorZebra", "Xylophone77Secret",
                  "wJalrXUtnFEMIK7MDENG", "4111 1111", "737", "b3BlbnNzaC1rZXkt",
                  "QyNTUxOQAAACBQ3W9X"]


def _render(lines: list[str]) -> Image.Image:
    font = None
    for name in ("DejaVuSansMono.ttf", "DejaVuSans.ttf", "LiberationMono-Regular.ttf"):
        try:
            font = ImageFont.truetype(name, 22)
            break
        except OSError:
            continue
    font = font or ImageFont.load_default(size=22)
    img = Image.new("RGB", (1200, 48 * len(lines) + 40), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((30, 20 + 48 * i), line, fill="black", font=font)
    return img


@pytest.mark.slow
def test_secrets_read_by_real_ocr_are_masked(ocr):
    read = [l.text for l in ocr.recognize(_render(SCREEN))]
    raw = _squash("\n".join(read))
    # OCR read the secrets (else this test would prove nothing) …
    assert sum(_squash(s) in raw for s in SCREEN_SECRETS) >= len(SCREEN_SECRETS) - 2, read
    masked = R.redact_lines(read)
    assert len(masked) == len(read)
    out = "\n".join(masked)
    # … and none is left after redaction, though OCR gives each line on its own.
    for s in SCREEN_SECRETS:
        assert _squash(s) not in _squash(out), (s, masked)
    assert any("ABC-1234" in l and "10:30" in l for l in masked), masked
