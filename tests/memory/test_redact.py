from hypothesis import given, strategies as st

from memory.redact import Redactor, iban_ok, luhn_ok

R = Redactor()


def test_cards_are_masked_only_when_luhn_valid():
    assert "4111" not in R.redact("card 4111 1111 1111 1111 exp 09/29").split("…")[0]
    assert R.redact("card 4111 1111 1111 1111").endswith("…1111")
    assert R.redact("order 4111 1111 1111 1112") == "order 4111 1111 1111 1112"
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")


def test_iban_keys_tokens_and_passwords():
    assert "GB82" not in R.redact("IBAN GB82 WEST 1234 5698 7654 32")
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB82WEST12345698765433")
    for secret in ["AKIAIOSFODNN7EXAMPLE", "ghp_" + "a" * 36, "sk_live_" + "b" * 24,
                   "xoxb-123456789012-abcdefghij",
                   "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop"]:
        assert secret not in R.redact(f"token here {secret} end")
    assert R.redact("Password: hunter2!") == "Password: [redacted]"
    assert R.redact("sort code 20-44-91, invoice 2026-014") == "sort code 20-44-91, invoice 2026-014"


@given(st.text(max_size=300))
def test_redaction_is_idempotent_and_never_fails(text):
    once = R.redact(text)
    assert R.redact(once) == once
