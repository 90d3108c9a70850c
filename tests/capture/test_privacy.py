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
    # a labelled value runs to the end of its line (multi-word passphrases)
    assert redact("password: hunter2 and more") == "password: [redacted]"
    assert redact("meeting at 10:30 in room 4") == "meeting at 10:30 in room 4"


def test_our_own_window_is_never_captured(f):
    d = f.decide(WindowInfo("commonplace", "Commonplace"))
    assert not d.allowed and d.reason == "self"


# -- our own windows ----------------------------------------------------------------------

OWN = 4471


def own_filter(**kw):
    return PrivacyFilter(PrivacySettings(**kw), own_pids={OWN})


def test_our_own_windows_are_known_by_process_or_wm_class():
    f = own_filter()
    assert f.decide(WindowInfo("python3", "Ask - Commonplace", OWN)).reason == "self"
    assert f.decide(WindowInfo("commonplace", "Commonplace", 12)).reason == "self"  # 2nd copy
    assert f.allows(WindowInfo("python3", "Ask - Commonplace", 12))   # someone else's
    assert f.allows(WindowInfo("xterm", "bash", None))


def test_by_default_our_own_process_is_this_one():
    import os
    assert PrivacyFilter(PrivacySettings()).decide(
        WindowInfo("python3", "anything", os.getpid())).reason == "self"


def test_screen_with_our_window_behind_hides_its_shown_parts():
    f = own_filter()
    ours = WindowInfo("python3", "Commonplace", OWN, rect=(0, 0, 900, 500),
                      shown=((0, 0, 900, 250), (0, 250, 500, 250)))
    d = f.decide_screen(WindowInfo("xterm", "bash", 7), [WindowInfo("xterm", "bash", 7), ours])
    assert d.allowed and d.hide == ours.shown


@pytest.mark.parametrize("focused,shown,reason", [
    (WindowInfo("python3", "Commonplace", OWN), [], "self"),
    (WindowInfo("xterm", "bash"), [WindowInfo("python3", "Commonplace", OWN)], "self-unplaced"),
    (WindowInfo("xterm", "bash"), [WindowInfo("python3", "Commonplace", OWN, shown=()),
                                   WindowInfo("keepassxc", "db")], "app"),
    (WindowInfo("keepassxc", "db"), None, "app"),
])
def test_screen_refused(focused, shown, reason):
    d = own_filter().decide_screen(focused, shown)
    assert not d.allowed and d.reason == reason and d.hide == ()


def test_screen_without_a_window_list_goes_by_the_focused_window():
    d = own_filter().decide_screen(WindowInfo("xterm", "bash"), None)
    assert d.allowed and d.hide == ()


def test_paint_over_fills_exactly_the_areas_on_this_image():
    from PIL import Image

    from capture.privacy import paint_over

    img = Image.new("RGB", (200, 100), "white")
    # The image is the monitor whose top-left is (1000, 50) on the desktop; one area lies on
    # it (partly off its bottom edge), one on another monitor entirely.
    out = paint_over(img, [(1010, 60, 20, 100), (0, 0, 500, 500)], origin=(1000, 50))
    grey = (128, 128, 128)
    assert out.getpixel((10, 10)) == grey and out.getpixel((29, 99)) == grey
    assert out.getpixel((9, 10)) == (255, 255, 255) and out.getpixel((30, 10)) == (255, 255, 255)
    assert out.getpixel((10, 9)) == (255, 255, 255)
    assert out.convert("L").histogram()[128] == 20 * 90   # grey is 128 in L; white 255
