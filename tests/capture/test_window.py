import pytest

from capture.window import NullWindowSource, WindowInfo, url_from_title, with_url


@pytest.mark.parametrize("title,app,url", [
    ("GitHub - openai/whisper - Mozilla Firefox", "firefox", None),
    ("docs.python.org/3/library/re.html - Google Chrome", "google-chrome",
     "https://docs.python.org/3/library/re.html"),
    ("Pull requests - github.com - Chromium", "chromium", "https://github.com"),
    ("Visit https://example.org/a?b=1 now", "xterm", "https://example.org/a?b=1"),
    ("news.ycombinator.com - Brave", "", "https://news.ycombinator.com"),
    ("localhost:8080/admin — Mozilla Firefox", "firefox", "https://localhost:8080/admin"),
    ("report.pdf - Mozilla Firefox", "firefox", None),
    ("notes.txt - gedit", "gedit", None),
    ("example.com - Notes", "notesapp", None),   # not a browser: no guessing
    ("", "firefox", None),
])
def test_url_from_title(title, app, url):
    assert url_from_title(title, app) == url


def test_with_url_keeps_a_known_url_and_fills_a_missing_one():
    assert with_url(WindowInfo("firefox", "a.io - Mozilla Firefox", 1, "https://x.y")).url == \
        "https://x.y"
    assert with_url(WindowInfo("firefox", "a.io - Mozilla Firefox", 1)).url == "https://a.io"


def test_null_source():
    assert NullWindowSource().active() is None
