"""The dialogs shown before the main window (welcome, choose a passphrase, unlock) carry the
app's one stylesheet: light or dark with the system, like the main window; screenshots of
each in both themes at scale 1 and 2."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from memory.store.crypto import MIN_PASSPHRASE_CHARS, passphrase_strength
from tests.ui.shots import themed_shots
from ui.first_run import TITLE, FirstRunDialog
from ui.passphrase import ChoosePassphraseDialog, UnlockDialog
from ui.style import DARK, LIGHT


def _window_colour(d) -> str:
    img = d.grab().toImage()
    return QColor(img.pixel(2, img.height() - 2)).name()


def _check_themed(qtbot, d, name: str) -> None:
    """The dialog's own background is the theme's window colour in each scheme, its
    primary button the accent; then the screenshots."""
    d.show()
    qtbot.waitExposed(d)
    paths = themed_shots(qtbot, d, d.theme, name)
    assert len(paths) == 4
    for scheme, want in (("light", LIGHT), ("dark", DARK)):
        from tests.ui.shots import SCHEMES
        d.theme.pin(SCHEMES[scheme])
        qtbot.wait(20)
        assert _window_colour(d) == want.window, (name, scheme)
        primary = [b for b in d.findChildren(type(d.buttons.buttons()[0]))
                   if b.objectName() == "primary"]
        assert len(primary) == 1 and want.accent in d.styleSheet()
    d.theme.pin(None)


def test_welcome_is_themed(qtbot, settings_factory):
    s = settings_factory()
    d = FirstRunDialog(s)
    qtbot.addWidget(d)
    titles = [w for w in d.findChildren(QLabel) if w.objectName() == "title"]
    assert [t.text() for t in titles] == [TITLE]
    assert str(s.paths.data_dir) in d.text.text()
    _check_themed(qtbot, d, "first_run_welcome")


def test_passphrase_dialogs_are_themed(qtbot):
    d = ChoosePassphraseDialog(strength=passphrase_strength, min_chars=MIN_PASSPHRASE_CHARS,
                               keyring=(True, ""))
    qtbot.addWidget(d)
    qtbot.keyClicks(d.first, "granite otter lantern")
    _check_themed(qtbot, d, "first_run_choose_passphrase")
    u = UnlockDialog("Wrong passphrase for this data directory.")
    qtbot.addWidget(u)
    _check_themed(qtbot, u, "first_run_unlock")
