"""GGUF header reading, capability detection, bad files, the bundled model, the factory."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from models.errors import ModelError, ModelFileError
from models.factory import apply_capability, build_backend, describe
from models.llama import LlamaCppBackend
from models.registry import (
    detect_capability,
    list_models,
    prepare_bundled,
    read_model_info,
    scan_models,
)
from models.settings import LlmSettings
from tests.models.conftest import write_gguf


def test_reads_metadata_and_counts_parameters(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", layers=3, ctx=1024, embd=64, heads=4, kv_heads=2, tensor_elems=(256, 128))
    info = read_model_info(path)
    assert (info.architecture, info.n_layers, info.n_ctx_train, info.n_embd) == ("llama", 3, 1024, 64)
    assert (info.n_head, info.n_head_kv, info.n_params) == (4, 2, 384)
    assert info.file_type == "ALL_F32" and info.file_size == path.stat().st_size
    assert info.capability == "completion" and not info.has_chat_template


def test_chat_template_means_instruct(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "chat.gguf", chat_template="{% for m in messages %}{{ m.content }}{% endfor %}")
    info = read_model_info(path)
    assert info.capability == "instruct" and info.has_chat_template
    assert detect_capability({}) == "completion"


def test_capability_override(tmp_path: Path) -> None:
    base = read_model_info(write_gguf(tmp_path / "b.gguf"))
    with pytest.raises(ModelError, match="no chat template"):
        apply_capability(base, "instruct")
    chat = read_model_info(write_gguf(tmp_path / "c.gguf", chat_template="x"))
    assert apply_capability(chat, "completion").capability == "completion"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match=r"missing\.gguf does not exist"):
        read_model_info(tmp_path / "missing.gguf")


def test_text_file_renamed_gguf(tmp_path: Path) -> None:
    path = tmp_path / "notes.gguf"
    path.write_text("these are my notes, not a model\n" * 10)
    with pytest.raises(ModelFileError, match=r"notes\.gguf is not a GGUF model file"):
        read_model_info(path)


def test_truncated_synthetic_file(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "t.gguf")
    data = path.read_bytes()
    for cut in (30, len(data) // 2, len(data) - 4):
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match=r"t\.gguf is truncated"):
            read_model_info(path)


def test_corrupt_header(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "c.gguf")
    data = bytearray(path.read_bytes())
    data[4:8] = (99).to_bytes(4, "little")  # version 99
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"c\.gguf has a corrupt GGUF header: unsupported GGUF version 99"):
        read_model_info(path)
    data[4:8] = (3).to_bytes(4, "little")
    data[16:24] = (2**40).to_bytes(8, "little")  # absurd kv count
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="corrupt GGUF header"):
        read_model_info(path)


def test_scan_lists_good_models_and_reports_bad_ones(tmp_path: Path) -> None:
    write_gguf(tmp_path / "a.gguf")
    (tmp_path / "bad.gguf").write_text("nope")
    extra = write_gguf(tmp_path.parent / f"{tmp_path.name}-extra.gguf")
    scan = scan_models(tmp_path, [extra, tmp_path / "a.gguf"])
    assert sorted(m.path.name for m in scan.models) == ["a.gguf", extra.name]
    assert [p.name for p, _ in scan.problems] == ["bad.gguf"]
    assert len(list_models(tmp_path)) == 1


@pytest.mark.model
def test_bundled_model_metadata(bundled_gguf: Path) -> None:
    started = time.perf_counter()
    info = read_model_info(bundled_gguf)
    assert time.perf_counter() - started < 5  # header only, never the weights
    assert (info.architecture, info.n_layers, info.n_head_kv, info.key_length) == ("gemma3", 18, 1, 256)
    assert 260e6 < info.n_params < 280e6 and info.file_type == "Q4_K_M"
    assert info.capability == "completion"


@pytest.mark.model
def test_prepare_bundled_is_idempotent(bundled_gguf: Path) -> None:
    mtime = bundled_gguf.stat().st_mtime_ns
    assert prepare_bundled(bundled_gguf.parent) == bundled_gguf
    assert bundled_gguf.stat().st_mtime_ns == mtime
    assert not [p for p in bundled_gguf.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.model
def test_prepare_bundled_replaces_a_half_written_file(tmp_path: Path, bundled_gguf: Path) -> None:
    target = tmp_path / bundled_gguf.name
    with bundled_gguf.open("rb") as src:
        target.write_bytes(src.read(1_000_000))  # as if a previous run died mid-write
    assert prepare_bundled(tmp_path) == target
    assert target.stat().st_size == bundled_gguf.stat().st_size


@pytest.mark.model
def test_truncated_copy_of_the_real_model(tmp_path: Path, bundled_gguf: Path) -> None:
    copy = tmp_path / "gemma-cut.gguf"
    with bundled_gguf.open("rb") as src, copy.open("wb") as dst:
        dst.write(src.read(bundled_gguf.stat().st_size - 1_000_000))
    with pytest.raises(ModelFileError, match=r"gemma-cut\.gguf is truncated"):
        read_model_info(copy)
    small = tmp_path / "gemma-head.gguf"
    shutil.copyfile(copy, small)
    os.truncate(small, 4096)  # cut inside the vocabulary array
    with pytest.raises(ModelFileError, match="truncated"):
        read_model_info(small)


@pytest.mark.model
def test_factory_builds_the_local_backend_without_loading(bundled_gguf: Path) -> None:
    backend = build_backend(LlmSettings(ram_budget_mb=2048), bundled_gguf.parent)
    try:
        assert isinstance(backend, LlamaCppBackend) and not backend.loaded
        assert backend.info.n_ctx == backend.plan.n_ctx > 0
    finally:
        backend.close()
    doc = describe(LlmSettings(), bundled_gguf.parent)
    assert doc["info"]["name"] == "Gemma 3 270m" and doc["plan"]["use_mmap"] is True
    assert any("Fits" in r for r in doc["reasons"])


def test_factory_openai_and_missing_model(tmp_path: Path) -> None:
    remote = build_backend(LlmSettings(backend="openai", server_url="http://127.0.0.1:9"), tmp_path)
    assert remote.info.capability == "instruct"
    remote.close()
    with pytest.raises(ModelFileError, match="does not exist"):
        build_backend(LlmSettings(model=str(tmp_path / "nope.gguf")), tmp_path)
    assert "does not exist" in describe(LlmSettings(model=str(tmp_path / "nope.gguf")), tmp_path)["error"]
