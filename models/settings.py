"""The `[llm]` settings section: which backend, which model, and how to load it.

The app composes it from TOML with `LlmSettings(**section)`; every field is checked
here so that a typo in the config file becomes one clear sentence, not a crash
deep inside llama.cpp.
"""

from __future__ import annotations

from dataclasses import dataclass

BACKENDS = ("llama", "openai")
MMAP_MODES = ("auto", "on", "off")
CAPABILITIES = ("auto", "instruct", "completion")


@dataclass(frozen=True, kw_only=True)
class LlmSettings:
    """How the language model is chosen and loaded.

    Model choice:
        backend: "llama" (in-process llama.cpp) or "openai" (an OpenAI-compatible server).
        model: "bundled" (the shipped Gemma 3 270M) or a path to a GGUF file.
        capability: "auto" (detected from the GGUF chat template), "instruct" or "completion".

    Remote server (backend="openai"):
        server_url: base URL, e.g. "http://127.0.0.1:8080" (with or without "/v1").
        api_key_env: name of an environment variable holding the key ("" = no key).
        server_model: model name sent to the server ("" = the server's default).
        request_timeout_s: seconds before a request is abandoned.

    Local loading (backend="llama"); 0 / -1 / "auto" let the planner decide:
        ram_budget_mb: RAM the model may use (0 = derived from available RAM).
        n_ctx: context length in tokens (0 = auto).
        n_threads: CPU threads (0 = auto).
        n_gpu_layers: layers offloaded to a GPU (-1 = auto, 0 = none).
        mmap: "auto", "on" or "off".
        idle_unload_s: unload the model after this many idle seconds (0 = never).
    """

    backend: str = "llama"
    model: str = "bundled"
    capability: str = "auto"
    server_url: str = ""
    api_key_env: str = ""
    server_model: str = ""
    request_timeout_s: float = 60.0
    ram_budget_mb: int = 0
    n_ctx: int = 0
    n_threads: int = 0
    n_gpu_layers: int = -1
    mmap: str = "auto"
    idle_unload_s: float = 300.0

    def __post_init__(self) -> None:
        def bad(field: str, why: str) -> ValueError:
            return ValueError(f"[llm] {field} {why} (got {getattr(self, field)!r})")

        if self.backend not in BACKENDS:
            raise bad("backend", f"must be one of {', '.join(BACKENDS)}")
        if not isinstance(self.model, str) or not self.model.strip():
            raise bad("model", 'must be "bundled" or a path to a .gguf file')
        if self.capability not in CAPABILITIES:
            raise bad("capability", f"must be one of {', '.join(CAPABILITIES)}")
        if self.mmap not in MMAP_MODES:
            raise bad("mmap", f"must be one of {', '.join(MMAP_MODES)}")
        if self.backend == "openai":
            if not self.server_url.startswith(("http://", "https://")):
                raise bad("server_url", 'must start with http:// or https:// when backend = "openai"')
        if self.api_key_env and not self.api_key_env.replace("_", "").isalnum():
            raise bad("api_key_env", "must be the NAME of an environment variable, not the key itself")
        for name in ("ram_budget_mb", "n_ctx", "n_threads"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise bad(name, "must be a whole number >= 0 (0 = automatic)")
        if not isinstance(self.n_gpu_layers, int) or self.n_gpu_layers < -1:
            raise bad("n_gpu_layers", "must be -1 (automatic), 0 (CPU only) or a layer count")
        if self.n_ctx and self.n_ctx < 128:
            raise bad("n_ctx", "must be 0 (automatic) or at least 128 tokens")
        if not isinstance(self.request_timeout_s, (int, float)) or self.request_timeout_s <= 0:
            raise bad("request_timeout_s", "must be a positive number of seconds")
        if not isinstance(self.idle_unload_s, (int, float)) or self.idle_unload_s < 0:
            raise bad("idle_unload_s", "must be >= 0 seconds (0 = never unload)")

    @property
    def is_bundled(self) -> bool:
        return self.model == "bundled"
