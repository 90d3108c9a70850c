"""UI fixtures: offscreen Qt, a Core over the session's real screenshot store, worker
pools shut down after each test, and `grab()` to keep a PNG of what a test saw."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")   # before anything imports Qt

import datetime as dt
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "ui"
DAY = dt.date(2026, 2, 17)
ASKED_AT = dt.datetime(2026, 2, 17, 20, 0).astimezone()


@pytest.fixture(autouse=True)
def _qt_messages_are_errors(qapp):
    """A Qt warning during a UI test fails it (qtbot's log capture would only show it)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    seen: list[str] = []

    def handler(kind, _ctx, msg):
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            # offscreen has no tray and no font database hints: not the app's fault
            if "propagateSizeHints" not in msg and "QFont::" not in msg:
                seen.append(msg)
    previous = qInstallMessageHandler(handler)
    yield
    qInstallMessageHandler(previous)
    assert not seen, f"Qt warnings: {seen}"


@pytest.fixture
def pools():
    from ui.workers import WorkerPool

    store, chat = WorkerPool("store"), WorkerPool("chat")
    yield store, chat
    assert chat.shutdown(5000) and store.shutdown(5000)


@pytest.fixture
def screens_core(screens_store, ocr, settings_factory):
    from app.wiring import Core
    from memory.retrieval import Retriever

    # session-owned store: never closed here
    return Core(settings=settings_factory(), store=screens_store, ocr=ocr,
                retriever=Retriever(screens_store))


def core_with_backend(core, backend):
    """`core` as the main window sees it, with `backend` (a callable giving the LLM, or
    None: the reader alone) instead of the bundled model."""
    from types import SimpleNamespace

    return SimpleNamespace(settings=core.settings, store=core.store, retriever=core.retriever,
                           backend=backend, answerer=core.answerer)


@pytest.fixture
def grab():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(widget, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        assert widget.grab().save(str(path)), f"could not save {path}"
        return path
    return save
