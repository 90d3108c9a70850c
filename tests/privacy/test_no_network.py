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


# -- native attempts: the desktop app traced at the system-call level ---------------------
# The socket guard above sees Python's sockets only. onnxruntime's telemetry uploader is
# native code that resolved mobile.events.data.microsoft.com about 10 s after start, so the
# real app runs here under strace for longer than that.

CI_VARS = ("CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL",
           "CODEBUILD_BUILD_ID", "BUILDKITE", "TEAMCITY_VERSION", "APPVEYOR",
           "BITBUCKET_BUILD_NUMBER", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI")
TRACED = "connect,sendto,sendmsg,sendmmsg"


def _strace_works() -> bool:
    if not shutil.which("strace"):
        return False
    try:
        return subprocess.run(["strace", "-f", "-e", f"trace={TRACED}", "-o", "/dev/null",
                               "true"], timeout=20, capture_output=True).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


needs_strace = pytest.mark.skipif(not _strace_works(),
                                  reason="strace is missing or may not trace here")


def _clean_env(home, runtime_dir: str) -> dict:
    """No CI markers (onnxruntime mutes its telemetry under CI: the test would pass for the
    wrong reason), and a fresh HOME and cache dir to look in afterwards (the runtime dir
    stays short: the single-instance socket path must fit AF_UNIX's limit)."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in CI_VARS}
    env.pop("ORT_DISABLE_TELEMETRY", None)
    env.pop("ORT_TELEMETRY_DISABLED", None)
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), QT_QPA_PLATFORM="offscreen",
               XDG_RUNTIME_DIR=runtime_dir,
               QT_LOGGING_RULES="*.debug=false;qt.qpa.*=false")
    return env


def network_calls(trace_text: str) -> list[str]:
    """Traced calls that reach for the network: an inet/inet6 address other than loopback,
    anything to port 53 (a DNS query, also to a local stub resolver), or systemd-resolved's
    local socket. (nscd's socket is not counted: glibc asks it for users and groups too.)"""
    import re

    bad = []
    for line in trace_text.splitlines():
        if not re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(", line):
            continue
        if "htons(53)" in line or "/run/systemd/resolve/" in line:
            bad.append(line)
        elif "AF_INET" in line and not re.search(
                r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|"::ffff:127\.', line):
            if re.search(r"inet_addr|inet_pton", line):
                bad.append(line)
    return bad


def _trace(cmd: list[str], out, env, *, seconds: float | None = None,
           wait_for: str | None = None, log=None, timeout: float = 120):
    """Run `cmd` under strace; with `seconds`, end it by its PID (SIGTERM) that long after
    `wait_for` appears in `log` (or after start). Returns (exit code, trace text)."""
    import os
    import signal
    import time

    trace = out / "strace.txt"
    proc = subprocess.Popen(["strace", "-f", "-qq", "-s", "128", "-e", f"trace={TRACED}",
                             "-o", str(trace), *cmd], env=env, cwd=REPO,
                            stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        if seconds is None:
            proc.wait(timeout)
        else:
            end = time.monotonic() + timeout
            while wait_for and wait_for not in (out / "app.log").read_text("utf-8", "replace"):
                if proc.poll() is not None or time.monotonic() > end:
                    break
                time.sleep(0.5)
            if proc.poll() is None:
                time.sleep(seconds)
            if proc.poll() is None:
                # The app, not strace (which would detach and leave it running): it quits
                # through its one shutdown path, and strace exits with its exit code.
                for pid in _children(proc.pid):
                    os.kill(pid, signal.SIGTERM)
                try:
                    proc.wait(90)
                except subprocess.TimeoutExpired:
                    pass   # killed below; the caller sees the exit code
    finally:
        if proc.poll() is None:
            for pid in [*_children(proc.pid), proc.pid]:
                os.kill(pid, signal.SIGKILL)
            proc.wait(10)
    return proc.returncode, trace.read_text("utf-8", "replace") if trace.exists() else ""


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


@needs_strace
def test_the_native_tracer_sees_native_attempts(tmp_path, runtime_dir):
    # A name lookup and a connect made by C code (glibc through ctypes), not Python's socket
    # module: both must be seen, or the zero below could mean a blind tracer.
    probe = ("import ctypes, ctypes.util, socket\n"
             "libc = ctypes.CDLL(ctypes.util.find_library('c'))\n"
             "res = ctypes.c_void_p()\n"
             "libc.getaddrinfo(b'guard-probe.invalid', b'443', None, ctypes.byref(res))\n"
             "s = socket.socket(); s.setblocking(False)\n"
             "s.connect_ex(('192.0.2.1', 80))\n")
    code, text = _trace([sys.executable, "-c", probe], tmp_path, _clean_env(tmp_path, runtime_dir))
    assert code == 0, text[-2000:]
    calls = network_calls(text)
    assert any("192.0.2.1" in c for c in calls), text[-2000:]
    assert any("htons(53)" in c or "resolve" in c for c in calls), text[-2000:]


@needs_strace
def test_the_desktop_app_makes_no_native_network_attempt(enc_import, tmp_path, runtime_dir):
    """`commonplace run --no-capture` (the real app, offscreen Qt) for 25 s after its window
    is shown: no connection, no DNS query, and onnxruntime wrote nothing under the cache."""
    from tests.conftest import PASSPHRASE

    data = copy_data_dir(enc_import[0], tmp_path / "data")
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home, runtime_dir)
    env["COMMONPLACE_PASSPHRASE"] = PASSPHRASE
    with open(tmp_path / "app.log", "wb") as log:
        code, text = _trace([sys.executable, "-m", "app.cli", "--data-dir", str(data), "-v",
                             "run", "--no-capture"], tmp_path, env, seconds=25,
                            wait_for="main window shown", log=log, timeout=180)
    app_log = (tmp_path / "app.log").read_text("utf-8", "replace")
    assert "main window shown" in app_log, app_log[-3000:]
    assert network_calls(text) == [], network_calls(text)[:5]
    ms = home / ".cache" / "Microsoft"
    assert not ms.exists(), sorted(p.name for p in ms.rglob("*"))
    assert code == 0, app_log[-3000:]


def test_the_entry_point_switches_telemetry_off_before_any_import(monkeypatch):
    """main() sets the variables first; importing the CLI itself loads none of the
    libraries that read them (they read them once, when loaded)."""
    import os

    code = ("import sys, app.cli\n"
            "heavy = {'onnxruntime', 'rapidocr', 'chromadb'} & set(sys.modules)\n"
            "assert not heavy, heavy\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    from app import cli

    for var in ("ORT_DISABLE_TELEMETRY", "ORT_TELEMETRY_DISABLED", "ANONYMIZED_TELEMETRY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    assert os.environ["ORT_TELEMETRY_DISABLED"] == "1"
