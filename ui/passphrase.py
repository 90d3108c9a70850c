"""Choosing the passphrase on first run, and typing it to unlock.

The passphrase is the only way into an encrypted history: the choosing dialog asks for it
twice, shows how strong it is while it is typed, says plainly that it cannot be recovered,
and offers a copy in the system keyring where one runs. The unlock dialog says why the last
try failed and lets the user try again.

Both are shown before the main window exists, so each carries its own `Theme`
(ui/style.py): the one stylesheet, light or dark as the system.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
)

from ui.style import SPACING, Theme, app_icon

NO_RECOVERY = ("<b>Keep it safe: it cannot be recovered.</b> Commonplace keeps no copy it "
               "could give back. If you forget it, your history cannot be opened by anyone, "
               "you included.")


def _layout(dialog: QDialog, title: str, widgets) -> None:
    """The dialogs' common frame: a title, the widgets, the app's spacing and theme."""
    dialog.setWindowIcon(app_icon())
    dialog.setMinimumWidth(480)
    heading = QLabel(title)
    heading.setObjectName("title")
    heading.setWordWrap(True)
    lay = QVBoxLayout(dialog)
    lay.setContentsMargins(3 * SPACING, 3 * SPACING, 3 * SPACING, 2 * SPACING)
    lay.setSpacing(SPACING + SPACING // 2)
    for w in (heading, *widgets):
        lay.addWidget(w)
    dialog.theme = Theme(dialog, parent=dialog)   # the system's light or dark, followed


def _password_field(name: str) -> QLineEdit:
    f = QLineEdit()
    f.setEchoMode(QLineEdit.EchoMode.Password)
    f.setAccessibleName(name)
    f.setObjectName(name.lower().replace(" ", "_"))
    return f


class ChoosePassphraseDialog(QDialog):
    """First run: a new passphrase typed twice. `strength(text)` returns an object with
    `score` (0-4) and `hint`; `min_chars` is the store's own minimum; `keyring` is
    (usable, why not)."""

    def __init__(self, *, strength: Callable, min_chars: int,
                 keyring: tuple[bool, str] = (False, ""), parent=None) -> None:
        super().__init__(parent)
        self._strength = strength
        self._min = min_chars
        self.setWindowTitle("Choose a passphrase — Commonplace")
        self.setAccessibleName("Choose a passphrase")
        intro = QLabel("Your history is encrypted on this computer with a passphrase you "
                       "choose. Four or more unrelated words are easy to remember and hard "
                       "to guess.")
        intro.setWordWrap(True)
        self.first = _password_field("New passphrase")
        self.first.setPlaceholderText("Passphrase")
        self.second = _password_field("Repeat passphrase")
        self.second.setPlaceholderText("The same passphrase again")
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName("Passphrase strength")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("muted")
        self.hint.setAccessibleName("Passphrase hint")
        warning = QLabel(NO_RECOVERY)
        warning.setWordWrap(True)
        warning.setObjectName("notice")
        warning.setAccessibleName("Passphrase warning")
        usable, why = keyring
        self.keep = QCheckBox("Keep a copy in the system keyring (unlocks when you log in)")
        self.keep.setAccessibleName("Keep in keyring")
        self.keep.setEnabled(usable)
        if not usable:
            self.keep.setToolTip(f"Not available: {why}.")
            self.keep.setText(f"Keep a copy in the system keyring — not available: {why}")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Create my encrypted history")
        self.ok.setObjectName("primary")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        _layout(self, "Choose a passphrase", (intro, self.first, self.second, self.meter,
                                              self.hint, warning, self.keep, self.buttons))
        self.first.textChanged.connect(self._check)
        self.second.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        a, b = self.first.text(), self.second.text()
        s = self._strength(a)
        self.meter.setValue(s.score if a else 0)
        if not a:
            hint = f"At least {self._min} characters."
        elif len(a) < self._min:
            hint = s.hint
        elif b and a != b:
            hint = "The two passphrases differ."
        elif not b:
            hint = f"{s.hint} Now type it again below."
        else:
            hint = s.hint
        self.hint.setText(hint)
        self.ok.setEnabled(len(a) >= self._min and a == b)

    def passphrase(self) -> str:
        return self.first.text()

    def keep_in_keyring(self) -> bool:
        return self.keep.isEnabled() and self.keep.isChecked()

    def clear(self) -> None:
        """Drop the typed text from the fields (Qt's own buffers are freed, not wiped)."""
        self.first.clear()
        self.second.clear()


class UnlockDialog(QDialog):
    """The passphrase of an existing history; `message` says why the last try failed."""

    def __init__(self, message: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock Commonplace")
        self.setAccessibleName("Unlock")
        label = QLabel("Passphrase for your encrypted history:")
        self.field = _password_field("Passphrase")
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Unlock message")
        self.message.setVisible(bool(message))
        self.message.setObjectName("notice")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        unlock = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        unlock.setText("Unlock")
        unlock.setObjectName("primary")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        _layout(self, "Unlock your history", (label, self.field, self.message, self.buttons))

    def passphrase(self) -> str:
        return self.field.text()
