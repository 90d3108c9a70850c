from hypothesis import given
from hypothesis import strategies as st

from memory.redact import (
    API_KEY,
    LABELS,
    MASK,
    PASSWORD,
    PATTERNS,
    Redactor,
    find_secrets,
    iban_ok,
    label_vault,
    luhn_ok,
)

R = Redactor()


def test_cards_are_masked_only_when_luhn_valid():
    assert "4111" not in R.redact("card 4111 1111 1111 1111 exp 09/29").split("…")[0]
    assert R.redact("card 4111 1111 1111 1111") == "card [redacted] card …1111"
    assert R.redact("dotted 4111.1111.1111.1111.") == "dotted [redacted] card …1111."
    assert R.redact("order 4111 1111 1111 1112") == "order 4111 1111 1111 1112"
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")
    # Luhn-valid, but no card network starts with 1, 7, 8, 9 or 0: an order number
    assert luhn_ok("1234567812345670")
    assert R.redact("ref 1234567812345670") == "ref 1234567812345670"


def test_iban_keys_tokens_and_passwords():
    assert "GB82" not in R.redact("IBAN GB82 WEST 1234 5698 7654 32")
    assert R.redact("iban de89 3704 0044 0532 0130 00 ok") == "iban [redacted] IBAN …3000 ok"
    # a match that swallowed the next word is cut back to the valid IBAN
    assert R.redact("to BE68 5390 0754 7034 today") == "to [redacted] IBAN …7034 today"
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB82WEST12345698765433")
    for secret in ["AKIAIOSFODNN7EXAMPLE", "ghp_" + "a" * 36, "sk_live_" + "b" * 24,
                   "xoxb-123456789012-abcdefghij", "glpat-" + "x1Y2" * 5, "hf_" + "Ab1" * 11,
                   "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop"]:
        assert secret not in R.redact(f"token here {secret} end")
    assert R.redact("Password: hunter2!") == "Password: [redacted]"
    plain = "sort code 20-44-91, invoice 2026-014"
    assert R.redact(plain) == plain


def test_a_labelled_value_runs_to_the_end_of_its_line_or_a_field_break():
    assert R.redact("Password: correct horse battery staple") == "Password: [redacted]"
    assert R.redact('{"password": "hunter2", "user": "bob"}') == \
        '{"password": [redacted], "user": "bob"}'
    assert R.redact("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG") == \
        "AWS_SECRET_ACCESS_KEY=[redacted]"
    assert R.redact("PIN 4321 then") == "PIN [redacted] then"
    assert R.redact("postgres://admin:Xylo77@db:5432/prod") == \
        "postgres://admin:[redacted]@db:5432/prod"
    assert R.redact("Mot de passe : soleil") == "Mot de passe : [redacted]"
    assert R.redact("my password is wrong") == "my password is wrong"
    assert R.redact("my password is Glockenspiel42.") == "my password is [redacted]."


def test_context_crosses_lines():
    lines = ["Username", "leo", "Password", "Tr0ub4dor&3zebra", "Sign in"]
    assert R.redact_lines(lines) == ["Username", "leo", "Password", MASK, "Sign in"]
    pem = ["x", "-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEAx1y2z3", "Zm9vYmFyYmF6cXV4eXp6",
           "-----END RSA PRIVATE KEY-----", "y"]
    assert R.redact_lines(pem) == ["x", MASK, MASK, MASK, MASK, "y"]
    # the key cut off by the screen edge: the body lines after BEGIN still go
    assert R.redact_lines(pem[:4] + ["Save"]) == ["x", MASK, MASK, MASK, "Save"]
    # one string with newlines behaves as its lines
    assert R.redact("\n".join(lines)) == "\n".join(R.redact_lines(lines))
    # a paragraph after a "Password" heading is not a value
    long = "Choose a strong password with at least twelve characters and a symbol"
    assert R.redact_lines(["Password", long]) == ["Password", long]


def test_one_precedence_rule():
    # a card inside a longer secret: the outer span wins and the mask is plain
    assert R.redact("Password: 4111 1111 1111 1111 x") == "Password: [redacted]"
    # the same value found by two entries is masked once
    assert R.redact("token: ghp_" + "a1" * 18) == "token: [redacted]"
    spans = find_secrets("card 4111 1111 1111 1111 CVV 737")
    assert [(s.name, s.mask) for s in spans] == [("card", "card"), ("card_security_code", "plain")]


def test_tables():
    names = [p.name for p in PATTERNS]
    assert len(names) == len(set(names))
    assert all(p.mask in ("plain", "card", "iban") for p in PATTERNS)
    assert label_vault("Passwort") == PASSWORD and label_vault("client_secret") == API_KEY
    assert label_vault("mot de passe") == PASSWORD and label_vault("api key") == API_KEY
    assert {l.vault for l in LABELS} == {PASSWORD, API_KEY}


def test_redact_lines_keeps_shape_and_is_sensitive():
    assert R.redact_lines([]) == [] and R.redact_lines(["", ""]) == ["", ""]
    assert R.is_sensitive("PIN: 4321") and not R.is_sensitive("Pinned: 4 messages")
    assert not R.is_sensitive("Password: [redacted]")


@given(st.text(max_size=300))
def test_redaction_is_idempotent_and_never_fails(text):
    once = R.redact(text)
    assert R.redact(once) == once


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=60),
                max_size=8))
def test_redact_lines_is_redact_per_joined_text(lines):
    out = R.redact_lines(lines)
    assert len(out) == len(lines)
    assert "\n".join(out) == R.redact("\n".join(lines))


def test_a_label_glued_to_the_window_behind_by_ocr_still_masks_the_next_line():
    # Live red-team: OCR read "Orde" (a window behind) and "Password" (a label alone on its
    # line in the focused window) as one line, and the password on the next line was stored.
    r = Redactor()
    out = r.redact_lines(["Home network", "OrdePassword", "Tr0ub4dor&3zebra", "Router PIN: 4321"])
    assert out[2] == "[redacted]" and "4321" not in out[3] and out[1] == "OrdePassword"
    # no case step, no label: ordinary words stay
    assert r.redact_lines(["Mypassword", "hunter22"]) == ["Mypassword", "hunter22"]
    assert r.redact_lines(["resetPassword(user)", "return ok"]) == ["resetPassword(user)",
                                                                    "return ok"]
