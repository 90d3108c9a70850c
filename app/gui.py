"""The desktop app's composition: QApplication, passphrase, core (opened off the GUI
thread), main window, tray; and one shutdown path joined to `aboutToQuit`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Callable

from app.settings import Settings, to_toml_dict
from app.wiring import Core, open_core, read_passphrase
from memory.errors import LockedError

log = logging.getLogger(__name__)

SHUTDOWN_MS = 3000


def save_settings(settings: Settings) -> None:
    """Write the settings tree to its config file (tomli_w if installed, else a tiny writer)."""
    from ui.settings_dialog import dump_toml

    tables = to_toml_dict(settings)
    try:
        import tomli_w
        text = tomli_w.dumps(tables)
    except ImportError:
        text = dump_toml(tables)
    path = Path(settings.paths.config_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(path)
    log.info("settings saved to %s", path)


def _ask_passphrase(parent=None) -> str | None:
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(parent, "Unlock Commonplace",
                                    "Passphrase for your encrypted history:",
                                    QLineEdit.EchoMode.Password)
    return text if ok and text else None


class GuiApp:
    """Holds what the GUI owns, so shutdown can release it in order, once."""

    def __init__(self, app, settings: Settings, *,
                 capture_factory: Callable[[Core], object] | None = None) -> None:
        from ui.workers import WorkerPool

        self.app = app
        self.settings = settings
        self.capture_factory = capture_factory
        self.store_pool = WorkerPool("store", max_threads=1)
        self.chat_pool = WorkerPool("chat", max_threads=1)
        self.core: Core | None = None
        self.capture = None
        self.window = None
        self.tray = None
        self.start_capture = True
        self.exit_code = 0
        self._shut = False

    def open(self, passphrase: str | None) -> None:
        self.store_pool.submit(open_core, self.settings, passphrase=passphrase,
                               on_returned=self._on_core, on_errored=self._on_core_error)
        log.info("opening the store in the background")

    def _on_core(self, core: Core) -> None:
        from ui.main_window import MainWindow
        from ui.tray import Tray

        self.core = core
        log.info("core ready")
        if self.capture_factory is not None and self.start_capture:
            try:
                self.capture = self.capture_factory(core)
                self.capture.start()
                log.info("capture started")
            except Exception as e:  # capture failing must not take the timeline down
                log.warning("capture could not start: %s", e)
                self.capture = None
        self.tray = Tray(self.capture)
        self.window = MainWindow(core, store_pool=self.store_pool, chat_pool=self.chat_pool,
                                 save_settings=save_settings, use_llm=core.settings.memory.use_llm,
                                 hide_on_close=self.tray.icon.isSystemTrayAvailable())
        self.tray.openRequested.connect(self._show_window)
        self.tray.quitRequested.connect(self.app.quit)
        self.tray.stateChanged.connect(self.window.set_capture_state)
        self.window.set_capture_state(self.tray.state)
        self.window.quitRequested.connect(self.app.quit)
        self.tray.show()
        self.window.show()
        self.window.start()
        log.info("main window shown")

    def _on_core_error(self, e: Exception) -> None:
        from PySide6.QtWidgets import QMessageBox

        log.error("cannot open the store: %s", e, exc_info=not isinstance(e, LockedError))
        QMessageBox.critical(None, "Commonplace cannot start", str(e) or repr(e))
        self.exit_code = 1
        self.app.quit()

    def _show_window(self) -> None:
        if self.window is not None:
            self.window.show()
            self.window.raise_()
            self.window.activateWindow()

    def shutdown(self) -> None:
        """The one shutdown path: tray, capture, workers (bounded), core."""
        if self._shut:
            return
        self._shut = True
        if self.tray is not None:
            self.tray.close()
        if self.chat_pool is not None:
            self.chat_pool.shutdown(SHUTDOWN_MS)
        if self.capture is not None:
            try:
                self.capture.stop(timeout=SHUTDOWN_MS / 1000)
            except Exception as e:  # shutting down: report and keep releasing the rest
                log.warning("capture stop failed: %s", e)
        self.store_pool.shutdown(SHUTDOWN_MS)
        if self.core is not None:
            self.core.close()
        log.info("gui shut down")


def run_gui(settings: Settings, args, *,
            capture_factory: Callable[[Core], object] | None = None) -> int:
    """Run the desktop app until quit; returns the exit code.

    `capture_factory(core)` builds the capture service (start/stop/pause/resume/status);
    without one the app is a viewer of existing history and the tray says capture is off.
    """
    from PySide6.QtWidgets import QApplication

    from memory.store.database import is_encrypted
    from ui.first_run import FirstRunDialog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Commonplace")
    app.setQuitOnLastWindowClosed(False)
    try:
        passphrase = read_passphrase(getattr(args, "passphrase_file", None))
    except LockedError as e:
        print(str(e), file=sys.stderr)
        return 2
    encrypted = is_encrypted(settings.paths.data_dir)
    gui = GuiApp(app, settings, capture_factory=capture_factory)
    if encrypted is None:   # a new data directory: explain first, let the user choose
        first = FirstRunDialog(settings)
        gui.start_capture = first.exec() == FirstRunDialog.DialogCode.Accepted
        log.info("first run: capture %s", "started" if gui.start_capture else "not started")
    needs_passphrase = encrypted or (encrypted is None and settings.privacy.encrypt)
    if needs_passphrase and not passphrase:
        passphrase = _ask_passphrase()
        if passphrase is None:
            return 1
    app.aboutToQuit.connect(gui.shutdown)
    gui.open(passphrase)
    code = app.exec()
    gui.shutdown()
    return gui.exit_code or code
