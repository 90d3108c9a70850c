"""Load planning over a grid of (model size, RAM, GPU) with synthetic metadata."""

from __future__ import annotations

import inspect

import pytest

from models.errors import ModelLoadError
from models.planner import MachineInfo, plan_load
from models.settings import LlmSettings
from tests.models.conftest import synthetic_info

GiB = 1024**3


def machine(ram_gb: float, *, gpu: bool = False, vram_gb: float = 0, cores: int = 8, mlock: int = 0) -> MachineInfo:
    return MachineInfo(total_ram=int(ram_gb * GiB), available_ram=int(ram_gb * GiB * 0.8),
                       physical_cores=cores, logical_cores=cores * 2, gpu_offload=gpu,
                       free_vram=int(vram_gb * GiB), mlock_limit=mlock)


# (model MiB, RAM GiB, budget MiB (0=auto), gpu, vram GiB) -> (resident, mmap, gpu layers, readahead)
GRID = [
    (253, 24, 0, False, 0, True, True, 0, True),        # bundled model on a laptop
    (253, 2, 0, False, 0, True, True, 0, True),         # tiny machine, tiny model
    (4_000, 16, 0, False, 0, True, True, 0, True),      # 7B Q4 on 16 GiB
    (4_000, 16, 2_000, False, 0, False, True, 0, False),  # same, budget below the model: flash
    (4_000, 4, 0, False, 0, False, True, 0, False),     # 7B on 4 GiB: auto budget too small
    (4_000, 16, 0, True, 8, True, True, 32, True),      # all layers fit in VRAM
    (4_000, 16, 0, True, 2, True, True, 13, True),      # partial: 2 GiB*0.9 / (125 MiB + 16 MiB KV) per layer
    (4_000, 16, 1_000, True, 8, True, True, 32, True),  # tiny RAM budget rescued by the GPU
    (40_000, 32, 0, False, 0, False, True, 0, False),   # 70B on 32 GiB: still runs from mmap
    (4_000, 16, 0, True, 0, True, True, 0, True),       # offload supported, VRAM unknown -> CPU
]


@pytest.mark.parametrize(("size_mb", "ram_gb", "budget_mb", "gpu", "vram", "resident", "mmap", "layers", "ahead"), GRID)
def test_plan_grid(size_mb, ram_gb, budget_mb, gpu, vram, resident, mmap, layers, ahead) -> None:
    info = synthetic_info(size_mb=size_mb)
    plan = plan_load(info, machine(ram_gb, gpu=gpu, vram_gb=vram), LlmSettings(ram_budget_mb=budget_mb))
    assert (plan.fully_resident, plan.use_mmap, plan.n_gpu_layers, plan.readahead) == (resident, mmap, layers, ahead)
    assert plan.use_mlock is False  # mlock limit 0 in this grid
    assert 512 <= plan.n_ctx <= 4096 and plan.n_ctx % 256 == 0
    assert plan.kv_bytes == info.kv_bytes_per_token() * plan.n_ctx
    if resident:
        assert plan.expected_slowdown == 1.0
    else:
        assert plan.expected_slowdown > 1.0 and any("paged from disk" in r for r in plan.reasons)


def test_context_shrinks_to_fit_the_kv_cache() -> None:
    info = synthetic_info(size_mb=4_000, kv_heads=32)  # MHA: 512 KiB per token
    plan = plan_load(info, machine(16), LlmSettings(ram_budget_mb=5_000))
    assert plan.fully_resident and plan.n_ctx < 4096
    assert plan.kv_bytes + info.file_size <= plan.budget_bytes


def test_context_capped_by_training_length_and_settings() -> None:
    info = synthetic_info(size_mb=253, ctx_train=2048)
    assert plan_load(info, machine(24), LlmSettings()).n_ctx == 2048
    assert plan_load(info, machine(24), LlmSettings(n_ctx=1024)).n_ctx == 1024


def test_mmap_off_over_budget_is_a_clear_error() -> None:
    with pytest.raises(ModelLoadError, match='mmap = "off"'):
        plan_load(synthetic_info(size_mb=40_000), machine(16), LlmSettings(mmap="off"))


def test_mmap_off_that_fits_reads_into_ram() -> None:
    plan = plan_load(synthetic_info(size_mb=253), machine(16), LlmSettings(mmap="off"))
    assert (plan.use_mmap, plan.readahead, plan.fully_resident) == (False, False, True)


def test_mlock_only_when_asked_and_allowed() -> None:
    info = synthetic_info(size_mb=253)
    assert plan_load(info, machine(16, mlock=-1), LlmSettings(mmap="on")).use_mlock is True
    assert plan_load(info, machine(16, mlock=64 * 2**20), LlmSettings(mmap="on")).use_mlock is False
    assert plan_load(info, machine(16, mlock=-1), LlmSettings()).use_mlock is False


def test_threads_leave_a_core_on_big_machines() -> None:
    info = synthetic_info(size_mb=253)
    assert plan_load(info, machine(16, cores=2), LlmSettings()).n_threads == 2
    assert plan_load(info, machine(16, cores=8), LlmSettings()).n_threads == 7
    assert plan_load(info, machine(16, cores=8), LlmSettings(n_threads=3)).n_threads == 3


def test_settings_gpu_layers_without_offload_support_fall_back_to_cpu() -> None:
    plan = plan_load(synthetic_info(size_mb=4_000), machine(16), LlmSettings(n_gpu_layers=20))
    assert plan.n_gpu_layers == 0 and any("no GPU offload" in r for r in plan.reasons)


def test_every_planned_keyword_is_a_llama_keyword() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    from models.llama import llama_kwargs

    params = inspect.signature(llama_cpp.Llama).parameters
    for info in (synthetic_info(size_mb=253), synthetic_info(size_mb=253, template=True)):
        kwargs = llama_kwargs(plan_load(info, machine(16), LlmSettings()), info)
        assert "chat_format" in kwargs
        unknown = [k for k in kwargs if k not in params or params[k].kind is inspect.Parameter.VAR_KEYWORD]
        assert unknown == []
