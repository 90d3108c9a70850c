"""Encryption at rest, proven on the bytes: no file under an encrypted data dir holds text
from the imported screens; the same import without encryption does (so the check can fail)."""

from __future__ import annotations

from tests.privacy.helpers import SECRETS, grep_tree


def test_encrypted_data_dir_holds_none_of_the_screen_text(enc_import):
    data, _log, r = enc_import
    assert '"kept": 2' in r.stdout
    found = grep_tree(data, SECRETS)
    assert found == {s: [] for s in SECRETS}
    assert not (data / "commonplace.db").read_bytes().startswith(b"SQLite format 3")
    frames = [p for p in (data / "frames").rglob("*") if p.is_file()]
    assert len(frames) == 2 and all(p.read_bytes()[:4] == b"CPF1" for p in frames)


def test_plain_data_dir_shows_the_text_so_the_grep_can_fail(plain_import):
    data, _log, _r = plain_import
    found = grep_tree(data, SECRETS)
    for s in SECRETS:
        assert "commonplace.db" in found[s], (s, found)


def test_chroma_holds_no_text_even_unencrypted(plain_import):
    data, _log, _r = plain_import
    assert grep_tree(data / "vectors", SECRETS) == {s: [] for s in SECRETS}


def test_logs_hold_no_screen_text(plain_import):
    data, _log, _r = plain_import
    assert grep_tree(data / "logs", SECRETS) == {s: [] for s in SECRETS}
