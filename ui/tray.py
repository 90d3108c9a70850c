"""The tray: capture state at a glance, pause/resume, open, lock, quit.

It drives capture through a small protocol, so tests use a fake and the app the real
`capture.service.CaptureService` (or nothing, when capture is off).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from capture.service import CaptureStatus, State
from ui.style import app_icon

PAUSE_MINUTES = 15
COLOURS = {"recording": "#d93025", "waiting": "#1a73e8", "paused": "#f2a600",
           "error": "#7b1fa2", "off": "#9e9e9e"}
# The tray's look for each capture state (a state not here: stopped, "off"). "waiting":
# capture runs but takes nothing now (idle, the screen locked, an excluded app in front).
LOOKS = {State.RECORDING: "recording", State.IDLE: "waiting", State.LOCKED: "waiting",
         State.EXCLUDED: "waiting", State.PAUSED: "paused", State.ERROR: "error",
         State.DISK_LOW: "error"}
# What the menu line says for each state (the reason follows, where there is one).
WORDS = {State.RECORDING: "Recording", State.IDLE: "Idle, not recording",
         State.LOCKED: "Screen locked, not recording",
         State.EXCLUDED: "Excluded app in front, not recording",
         State.ERROR: "Capture problem", State.DISK_LOW: "Capture problem"}
CAN_PAUSE = {"recording", "waiting"}


class CaptureController(Protocol):
    def pause(self, minutes: float | None = None) -> None: ...
    def resume(self) -> None: ...
    def status(self) -> CaptureStatus: ...


def state_of(status: CaptureStatus | None) -> tuple[str, str]:
    """(recording | waiting | paused | error | off, a line for the menu) from a capture
    status: what capture does now and why ("Paused until 14:30", "Idle, not recording: no
    keyboard or mouse input for 5 min", "Capture problem: The screen reads as black…")."""
    if status is None:
        return "off", "Capture is off"
    state, msg = status.state, status.message or ""
    look = LOOKS.get(state, "off")
    if state is State.PAUSED:
        until = status.paused_until
        if until is None:
            return look, "Paused until you resume"
        return look, f"Paused until {dt.datetime.fromtimestamp(until):%H:%M}"
    if state is State.ERROR or state is State.DISK_LOW:
        return look, f"{WORDS[state]}: {msg or state.value}"
    if state is State.EXCLUDED and msg and not msg.startswith("excluded"):
        return look, msg[0].upper() + msg[1:]   # "Commonplace window in front: not captured"
    if state in WORDS:
        head = WORDS[state]
        reason = "" if state is State.EXCLUDED or msg.lower() in head.lower() else msg
        return look, f"{head}{': ' + reason if reason else ''}"
    return "off", "Capture is stopped"


def _icon(colour: str) -> QIcon:
    """The app icon with the capture state as a dot in its corner (the dot alone when the
    icon cannot be found)."""
    base = app_icon()
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not base.isNull():
            base.paint(p, 0, 0, size, size)
        d = size * 0.45 if not base.isNull() else size * 0.75
        p.setBrush(QColor(colour))
        p.setPen(QPen(QColor("#ffffff"), max(1.0, size / 16)))
        p.drawEllipse(QRectF(size - d - 1, size - d - 1, d, d))
        p.end()
        icon.addPixmap(pm)
    return icon


class Tray(QObject):
    openRequested = Signal()
    quitRequested = Signal()
    lockRequested = Signal()
    stateChanged = Signal(str)

    def __init__(self, capture: CaptureController | None, *, poll_ms: int = 2000,
                 parent=None) -> None:
        super().__init__(parent)
        self._capture = capture
        self.state = ""
        self.menu = QMenu()
        self.status_action = QAction("…", self.menu, enabled=False)
        self.pause_action = QAction("Pause", self.menu)
        self.pause15_action = QAction(f"Pause for {PAUSE_MINUTES} minutes", self.menu)
        self.resume_action = QAction("Resume", self.menu)
        self.open_action = QAction("Open Commonplace", self.menu)
        self.lock_action = QAction("Lock", self.menu)
        self.quit_action = QAction("Quit", self.menu)
        for a in (self.status_action, None, self.pause_action, self.pause15_action,
                  self.resume_action, None, self.open_action, self.lock_action,
                  self.quit_action):
            self.menu.addSeparator() if a is None else self.menu.addAction(a)
        self.icon = QSystemTrayIcon()
        self.icon.setContextMenu(self.menu)
        self._timer = QTimer(self, interval=poll_ms)
        self._connect_signals()
        self.refresh()
        self._timer.start()

    def _connect_signals(self) -> None:
        self.pause_action.triggered.connect(lambda: self._do("pause", None))
        self.pause15_action.triggered.connect(lambda: self._do("pause", PAUSE_MINUTES))
        self.resume_action.triggered.connect(lambda: self._do("resume"))
        self.open_action.triggered.connect(self.openRequested)
        self.quit_action.triggered.connect(self.quitRequested)
        self.lock_action.triggered.connect(self.lockRequested)
        self.icon.activated.connect(self._activated)
        self._timer.timeout.connect(self.refresh)

    def show(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon.show()

    def set_capture(self, capture: CaptureController | None) -> None:
        self._capture = capture
        self.refresh()

    def _do(self, what: str, *args) -> None:
        if self._capture is None:
            return
        try:
            getattr(self._capture, what)(*args)
        except Exception as e:  # a capture fault is a state to show, not a crash
            self._show("error", f"Capture problem: {e}")
            return
        self.refresh()

    def refresh(self) -> None:
        try:
            status = self._capture.status() if self._capture is not None else None
        except Exception as e:  # same boundary as above: shown, never raised into Qt
            self._show("error", f"Capture problem: {e}")
            return
        self._show(*state_of(status))

    def _show(self, state: str, line: str) -> None:
        self.status_action.setText(line)
        has = self._capture is not None
        self.pause_action.setEnabled(has and state in CAN_PAUSE)
        self.pause15_action.setEnabled(has and state in CAN_PAUSE)
        self.resume_action.setEnabled(has and state in ("paused", "error"))
        if state != self.state:
            self.state = state
            self.icon.setIcon(_icon(COLOURS[state]))
            self.stateChanged.emit(state)
        self.icon.setToolTip(f"Commonplace — {line}")

    def _activated(self, reason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.openRequested.emit()

    def close(self) -> None:
        self._timer.stop()
        self.icon.hide()
