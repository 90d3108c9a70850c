"""Memory-aware load planning, after "LLM in a flash" (Alizadeh et al., arXiv 2312.11514).

From what the GGUF header says (weights size, layers, KV heads) and what the machine
has (RAM, cores, GPU offload), decide how llama.cpp should load the model:

* fits the budget  -> mmap (fast start, shared page cache) + read-ahead, mlock when the
  OS lets us lock that much, a context sized so the KV cache fits beside the weights;
* over the budget  -> still runs: mmap on, mlock off, no read-ahead, the weights stay
  on disk and are paged in on demand ("flash"); we state the expected slowdown;
* mmap="off" and over the budget -> refused with a clear ModelError (it would swap or OOM).

The plan is plain data; `to_llama_kwargs()` yields only real `llama_cpp.Llama` keywords.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import psutil

from models.backend import ModelInfo
from models.errors import ModelLoadError
from models.settings import LlmSettings

log = logging.getLogger(__name__)

MiB = 1024 * 1024
DEFAULT_CTX = 4096
MIN_CTX = 512
CTX_STEP = 256
# llama.cpp's compute buffers, tokenizer and Python objects on top of weights + KV.
RUNTIME_OVERHEAD = 96 * MiB
# Throughput guesses for the slowdown estimate: RAM read bandwidth a CPU achieves in a
# decode step vs. a consumer SSD's sustained random-ish read. Stated in the plan's reasons.
RAM_BW = 10e9
DISK_BW = 1e9


@dataclass(frozen=True)
class MachineInfo:
    """What the machine offers right now."""

    total_ram: int
    available_ram: int
    physical_cores: int
    logical_cores: int
    gpu_offload: bool = False
    free_vram: int = 0  # bytes; 0 when unknown or no GPU
    mlock_limit: int = 0  # RLIMIT_MEMLOCK in bytes (-1 = unlimited)


def detect_machine(*, free_vram: int = 0) -> MachineInfo:
    """Probe RAM (psutil), cores, llama.cpp's GPU-offload support and the mlock limit.

    llama-cpp-python does not expose free VRAM; callers that know it pass `free_vram`.
    """
    vm = psutil.virtual_memory()
    logical = psutil.cpu_count(logical=True) or os.cpu_count() or 1
    physical = psutil.cpu_count(logical=False) or logical
    try:
        import llama_cpp

        gpu = bool(llama_cpp.llama_supports_gpu_offload())
    except ImportError:
        gpu = False
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
        mlock_limit = -1 if soft == resource.RLIM_INFINITY else int(soft)
    except (ImportError, OSError, ValueError):
        mlock_limit = 0
    return MachineInfo(vm.total, vm.available, physical, logical, gpu, free_vram, mlock_limit)


@dataclass(frozen=True)
class LoadPlan:
    """How to load one model, and why."""

    model_path: Path
    use_mmap: bool
    use_mlock: bool
    n_gpu_layers: int
    n_ctx: int
    n_threads: int
    n_threads_batch: int
    n_batch: int
    budget_bytes: int
    weights_bytes: int
    kv_bytes: int
    fully_resident: bool
    readahead: bool
    expected_slowdown: float  # 1.0 = no slowdown expected
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def to_llama_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `llama_cpp.Llama(...)`, each one a real parameter."""
        return {
            "model_path": str(self.model_path),
            "use_mmap": self.use_mmap,
            "use_mlock": self.use_mlock,
            "n_gpu_layers": self.n_gpu_layers,
            "n_ctx": self.n_ctx,
            "n_batch": self.n_batch,
            "n_threads": self.n_threads,
            "n_threads_batch": self.n_threads_batch,
            "verbose": False,
        }

    def with_path(self, path: Path) -> LoadPlan:
        return replace(self, model_path=Path(path))


def _mb(n: float) -> str:
    return f"{n / MiB:,.0f} MiB"


def plan_load(info: ModelInfo, machine: MachineInfo, settings: LlmSettings) -> LoadPlan:
    """Decide mmap / mlock / GPU layers / context / threads for `info` on `machine`."""
    if info.path is None:
        raise ModelLoadError(f"Model {info.name} has no local file to load.")
    reasons: list[str] = []
    weights = info.file_size
    n_layers = max(info.n_layers, 1)

    # Budget: explicit, or 60% of what is free now (the rest is for the app, OCR, the OS).
    if settings.ram_budget_mb:
        budget = settings.ram_budget_mb * MiB
        reasons.append(f"RAM budget {_mb(budget)} (from settings).")
    else:
        budget = int(machine.available_ram * 0.6)
        reasons.append(f"RAM budget {_mb(budget)}: 60% of the {_mb(machine.available_ram)} available now.")

    # Threads: physical cores, leaving one for the GUI and capture on bigger machines.
    if settings.n_threads:
        threads = settings.n_threads
        reasons.append(f"{threads} threads (from settings).")
    else:
        cores = machine.physical_cores
        threads = cores - 1 if cores > 4 else cores
        reasons.append(f"{threads} threads for {cores} physical cores.")
    threads_batch = max(threads, min(machine.logical_cores, threads * 2)) if not settings.n_threads else threads

    kv_per_token = info.kv_bytes_per_token(2)  # f16 K and V

    # GPU offload: as many layers as fit in free VRAM (keeping 10% headroom).
    gpu_layers = 0
    if settings.n_gpu_layers == 0:
        reasons.append("GPU offload off (from settings).")
    elif not machine.gpu_offload:
        reasons.append("This llama.cpp build has no GPU offload; running on the CPU.")
    elif settings.n_gpu_layers > 0:
        gpu_layers = min(settings.n_gpu_layers, n_layers)
        reasons.append(f"{gpu_layers} of {n_layers} layers on the GPU (from settings).")
    elif machine.free_vram <= 0:
        reasons.append("GPU offload is supported but free VRAM is unknown; running on the CPU.")
    else:
        per_layer = weights / n_layers + kv_per_token * min(DEFAULT_CTX, info.n_ctx_train or DEFAULT_CTX) / n_layers
        gpu_layers = max(0, min(n_layers, int(machine.free_vram * 0.9 // per_layer)))
        reasons.append(f"{gpu_layers} of {n_layers} layers fit in {_mb(machine.free_vram)} of free VRAM.")
    gpu_frac = gpu_layers / n_layers
    ram_weights = int(weights * (1 - gpu_frac))

    room = budget - ram_weights - RUNTIME_OVERHEAD
    fits = room >= kv_per_token * MIN_CTX

    # Context: what the user asked for, else 4096 capped by training length and by the
    # KV room (when over budget the KV cache still must be resident: give it 25%).
    max_ctx = info.n_ctx_train or DEFAULT_CTX
    if settings.n_ctx:
        n_ctx = min(settings.n_ctx, max_ctx)
        capped = ", capped at training length" if n_ctx < settings.n_ctx else ""
        reasons.append(f"context {n_ctx} tokens (from settings{capped}).")
    else:
        kv_room = room if fits else budget // 4
        by_memory = int(kv_room // kv_per_token) if kv_per_token else DEFAULT_CTX
        n_ctx = max(MIN_CTX, min(DEFAULT_CTX, max_ctx, by_memory) // CTX_STEP * CTX_STEP)
        reasons.append(
            f"context {n_ctx} tokens; KV cache {kv_per_token / 1024:.0f} KiB per token "
            f"= {_mb(kv_per_token * n_ctx)}."
        )
    kv_bytes = kv_per_token * n_ctx
    ram_kv = int(kv_bytes * (1 - gpu_frac))
    need = ram_weights + ram_kv + RUNTIME_OVERHEAD
    fully_resident = need <= budget

    if fully_resident:
        use_mmap = settings.mmap != "off"
        lock_ok = machine.mlock_limit == -1 or machine.mlock_limit >= ram_weights
        use_mlock = use_mmap and lock_ok and settings.mmap == "on"
        slowdown = 1.0
        reasons.append(
            f"Fits: {_mb(need)} needed (weights {_mb(ram_weights)} + KV {_mb(ram_kv)} + runtime) "
            f"within {_mb(budget)}; {'memory-mapped with read-ahead' if use_mmap else 'read fully into RAM'}."
        )
        if use_mmap and not use_mlock:
            reasons.append(
                "mlock off: " + ("the OS limit on locked memory is below the model size." if not lock_ok
                                 else 'pages stay evictable (set mmap = "on" to lock them).')
            )
    else:
        if settings.mmap == "off":
            raise ModelLoadError(
                f"{info.name} needs {_mb(need)} but the RAM budget is {_mb(budget)}; with mmap = \"off\" "
                "it would have to be read fully into RAM. Set mmap = \"auto\" to page it from disk, "
                "raise ram_budget_mb, or choose a smaller model."
            )
        use_mmap, use_mlock = True, False
        resident = max(0, budget - ram_kv - RUNTIME_OVERHEAD)
        paged = max(0, ram_weights - resident)
        # Each decode step touches every weight once: the part that cannot stay cached is
        # re-read from disk at DISK_BW instead of RAM_BW (the paper's worst case, before its
        # sparsity tricks; llama.cpp has no sparsity predictor).
        slowdown = 1.0 + (paged / DISK_BW) / max(ram_weights / RAM_BW, 1e-9)
        reasons.append(
            f"Over budget: {_mb(need)} needed, {_mb(budget)} allowed. Running from mmap with "
            f"weights paged from disk on demand; about {_mb(paged)} may be re-read per token, "
            f"expect up to ~{slowdown:.1f}x slower decoding (assuming {DISK_BW / 1e9:.0f} GB/s disk, "
            f"{RAM_BW / 1e9:.0f} GB/s RAM) while memory is tight. No mlock, no read-ahead."
        )

    n_batch = min(512, n_ctx)
    return LoadPlan(
        model_path=info.path,
        use_mmap=use_mmap,
        use_mlock=use_mlock,
        n_gpu_layers=gpu_layers,
        n_ctx=n_ctx,
        n_threads=threads,
        n_threads_batch=threads_batch,
        n_batch=n_batch,
        budget_bytes=budget,
        weights_bytes=weights,
        kv_bytes=kv_bytes,
        fully_resident=fully_resident,
        readahead=fully_resident and use_mmap,
        expected_slowdown=round(slowdown, 2),
        reasons=tuple(reasons),
    )


def advise_readahead(plan: LoadPlan) -> bool:
    """Ask the OS to read the file ahead (POSIX_FADV_WILLNEED) when the plan is fully resident.

    Skipped over budget: pulling the whole file into a page cache that cannot hold it
    only evicts other pages. Returns whether the advice was given.
    """
    if not plan.readahead or not hasattr(os, "posix_fadvise"):
        return False
    try:
        fd = os.open(plan.model_path, os.O_RDONLY)
    except OSError:
        return False
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        return True
    except OSError as exc:
        log.debug("posix_fadvise WILLNEED failed on %s: %s", plan.model_path, exc)
        return False
    finally:
        os.close(fd)


def drop_page_cache(path: Path) -> bool:
    """Ask the OS to drop `path` from the page cache (POSIX_FADV_DONTNEED); for benchmarks."""
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
