import json

import pytest

from tests.conftest import CONVERSATIONS, SCREENS, run_cli


def _json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def chat_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli") / "data"
    r = run_cli("import-chat", str(CONVERSATIONS), "--json", data_dir=d)
    assert r.returncode == 0, r.stderr
    assert _json(r.stdout)["turns"] > 20
    return d


def test_search_json_contract_on_chat(chat_dir):
    r = run_cli("search", "Where did Emeka go for the holidays?", "--json", data_dir=chat_dir)
    assert r.returncode == 0, r.stderr
    out = _json(r.stdout)
    assert out["query"] == "Where did Emeka go for the holidays?"
    hit = out["hits"][0]
    assert set(hit) >= {"kind", "id", "text", "timestamp", "score", "sources"}
    assert any(s.endswith(":D1:2") for h in out["hits"][:3] for s in h["sources"])


def test_a_reader_that_goes_away_is_not_an_error(chat_dir):
    """`commonplace search ... | head`: the pipe closes before the output is written. That
    is the reader's choice, not an internal error with a traceback in the log."""
    import os
    import subprocess
    import sys

    from tests.conftest import PASSPHRASE, REPO

    env = {**os.environ, "COMMONPLACE_PASSPHRASE": PASSPHRASE}
    p = subprocess.Popen([sys.executable, "-m", "app.cli", "--data-dir", str(chat_dir),
                          "search", "Lisbon"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env, cwd=REPO)
    p.stdout.close()   # gone before the command has started writing
    err = p.stderr.read()
    assert p.wait(timeout=300) == 0, err
    assert "internal error" not in err and "Traceback" not in err


def test_no_passphrase_says_exactly_how_to_give_one(chat_dir):
    r = run_cli("search", "Lisbon", data_dir=chat_dir, passphrase=None)
    assert r.returncode == 2
    assert "COMMONPLACE_PASSPHRASE" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("search", "Lisbon", data_dir=chat_dir, passphrase="wrong")
    assert r.returncode == 2 and "Wrong passphrase" in r.stderr


def test_passphrase_file_works(chat_dir, tmp_path):
    from tests.conftest import PASSPHRASE

    f = tmp_path / "pass"
    f.write_text(PASSPHRASE + "\n")
    r = run_cli("--passphrase-file", str(f), "search", "Lisbon", "--json", data_dir=chat_dir,
                passphrase=None)
    assert r.returncode == 0, r.stderr


def test_eval_locomo_prints_figures_and_baseline():
    r = run_cli("eval", "locomo", str(CONVERSATIONS), "--k", "10", "--json")
    assert r.returncode == 0, r.stderr
    out = _json(r.stdout)
    assert out["n"] > 0 and 0 <= out["recall@10"] <= 1
    assert "baseline_bm25_recall@10" in out and out["per_category"]
    q = out["questions"][0]
    assert set(q) >= {"question", "evidence", "retrieved"}
    answers = out["answers"]  # the bundled model's answers, the extractive ones beside
    assert answers["answerable"] > 0 and answers["unanswerable"] > 0
    for key in ("f1", "contains", "abstention_accuracy", "citation_recall",
                "baseline_extractive_f1", "baseline_extractive_contains"):
        assert 0 <= answers[key] <= 1, key
    assert answers["citation_recall"] > 0
    rows = out["answer_questions"]
    assert {r["category"] for r in rows} >= {5} and all("answer" in r for r in rows)


def test_malformed_inputs_get_one_line_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    r = run_cli("import-chat", str(bad), data_dir=tmp_path / "d")
    assert r.returncode == 2 and "bad.json:1" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("import-frames", str(tmp_path / "nope.jsonl"), data_dir=tmp_path / "d")
    assert r.returncode == 2 and "nope.jsonl" in r.stderr
    cfg = tmp_path / "c.toml"
    cfg.write_text("[capture]\ninterval_s = 'fast'\n")
    r = run_cli("--config", str(cfg), "doctor", data_dir=tmp_path / "d")
    assert r.returncode == 2 and "interval_s" in r.stderr


def test_doctor_reports_in_plain_words(tmp_path):
    r = run_cli("doctor", "--json", data_dir=tmp_path / "d")
    assert r.returncode == 0, r.stderr
    out = _json(r.stdout)
    names = {c["name"] for c in out["checks"]}
    assert {"llama-cpp-python", "chromadb", "data directory", "language model"} <= names
    assert out["data_dir"] == str(tmp_path / "d")


def test_version():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("commonplace ")
