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


def test_a_placed_file_is_whole_or_absent_and_leaves_no_temp(tmp_path):
    """atomic_place: the file the callback makes replaces the target; when the callback
    fails half-way, the old file stays and no temp file is left."""
    from models.files import atomic_place

    p = tmp_path / "model.gguf"
    atomic_place(p, lambda tmp: tmp.write_bytes(b"old"))
    src = tmp_path / "cache.bin"
    src.write_bytes(b"linked")
    atomic_place(p, lambda tmp: os.link(src, tmp))
    assert p.read_bytes() == b"linked" and os.path.samefile(p, src)

    def half(tmp):
        tmp.write_bytes(b"hal")
        raise ValueError("sha256 mismatch")

    with pytest.raises(ValueError, match="sha256"):
        atomic_place(p, half)
    assert p.read_bytes() == b"linked"
    assert sorted(os.listdir(tmp_path)) == ["cache.bin", "model.gguf"]


def test_link_or_copy_places_a_cached_model(tmp_path):
    from app.prepare import link_or_copy

    src = tmp_path / "cache" / "minilm.onnx"
    src.parent.mkdir()
    src.write_bytes(b"weights")
    dest = tmp_path / "data" / "models" / "minilm.onnx"
    link_or_copy(src, dest)
    link_or_copy(src, dest)          # again: replaced, not refused
    assert dest.read_bytes() == b"weights"
    assert os.listdir(dest.parent) == ["minilm.onnx"]
