"""Nothing opens a network connection unless configured to: every command runs under a
socket guard (a sitecustomize that records and refuses any non-AF_UNIX connect, sendto,
create_connection or name lookup), and once more inside a network namespace."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import CONVERSATIONS, REPO, run_cli
from tests.privacy.helpers import attempts, copy_data_dir, guarded_env


def test_the_guard_records_and_refuses(guard_dir, tmp_path):
    # Without this the zero below could mean a guard that never loaded.
    log = tmp_path / "net.log"
    env = {**__import__("os").environ, **guarded_env(guard_dir, log)}
    r = subprocess.run([sys.executable, "-c", "import socket\n"
                        "try: socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
                        "except OSError as e: print('refused', e)"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert "refused" in r.stdout and len(attempts(log)) == 1


def test_imports_made_no_connection(enc_import, plain_import):
    for _data, log, _r in (enc_import, plain_import):
        assert attempts(log) == []


@pytest.mark.model
def test_chat_search_and_ask_make_no_connection(plain_import, plain_toml, guard_dir, tmp_path):
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    log = tmp_path / "net.log"
    env = guarded_env(guard_dir, log)
    pre = ["--config", str(plain_toml)]
    runs = [("import-chat", str(CONVERSATIONS), "--json", "--no-llm"),
            ("search", "Lindqvist", "--json"),
            ("--now", "2026-02-17T20:00:00", "ask", "What budget did Orchard Health approve?",
             "--json", "--no-llm"),
            ("--now", "2026-02-17T20:00:00", "ask", "What budget did Orchard Health approve?",
             "--json")]
    for args in runs:
        r = run_cli(*pre, *args, data_dir=data, env=env, passphrase=None)
        assert r.returncode == 0, (args, r.stderr[-2000:])
        assert "Traceback" not in r.stderr
    assert attempts(log) == []


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-rn", "true"], timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.skipif(not _unshare_works(), reason="no user+network namespaces here")
def test_search_runs_in_a_network_namespace(plain_import, plain_toml, tmp_path):
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    r = subprocess.run(["unshare", "-rn", sys.executable, "-m", "app.cli", "--config",
                        str(plain_toml), "--data-dir", str(data), "search", "NWB-55710-K",
                        "--json"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "NWB-55710-K" in r.stdout
