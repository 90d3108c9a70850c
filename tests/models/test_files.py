"""models.files.atomic_write: old or new content, never half, no temp file left."""

import os
import stat

import pytest

from models.files import atomic_write


def test_writes_bytes_and_text_and_replaces(tmp_path):
    p = tmp_path / "a.toml"
    atomic_write(p, b"old")
    atomic_write(p, "nëw")
    assert p.read_text("utf-8") == "nëw"
    assert os.listdir(tmp_path) == ["a.toml"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_private_unless_told(tmp_path):
    atomic_write(tmp_path / "a", b"x")
    atomic_write(tmp_path / "b", b"x", mode=0o644)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o644


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    p = tmp_path / "a"
    atomic_write(p, b"old")
    with pytest.raises(TypeError):
        atomic_write(p, 42)  # type: ignore[arg-type]
    assert p.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a"]
