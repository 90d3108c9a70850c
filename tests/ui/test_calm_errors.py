"""A missing image, a damaged image and an empty day: a calm inline message, no dialog."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image, ImageDraw
from PySide6.QtWidgets import QApplication, QMessageBox

from capture.images import encode_image
from ui.timeline.view import TimelineView

DAY = dt.date(2026, 3, 2)


def _add(store, minute: int, text: str) -> int:
    from memory.ocr_types import OcrLine

    img = Image.new("RGB", (640, 400), "white")
    ImageDraw.Draw(img).text((20, 20), text, fill="black")
    ts = dt.datetime.combine(DAY, dt.time(9, minute)).astimezone()
    return store.frames.add(image_bytes=encode_image(img), ts=ts, app="Editor",
                            window_title=f"note {minute}", url=None, width=640, height=400,
                            phash="0", sources=[f"t{minute}"],
                            ocr_lines=[OcrLine(text, (0, 0, 10, 10), 0.9)])


@pytest.mark.parametrize("encrypt", [True, False])
def test_missing_and_damaged_images_show_inline(qtbot, open_store, pools, grab, encrypt):
    store = open_store(encrypt=encrypt, passphrase="pw-long-enough" if encrypt else None)
    ok, missing, damaged = (_add(store, m, f"frame {m}") for m in (1, 2, 3))
    frames = {f.id: f for f in store.frames.between(0, 2e10)}
    (store.layout.frames / frames[missing].file).unlink()
    (store.layout.frames / frames[damaged].file).write_bytes(b"not an image at all")

    view = TimelineView(store.frames, pools[0])
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    with qtbot.waitSignals([view.dayLoaded, view.imageShown], timeout=10000):
        view.load_date(DAY)
    assert view.viewer.frame.id == ok and not view.viewer.notice.isVisibleTo(view)

    for fid, words in ((missing, "missing"), (damaged, "damaged" if not encrypt else "")):
        with qtbot.waitSignal(view.imageFailed, timeout=10000) as failed:
            view.select_frame_id(fid)
        assert failed.args[0] == fid
        notice = view.viewer.notice.text()
        assert view.viewer.notice.isVisibleTo(view) and words in notice
        assert "Traceback" not in notice
        assert view.viewer.text.toPlainText() == f"frame {3 if fid == damaged else 2}"
        grab(view, f"calm_{'missing' if fid == missing else 'damaged'}_{encrypt}")
    assert not any(isinstance(w, QMessageBox) for w in QApplication.topLevelWidgets())


def test_empty_day_says_so(qtbot, open_store, pools, grab):
    store = open_store(encrypt=False, passphrase=None)
    view = TimelineView(store.frames, pools[0])
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.dayLoaded, timeout=10000) as got:
        view.load_date(DAY)
    assert got.args == [0]
    assert "Nothing was captured" in view.viewer.notice.text()
    assert view.viewer.notice.isVisibleTo(view)
    view.run_search("anything")   # no frames: nothing to highlight, no error
    grab(view, "calm_empty_day")
