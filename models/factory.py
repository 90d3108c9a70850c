"""The one place that turns `LlmSettings` into a running backend (llama vs openai)."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from models.backend import LlmBackend, ModelInfo
from models.errors import ModelError
from models.llama import LlamaCppBackend
from models.planner import LoadPlan, MachineInfo, detect_machine, plan_load
from models.registry import BUNDLED_NAME, read_model_info, resolve_model_path, scan_models
from models.remote import OpenAICompatibleBackend
from models.settings import LlmSettings


def apply_capability(info: ModelInfo, capability: str) -> ModelInfo:
    """Apply the settings' capability override to what the GGUF says."""
    if capability == "auto" or capability == info.capability:
        return info
    if capability == "instruct" and not info.has_chat_template:
        raise ModelError(
            f"{info.name} has no chat template in its GGUF, so it cannot be used as an instruct "
            'model; set capability = "auto" or choose an instruction-tuned GGUF.'
        )
    return replace(info, capability=capability)  # type: ignore[arg-type]


def local_model(settings: LlmSettings, models_dir: Path) -> ModelInfo:
    """ModelInfo of the configured local GGUF (assembling the bundled one if needed)."""
    path = resolve_model_path(settings.model, models_dir)
    info = read_model_info(path, bundled=settings.is_bundled)
    return apply_capability(info, settings.capability)


def plan_for(settings: LlmSettings, models_dir: Path, machine: MachineInfo | None = None) -> tuple[ModelInfo, LoadPlan]:
    info = local_model(settings, models_dir)
    return info, plan_load(info, machine or detect_machine(), settings)


def build_backend(settings: LlmSettings, models_dir: Path, *, machine: MachineInfo | None = None) -> LlmBackend:
    """The configured backend. Nothing is loaded yet: the local model loads on first use."""
    if settings.backend == "openai":
        return OpenAICompatibleBackend.from_settings(settings)
    info, plan = plan_for(settings, Path(models_dir), machine)
    return LlamaCppBackend(info, plan, idle_unload_s=settings.idle_unload_s)


def _info_dict(info: ModelInfo) -> dict[str, Any]:
    data = asdict(info)
    data.pop("chat_template")
    data["path"] = str(info.path) if info.path else None
    return data


def describe(settings: LlmSettings, models_dir: Path, *, machine: MachineInfo | None = None) -> dict[str, Any]:
    """Plain data for `doctor` / `model list`: the configured model, its plan, and what else exists.

    Does not assemble the bundled model or load anything; faults become `error` strings.
    """
    models_dir = Path(models_dir)
    out: dict[str, Any] = {"backend": settings.backend, "model": settings.model, "models_dir": str(models_dir)}
    if settings.backend == "openai":
        out.update(server_url=settings.server_url, server_model=settings.server_model,
                   api_key_env=settings.api_key_env or None,
                   api_key_set=bool(settings.api_key_env and settings.api_key_env in __import__("os").environ))
    else:
        try:
            if settings.is_bundled and not (models_dir / BUNDLED_NAME).is_file():
                out["prepared"] = False
            else:
                machine = machine or detect_machine()
                info, plan = plan_for(settings, models_dir, machine)
                out["info"] = _info_dict(info)
                out["plan"] = {**plan.to_llama_kwargs(), "fully_resident": plan.fully_resident,
                               "expected_slowdown": plan.expected_slowdown,
                               "budget_mb": plan.budget_bytes // 2**20, "kv_mb": round(plan.kv_bytes / 2**20, 1)}
                out["reasons"] = list(plan.reasons)
                out["machine"] = asdict(machine)
        except ModelError as exc:
            out["error"] = str(exc)
    scan = scan_models(models_dir)
    out["available"] = [_info_dict(m) for m in scan.models]
    out["problems"] = [{"path": str(p), "error": e} for p, e in scan.problems]
    return out
