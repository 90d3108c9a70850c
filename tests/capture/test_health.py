"""Black and frozen frames are recognised; ordinary screens are not."""

from capture_fakes import screen
from PIL import Image

from capture.health import BLACK, FROZEN, FrameHealth, HealthTuning
from capture.session import detect


def test_black_is_dropped_at_once_and_reported_after_some_grabs():
    h = FrameHealth(HealthTuning(black_grabs=3))
    black = Image.new("RGB", (800, 450), (3, 3, 3))
    verdicts = [h.check(black, window_changed=False) for _ in range(3)]
    assert verdicts == ["black"] * 3
    assert h.problem("black") == BLACK
    assert h.check(screen(["back again"]), window_changed=False) is None
    assert h.check(black, window_changed=False) == "black" and h.problem("black") is None


def test_a_dark_screen_with_text_is_not_black():
    im = Image.new("RGB", (800, 450), (20, 20, 20))
    im.paste((200, 200, 200), (10, 10, 200, 30))
    assert FrameHealth().check(im, window_changed=False) is None


def test_frozen_when_the_image_stays_the_same_across_window_switches():
    h = FrameHealth(HealthTuning(frozen_switches=3))
    im = screen(["stale frame"])
    assert h.check(im, window_changed=False) is None
    assert [h.check(im, window_changed=True) for _ in range(3)] == [None, None, "frozen"]
    assert h.problem("frozen") == FROZEN
    # the same image with no switch is just a static screen; a new image ends it
    assert h.check(screen(["moving again"]), window_changed=True) is None


def test_session_detection():
    assert detect({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0",
                   "DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "GNOME"}).kind == "wayland"
    s = detect({"WAYLAND_DISPLAY": "wayland-1", "XDG_CURRENT_DESKTOP": "KDE"})
    assert (s.kind, s.compositor, s.display) == ("wayland", "kde", "wayland-1")
    assert detect({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0",
                   "WAYLAND_DISPLAY": "w"}).kind == "x11"
    assert detect({"DISPLAY": ":1"}).kind == "x11"
    assert detect({}).kind == "none"
