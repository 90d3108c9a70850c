"""The main window: Timeline, Chat and Memories tabs over one core."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from memory.api import capture_coverage
from ui.chat.panel import ChatPanel
from ui.memories.browser import MemoriesBrowser
from ui.search.panel import SearchPanel
from ui.settings_dialog import SettingsDialog
from ui.storage import StorageButton, StoragePanel
from ui.style import Theme, app_icon
from ui.timeline.view import TimelineView

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    quitRequested = Signal()
    lockRequested = Signal()
    settingsSaved = Signal(object)

    def __init__(self, core, *, store_pool, chat_pool, save_settings: Callable | None = None,
                 use_llm: bool = True, now: Callable[[], dt.datetime | None] = lambda: None,
                 hide_on_close: bool = False, parent=None) -> None:
        """`core` (app.wiring.Core) has .settings, .store (its repositories), .answerer (a
        factory taking the lazy LLM) and .backend (a lazy LLM factory)."""
        super().__init__(parent)
        self.setWindowTitle("Commonplace")
        self.setWindowIcon(app_icon())
        self.resize(1200, 800)
        self.theme = Theme(self, parent=self)   # the system's light or dark, followed
        self.core = core
        self._store_pool = store_pool
        self._now = now
        self.search: SearchPanel | None = None   # built at its first Ctrl+K
        self.storage: StoragePanel | None = None   # built when first opened
        self._save = save_settings
        self.hide_on_close = hide_on_close
        self.timeline = TimelineView(core.store.frames, store_pool,
                                     memories=core.store.memories,
                                     coverage=partial(capture_coverage, core.store))
        self.chat = ChatPanel(chat_pool, core.answerer, core.backend if use_llm else None,
                              store=core.store,
                              store_pool=store_pool, now=now)
        self.memories = MemoriesBrowser(core.store, store_pool)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Sections")
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(self.chat, "Ask")
        self.tabs.addTab(self.memories, "Memories")
        self.setCentralWidget(self.tabs)
        self.capture_label = QLabel()
        self.statusBar().addPermanentWidget(self.capture_label)
        self.storage_button = StorageButton(core.store, store_pool, core.settings)
        self.statusBar().addPermanentWidget(self.storage_button)
        menu = self.menuBar().addMenu("&Commonplace")
        self.settings_action = QAction("Settings…", self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.lock_action = QAction("Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        if not core.store.encrypted:
            self.lock_action.setEnabled(False)
            self.lock_action.setToolTip("This history is not encrypted: there is nothing to "
                                        "lock.")
        self.quit_action = QAction("Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.search_action = QAction("Search everything…", self)
        self.search_action.setShortcut(QKeySequence("Ctrl+K"))
        self.search_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.addAction(self.search_action)   # reachable with the menu bar hidden too
        menu.addAction(self.search_action)
        menu.addAction(self.settings_action)
        self.storage_action = menu.addAction("Storage…")
        self.audit_action = menu.addAction("What other tools read (MCP)…")
        menu.addAction(self.lock_action)
        menu.addAction(self.quit_action)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.chat.citationClicked.connect(self.open_frame)
        self.memories.frameRequested.connect(self.open_frame)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.settings_action.triggered.connect(self.open_settings)
        self.audit_action.triggered.connect(self.open_audit)
        self.storage_action.triggered.connect(self.open_storage)
        self.storage_button.clicked.connect(self.open_storage)
        self.search_action.triggered.connect(self.open_search)
        self.quit_action.triggered.connect(self.quitRequested)
        self.lock_action.triggered.connect(self.lockRequested)
        self.timeline.dayLoaded.connect(
            lambda n: self.statusBar().showMessage(f"{n} frames on this day", 4000))
        self.timeline.framesAdded.connect(self.storage_button.refresh_soon)   # they take room

    def start(self, date: dt.date | None = None) -> None:
        self.timeline.load_date(date or dt.date.today())
        self.chat.start()
        self.storage_button.refresh()

    def refresh(self) -> None:
        """New captured frames or memories: update the shown day and the memory list."""
        self.timeline.refresh()
        self.storage_button.refresh()   # new frames take room
        if self.tabs.currentWidget() is self.memories:
            self.memories.refresh()

    def forget(self) -> None:
        """Drop the decrypted text and images this window shows or caches (the app locks;
        the window is deleted next)."""
        self.timeline.cache.clear()
        self.timeline.viewer.clear()
        self.chat.clear()
        if self.search is not None:
            self.search.clear()

    def open_frame(self, frame_id: int, highlight=None) -> None:
        """A cited frame or a memory's source, shown in the timeline; `highlight` (a
        ui.timeline.viewer.Highlight) says what to mark on it."""
        self.tabs.setCurrentWidget(self.timeline)
        self.timeline.open_frame(frame_id, highlight)

    def open_search(self) -> SearchPanel:
        """Ctrl+K from anywhere: the search window, its field ready to type in."""
        if self.search is None:
            self.search = SearchPanel(self.core.store, self._store_pool, now=self._now,
                                      parent=self)
            self.search.setWindowIcon(self.windowIcon())
            self.search.openRequested.connect(self.open_frame)
            self.theme.follow(self.search)
        self.search.focus()
        return self.search

    def set_capture_state(self, state: str, line: str = "") -> None:
        """The status bar's capture state in the tray's words, with the reason ("Capture:
        paused until 14:30", "Capture: idle, not recording: no keyboard or mouse input for
        5 min"; when capture cannot see the screen, "Capture problem: …")."""
        if line.startswith("Capture"):
            text = line
        elif line.startswith("Commonplace"):   # a name keeps its capital
            text = f"Capture: {line}"
        else:
            text = f"Capture: {line[:1].lower() + line[1:]}" if line else f"Capture: {state}"
        self.capture_label.setText(text)
        self.capture_label.setToolTip(text)
        self.capture_label.setAccessibleName(text)

    def follow_capture(self, tray) -> None:
        """Show `tray`'s (ui.tray.Tray) capture state in the status bar, now and on every
        change of its state or of its status line (a new reason within the same error), and
        its pause and resume in a Capture menu (a desktop without a tray has them there)."""
        self._tray = tray
        menu = self.menuBar().addMenu("Ca&pture")   # the tray's own actions (no tray: here)
        for a in (tray.status_action, None, tray.pause_action, tray.pause15_action,
                  tray.resume_action):
            menu.addSeparator() if a is None else menu.addAction(a)
        tray.stateChanged.connect(self._capture_changed)
        tray.status_action.changed.connect(self._capture_changed)
        self._capture_changed()

    def _capture_changed(self, *_) -> None:
        self.set_capture_state(self._tray.state, self._tray.status_action.text())
        self.timeline.coverage.reload_soon()   # the strip shows the new state's span

    def open_settings(self) -> SettingsDialog:
        dlg = SettingsDialog(self.core.settings, self._save or (lambda s: None), self)
        dlg.saved.connect(self._settings_saved)
        dlg.open()
        return dlg

    def open_storage(self) -> StoragePanel:
        """What the history takes on disk and the retention rule (ui/storage.py)."""
        if self.storage is None:
            self.storage = StoragePanel(self.core.store, self._store_pool, self.core.settings,
                                        self._save, parent=self)
            self.storage.setWindowIcon(self.windowIcon())
            self.storage.settingsSaved.connect(self._settings_saved)
            self.theme.follow(self.storage)
        self.storage.focus()
        self.storage.load()
        return self.storage

    def _settings_saved(self, new) -> None:
        """Saved from the settings dialog or the storage panel: both, and the status-bar
        button, show the new values; the app hands them on (settingsSaved)."""
        self.core.settings = new   # the settings dialog opens with the new rule
        self.storage_button.settings = new
        if self.storage is not None:
            self.storage.settings = new
        self.storage_button.refresh()
        self.settingsSaved.emit(new)

    def open_audit(self):
        from ui.audit_view import AuditView

        dlg = AuditView(self.core.store, self._store_pool, self)
        dlg.open()
        dlg.load()
        return dlg

    def _tab_changed(self, i: int) -> None:
        if self.tabs.widget(i) is self.memories:
            self.memories.refresh()

    def closeEvent(self, e) -> None:
        if self.hide_on_close:
            e.ignore()
            self.hide()
        else:
            e.accept()
            self.quitRequested.emit()
