"""First run protects the user: the passphrase is typed twice, its strength is shown, the
dialog says it cannot be recovered, a keyring copy is offered only where a keyring runs."""

from __future__ import annotations

from PySide6.QtCore import Qt

from memory.store.crypto import MIN_PASSPHRASE_CHARS, passphrase_strength
from ui.passphrase import NO_RECOVERY, ChoosePassphraseDialog, UnlockDialog


def _dialog(qtbot, keyring=(True, "")):
    d = ChoosePassphraseDialog(strength=passphrase_strength, min_chars=MIN_PASSPHRASE_CHARS,
                               keyring=keyring)
    qtbot.addWidget(d)
    d.show()
    return d


def test_ok_only_for_two_equal_long_enough_passphrases(qtbot, grab):
    d = _dialog(qtbot)
    assert not d.ok.isEnabled()
    qtbot.keyClicks(d.first, "x")
    assert not d.ok.isEnabled() and "Too short" in d.hint.text()
    d.first.clear()
    qtbot.keyClicks(d.first, "granite otter lantern violet")
    qtbot.keyClicks(d.second, "granite otter lantern violeT")
    assert not d.ok.isEnabled() and "differ" in d.hint.text()
    d.second.clear()
    qtbot.keyClicks(d.second, "granite otter lantern violet")
    assert d.ok.isEnabled() and d.meter.value() >= 3
    grab(d, "first_run_passphrase")
    qtbot.mouseClick(d.ok, Qt.MouseButton.LeftButton)
    assert d.result() == ChoosePassphraseDialog.DialogCode.Accepted
    assert d.passphrase() == "granite otter lantern violet"
    d.clear()
    assert d.first.text() == d.second.text() == ""


def test_it_says_the_passphrase_cannot_be_recovered(qtbot):
    d = _dialog(qtbot)
    shown = " ".join(w.text() for w in d.findChildren(type(d.hint)))
    assert NO_RECOVERY in shown and "cannot be recovered" in shown


def test_a_weak_passphrase_is_called_weak(qtbot):
    d = _dialog(qtbot)
    qtbot.keyClicks(d.first, "password")
    assert "Weak" in d.hint.text() and d.meter.value() < 3


def test_keyring_offered_only_where_one_runs(qtbot):
    usable = _dialog(qtbot)
    assert usable.keep.isEnabled() and not usable.keep_in_keyring()
    usable.keep.setChecked(True)
    assert usable.keep_in_keyring()
    absent = _dialog(qtbot, keyring=(False, "no system keyring is running"))
    absent.keep.setChecked(True)
    assert not absent.keep.isEnabled() and not absent.keep_in_keyring()
    assert "no system keyring is running" in absent.keep.text()


def test_unlock_dialog_says_why_the_last_try_failed(qtbot):
    d = UnlockDialog("Wrong passphrase for this data directory.")
    qtbot.addWidget(d)
    d.show()
    assert d.message.isVisible() and "Wrong passphrase" in d.message.text()
    assert d.field.echoMode() == d.field.EchoMode.Password
    quiet = UnlockDialog()
    qtbot.addWidget(quiet)
    quiet.show()
    assert not quiet.message.isVisible()
