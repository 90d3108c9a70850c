"""Capture against a real X server (Xvfb) with real Qt windows, real OCR, a real Store.

Encryption is off so that grepping the data directory for an excluded window's text
means something.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from capture.idle import X11IdleSource
from capture.ocr import OcrEngine
from capture.service import CaptureService, State
from capture.settings import CaptureSettings, PrivacySettings
from capture.window_x11 import XlibWindowSource

NOTES = ("Shopping list - Notes", "Buy apples and pears\nCall the dentist on Monday\n"
         "Renew the library card")
SECRET = "zebracorn quokka 917364"


class SpyOcr(OcrEngine):
    """The real engine, recording which regions it was asked to read."""

    def __init__(self) -> None:
        super().__init__(max_width=1280)
        self.calls: list[tuple | None] = []

    def recognize(self, image, region=None):
        self.calls.append(region)
        return super().recognize(image, region)


@pytest.fixture(scope="module")
def ocr():
    return SpyOcr()


def until(pred, timeout=30.0, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def settle(svc: CaptureService) -> None:
    """Wait until the writer has stored everything grabbed so far."""
    until(lambda: svc._work.qsize() == 0, what="writer to drain")
    time.sleep(0.3)


def test_capture_end_to_end(xvfb, qt_windows, plain_store, ocr, caplog):
    caplog.set_level(logging.DEBUG)
    notes = qt_windows(app="notesapp", title=NOTES[0], text=NOTES[1])
    notes.focus()
    q: queue.Queue = queue.Queue()
    settings = CaptureSettings(interval_s=0.5, window_poll_s=0.2, max_interval_s=4.0,
                               full_ocr_every=50, batch_frames=100, min_free_disk_mb=10)
    svc = CaptureService(plain_store, ocr, settings, PrivacySettings(encrypt=False),
                         XlibWindowSource(xvfb), X11IdleSource(xvfb), q)
    svc.start()
    try:
        # 1. the first frame: stored with the window's metadata and its text
        until(lambda: svc.status().frames_stored >= 1, what="first frame")
        settle(svc)
        first = plain_store.frames.last()
        assert (first.app, first.window_title) == ("notesapp", NOTES[0])
        assert "dentist" in first.ocr_text
        assert plain_store.layout.frames.joinpath(first.file).exists()

        # 2. an unchanged screen: grabbed, compared, dropped
        time.sleep(3.0)
        st = svc.status()
        assert st.frames_stored == 1 and st.frames_dropped >= 2, st

        # 3. a change in one place: only the changed region is OCR'd, the rest carried over
        ocr.calls.clear()
        notes.send("append \nInvoice 48213 is due on Friday")
        until(lambda: svc.status().frames_stored >= 2, what="changed frame")
        settle(svc)
        changed = plain_store.frames.last()
        assert "48213" in changed.ocr_text and "dentist" in changed.ocr_text
        assert ocr.calls and all(r is not None for r in ocr.calls), ocr.calls
        assert all(r[1] > 30 for r in ocr.calls), ocr.calls  # the first line was not read again

        # 3b. one typed character: pointer-sized on the thumbnail, but an edit, not a
        # near-duplicate -- stored once the screen settles, not at the next keyframe
        notes.send("append \nRoom 41")
        until(lambda: "Room 41" in plain_store.frames.last().ocr_text, what="Room 41")
        settle(svc)
        n_before = svc.status().frames_stored
        notes.send("append 7")
        until(lambda: "Room 417" in plain_store.frames.last().ocr_text, timeout=15,
              what="the one-character edit")
        # the writer counts a frame just after its commit: wait for the count, then make
        # sure the edit was stored once
        until(lambda: svc.status().frames_stored > n_before, what="the edit counted")
        settle(svc)
        assert svc.status().frames_stored == n_before + 1

        # 4. an excluded app: never grabbed, stored, OCR'd or logged by title
        n_before = svc.status().frames_stored
        vault = qt_windows(app="keepassxc", title="Bank logins.kdbx - KeePassXC",
                           text=f"Online banking\n{SECRET}")
        vault.focus()
        until(lambda: svc.status().state is State.EXCLUDED, what="excluded state")
        shown = XlibWindowSource(xvfb).visible()
        assert shown is not None and "keepassxc" in {w.app for w in shown}
        time.sleep(1.5)
        assert svc.status().frames_stored == n_before

        # 5. a switch to another app: grabbed at once, read in full, metadata right
        writer = qt_windows(app="writerapp", title="Project plan - Writer",
                            text="Milestone two ships in April\nHire a designer")
        ocr.calls.clear()
        writer.focus()
        vault.close()
        until(lambda: any(f.app == "writerapp" for f in plain_store.frames.between(0, 1e12)),
              what="writer frame")
        settle(svc)
        wf = [f for f in plain_store.frames.between(0, 1e12) if f.app == "writerapp"][0]
        assert wf.window_title == "Project plan - Writer" and "Milestone" in wf.ocr_text
        assert None in ocr.calls  # a window switch gets a full OCR
    finally:
        status = svc.stop(20)
    assert status.state is State.STOPPED

    # Observations reached the queue, flushed by stop().
    batches = []
    while not q.empty():
        batches.append(q.get_nowait())
    stored = [plain_store.frames.get(i) for b in batches for i in b.frame_ids]
    assert {f.app for f in stored} >= {"notesapp", "writerapp"}
    assert len(stored) == status.frames_stored

    # Nothing of the excluded window anywhere: files, database, logs.
    needles = [b"zebracorn", b"quokka", b"917364", b"Bank logins"]
    for path in Path(plain_store.layout.data_dir).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(n in data for n in needles), path
    assert not any(n.decode() in r.getMessage() for r in caplog.records for n in needles)
    # ...and not in the pixels: read every stored image again in full.
    import io

    from PIL import Image
    engine = OcrEngine(max_width=1280)
    for f in plain_store.frames.between(0, 1e12):
        img = Image.open(io.BytesIO(plain_store.frames.read_image(f)))
        text = " ".join(l.text for l in engine.recognize(img))
        assert "zebracorn" not in text and "917364" not in text, f.id


SIGTERM_SCRIPT = textwrap.dedent('''
    import json, queue, sys
    from capture.idle import NullIdleSource
    from capture.service import CaptureService, run_capture
    from capture.settings import CaptureSettings, PrivacySettings
    from capture.window_x11 import XlibWindowSource
    from memory.store.store import Store
    from models.embeddings import HashEmbedder

    class NoOcr:
        def recognize(self, image, region=None):
            return []

    data, out = sys.argv[1], sys.argv[2]
    store = Store.open(data, passphrase=None, encrypt_new=False, embedder=HashEmbedder(),
                       vectors=__import__("conftest").MemoryVectors())
    q = queue.Queue()
    svc = CaptureService(store, NoOcr(), CaptureSettings(interval_s=0.3, window_poll_s=0.1,
                         batch_frames=1000, min_free_disk_mb=10), PrivacySettings(encrypt=False),
                         XlibWindowSource(), NullIdleSource(), q)
    print("started", flush=True)
    st = run_capture(svc, None)
    ids = [i for b in iter(lambda: q.get_nowait() if not q.empty() else None, None)
           for i in b.frame_ids]
    json.dump({"state": st.state.value, "stored": st.frames_stored, "ids": ids}, open(out, "w"))
    store.close()
''')


def test_run_capture_flushes_on_sigterm(xvfb, qt_windows, tmp_path):
    w = qt_windows(app="notesapp", title="Signals - Notes", text="Counting to ten")
    w.focus()
    script = tmp_path / "run.py"
    script.write_text(SIGTERM_SCRIPT)
    env = dict(os.environ, DISPLAY=xvfb,
               PYTHONPATH=os.pathsep.join([str(Path.cwd()), str(Path(__file__).parent)]))
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "data"),
                             str(tmp_path / "out.json")], env=env, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "started"
        time.sleep(1.5)
        w.send("append \nand one more line of text here")
        time.sleep(1.5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["state"] == "stopped" and out["stored"] >= 2
    assert len(out["ids"]) == out["stored"]  # every stored frame reached the queue


# -- the app never captures itself ---------------------------------------------------------

SELFTEXT = "Commonplace Timeline Ask Memories\nSELFTEXT-4471\nYour dentist is on Tuesday"
OTHER = ("Groceries - Notes", "Buy oat milk and lentils\nPick up the parcel\nWater the ferns")
GREY = (128, 128, 128)   # capture.privacy.SELF_FILL


def _capture_one_frame(xvfb, store, ocr, **kw):
    """Run the real capture service until it has stored a frame; return the frame, its
    image, and what the real OCR reads on the stored image in full."""
    import io

    from PIL import Image

    from capture.idle import NullIdleSource

    settings = CaptureSettings(interval_s=0.5, window_poll_s=0.2, full_ocr_every=50,
                               batch_frames=100, min_free_disk_mb=10)
    svc = CaptureService(store, ocr, settings, PrivacySettings(encrypt=False),
                         XlibWindowSource(xvfb), NullIdleSource(), queue.Queue(), **kw)
    svc.start()
    try:
        until(lambda: svc.status().frames_stored >= 1, what="a stored frame")
        settle(svc)
    finally:
        svc.stop(20)
    frame = store.frames.last()
    image = Image.open(io.BytesIO(store.frames.read_image(frame))).convert("RGB")
    reread = " ".join(l.text for l in OcrEngine(max_width=1280).recognize(image))
    return frame, image, reread


def _filled(image, box, tol=20):
    """Every pixel of `box` is the fill colour, give or take WebP's ringing at an edge (text
    left in it would reach near black or white)."""
    lo, hi = zip(*image.crop(box).getextrema())
    return all(abs(l - g) <= tol and abs(h - g) <= tol for l, h, g in zip(lo, hi, GREY))


def _keep(image, name: str) -> None:
    """The stored frame, under tests/artifacts/xvfb for a person to look at."""
    out = Path(__file__).resolve().parents[1] / "artifacts" / "xvfb"
    out.mkdir(parents=True, exist_ok=True)
    image.save(out / name)


def _shown_parts(xvfb, pid):
    src = XlibWindowSource(xvfb)
    try:
        return [w for w in src.visible() or [] if w.pid == pid]
    finally:
        src.close()


def test_our_window_partly_behind_another_is_never_stored(xvfb, qt_windows, plain_store, ocr):
    # "Us": a real window whose process capture is told is the app's own (in `commonplace
    # run` the GUI shares the capturing process). The notes window covers its bottom right.
    ours = qt_windows(app="ownwindow", title="Commonplace", text=SELFTEXT,
                      geometry=(0, 0, 900, 500))
    notes = qt_windows(app="notesapp", title=OTHER[0], text=OTHER[1],
                       geometry=(500, 250, 1000, 600))
    notes.focus()
    [mine] = _shown_parts(xvfb, ours.proc.pid)
    assert mine.rect == (0, 0, 900, 500)
    assert sorted(mine.shown) == [(0, 0, 900, 250), (0, 250, 500, 250)]

    frame, image, reread = _capture_one_frame(xvfb, plain_store, ocr,
                                              own_pids={ours.proc.pid})
    _keep(image, "stored_frame_own_window_behind.png")
    assert (frame.app, frame.window_title) == ("notesapp", OTHER[0])
    for text in (frame.ocr_text, reread):
        assert "oat milk" in text and "parcel" in text, text
        assert "SELFTEXT" not in text and "4471" not in text and "Timeline" not in text, text
        assert "dentist" not in text, text
    assert _filled(image, (0, 0, 900, 250)) and _filled(image, (0, 250, 500, 500))
    assert not _filled(image, (500, 250, 1500, 850))       # the notes window is kept


def test_our_window_beside_another_is_never_stored(xvfb, qt_windows, plain_store, ocr):
    # A second instance of the app (another process): known by its WM_CLASS, "commonplace".
    ours = qt_windows(app="commonplace", title="Commonplace", text=SELFTEXT,
                      geometry=(0, 0, 700, 400))
    notes = qt_windows(app="notesapp", title=OTHER[0], text=OTHER[1],
                       geometry=(800, 0, 780, 500))
    notes.focus()
    assert [w.shown for w in _shown_parts(xvfb, ours.proc.pid)] == [((0, 0, 700, 400),)]

    frame, image, reread = _capture_one_frame(xvfb, plain_store, ocr)
    _keep(image, "stored_frame_own_window_beside.png")
    assert frame.app == "notesapp"
    for text in (frame.ocr_text, reread):
        assert "oat milk" in text, text
        assert "SELFTEXT" not in text and "Timeline" not in text and "dentist" not in text, text
    assert _filled(image, (0, 0, 700, 400))
