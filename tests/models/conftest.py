"""Fixtures for the model runtime: the bundled GGUF (assembled once), synthetic GGUFs, fakes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.backend import ModelInfo
from models.fake import ScriptedLlm
from models.registry import prepare_bundled


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "model: needs the real bundled model (ships with the install; runs in CI)")


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def bundled_gguf(models_dir: Path) -> Path:
    """The bundled Gemma 3 270M, assembled once per test session into a tmp dir."""
    return prepare_bundled(models_dir)


@pytest.fixture
def fake_llm() -> ScriptedLlm:
    return ScriptedLlm([])


def write_gguf(
    path: Path,
    *,
    arch: str = "llama",
    layers: int = 2,
    ctx: int = 2048,
    embd: int = 64,
    heads: int = 4,
    kv_heads: int = 2,
    chat_template: str | None = None,
    tensor_elems: tuple[int, ...] = (256, 128),
) -> Path:
    """A small but well-formed GGUF with the given metadata and f32 tensors."""
    from gguf import GGUFWriter

    writer = GGUFWriter(str(path), arch)
    writer.add_name(f"synthetic {arch}")
    writer.add_block_count(layers)
    writer.add_context_length(ctx)
    writer.add_embedding_length(embd)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_file_type(0)
    writer.add_token_list([f"tok{i}" for i in range(100)])  # a big array the reader must skip
    if chat_template is not None:
        writer.add_chat_template(chat_template)
    for i, n in enumerate(tensor_elems):
        writer.add_tensor(f"blk.{i}.weight", np.arange(n, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def synthetic_info(
    *,
    size_mb: float,
    layers: int = 32,
    heads: int = 32,
    kv_heads: int = 8,
    embd: int = 4096,
    ctx_train: int = 8192,
    path: str = "/models/x.gguf",
    template: bool = False,
) -> ModelInfo:
    return ModelInfo(
        name=f"synthetic-{size_mb:g}MB", path=Path(path),
        capability="instruct" if template else "completion",
        n_params=int(size_mb * 2**20 * 2), n_layers=layers, n_ctx_train=ctx_train,
        n_embd=embd, n_head=heads, n_head_kv=kv_heads, file_size=int(size_mb * 2**20),
        has_chat_template=template,
    )
