"""Lock and unlock the desktop app over a real encrypted store: locked, the window, the
workers and capture are gone and the database is closed; only the passphrase opens it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from sqlcipher3 import dbapi2 as cipher_api

from tests.conftest import PASSPHRASE


class FakeCapture:
    def __init__(self) -> None:
        self.started = self.stopped = False

    def start(self):
        self.started = True

    def stop(self, timeout=None):
        self.stopped = True

    def pause(self, minutes=None):
        pass

    def resume(self):
        pass

    def status(self):
        return None

    def take_batches(self) -> int:
        return 0

    def apply_settings(self, settings) -> None:
        pass


def test_lock_closes_everything_and_only_the_passphrase_unlocks(qtbot, settings_factory,
                                                                 monkeypatch, grab):
    from app import gui as gui_mod

    caps: list[FakeCapture] = []

    def capture(core, sink=None):
        caps.append(FakeCapture())
        return caps[-1]

    g = gui_mod.GuiApp(QApplication.instance(), settings_factory(encrypt=True),
                       capture_factory=capture)
    g.open(PASSPHRASE)
    qtbot.waitUntil(lambda: g.window is not None, timeout=60_000)
    store = g.core.store
    assert store.encrypted and g.window.lock_action.isEnabled() and caps[0].started

    g.window.lock_action.trigger()
    assert g.locked and g.core is None and g.window is None and g.tray is None
    assert caps[0].stopped
    with pytest.raises(cipher_api.ProgrammingError):  # the connection (and its key) is gone
        store.db.execute("SELECT count(*) FROM frames").fetchone()
    grab(g.lock_screen, "lock_screen")

    monkeypatch.setattr(gui_mod, "_ask_passphrase", lambda parent=None: "not the passphrase")
    g.lock_screen.unlock_button.click()
    qtbot.waitUntil(lambda: g.lock_screen.unlock_button.isEnabled(), timeout=60_000)
    assert g.locked and g.core is None and len(caps) == 1
    assert "passphrase" in g.lock_screen.message.text().lower()

    monkeypatch.setattr(gui_mod, "_ask_passphrase", lambda parent=None: PASSPHRASE)
    g.lock_screen.unlock_button.click()
    qtbot.waitUntil(lambda: g.window is not None, timeout=60_000)
    assert not g.locked and not g.lock_screen.isVisible()
    assert g.core.store.db.execute("SELECT count(*) FROM frames").fetchone()[0] == 0
    assert len(caps) == 2 and caps[1].started      # capture resumes as it was
    # the capture log kept the lock: begun before the store closed, ended at the unlock
    g.capture_log.close(end_open=False)   # what it queued is written
    spans = g.core.store.coverage.spans(0, 4e9)
    assert any(s.state == "locked" and s.reason == "Commonplace is locked" and
               not s.current for s in spans), spans
    g.shutdown()


def test_a_plain_history_cannot_be_locked(qtbot, settings_factory):
    from app import gui as gui_mod

    g = gui_mod.GuiApp(QApplication.instance(), settings_factory(encrypt=False))
    g.open(None)
    qtbot.waitUntil(lambda: g.window is not None, timeout=60_000)
    assert not g.window.lock_action.isEnabled() and "not encrypted" in \
        g.window.lock_action.toolTip()
    g.lock()
    assert g.core is not None and g.window is not None and not g.locked
    g.shutdown()


def test_lock_drops_what_the_window_showed_and_deletes_it(qtbot, settings_factory):
    import shiboken6
    from PySide6.QtGui import QImage

    from app import gui as gui_mod

    g = gui_mod.GuiApp(QApplication.instance(), settings_factory(encrypt=True))
    g.open(PASSPHRASE)
    qtbot.waitUntil(lambda: g.window is not None, timeout=60_000)
    w = g.window
    w.chat.question.setText("what did the okapi eat?")
    from ui.chat.bubbles import AnswerBubble

    bubble = AnswerBubble()   # an answer on screen in the chat thread
    w.chat._append(bubble)
    bubble.add_piece("decrypted: the okapi ate the marmalade")
    w.timeline.cache._store((7, QImage(8, 8, QImage.Format.Format_RGB32), 0.0))
    assert w.timeline.cache.get(7) is not None

    g.lock()
    assert bubble.text.text() == "" and not w.chat.bubbles and w.chat.question.text() == ""
    assert w.timeline.cache.get(7) is None and w.timeline.viewer.frame is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(w), timeout=5_000)   # deleted, not hidden
    g.shutdown()
