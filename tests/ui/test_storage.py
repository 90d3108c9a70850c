"""Storage: the sizes shown are what is on disk (images, text, the rest), measured off the GUI
thread over a real encrypted store; the retention rule is said in words and changing it
really changes the saved settings; the panel is reachable from the menu and the status bar."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from capture.images import encode_image
from capture.retention import enforce_retention
from memory.api import storage_usage
from memory.ocr_types import OcrLine
from tests.ui.conftest import core_with_backend
from tests.ui.shots import themed_shots
from ui.storage import StoragePanel, human, retention_rule
from ui.style import Theme

DAY = dt.date(2026, 3, 2)


def _frame(store, day: dt.date, text: str, at: dt.time = dt.time(9, 0)) -> int:
    img = Image.new("RGB", (640, 400), "white")
    ImageDraw.Draw(img).text((20, 20), text, fill="black")
    ts = dt.datetime.combine(day, at).astimezone()
    return store.add_frame(image_bytes=encode_image(img), ts=ts, app="Editor",
                           window_title="notes", url=None, width=640, height=400, phash="0",
                           sources=[f"capture/{day}/{at:%H%M}.png"],
                           ocr_lines=[OcrLine(text, (0, 0, 10, 10), 0.9)])


def _walk(path: Path) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


@pytest.fixture
def store(open_store):
    s = open_store()
    for i, text in enumerate(("lentil soup recipe", "invoice 0142 due", "train to Lyon")):
        _frame(s, DAY - dt.timedelta(days=10 * (2 - i)), text)
    logs = s.layout.data_dir / "logs"
    logs.mkdir(exist_ok=True)
    (logs / "commonplace.log").write_bytes(b"x" * 5000)
    return s


def test_usage_is_what_is_on_disk_and_follows_retention(store):
    u = storage_usage(store)
    data = store.layout.data_dir
    assert u.image_count == 3 and u.frames == 3
    assert u.image_bytes == _walk(data / "frames") > 0      # the recorded sizes are the files'
    assert u.oldest_image_ts == dt.datetime.combine(
        DAY - dt.timedelta(days=20), dt.time(9, 0)).astimezone().timestamp()
    assert u.database_bytes == sum(p.stat().st_size for p in data.glob("commonplace.db*"))
    assert u.vector_bytes == _walk(data / "vectors")
    assert dict(u.other)["Logs"] == _walk(data / "logs") >= 5000
    assert u.total_bytes == u.image_bytes + u.text_bytes + u.other_bytes
    assert u.free_bytes > 0
    # retention deletes the oldest image; its text stays
    now = dt.datetime.combine(DAY, dt.time(12, 0)).astimezone().timestamp()
    report = enforce_retention(store, max_mb=1000, max_age_days=15, now=now)
    after = storage_usage(store)
    assert report.deleted == 1 and after.image_count == 2 and after.frames == 3
    assert after.image_bytes == u.image_bytes - report.freed_bytes == _walk(data / "frames")


def test_sizes_and_rule_in_words(settings_factory):
    assert [human(n) for n in (0, 812, 81_200, 3_400_000, 21_000_000_000)] == \
        ["0 B", "812 B", "81 kB", "3.4 MB", "21 GB"]
    c = settings_factory().capture
    assert retention_rule(c) == ("Images older than 90 days or beyond 20 GB are deleted, "
                                 "oldest first; text and memories stay.")


def _panel(qtbot, store, pool, settings, save):
    panel = StoragePanel(store, pool, settings, save)
    qtbot.addWidget(panel)
    panel.theme = Theme(panel, parent=panel)
    panel.show()
    with qtbot.waitSignal(panel.measured, timeout=10000):
        panel.load()
    return panel


def test_panel_shows_usage_and_changing_retention_saves_it(qtbot, store, pools,
                                                           settings_factory):
    from app.gui import save_settings
    from app.settings import load_settings

    settings = settings_factory(data_dir=store.layout.data_dir)
    panel = _panel(qtbot, store, pools[0], settings, save_settings)
    u = panel.usage
    assert panel.rows["images"].text().startswith(f"{human(u.image_bytes)} · 3 screenshots")
    assert "Logs" in panel.rows["other"].text() and "search index" in panel.rows["text"].text()
    assert panel.rule.text() == retention_rule(settings.capture)
    assert "Images" in panel.bar.accessibleDescription()
    assert {w.accessibleName() for w in (panel.change, panel.refresh_button, panel.rule,
                                         panel.summary, panel.bar)} == {
        "Change retention", "Measure storage again", "Retention rule", "Storage summary",
        "Disk use against the image budget"}
    themed_shots(qtbot, panel, panel.theme, "storage")

    qtbot.mouseClick(panel.change, Qt.MouseButton.LeftButton)
    dlg = panel.retention
    assert dlg is not None and dlg.isVisible()
    assert (dlg.age.value(), dlg.budget.value()) == (90, 20.0)
    dlg.age.setValue(30)
    dlg.budget.setValue(5.5)
    themed_shots(qtbot, dlg, panel.theme, "storage_retention")
    with qtbot.waitSignal(panel.settingsSaved, timeout=2000) as saved:
        qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Save),
                         Qt.MouseButton.LeftButton)
    reloaded = load_settings(config_file=settings.paths.config_file)
    assert reloaded == saved.args[0]
    assert (reloaded.capture.max_frame_age_days, reloaded.capture.max_frames_mb) == (30, 5500)
    assert panel.rule.text() == ("Images older than 30 days or beyond 5.5 GB are deleted, "
                                 "oldest first; text and memories stay.")


def test_a_failed_save_is_shown_and_nothing_changes(qtbot, store, pools, settings_factory,
                                                    tmp_path):
    from app.gui import save_settings

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the config folder should be")
    settings = settings_factory(data_dir=store.layout.data_dir)
    settings = dataclasses.replace(settings, paths=dataclasses.replace(
        settings.paths, config_file=blocker / "config.toml"))
    panel = _panel(qtbot, store, pools[0], settings, save_settings)
    dlg = panel.change_retention()
    dlg.age.setValue(7)
    dlg.accept()
    assert dlg.isVisible() and dlg.error.isVisibleTo(dlg)
    assert dlg.error.text().startswith("Not saved:")
    assert panel.settings is settings and "90 days" in panel.rule.text()


def test_reachable_from_the_menu_and_the_status_bar(qtbot, screens_core, pools, tmp_path):
    from ui.main_window import MainWindow

    core = core_with_backend(screens_core, lambda: None)
    saved = []
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], use_llm=False,
                   save_settings=saved.append)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.timeline.dayLoaded, timeout=20000):
        w.start(dt.date(2026, 2, 17))
    qtbot.waitUntil(lambda: w.storage_button.text().startswith("Images "), timeout=10000)
    assert w.storage_button.text().endswith("of 20 GB")
    assert "Storage…" in [a.text() for a in w.menuBar().actions()[0].menu().actions()]
    w.storage_action.trigger()
    panel = w.storage
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(lambda: panel.usage is not None, timeout=10000)
    assert panel.usage.image_bytes == screens_core.store.frames.image_bytes() > 0
    panel.close()
    qtbot.mouseClick(w.storage_button, Qt.MouseButton.LeftButton)
    assert panel.isVisible()
    dlg = panel.change_retention()
    dlg.age.setValue(45)
    dlg.accept()
    assert saved and saved[-1].capture.max_frame_age_days == 45
    assert w.core.settings.capture.max_frame_age_days == 45    # the settings dialog sees it
    assert w.open_settings().age.value() == 45


def test_the_status_line_follows_the_first_captures(qtbot, open_store, ocr, settings_factory,
                                                     pools, monkeypatch):
    """Early in a live run: the line said "Images 0 B" until the next timer. Now, once the
    timeline finds frames newer than any it showed, the line is measured again shortly — on
    the store pool, once for a burst."""
    import threading

    from app.wiring import Core
    from memory.retrieval import Retriever
    from ui import storage
    from ui.main_window import MainWindow

    threads = []

    def spied(store):   # the real measure, noting the thread it ran on
        threads.append(threading.current_thread())
        return storage_usage(store)

    monkeypatch.setattr(storage, "storage_usage", spied)
    s = open_store()    # nothing captured yet
    core = core_with_backend(Core(settings=settings_factory(data_dir=s.layout.data_dir),
                                  store=s, ocr=ocr, retriever=Retriever(s)), lambda: None)
    w = MainWindow(core, store_pool=pools[0], chat_pool=pools[1], use_llm=False)
    qtbot.addWidget(w)
    w.show()
    button, timeline = w.storage_button, w.timeline
    today = dt.date.today()
    with qtbot.waitSignals([timeline.dayLoaded, button.measured], timeout=20000):
        w.start(today)
    assert button.text() == "Images 0 B of 20 GB"
    measures = []
    button.measured.connect(measures.append)

    # capture stores its first frames; the timeline finds them (here: the Now button)
    for k, text in enumerate(("first capture", "second capture")):
        _frame(s, today, text, dt.time(0, k))
    with qtbot.waitSignals([timeline.framesAdded, button.measured], timeout=20000,
                           order="strict"):
        qtbot.mouseClick(timeline.now, Qt.MouseButton.LeftButton)
    u = button.usage
    assert measures == [u] and u.image_count == 2 and u.image_bytes > 0
    assert button.text() == f"Images {human(u.image_bytes)} of 20 GB" != "Images 0 B of 20 GB"

    # the same frames again, or an older day: nothing new, no measure
    with qtbot.assertNotEmitted(timeline.framesAdded, wait=200):
        with qtbot.waitSignal(timeline.dayLoaded, timeout=20000):
            timeline.load_date(today - dt.timedelta(days=1))
        with qtbot.waitSignal(timeline.dayLoaded, timeout=20000):
            timeline.load_date(today)
    # a burst is one measure; a measure already asked for counts what is new
    for _ in range(3):
        button.refresh_soon()
    qtbot.waitUntil(lambda: len(measures) == 2, timeout=storage.SOON_MS + 10000)
    button.refresh()
    button.refresh_soon()
    qtbot.waitUntil(lambda: len(measures) == 3, timeout=10000)
    qtbot.wait(storage.SOON_MS + 300)
    assert len(measures) == 3
    assert threads and threading.main_thread() not in threads   # never on the GUI thread
