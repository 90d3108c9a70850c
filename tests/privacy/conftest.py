"""Session-wide imports shared by the privacy tests (OCR is the slow part: done once)."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli
from tests.privacy.helpers import PLAIN_TOML, TWO_FRAMES, guarded_env, screen_subset, write_guard


@pytest.fixture(scope="session")
def guard_dir(tmp_path_factory):
    return write_guard(tmp_path_factory.mktemp("guard"))


@pytest.fixture(scope="session")
def two_frames(tmp_path_factory):
    return screen_subset(tmp_path_factory.mktemp("two"), TWO_FRAMES)


@pytest.fixture(scope="session")
def plain_toml(tmp_path_factory):
    p = tmp_path_factory.mktemp("cfg") / "plain.toml"
    p.write_text(PLAIN_TOML, "utf-8")
    return p


def _import(tmp_path_factory, guard_dir, two_frames, name, pre):
    base = tmp_path_factory.mktemp(name)
    log = base / "net.log"
    r = run_cli(*pre, "import-frames", str(two_frames), "--json", "--no-llm",
                data_dir=base / "data", env=guarded_env(guard_dir, log))
    assert r.returncode == 0, r.stderr
    return base / "data", log, r


@pytest.fixture(scope="session")
def enc_import(tmp_path_factory, guard_dir, two_frames):
    """Two dev frames imported by the CLI into an encrypted store, under the socket guard."""
    return _import(tmp_path_factory, guard_dir, two_frames, "enc", [])


@pytest.fixture(scope="session")
def plain_import(tmp_path_factory, guard_dir, two_frames, plain_toml):
    """The same, with `encrypt = false`."""
    return _import(tmp_path_factory, guard_dir, two_frames, "plain",
                   ["--config", str(plain_toml)])


@pytest.fixture
def runtime_dir():
    """A short $XDG_RUNTIME_DIR for a real app run: its single-instance socket path must fit
    AF_UNIX's limit, which a pytest tmp_path can exceed."""
    import shutil
    import tempfile

    d = tempfile.mkdtemp(prefix="cp-rt-")
    yield d
    shutil.rmtree(d, ignore_errors=True)
