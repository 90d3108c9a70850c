"""The MCP audit log in the app: reached from the main window's menu, read-only."""

from __future__ import annotations

from types import SimpleNamespace


def _window(qtbot, pools, store, settings_factory):
    from ui.main_window import MainWindow

    core = SimpleNamespace(settings=settings_factory(), store=store, retriever=None,
                           backend=lambda: None, answerer=lambda backend: None)
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], use_llm=False)
    qtbot.addWidget(w)
    return w


def test_the_menu_opens_the_audit_log_newest_first(qtbot, pools, open_store, settings_factory):
    from ui.audit_view import COLUMNS

    store = open_store()
    log = store.audit
    log.record(client="claude", tool="search", arguments={"query": "invoice", "limit": 5},
               outcome="ok", sources=["frames/0001.png", "frame:7"], detail="hits=2")
    log.record(client="zed", tool="timeline", arguments={"since": "yesterday"},
               outcome="refused", detail="since 'yesterday' is not an ISO 8601 time")
    w = _window(qtbot, pools, store, settings_factory)
    dlg = w.open_audit()
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 2, timeout=10000)
    rows = [[dlg.table.item(r, c).text() for c in range(len(COLUMNS))] for r in range(2)]
    assert [r[1:3] for r in rows] == [["zed", "timeline"], ["claude", "search"]]
    assert rows[0][4] == "refused" and "not an ISO 8601 time" in rows[0][5]
    assert '"query": "invoice"' in rows[1][3] and "frames/0001.png, frame:7" in rows[1][5]
    assert not dlg.table.editTriggers()        # read-only
    assert dlg.status.text() == "2 calls, newest first."
    assert w.audit_action.text().startswith("What other tools read")


def test_an_empty_log_says_so(qtbot, pools, open_store, settings_factory):
    w = _window(qtbot, pools, open_store(), settings_factory)
    dlg = w.open_audit()
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.status.text() != "Reading…", timeout=10000)
    assert dlg.table.rowCount() == 0 and "No tool has used" in dlg.status.text()
