"""LlmSettings validation: every bad value is one clear ValueError."""

from __future__ import annotations

import pytest

from models.settings import LlmSettings


def test_defaults_are_valid_and_bundled() -> None:
    s = LlmSettings()
    assert (s.backend, s.is_bundled, s.idle_unload_s, s.request_timeout_s) == ("llama", True, 300.0, 60.0)


def test_composes_from_a_toml_section() -> None:
    section = {"backend": "openai", "server_url": "http://127.0.0.1:8080/v1", "api_key_env": "MY_KEY",
               "server_model": "qwen", "request_timeout_s": 5}
    s = LlmSettings(**section)
    assert s.server_url.endswith("/v1") and s.api_key_env == "MY_KEY"


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("backend", "ollama", "backend"),
        ("mmap", "maybe", "mmap"),
        ("capability", "chatty", "capability"),
        ("ram_budget_mb", -1, "ram_budget_mb"),
        ("n_ctx", 64, "n_ctx"),
        ("n_threads", 1.5, "n_threads"),
        ("n_gpu_layers", -2, "n_gpu_layers"),
        ("request_timeout_s", 0, "request_timeout_s"),
        ("idle_unload_s", -1, "idle_unload_s"),
        ("model", "  ", "model"),
        ("api_key_env", "sk-abc123!", "NAME of an environment variable"),
    ],
)
def test_bad_values_raise_value_error_naming_the_field(field: str, value: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        LlmSettings(**{field: value})


def test_openai_backend_needs_a_url() -> None:
    with pytest.raises(ValueError, match="server_url"):
        LlmSettings(backend="openai")


def test_unknown_key_is_rejected() -> None:
    with pytest.raises(TypeError):
        LlmSettings(modle="bundled")  # type: ignore[call-arg]


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        LlmSettings().model = "x"  # type: ignore[misc]
