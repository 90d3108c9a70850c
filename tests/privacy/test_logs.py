"""The log file holds no screen or chat text (ids, counts and lengths only), is private to
its owner, and nothing of it survives `forget` because nothing was ever in it."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli
from tests.privacy.helpers import SECRETS, copy_data_dir, grep_tree

# Words of dev frame 0018 the bundled model quoted in rejected answers (red team, finding 4),
# and the question asked about it.
SCREEN_WORDS = SECRETS + ["Marta prefers", "6,500 EUR", "phase one"]
QUESTIONS = ["What budget did Orchard Health approve?",
             "What did Marta Lindqvist ask for?",
             "What was the confirmation number of the payment to Marrow Studio?"]


def _log_text(data) -> str:
    logs = data / "logs"
    return "".join(p.read_text("utf-8", "replace") for p in sorted(logs.glob("commonplace.log*")))


@pytest.mark.model
def test_asking_with_the_model_logs_no_screen_text(enc_import, tmp_path):
    data = copy_data_dir(enc_import[0], tmp_path / "data")
    for q in QUESTIONS:
        r = run_cli("--now", "2026-02-17T20:00:00", "ask", q, "--json", data_dir=data)
        assert r.returncode == 0, r.stderr[-2000:]
    text = _log_text(data)
    assert "store open" in text, text[-2000:]
    found = {w: w in text for w in SCREEN_WORDS + QUESTIONS}
    assert not any(found.values()), [w for w, hit in found.items() if hit]
    # Only the log could hold them in plain bytes (the rest is encrypted): grep it all.
    assert {n: p for n, p in grep_tree(data, SCREEN_WORDS, skip=("models",)).items() if p} == {}

    r = run_cli("forget", "--from", "2000-01-01T00:00:00", "--to", "2100-01-01T00:00:00",
                "--json", data_dir=data)
    assert r.returncode == 0, r.stderr[-2000:]
    assert not any(w in _log_text(data) for w in SCREEN_WORDS)


def test_the_log_is_private(enc_import):
    logs = enc_import[0] / "logs"
    assert logs.stat().st_mode & 0o777 == 0o700
    files = list(logs.glob("commonplace.log*"))
    assert files and all(p.stat().st_mode & 0o777 == 0o600 for p in files)
