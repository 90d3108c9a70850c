"""The main window: Timeline, Chat and Memories tabs over one core."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from memory.answer import Answerer
from ui.chat.panel import ChatPanel
from ui.memories.browser import MemoriesBrowser
from ui.settings_dialog import SettingsDialog
from ui.timeline.view import TimelineView

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    quitRequested = Signal()
    lockRequested = Signal()
    settingsSaved = Signal(object)

    def __init__(self, core, *, store_pool, chat_pool, save_settings: Callable | None = None,
                 use_llm: bool = True, now: Callable[[], dt.datetime | None] = lambda: None,
                 hide_on_close: bool = False, parent=None) -> None:
        """`core` has .settings, .store, .retriever and .backend (a lazy LLM factory)."""
        super().__init__(parent)
        self.setWindowTitle("Commonplace")
        self.resize(1200, 800)
        self.core = core
        self._save = save_settings
        self.hide_on_close = hide_on_close
        self.timeline = TimelineView(core.store.frames, store_pool)
        self.chat = ChatPanel(chat_pool,
                              lambda backend: Answerer(core.retriever, backend, store=core.store),
                              core.backend if use_llm else None, store=core.store,
                              store_pool=store_pool, now=now)
        self.memories = MemoriesBrowser(core.store, store_pool)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(self.chat, "Ask")
        self.tabs.addTab(self.memories, "Memories")
        self.setCentralWidget(self.tabs)
        self.capture_label = QLabel()
        self.statusBar().addPermanentWidget(self.capture_label)
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
        menu.addAction(self.settings_action)
        menu.addAction(self.lock_action)
        menu.addAction(self.quit_action)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.chat.citationClicked.connect(self.open_frame)
        self.memories.frameRequested.connect(self.open_frame)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.settings_action.triggered.connect(self.open_settings)
        self.quit_action.triggered.connect(self.quitRequested)
        self.lock_action.triggered.connect(self.lockRequested)
        self.timeline.dayLoaded.connect(
            lambda n: self.statusBar().showMessage(f"{n} frames on this day", 4000))

    def start(self, date: dt.date | None = None) -> None:
        self.timeline.load_date(date or dt.date.today())

    def refresh(self) -> None:
        """New captured frames or memories: update the shown day and the memory list."""
        self.timeline.refresh()
        if self.tabs.currentWidget() is self.memories:
            self.memories.refresh()

    def forget(self) -> None:
        """Drop the decrypted text and images this window shows or caches (the app locks;
        the window is deleted next)."""
        self.timeline.cache.clear()
        self.timeline.viewer.clear()
        self.chat.clear()

    def open_frame(self, frame_id: int, highlight=None) -> None:
        """A cited frame or a memory's source, shown in the timeline; `highlight` (a
        ui.timeline.viewer.Highlight) says what to mark on it."""
        self.tabs.setCurrentWidget(self.timeline)
        self.timeline.open_frame(frame_id, highlight)

    def set_capture_state(self, state: str) -> None:
        self.capture_label.setText(f"Capture: {state}")

    def open_settings(self) -> SettingsDialog:
        dlg = SettingsDialog(self.core.settings, self._save or (lambda s: None), self)
        dlg.saved.connect(self.settingsSaved)
        dlg.open()
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
