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
    with subprocess.Popen([sys.executable, "-m", "app.cli", "--data-dir", str(chat_dir),
                           "search", "Lisbon"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env, cwd=REPO) as p:   # closes stderr on the way out
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


def test_search_limit_zero_is_refused(chat_dir):
    r = run_cli("search", "Lisbon", "--limit", "0", data_dir=chat_dir)
    assert r.returncode == 2 and "--limit" in r.stderr, (r.returncode, r.stderr)


@pytest.fixture
def root_logging():
    """main() configures the root logger; put it back as it was afterwards."""
    import logging
    import sys
    import threading

    root = logging.getLogger()
    saved = (root.handlers[:], root.level, sys.excepthook, threading.excepthook)
    yield
    for h in root.handlers[:]:
        if h not in saved[0]:
            root.removeHandler(h)
            h.close()
    root.setLevel(saved[1])
    sys.excepthook, threading.excepthook = saved[2], saved[3]


def test_an_internal_error_is_one_line_on_screen_and_a_traceback_in_a_private_log(
        tmp_path, monkeypatch, capsys, root_logging):
    from app import cli

    def broken(settings, args):
        raise RuntimeError("a bug deep inside")

    monkeypatch.setitem(cli.COMMANDS, "doctor", broken)
    assert cli.main(["--data-dir", str(tmp_path / "d"), "doctor"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: an internal error stopped `doctor`"), err
    logs = tmp_path / "d" / "logs"
    text = (logs / "commonplace.log").read_text("utf-8")
    assert "Traceback" in text and "RuntimeError: a bug deep inside" in text
    assert logs.stat().st_mode & 0o777 == 0o700
    assert (logs / "commonplace.log").stat().st_mode & 0o777 == 0o600


def test_an_old_world_readable_log_becomes_private(tmp_path, capsys, root_logging):
    from app import cli

    logs = tmp_path / "d" / "logs"
    logs.mkdir(parents=True)
    for name in ("commonplace.log", "commonplace.log.1"):
        (logs / name).write_text("old\n")
        (logs / name).chmod(0o644)
    logs.chmod(0o755)
    assert cli.main(["--data-dir", str(tmp_path / "d"), "search", "x", "--limit", "0"]) == 2
    assert logs.stat().st_mode & 0o777 == 0o700
    assert {p.name: p.stat().st_mode & 0o777 for p in logs.iterdir()} == {
        "commonplace.log": 0o600, "commonplace.log.1": 0o600}


def _dead_pid() -> int:
    import subprocess

    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def test_eval_keeps_nothing_and_an_interrupted_eval_leaves_no_store(tmp_path):
    """`eval` logs nowhere near the user's data dir; SIGTERM mid-import still removes its
    plaintext store; a folder left by a run killed outright is removed by the next one."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    tmp, default = tmp_path / "tmp", tmp_path / "default-data"
    tmp.mkdir()
    stale = tmp / f"commonplace-eval-{_dead_pid()}-x"
    stale.mkdir()
    (stale / "commonplace.db").write_text("left by a run killed with SIGKILL")
    alive = tmp / f"commonplace-eval-{os.getpid()}-y"   # a running eval's: kept
    alive.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))
    env.pop("COMMONPLACE_PASSPHRASE", None)
    cmd = [sys.executable, "-m", "app.cli", "--data-dir", str(default), "eval", "screens",
           str(SCREENS), "--no-answers"]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 240
        while not any((d / "commonplace.db").exists() for d in tmp.glob("commonplace-eval-*")
                      if d not in (stale, alive)):
            assert proc.poll() is None and time.monotonic() < end, proc.communicate()
            time.sleep(0.05)
        # at once: the store is there and the import has begun (on a quiet machine the dev
        # screens import in about a second, so a pause here could see it end first)
        os.kill(proc.pid, signal.SIGTERM)
        assert not stale.exists()      # removed when this run started
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert proc.returncode == 143, err
    assert "Traceback" not in err, err
    assert sorted(p.name for p in tmp.iterdir()) == [alive.name]
    assert not default.exists()        # no log, no folder in the default data dir


def test_the_passphrase_variable_is_read_once_and_leaves_the_environment(monkeypatch):
    import os
    import subprocess
    import sys

    from app.wiring import read_passphrase

    monkeypatch.setenv("COMMONPLACE_PASSPHRASE", "from the environment")
    assert read_passphrase(None) == "from the environment"
    assert "COMMONPLACE_PASSPHRASE" not in os.environ
    child = subprocess.run([sys.executable, "-c", "import os; print(os.environ.get("
                            "'COMMONPLACE_PASSPHRASE'))"], capture_output=True, text=True)
    assert child.stdout.strip() == "None"     # not inherited through the C environment


def test_the_passphrase_file_may_be_a_pipe_and_only_its_first_line_counts(tmp_path):
    import os
    import threading

    from app.wiring import read_passphrase
    from memory.errors import LockedError

    r, w = os.pipe()
    threading.Thread(target=lambda: (os.write(w, b"piped secret\r\nsecond line\n"),
                                     os.close(w)), daemon=True).start()
    try:
        assert read_passphrase(f"/proc/self/fd/{r}" if os.path.exists("/proc/self/fd")
                               else f"/dev/fd/{r}") == "piped secret"
    finally:
        os.close(r)
    bad = tmp_path / "latin1"
    bad.write_bytes(b"caf\xe9\n")
    with pytest.raises(LockedError, match="not UTF-8"):
        read_passphrase(bad)
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(LockedError, match="empty"):
        read_passphrase(tmp_path / "empty")


@pytest.mark.parametrize("value, words", [
    ("{reply_share = 'half'}", "reply_share must be a number"),
    ("{no_such_weight = 1.0}", "no_such_weight"),
    ("{feedback_weight = 1.5}", "feedback_weight must lie in [0, 1]"),
    ("{rrf_k = 5}", "set memory.rrf_k instead"),
])
def test_a_bad_retrieval_tuning_is_one_line_and_exit_2(tmp_path, capsys, root_logging,
                                                        value, words):
    from app import cli

    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[memory]\nretrieval = {value}\n", "utf-8")
    assert cli.main(["--data-dir", str(tmp_path / "d"), "--config", str(cfg), "doctor"]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
