"""Settings saved in the app reach the capture that is running: the storage panel's new age
limit is handed through `GuiApp` to `DesktopCapture` and its service, whose writer deletes the
now-too-old images at once, without a restart. A real store and the real capture service;
only the screen, the windows, idle and OCR are the capture tests' fakes (no display here)."""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtWidgets import QApplication

from memory.ocr_types import OcrLine
from tests.capture.capture_fakes import FakeGrabber, FakeIdle, FakeOcr, FakeWindows, screen


def _fill(settings) -> list:
    """Two images an earlier session left: 40 days old and 2 days old; their files."""
    from app.wiring import open_core

    core = open_core(settings, passphrase=None)
    try:
        files = []
        for age_days in (40, 2):
            ts = dt.datetime.fromtimestamp(time.time() - age_days * 86400).astimezone()
            fid = core.store.frames.add(
                image_bytes=b"x" * 5000, ts=ts, app="Editor", window_title="notes", url=None,
                width=10, height=10, phash="", sources=[],
                ocr_lines=[OcrLine(f"{age_days} days ago", (0, 0, 1, 1), 1.0)])
            files.append(core.store.layout.frames / core.store.frames.get(fid).file)
    finally:
        core.close()
    return files


def test_a_retention_change_reaches_the_running_capture(qtbot, settings_factory, monkeypatch):
    from app import capture_cmd
    from app import gui as gui_mod
    from capture.service import CaptureService
    from capture.window import WindowInfo

    def service(store, settings, batches, capture=None, sink=None):
        return CaptureService(store, FakeOcr(), capture or settings.capture, settings.privacy,
                              FakeWindows(WindowInfo("editor", "notes", 42)), FakeIdle(),
                              batches, grabber=FakeGrabber(screen(["a note"])), sink=sink)

    monkeypatch.setattr(capture_cmd, "build_capture_service", service)
    settings = settings_factory(encrypt=False)
    old, recent = _fill(settings)
    g = gui_mod.GuiApp(QApplication.instance(), settings,
                       capture_factory=capture_cmd.DesktopCapture)
    g.open(None)
    try:
        qtbot.waitUntil(lambda: g.window is not None, timeout=60_000)
        assert g.capture is not None
        qtbot.wait(500)          # capture's first retention run (at its start): 90 days keeps both
        assert old.exists() and recent.exists()

        panel = g.window.open_storage()
        dlg = panel.change_retention()
        dlg.age.setValue(30)
        with qtbot.waitSignal(g.window.settingsSaved, timeout=5000):
            dlg.accept()
        qtbot.waitUntil(lambda: not old.exists(), timeout=10_000)
        assert recent.exists()
        assert g.settings.capture.max_frame_age_days == 30   # an unlock restarts capture with it

        # the settings dialog opens with what the panel saved, and what it saves reaches
        # the panel and the running app the same way
        sd = g.window.open_settings()
        assert sd.age.value() == 30
        sd.budget.setValue(5000)
        with qtbot.waitSignal(g.window.settingsSaved, timeout=5000):
            sd.accept()
        assert panel.settings.capture.max_frames_mb == 5000
        assert g.settings.capture.max_frames_mb == 5000
    finally:
        g.shutdown()
