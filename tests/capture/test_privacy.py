import pytest

from capture.privacy import PauseState, PrivacyFilter, redact
from capture.settings import PrivacySettings
from capture.window import WindowInfo


@pytest.fixture
def f():
    return PrivacyFilter(PrivacySettings())


@pytest.mark.parametrize("app,title", [
    ("keepassxc", "Passwords.kdbx - KeePassXC"),
    ("KeePassXC", "anything"),
    ("1password", "Vault"),
    ("bitwarden-desktop", "My vault"),
    ("firefox", "Bank - Mozilla Firefox Private Browsing"),
    ("google-chrome", "New Tab - Google Chrome (Incognito)"),
    ("msedge", "InPrivate - Microsoft Edge"),
    ("gnome-shell", "Lock screen"),
    ("i3lock", ""),
    ("firefox", "Change your password - Mozilla Firefox"),
])
def test_excluded(f, app, title):
    d = f.decide(WindowInfo(app, title))
    assert not d.allowed
    assert title not in d.reason or not title  # the reason never carries the title


@pytest.mark.parametrize("app,title", [
    ("firefox", "Python docs - Mozilla Firefox"),
    ("code", "service.py - commonplace"),
    ("", ""),
])
def test_allowed(f, app, title):
    assert f.allows(WindowInfo(app, title))


def test_no_window_is_allowed(f):
    assert f.allows(None)


def test_custom_exclusions_and_url_match():
    f = PrivacyFilter(PrivacySettings(excluded_apps=("Slack",), excluded_titles=(r"bank\.",)))
    assert not f.allows(WindowInfo("slack", "general"))
    assert not f.allows(WindowInfo("firefox", "Login", url="https://www.bank.example/"))
    assert f.allows(WindowInfo("keepassxc", "db"))  # defaults replaced, not merged...
    assert not f.allows(WindowInfo("i3lock", ""))   # ...but lock screens always excluded


def test_pause_for_minutes_expires():
    t = [0.0]
    p = PauseState(lambda: t[0])
    p.pause(5)
    assert p.paused() and p.remaining_s() == 300
    t[0] = 299
    assert p.paused()
    t[0] = 300
    assert not p.paused() and p.remaining_s() is None


def test_pause_indefinitely_until_resume():
    t = [0.0]
    p = PauseState(lambda: t[0])
    p.pause()
    t[0] = 1e9
    assert p.paused() and p.remaining_s() is None
    p.resume()
    assert not p.paused()
    with pytest.raises(ValueError):
        p.pause(0)


def test_redact():
    assert redact("card 4111 1111 1111 1111 exp") == "card [redacted] card …1111 exp"
    assert redact("order 4111 1111 1111 1112") == "order 4111 1111 1111 1112"  # not Luhn
    assert redact("IBAN DE89 3704 0044 0532 0130 00 ok") == "IBAN [redacted] IBAN …0 00 ok" \
        or "DE89" not in redact("IBAN DE89 3704 0044 0532 0130 00 ok")
    assert "AKIAIOSFODNN7EXAMPLE" not in redact("key AKIAIOSFODNN7EXAMPLE")
    assert redact("password: hunter2 and more") == "password: [redacted] and more"
    assert redact("meeting at 10:30 in room 4") == "meeting at 10:30 in room 4"


def test_our_own_window_is_never_captured(f):
    d = f.decide(WindowInfo("commonplace", "Commonplace"))
    assert not d.allowed and d.reason == "self"
