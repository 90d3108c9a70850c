"""The desktop app's composition: QApplication, passphrase, core (opened off the GUI
thread), main window, tray; and one shutdown path joined to `aboutToQuit`.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.hygiene import private_copy, wipe
from app.options import RunOptions
from app.settings import Settings, to_toml_dict
from app.wiring import Core, open_core, read_passphrase
from memory.errors import LockedError
from models.files import atomic_write

if TYPE_CHECKING:   # the widgets are imported when the GUI builds them, not at import
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.capture_log import CaptureLog
    from capture.service import CaptureStatus, StateSink
    from ui.lock import LockScreen
    from ui.main_window import MainWindow
    from ui.tray import Tray

log = logging.getLogger(__name__)

SHUTDOWN_MS = 3000
SETTINGS_MODE = 0o644   # as a plain write under the usual umask left it
PIPELINE_EVERY_MS = 60_000   # captured observations become memories about once a minute


def save_settings(settings: Settings) -> None:
    """Write the settings tree to its config file, atomically (a crash keeps the old one)."""
    import tomli_w

    text = tomli_w.dumps(to_toml_dict(settings))
    path = Path(settings.paths.config_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text, mode=SETTINGS_MODE)
    log.info("settings saved to %s", path)


def _quit_on_signals(app) -> None:
    """SIGTERM (logout, `kill`) and Ctrl+C quit through the one shutdown path. Python runs
    signal handlers only between bytecodes, so a timer lets it in while Qt's loop waits."""
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _ask_passphrase(parent=None, message: str = "") -> str | None:
    from ui.passphrase import UnlockDialog

    dialog = UnlockDialog(message, parent)
    text = dialog.passphrase() if dialog.exec() == UnlockDialog.DialogCode.Accepted else ""
    dialog.field.clear()
    return text or None


def _choose_passphrase() -> tuple[str, bool] | None:
    """First run of an encrypted history: (passphrase, keep a keyring copy), or None."""
    from app import keychain
    from memory.store.crypto import MIN_PASSPHRASE_CHARS, passphrase_strength
    from ui.passphrase import ChoosePassphraseDialog

    dialog = ChoosePassphraseDialog(strength=passphrase_strength,
                                    min_chars=MIN_PASSPHRASE_CHARS,
                                    keyring=keychain.available())
    accepted = dialog.exec() == ChoosePassphraseDialog.DialogCode.Accepted
    choice = (dialog.passphrase(), dialog.keep_in_keyring()) if accepted else None
    dialog.clear()
    return choice


class AppCapture(Protocol):
    """What the app asks of capture (`app.capture_cmd.DesktopCapture`); the tray's
    `ui.tray.CaptureController` is the pause/resume/status part of it."""

    def start(self) -> None: ...

    def stop(self, timeout: float = ...) -> object: ...

    def pause(self, minutes: float | None = None) -> None: ...

    def resume(self) -> None: ...

    def status(self) -> CaptureStatus: ...

    def take_batches(self) -> int:
        """Drain what capture stored since the last call; the number of observations."""
        ...

    def apply_settings(self, settings: Settings) -> None:
        """Settings saved while capture runs: retention (`capture.service.LIVE_SETTINGS`)
        applies from capture's next retention run, at once when tightened."""
        ...


class GuiApp:
    """Holds what the GUI owns, so shutdown can release it in order, once."""

    def __init__(self, app: QApplication, settings: Settings, *,
                 capture_factory: Callable[[Core, StateSink | None], AppCapture] | None = None
                 ) -> None:
        from ui.workers import WorkerPool

        self.app = app
        self.settings = settings
        self.capture_factory = capture_factory
        self.store_pool = WorkerPool("store", max_threads=1)
        self.chat_pool = WorkerPool("chat", max_threads=1)
        self.core: Core | None = None
        self.capture: AppCapture | None = None
        self.capture_log: CaptureLog | None = None   # capture's states, into the store
        self.window: MainWindow | None = None
        self.tray: Tray | None = None
        self.start_capture = True   # at the next open (an unlock: as capture was at the lock)
        self.exit_code = 0
        self._shut = False
        self._pipeline_timer: QTimer | None = None
        self._pipeline_busy = False
        self.lock_screen: LockScreen | None = None     # shown while locked
        self._unlocking = False
        self._secret: str | None = None   # the passphrase, only while the store opens
        self.keep_in_keyring = False      # first run: the user asked for a keyring copy

    def open(self, passphrase: str | None) -> None:
        """Open the core off the GUI thread. The passphrase is overwritten in memory once
        the store has its keys (or refused it): nothing keeps it while the app runs."""
        self._forget_secret()
        self._secret = private_copy(passphrase)   # ours to wipe; the caller keeps its own
        self.store_pool.submit(open_core, self.settings, passphrase=self._secret,
                               on_returned=self._on_core, on_errored=self._on_core_error)
        log.info("opening the store in the background")

    def _forget_secret(self) -> None:
        wipe(self._secret)
        self._secret = None

    def _on_core(self, core: Core) -> None:
        from app.capture_log import CAPTURE_OFF, CaptureLog
        from ui.main_window import MainWindow
        from ui.tray import Tray

        if self.keep_in_keyring and self._secret:
            from app import keychain

            keychain.save(self.settings.paths.data_dir, self._secret)
        self.keep_in_keyring = False
        self._forget_secret()
        self.core = core
        log.info("core ready")
        try:   # an unlock ends the lock span the lock began
            self.capture_log = CaptureLog(core.store, after_unlock=self._unlocking)
        except Exception as e:  # the log is a record: the app runs without it
            log.warning("capture log unavailable: %s", e)
        if self._unlocking:
            self._unlocking = False
            if self.lock_screen is not None:
                self.lock_screen.hide()
            log.info("unlocked")
        if self.capture_factory is not None and self.start_capture:
            try:
                self.capture = self.capture_factory(core, self.capture_log)
                self.capture.start()
                log.info("capture started")
            except Exception as e:  # capture failing must not take the timeline down
                log.warning("capture could not start: %s", e)
                self.capture = None
                if self.capture_log is not None:
                    self.capture_log.note("error", f"capture could not start: {e}")
        elif self.capture_log is not None:
            self.capture_log.note("stopped", CAPTURE_OFF)
        self.tray = Tray(self.capture)
        self.window = MainWindow(core, store_pool=self.store_pool, chat_pool=self.chat_pool,
                                 save_settings=save_settings, use_llm=core.settings.memory.use_llm,
                                 hide_on_close=self.tray.icon.isSystemTrayAvailable())
        self.tray.openRequested.connect(self._show_window)
        self.tray.quitRequested.connect(self.app.quit)
        self.tray.lockRequested.connect(self.lock)
        self.tray.lock_action.setEnabled(core.store.encrypted)
        self.window.follow_capture(self.tray)
        self.window.quitRequested.connect(self.app.quit)
        self.window.lockRequested.connect(self.lock)
        self.window.settingsSaved.connect(self._settings_saved)
        self.tray.show()
        self.window.show()
        self.window.start()
        log.info("main window shown")
        # What is alive now (libraries, Qt wrappers, the open store) lives as long as the
        # app: taken out of the collector's scans, a full collection while the user types
        # no longer stalls the GUI thread for 60-120 ms (bench/bench_ui.py, --no-gc-freeze).
        gc.collect()
        gc.freeze()
        self._start_pipeline()

    def _settings_saved(self, new: Settings) -> None:
        """Saved settings (the settings dialog, Change retention…): the running capture
        takes its retention now, and capture restarted by an unlock runs with the new capture
        section (the rest, a data directory above all, waits for the app's next start)."""
        from dataclasses import replace

        self.settings = replace(self.settings, capture=new.capture)
        if self.capture is not None:
            try:
                self.capture.apply_settings(new)
            except Exception as e:  # saved to the file: capture takes them at its next start
                log.warning("capture could not take the new settings: %s", e)

    # -- the memory pipeline, fed by capture ------------------------------------------------
    def _start_pipeline(self) -> None:
        """Observations left unprocessed (a previous session, an import) are turned into
        memories now, then whatever capture stored, about once a minute, off the GUI thread."""
        from PySide6.QtCore import QTimer

        self._run_pipeline()
        if self.capture is not None:
            self._pipeline_timer = QTimer(self.app)
            self._pipeline_timer.timeout.connect(self._pipeline_tick)
            self._pipeline_timer.start(PIPELINE_EVERY_MS)

    def _pipeline_tick(self) -> None:
        if self.capture is not None and self.capture.take_batches() and \
                not self._pipeline_busy:
            self._run_pipeline()

    def _run_pipeline(self) -> None:
        from memory.pipeline import run_pending

        self._pipeline_busy = True
        self.store_pool.submit(run_pending, self.core, use_llm=self.settings.memory.use_llm,
                               on_returned=self._pipeline_done, on_errored=self._pipeline_failed)

    def _pipeline_done(self, result: dict) -> None:
        self._pipeline_busy = False
        if result.get("observations"):
            log.info("memory pipeline: %s", result)
            if self.window is not None:
                self.window.refresh()

    def _pipeline_failed(self, e: Exception) -> None:
        self._pipeline_busy = False
        log.warning("memory pipeline failed (the observations stay queued): %s", e)

    def _on_core_error(self, e: Exception) -> None:
        from PySide6.QtWidgets import QMessageBox

        self._forget_secret()
        # unlock() sets _unlocking, from the lock screen
        if self._unlocking and self.lock_screen is not None:
            # a wrong passphrase at unlock: say so, stay locked
            self._unlocking = False
            log.info("unlock refused: %s", e)
            self.lock_screen.say(str(e) or "The history could not be opened.")
            self.lock_screen.unlock_button.setEnabled(True)
            return
        if isinstance(e, LockedError) and self.core is None and self.lock_screen is None:
            # A wrong passphrase at start: say so and ask again (Cancel quits).
            log.info("unlock at start refused")
            again = _ask_passphrase(None, str(e))
            if again:
                self.open(again)
                wipe(again)
                return
            self.exit_code = 1
            self.app.quit()
            return
        log.error("cannot open the store: %s", type(e).__name__,
                  exc_info=not isinstance(e, LockedError))
        QMessageBox.critical(None, "Commonplace cannot start", str(e) or repr(e))
        self.exit_code = 1
        self.app.quit()

    def _show_window(self) -> None:
        if self.window is not None:
            self.window.show()
            self.window.raise_()
            self.window.activateWindow()

    # -- lock / unlock ----------------------------------------------------------------------
    def lock(self) -> None:
        """Capture stops (what it holds is flushed into the encrypted store), the window and
        every worker go, the store closes and its keys leave memory; a small lock screen
        stays. Only an encrypted history can be locked."""
        from ui.lock import LockScreen

        if self.core is None or not self.core.store.encrypted or self._shut:
            return
        self.start_capture = self.capture is not None   # what unlock brings back
        if self.capture_log is not None:   # written before the store closes
            self.capture_log.lock()
            self.capture_log = None
        self._release()
        self.store_pool.reopen()
        self.chat_pool.reopen()
        if self.lock_screen is None:
            self.lock_screen = LockScreen()
            self.lock_screen.unlockRequested.connect(self.unlock)
            self.lock_screen.quitRequested.connect(self.app.quit)
        self.lock_screen.say("")
        self.lock_screen.unlock_button.setEnabled(True)
        self.lock_screen.show()
        log.info("locked")

    def _release(self) -> None:
        """What lock and quit share, in order: the pipeline timer, capture, the workers
        (bounded waits), the window (its caches of decrypted text and images first), the
        tray, the core (the store closes and wipes its keys); then the clipboard if it holds
        our text, and a collection so nothing decrypted stays referenced."""
        from PySide6.QtCore import QTimer

        if self._pipeline_timer is not None:
            self._pipeline_timer.stop()
            self._pipeline_timer = None
        if self.capture_log is not None:   # first: capture's "stopped" is the app quitting
            self.capture_log.close()
            self.capture_log = None
        if self.capture is not None:
            try:
                self.capture.stop(timeout=SHUTDOWN_MS / 1000)
            except Exception as e:  # releasing goes on: the store closes either way
                log.warning("capture stop failed: %s", e)
            self.capture = None
        if self.window is not None:
            self.window.hide()
        self.chat_pool.shutdown(SHUTDOWN_MS)
        self.store_pool.shutdown(SHUTDOWN_MS)
        if self.window is not None:   # after the workers: no result lands on a dead widget
            self.window.forget()
            self.window.deleteLater()
            self.window = None
        if self.tray is not None:
            self.tray.close()
            self.tray = None
        if self.core is not None:
            self.core.close()
            self.core = None
        self._pipeline_busy = False
        self._forget_secret()
        _clear_clipboard(self.app)
        gc.unfreeze()   # what open froze (decrypted caches among it) can be collected again
        gc.collect()
        QTimer.singleShot(0, gc.collect)   # again once the deleted window is gone

    def unlock(self, passphrase: str | None = None) -> None:
        """Ask the passphrase (unless given) and open everything again, as at start."""
        if self.core is not None or self._unlocking or self.lock_screen is None:
            return   # open, opening, or never locked
        passphrase = passphrase or _ask_passphrase(self.lock_screen)
        if not passphrase:
            return
        self._unlocking = True
        self.lock_screen.unlock_button.setEnabled(False)
        self.lock_screen.say("Unlocking…")
        self.open(passphrase)

    @property
    def locked(self) -> bool:
        return self.core is None and self.lock_screen is not None and \
            self.lock_screen.isVisible()

    def shutdown(self) -> None:
        """The one shutdown path: what lock releases, then the lock screen."""
        if self._shut:
            return
        self._shut = True
        self._release()
        if self.lock_screen is not None:
            self.lock_screen.close()
        log.info("gui shut down")


def _clear_clipboard(app) -> None:
    """Text the user copied out of the app is decrypted history: it goes with the lock.
    Only what this app put there (X11 also has the selection a drag leaves)."""
    from PySide6.QtGui import QClipboard

    cb = app.clipboard()
    if cb.ownsClipboard():
        cb.clear(QClipboard.Mode.Clipboard)
    if cb.supportsSelection() and cb.ownsSelection():
        cb.clear(QClipboard.Mode.Selection)


def run_gui(settings: Settings, args: RunOptions, *,
            capture_factory: Callable[[Core, StateSink | None], AppCapture] | None = None
            ) -> int:
    """Run the desktop app until quit; returns the exit code.

    `capture_factory(core, sink)` builds the capture service (start/stop/pause/resume/
    status), telling `sink` (the capture log) its changes of state;
    without one the app is a viewer of existing history and the tray says capture is off.
    """
    from app.single_instance import for_data_dir

    guard = for_data_dir(settings.paths.data_dir)
    if not guard.acquire():
        if guard.notify("focus"):
            print("Commonplace is already running; its window was brought to the front.")
            return 0
        print("Commonplace is already running for this data directory but does not answer; "
              "quit it (or end its process) and start again.", file=sys.stderr)
        return 1
    try:
        return _run_gui(settings, args, guard, capture_factory)
    finally:
        guard.release()


def _run_gui(settings: Settings, args: RunOptions, guard, capture_factory) -> int:
    from PySide6.QtCore import QObject, Qt, Signal
    from PySide6.QtWidgets import QApplication

    from memory.store.database import is_encrypted
    from ui.first_run import FirstRunDialog

    existing = QApplication.instance()   # pytest-qt's, in tests
    app = existing if isinstance(existing, QApplication) else \
        QApplication(["commonplace"])   # names its X class
    app.setApplicationName("Commonplace")
    app.setQuitOnLastWindowClosed(False)
    try:
        passphrase = read_passphrase(args.passphrase_file)
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
    if needs_passphrase and not passphrase and encrypted is None:
        choice = _choose_passphrase()
        if choice is None:
            return 1
        passphrase, gui.keep_in_keyring = choice
    elif needs_passphrase and not passphrase:
        from app import keychain

        passphrase = keychain.load(settings.paths.data_dir) or _ask_passphrase()
        if passphrase is None:
            return 1
    elif not needs_passphrase:
        wipe(passphrase)
        passphrase = None
    app.aboutToQuit.connect(gui.shutdown)
    _quit_on_signals(app)

    class _Focus(QObject):   # a later launch's "focus", hopped onto the GUI thread
        asked = Signal()

    focus = _Focus()
    focus.asked.connect(gui._show_window, Qt.ConnectionType.QueuedConnection)
    guard.serve(lambda msg: focus.asked.emit() if msg == "focus" else None)
    gui.open(passphrase)
    wipe(passphrase)   # read here, ours: the GuiApp works on its own copy
    del passphrase
    code = app.exec()
    gui.shutdown()
    return gui.exit_code or code
