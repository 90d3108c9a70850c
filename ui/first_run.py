"""First run: say plainly what is captured and where it stays; the user chooses to start.

Shown before the main window exists, so it carries its own `Theme` (ui/style.py): the same
stylesheet, light or dark as the system, as every other window.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from ui.style import SPACING, Theme, app_icon

TITLE = "Commonplace remembers what you see, privately"


def explanation(settings) -> str:
    c, p = settings.capture, settings.privacy
    enc = ("encrypted with your passphrase" if p.encrypt else
           "<b>not</b> encrypted (encryption is off in the settings)")
    apps = ", ".join(p.excluded_apps[:6]) + ("…" if len(p.excluded_apps) > 6 else "")
    return (
        f"<p>While capture is on, it takes a screenshot about every {c.interval_s:g} seconds "
        "when the screen changes, reads its text on this computer, and notes the app and "
        "window title.</p>"
        f"<p>Everything stays in <code>{settings.paths.data_dir}</code>, {enc}. Nothing is "
        "sent anywhere: the text reader and the language model run locally.</p>"
        f"<p>Never captured: {apps}, and windows whose titles look private (incognito, "
        "passwords). Card numbers and keys are masked before they are stored. Images are "
        f"kept {c.max_frame_age_days} days, within {c.max_frames_mb:,} MB; their text stays "
        "until you delete it.</p>"
        "<p>You can pause at any time from the tray icon.</p>")


class FirstRunDialog(QDialog):
    """`exec()` returns Accepted for "Start capturing", Rejected for "Not now"."""

    def __init__(self, settings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Commonplace")
        self.setWindowIcon(app_icon())
        self.setAccessibleName("Welcome")
        self.setMinimumWidth(560)
        self.text = QLabel(explanation(settings), self)   # the dialog's first label
        title = QLabel(TITLE)
        title.setObjectName("title")
        title.setWordWrap(True)
        self.text.setWordWrap(True)
        self.text.setAccessibleName("What Commonplace captures")
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(
            "Start capturing", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("primary")
        self.start_button.setDefault(True)
        self.later_button = self.buttons.addButton(
            "Not now", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(3 * SPACING, 3 * SPACING, 3 * SPACING, 2 * SPACING)
        lay.setSpacing(2 * SPACING)
        lay.addWidget(title)
        lay.addWidget(self.text)
        lay.addWidget(self.buttons)
        self.theme = Theme(self, parent=self)   # the system's light or dark, followed
