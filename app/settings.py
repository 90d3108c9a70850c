"""One typed, frozen settings tree, loaded once from TOML and command-line overrides.

Each component receives only its own section (capture, memory, llm, privacy); paths are
plain values so tests and evaluations point everything at a temporary directory.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.mcp_server.scope import McpSettings
from capture.settings import CaptureSettings, PrivacySettings
from memory.settings import MemorySettings
from models.errors import CommonplaceError
from models.settings import LlmSettings

APP_NAME = "commonplace"


class SettingsError(CommonplaceError):
    """The config file or a command-line override is invalid."""


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_file: Path

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"


@dataclass(frozen=True)
class Settings:
    paths: Paths
    capture: CaptureSettings
    memory: MemorySettings
    llm: LlmSettings
    privacy: PrivacySettings
    mcp: McpSettings = McpSettings()   # off until enabled (app/mcp_server/scope.py)


def default_paths(*, data_dir: Path | None = None, config_file: Path | None = None) -> Paths:
    import platformdirs

    return Paths(
        data_dir=Path(data_dir) if data_dir else Path(platformdirs.user_data_dir(APP_NAME)),
        config_file=Path(config_file) if config_file
        else Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml")


def _section(cls, raw: dict[str, Any], name: str):
    if not isinstance(raw, dict):
        raise SettingsError(f"[{name}] in the config file must be a table.")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise SettingsError(f"Unknown setting(s) in [{name}]: {', '.join(unknown)}. "
                            f"Known: {', '.join(sorted(fields))}.")
    values = {}
    for key, value in raw.items():
        default = getattr(cls(), key) if key in fields else None
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
        if default is not None and not isinstance(value, type(default)) and not (
                isinstance(default, float) and isinstance(value, int)):
            raise SettingsError(f"[{name}] {key} must be a {type(default).__name__}, "
                                f"not {value!r}.")
        values[key] = value
    try:
        return cls(**values)
    except (ValueError, TypeError) as e:
        raise SettingsError(f"[{name}]: {e}") from e


def load_settings(*, data_dir: Path | None = None, config_file: Path | None = None,
                  overrides: dict[str, dict[str, Any]] | None = None) -> Settings:
    """Read the config file (if any) and apply overrides ({section: {key: value}})."""
    config_file = config_file or (Path(os.environ["COMMONPLACE_CONFIG"])
                                  if os.environ.get("COMMONPLACE_CONFIG") else None)
    paths = default_paths(data_dir=data_dir, config_file=config_file)
    raw: dict[str, Any] = {}
    if paths.config_file.exists():
        try:
            raw = tomllib.loads(paths.config_file.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise SettingsError(f"Cannot read the config file {paths.config_file}: {e}") from e
    for section, values in (overrides or {}).items():
        raw.setdefault(section, {}).update(values)
    known = {"paths", "capture", "memory", "llm", "privacy", "mcp"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(f"Unknown section(s) in {paths.config_file}: {', '.join(unknown)}.")
    if "paths" in raw and raw["paths"].get("data_dir") and data_dir is None:
        paths = Paths(Path(raw["paths"]["data_dir"]).expanduser(), paths.config_file)
    return Settings(paths=paths,
                    capture=_section(CaptureSettings, raw.get("capture", {}), "capture"),
                    memory=_section(MemorySettings, raw.get("memory", {}), "memory"),
                    llm=_section(LlmSettings, raw.get("llm", {}), "llm"),
                    privacy=_section(PrivacySettings, raw.get("privacy", {}), "privacy"),
                    mcp=McpSettings.from_toml(raw.get("mcp", {})))


def to_toml_dict(settings: Settings) -> dict[str, dict[str, Any]]:
    """The settings as TOML tables (for the settings dialog to write back)."""
    out: dict[str, dict[str, Any]] = {"paths": {"data_dir": str(settings.paths.data_dir)}}
    for name in ("capture", "memory", "llm", "privacy"):
        out[name] = {k: list(v) if isinstance(v, tuple) else v
                     for k, v in dataclasses.asdict(getattr(settings, name)).items()}
    out["mcp"] = settings.mcp.as_toml()
    return out
