"""Search everything (Ctrl+K) over the real screenshot store: results update as the user
types (the last word a prefix), grouped by day and app with the matching words marked in the
snippet, filters for kind, time and app; Enter opens the moment in the timeline with the
words boxed on the image."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import core_with_backend
from tests.ui.shots import themed_shots
from ui.main_window import MainWindow
from ui.search.find import Filters, find, grouped, highlight_html, matcher, snippet

ASKED_AT = dt.datetime(2026, 2, 17, 20, 0).astimezone()
DAY = dt.date(2026, 2, 17)


def test_find_matches_the_word_being_typed_and_resolves_moments(screens_store):
    found = find(screens_store, "red lent", now=ASKED_AT)
    assert found.results, "the last word matches as a prefix while it is typed"
    top = found.results[0]
    assert top.kind == "frame" and top.frame_id is not None and top.app == "Chromium"
    assert "lentil" in top.snippet.lower()
    assert "Chromium" in found.apps
    # a space after the word: it is a whole word now, and "lent" is no word on any screen
    assert not [r for r in find(screens_store, "lent ", now=ASKED_AT).results
                if "lent " not in r.text.lower()]
    # filters: kind, time, app
    assert not find(screens_store, "lentils", Filters(kind="chat"), now=ASKED_AT).results
    assert find(screens_store, "lentils", Filters(range="today"), now=ASKED_AT).results
    assert not find(screens_store, "lentils", Filters(range="today"),
                    now=ASKED_AT + dt.timedelta(days=3)).results
    only = find(screens_store, "invoice", Filters(app="Evolution"), now=ASKED_AT).results
    assert only and {r.app for r in only} == {"Evolution"}
    groups = grouped(find(screens_store, "invoice", now=ASKED_AT).results)
    assert groups[0][0].startswith("Tue 17 Feb 2026 · ")
    assert len({g for g, _ in groups}) == len(groups)


def test_snippets_mark_the_words_found():
    p = matcher("simmer lent")
    text = "Simmer lentils in 900 ml water for 22 minutes."
    assert highlight_html(text, p, "X") == ('<span style="X">Simmer</span> '
                                            '<span style="X">lentils</span> in 900 ml water '
                                            'for 22 minutes.')
    long = "word " * 80 + "the lentils simmer" + " word" * 80
    cut = snippet(long, p)
    assert cut.startswith("…") and cut.endswith("…") and "lentils simmer" in cut
    assert matcher("the of") is None


@pytest.fixture
def window(qtbot, screens_core, pools):
    core = core_with_backend(screens_core, lambda: None)
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], use_llm=False,
                   now=lambda: ASKED_AT)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    with qtbot.waitSignal(w.timeline.dayLoaded, timeout=20000):
        w.start(DAY)
    return w


def test_ctrl_k_types_filters_and_opens_the_moment(qtbot, window):
    window.tabs.setCurrentWidget(window.memories)      # reachable from any tab
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = window.search
    assert search is not None and search.isVisible()
    qtbot.waitUntil(search.field.hasFocus, timeout=5000)
    assert search.field.accessibleName() == "Search everything"
    assert {c.accessibleName() for c in (search.kind, search.range, search.app)} == \
        {"Kind", "Time range", "App"}

    with qtbot.waitSignal(search.searched, timeout=20000, check_params_cb=lambda n: n > 0):
        qtbot.keyClicks(search.field, "simmer lent")
    items = search.result_items()
    top = items[0].data(Qt.ItemDataRole.UserRole)
    assert top.app == "Chromium"
    marked = search.delegate.snippet_html(top, search.results.palette())
    assert 'style="background-color' in marked and ">lentils<" in marked   # the words marked
    assert items[0].text().startswith("Chromium, 17 Feb 12:15: ")   # what a reader reads
    headers = [search.results.item(i).text() for i in range(search.results.count())
               if search.results.item(i).data(Qt.ItemDataRole.UserRole) is None]
    assert headers and headers[0] == "Tue 17 Feb 2026 · Chromium"
    # the thumbnails of the rows on screen are decoded off the GUI thread, then painted
    qtbot.waitUntil(lambda: search.cache.get(top.frame.id) is not None, timeout=10000)
    themed_shots(qtbot, search, window.theme, "search_results")

    # kind: chats hold no lentils; back to everything
    with qtbot.waitSignal(search.searched, timeout=20000, check_params_cb=lambda n: n == 0):
        search.kind.setCurrentIndex(search.kind.findData("chat"))
    assert search.status.text().startswith("Nothing found")
    with qtbot.waitSignal(search.searched, timeout=20000, check_params_cb=lambda n: n > 0):
        search.kind.setCurrentIndex(search.kind.findData("all"))
    assert search.app.findData("Chromium") > 0

    # Enter opens the best result in the timeline, the words boxed on the image
    fid = search.result_items()[0].data(Qt.ItemDataRole.UserRole).frame_id
    with qtbot.waitSignals([window.timeline.frameShown, window.timeline.imageShown],
                           timeout=10000, check_params_cbs=[lambda i: i == fid] * 2):
        qtbot.keyClick(search.field, Qt.Key.Key_Return)
    assert not search.isVisible() and window.tabs.currentWidget() is window.timeline
    viewer = window.timeline.viewer
    assert viewer.frame.id == fid
    assert any("lentils" in l.text.lower() for l in viewer.marked)
    img = viewer.image.pixmap().toImage()
    scale = img.width() / viewer.frame.width
    x0, y0, x1, _y1 = viewer.marked[0].box
    c = img.pixelColor(int((x0 + x1) / 2 * scale), max(0, round(y0 * scale - 3)))
    assert c.red() > 180 and c.blue() < 90, c.getRgb()
    themed_shots(qtbot, window, window.theme, "search_opened_in_timeline")


def test_a_page_of_results_is_laid_out_in_short_steps(qtbot, window):
    """New results: each paint lays out at most LAYOUTS_PER_PAINT rows' rich text (the rest
    show their app, then follow on the next turns of the event loop), and thumbnails are
    decoded only once the results stay (not while the user types)."""
    from ui.search.panel import LAYOUTS_PER_PAINT, THUMBS_AFTER_MS

    search = window.open_search()
    search.resize(820, 900)
    shown = []
    with qtbot.waitSignal(search.searched, timeout=20000, check_params_cb=lambda n: n >= 4):
        search.field.setText("activities")
    rows = [i for i in search.result_items()
            if search.results.visualItemRect(i).intersects(search.results.viewport().rect())]
    assert len(rows) > LAYOUTS_PER_PAINT
    search.results.viewport().repaint()
    shown.append(len(search.delegate._texts))
    assert shown[0] <= LAYOUTS_PER_PAINT and not search.cache._pending
    qtbot.waitUntil(lambda: len(search.delegate._texts) >= len(rows), timeout=5000)
    # the thumbnails were asked for once the results had stayed
    qtbot.wait(THUMBS_AFTER_MS + 50)
    first = rows[0].data(Qt.ItemDataRole.UserRole).frame
    qtbot.waitUntil(lambda: search.cache.get(first.id) is not None, timeout=10000)
