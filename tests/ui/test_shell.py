"""Settings round-trip, the tray over a fake capture controller, first run.

(The memory browser's tests are in test_memories.py.)"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from capture.service import State
from ui.settings_dialog import SettingsDialog
from ui.tray import Tray


def test_settings_round_trip(qtbot, settings_factory, tmp_path, grab):
    from app.gui import save_settings
    from app.settings import load_settings

    settings = settings_factory()
    dlg = SettingsDialog(settings, save_settings)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.interval.setValue(7.5)
    dlg.apps.setPlainText("KeePassXC\nsignal")
    dlg.ram.setValue(1536)
    grab(dlg, "settings_dialog")
    with qtbot.waitSignal(dlg.saved, timeout=2000) as saved:
        qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Save),
                         Qt.MouseButton.LeftButton)
    new = saved.args[0]
    assert new.capture.interval_s == 7.5 and new.llm.ram_budget_mb == 1536
    reloaded = load_settings(config_file=settings.paths.config_file)
    assert reloaded == new
    assert reloaded.privacy.excluded_apps == ("keepassxc", "signal")


def test_settings_invalid_value_is_shown_inline(qtbot, settings_factory):
    saved = []
    dlg = SettingsDialog(settings_factory(), saved.append)
    qtbot.addWidget(dlg)
    dlg.backend.setCurrentText("openai")   # needs a server URL
    dlg.server.setText("")
    dlg.accept()
    assert not saved and dlg.error.isVisibleTo(dlg) and "server_url" in dlg.error.text()


@dataclass
class FakeStatus:
    state: State
    message: str = ""
    paused_until: float | None = None


class FakeCapture:
    def __init__(self) -> None:
        self.state = State.RECORDING
        self.calls: list = []
        self.broken = False

    def pause(self, minutes=None):
        self.calls.append(("pause", minutes))
        self.state = State.PAUSED

    def resume(self):
        self.calls.append(("resume",))
        self.state = State.RECORDING

    def status(self):
        if self.broken:
            raise OSError("screen grab failed")
        return FakeStatus(self.state, "")


def test_tray_pause_resume_drives_capture(qtbot):
    cap = FakeCapture()
    tray = Tray(cap, poll_ms=60000)
    assert tray.state == "recording" and not tray.resume_action.isEnabled()
    with qtbot.waitSignal(tray.stateChanged, timeout=1000) as s:
        tray.pause15_action.trigger()
    assert s.args == ["paused"] and cap.calls == [("pause", 15)]
    assert tray.resume_action.isEnabled() and not tray.pause_action.isEnabled()
    with qtbot.waitSignal(tray.stateChanged, timeout=1000) as s:
        tray.resume_action.trigger()
    assert s.args == ["recording"] and cap.calls[-1] == ("resume",)
    tray.pause_action.trigger()
    assert cap.calls[-1] == ("pause", None)
    cap.broken = True
    with qtbot.waitSignal(tray.stateChanged, timeout=1000) as s:
        tray.refresh()
    assert s.args == ["error"] and "screen grab failed" in tray.status_action.text()
    with qtbot.waitSignal(tray.quitRequested, timeout=1000):
        tray.quit_action.trigger()
    tray.close()


def test_tray_without_capture_says_off(qtbot):
    tray = Tray(None, poll_ms=60000)
    assert tray.state == "off" and not tray.pause_action.isEnabled()
    tray.close()


def test_first_run_explains_and_lets_the_user_choose(qtbot, settings_factory, grab):
    from ui.first_run import FirstRunDialog

    s = settings_factory()
    dlg = FirstRunDialog(s)
    qtbot.addWidget(dlg)
    dlg.show()
    text = dlg.findChild(type(dlg.layout().itemAt(0).widget())).text()
    assert str(s.paths.data_dir) in text and "encrypted" in text
    grab(dlg, "first_run")
    with qtbot.waitSignal(dlg.accepted, timeout=1000):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)



def test_status_bar_says_why_capture_cannot_see_the_screen(qtbot, pools, open_store,
                                                           settings_factory):
    """A real capture service that reads black frames (an X11 grab on Wayland) goes into its
    error state with a reason; the main window's status bar shows that reason (through the
    tray, as the app wires them), not a bare "Capture: error", and recovers with capture."""
    import queue
    from types import SimpleNamespace

    from PIL import Image

    from capture.health import BLACK
    from capture.service import CaptureService
    from capture.settings import CaptureSettings, PrivacySettings
    from capture.window import WindowInfo
    from tests.capture.capture_fakes import Clock, FakeGrabber, FakeIdle, FakeOcr, FakeWindows
    from tests.capture.capture_fakes import screen as drawn_screen
    from ui.main_window import MainWindow

    store = open_store()
    clock = Clock()
    grabber = FakeGrabber(Image.new("RGB", (800, 450), "black"))
    svc = CaptureService(store, FakeOcr(), CaptureSettings(interval_s=2.0, busy_gap_s=0.0),
                         PrivacySettings(), FakeWindows(WindowInfo("notesapp", "Notes", 42)),
                         FakeIdle(), queue.Queue(), clock, grabber=grabber)
    svc.start(schedule=False)
    core = SimpleNamespace(settings=settings_factory(), store=store, retriever=None,
                           backend=lambda: None, answerer=lambda backend: None)
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], use_llm=False)
    qtbot.addWidget(w)
    tray = Tray(svc, poll_ms=60000)
    w.follow_capture(tray)
    try:
        assert w.capture_label.text() == "Capture: recording"
        for _ in range(6):
            clock.advance(2.5)
            svc.poll()
        assert svc.status().state is State.ERROR and svc.status().message == BLACK
        tray.refresh()
        assert w.capture_label.text() == f"Capture problem: {BLACK}"
        # the screen shows again: the next kept frame clears the reason
        grabber.image = drawn_screen(["Buy apples", "Call the dentist"])
        for _ in range(3):
            clock.advance(2.5)
            svc.poll()
        tray.refresh()
        assert svc.status().state is State.RECORDING
        assert w.capture_label.text() == "Capture: recording"
    finally:
        tray.close()
        svc.stop(10)
