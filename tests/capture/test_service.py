import datetime as dt
import logging
import queue

import pytest
from capture_fakes import FakeGrabber, FakeIdle, FakeOcr, FakeWindows, screen, wait_for

import capture.service as svc_mod
from capture.errors import CaptureError
from capture.idle import IdleState
from capture.service import CaptureService, State, changed_region_ocr, run_capture
from capture.settings import CaptureSettings, PrivacySettings
from capture.window import WindowInfo
from memory.errors import DiskFullError
from memory.ocr_types import OcrLine

NOTES = WindowInfo("notesapp", "Shopping - Notes", 42)
VAULT = WindowInfo("keepassxc", "Bank logins.kdbx - KeePassXC", 43)
OWN_PID = 4471    # the process capture is told is the app's own (its GUI's)


@pytest.fixture
def rig(store, clock):
    class Rig:
        pass

    r = Rig()
    r.lines = ["Buy apples", "Call the dentist", "Pay rent"]
    r.grabber = FakeGrabber(screen(r.lines))
    r.windows = FakeWindows(NOTES)
    r.idle = FakeIdle()
    r.ocr = FakeOcr()
    r.ocr.texts = list(r.lines)
    r.q = queue.Queue()
    r.clock = clock
    r.store = store

    def make(**kw):
        # busy_gap_s=0: each change kept, so these tests see every mechanism one frame at a
        # time; the coalescing of bursts has its own test.
        settings = CaptureSettings(**{"interval_s": 2.0, "keyframe_s": 300.0,
                                      "busy_gap_s": 0.0, **kw})
        r.svc = CaptureService(store, r.ocr, settings, PrivacySettings(), r.windows, r.idle,
                               r.q, clock, grabber=r.grabber, own_pids={OWN_PID})
        r.svc.start(schedule=False)
        return r.svc

    def show(lines):
        r.lines = lines
        r.grabber.image = screen(lines)
        r.ocr.texts = list(lines)

    def step(seconds=0.5, n=1):
        for _ in range(n):
            clock.advance(seconds)
            r.svc.poll()

    def frames():
        return store.frames.between(0, 1e12)

    r.make, r.show, r.step, r.frames = make, show, step, frames
    yield r
    if getattr(r, "svc", None):
        r.svc.stop(5)


def stored(r, n):
    assert wait_for(lambda: r.svc.status().frames_stored >= n), r.svc.status()
    assert wait_for(lambda: r.svc._work.qsize() == 0)
    return r.frames()


def test_static_screen_stores_one_frame_and_backs_off(rig):
    svc = rig.make()
    rig.svc.poll()
    frames = stored(rig, 1)
    assert frames[0].app == "notesapp" and frames[0].window_title == "Shopping - Notes"
    assert frames[0].ocr_text.splitlines() == rig.lines
    rig.step(0.5, n=120)  # one minute of an unchanged screen
    st = svc.status()
    assert st.frames_stored == 1 and st.state is State.RECORDING
    # 2 s backing off by 1.5x: 2, 3, 4.5, 6.75, 10.1, 15.2, 22.8 ... → a handful, not 30
    assert 1 + 4 <= rig.grabber.grabs <= 1 + 8
    assert st.frames_dropped == rig.grabber.grabs - 1


def test_changed_region_ocr_reads_only_the_change_and_carries_the_rest(rig):
    rig.make()
    rig.svc.poll()
    stored(rig, 1)
    rig.ocr.calls.clear()
    rig.show(rig.lines[:2] + ["Pay rent on Friday", "Book flights"])
    rig.step(2.0)
    frames = stored(rig, 2)
    assert frames[-1].ocr_text.splitlines() == rig.lines
    assert len(rig.ocr.calls) == 1 and rig.ocr.calls[0] is not None
    x0, y0, x1, y1 = rig.ocr.calls[0]
    assert y0 > 50 and (x1 - x0) * (y1 - y0) < 800 * 450 * 0.5  # not the first two lines


def test_full_ocr_every_n_changed_frames(rig):
    rig.make(full_ocr_every=3)
    rig.svc.poll()
    stored(rig, 1)
    for i in range(6):
        rig.show(rig.lines[:2] + [f"line number {i} " * (i + 1)])
        rig.step(2.0)
        stored(rig, 2 + i)
    full = [c for c in rig.ocr.calls if c is None]
    assert len(full) == 3  # the first, then every third


def test_window_switch_grabs_at_once_and_reads_all(rig):
    rig.make()
    rig.svc.poll()
    stored(rig, 1)
    rig.ocr.calls.clear()
    rig.windows.info = WindowInfo("writer", "Plan.odt - Writer", 7)
    rig.show(["Quarterly plan", "Hire two people"])
    rig.step(0.3)  # well before the 2 s interval
    frames = stored(rig, 2)
    assert frames[-1].app == "writer" and rig.ocr.calls == [None]


def test_excluded_window_is_never_grabbed_or_logged(rig, caplog):
    caplog.set_level(logging.DEBUG)
    rig.make()
    rig.svc.poll()
    stored(rig, 1)
    grabs = rig.grabber.grabs
    rig.windows.info = VAULT
    rig.show(["bank pin 7731"])
    rig.step(0.5, n=10)
    assert rig.grabber.grabs == grabs
    st = rig.svc.status()
    assert st.state is State.EXCLUDED and st.frames_excluded == 1
    rig.windows.info = NOTES
    rig.show(["Buy apples"])
    rig.step(0.5)
    frames = stored(rig, 2)
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "excluded window" in text and "Bank logins" not in text and "7731" not in text
    assert all("7731" not in f.ocr_text and "Bank" not in f.window_title for f in frames)


def test_excluded_window_showing_behind_the_focused_one_blocks_the_frame(rig):
    rig.make()
    rig.svc.poll()
    stored(rig, 1)
    grabs = rig.grabber.grabs
    rig.windows.others = [VAULT]          # focus stays on Notes; the vault shows beside it
    rig.show(["Buy apples", "bank pin 7731"])
    rig.step(0.5, n=10)
    assert rig.grabber.grabs == grabs and rig.svc.status().state is State.EXCLUDED
    rig.windows.others = []               # closed: capture goes on
    rig.show(["Buy apples"])
    rig.step(0.5)
    assert all("7731" not in f.ocr_text for f in stored(rig, 2))


def test_uncovered_tells_hidden_from_partly_shown():
    from capture.window import uncovered as _uncovered
    assert not _uncovered((10, 10, 100, 100), [(0, 0, 200, 200)])
    assert _uncovered((10, 10, 100, 100), [(0, 0, 100, 200)])   # a 10 px strip shows
    assert _uncovered((10, 10, 100, 100), [])
    assert not _uncovered((0, 0, 0, 0), [])


def test_switch_to_excluded_mid_grab_is_dropped(rig):
    rig.make()
    rig.windows.info = NOTES

    def switch():
        rig.windows.info = VAULT
    rig.grabber.on_grab = switch
    rig.svc.poll()
    rig.svc.stop(5)
    assert rig.grabber.grabs == 1 and rig.frames() == []
    rig.svc = None


def test_pause_for_minutes_then_resumes_by_itself(rig):
    rig.make()
    rig.svc.pause(1)
    rig.step(0.5, n=20)
    assert rig.grabber.grabs == 0 and rig.svc.status().state is State.PAUSED
    rig.step(50.0)
    assert rig.grabber.grabs == 1
    rig.svc.pause()
    rig.step(600)
    assert rig.grabber.grabs == 1
    rig.svc.resume()
    rig.step(0.5)
    assert rig.grabber.grabs == 2 and rig.svc.status().state is State.RECORDING


def test_idle_and_locked_stop_grabbing(rig):
    rig.make(idle_after_s=60)
    rig.idle.value = IdleState(61.0, False)
    rig.step(0.5, n=5)
    assert rig.grabber.grabs == 0 and rig.svc.status().state is State.IDLE
    rig.idle.value = IdleState(1.0, True)
    rig.step(0.5)
    assert rig.grabber.grabs == 0 and rig.svc.status().message == "screen locked"
    rig.idle.value = IdleState(0.0, False)
    rig.step(0.5)
    assert rig.grabber.grabs == 1


def test_display_error_sets_status_once_and_recovers(rig, caplog):
    rig.make()
    rig.grabber.fail = CaptureError("Screen capture failed: display :9 gone")
    rig.step(0.5, n=30)
    st = rig.svc.status()
    assert st.state is State.ERROR and "display :9 gone" in st.last_error
    assert sum("display :9 gone" in r.getMessage() for r in caplog.records) == 1
    rig.grabber.fail = None
    rig.step(60.0)
    stored(rig, 1)
    assert rig.svc.status().state is State.RECORDING


def test_disk_low_pauses_with_a_clear_status(rig, monkeypatch):
    import capture.service as service
    monkeypatch.setattr(service, "free_disk_mb", lambda p: 100.0)
    rig.make(min_free_disk_mb=500)
    rig.step(0.5, n=5)
    st = rig.svc.status()
    assert rig.grabber.grabs == 0 and st.state is State.DISK_LOW and "100 MB free" in st.message
    monkeypatch.setattr(service, "free_disk_mb", lambda p: 10_000.0)
    rig.step(30.0)
    assert rig.grabber.grabs == 1


def test_full_disk_on_write_keeps_what_was_stored(rig, monkeypatch):
    rig.make()
    rig.svc.poll()
    stored(rig, 1)
    real_add = rig.store.frames.add

    def full(**kw):
        raise DiskFullError("The disk is full: could not write x.")
    monkeypatch.setattr(rig.store.frames, "add", full)
    rig.show(["Something new"])
    rig.step(2.0)
    assert wait_for(lambda: rig.svc.status().state is State.DISK_LOW)
    assert len(rig.frames()) == 1
    monkeypatch.setattr(rig.store.frames, "add", real_add)
    rig.step(60.0)
    frames = stored(rig, 2)
    assert frames[-1].ocr_text == "Something new"


def test_ocr_failure_stores_the_frame_without_new_text(rig):
    rig.make()
    rig.ocr.fail_next = True
    rig.svc.poll()
    frames = stored(rig, 1)
    assert frames[0].ocr_text == "" and rig.svc.status().ocr_failures == 1


def test_keyframe_stores_an_unchanged_screen_without_ocr(rig):
    rig.make(keyframe_s=60, max_interval_s=120)
    rig.svc.poll()
    stored(rig, 1)
    rig.ocr.calls.clear()
    rig.step(0.5, n=125)
    frames = stored(rig, 2)
    assert frames[-1].ocr_text == frames[0].ocr_text and rig.ocr.calls == []


def test_redaction_before_storage(rig):
    rig.windows.info = WindowInfo("notesapp", "card 4111 1111 1111 1111", 1)
    rig.show(["pay with 4111 1111 1111 1111"])
    rig.make()
    rig.svc.poll()
    f = stored(rig, 1)[0]
    assert "4111" not in f.ocr_text and "4111" not in f.window_title


def test_observations_batched_and_flushed_on_stop(rig):
    rig.make(batch_frames=2)
    rig.svc.poll()
    stored(rig, 1)
    for i in range(2):
        rig.show([f"note {i} " * (3 + 4 * i)])
        rig.step(2.0)
        stored(rig, 2 + i)  # the fake OCR reads the script, not the image: one at a time
    batch = rig.q.get(timeout=2)
    frames = [rig.store.frames.get(i) for i in batch.frame_ids]   # what the pipeline reads
    assert [f.ocr_text for f in frames] == ["Buy apples\nCall the dentist\nPay rent",
                                            "note 0 " * 3]
    assert frames[0].app == "notesapp" and batch.start_ts == frames[0].ts
    rig.svc.stop(5)
    last = rig.q.get_nowait()
    assert [rig.store.frames.get(i).ocr_text for i in last.frame_ids] == ["note 1 " * 7]
    assert rig.store.db.execute("SELECT COUNT(*) FROM docs WHERE embedded = 0").fetchone()[0] == 0
    rig.svc = None


def test_changed_region_ocr_regrows_to_whole_lines():
    ocr = FakeOcr()
    ocr.texts = ["hello world", "second"]
    prev = [OcrLine("hello wor", (10, 10, 118, 34), 0.9), OcrLine("second", (10, 50, 82, 74), 0.9)]
    img = screen(ocr.texts)
    lines = changed_region_ocr(ocr, img, prev, [(110, 12, 140, 30)])
    assert [l.text for l in lines] == ["hello world", "second"]


def test_run_capture_for_a_duration_with_the_scheduler(store):
    q = queue.Queue()
    ocr = FakeOcr()
    ocr.texts = ["x"]
    svc = CaptureService(store, ocr, CaptureSettings(interval_s=0.2, window_poll_s=0.1),
                         PrivacySettings(), FakeWindows(NOTES), FakeIdle(), q,
                         grabber=FakeGrabber(screen(["x"])))
    st = run_capture(svc, 1.0)
    assert st.state is State.STOPPED and st.frames_stored == 1
    assert q.get_nowait().frame_ids == (store.frames.last().id,)
    assert store.frames.last().ts_epoch == pytest.approx(dt.datetime.now().timestamp(), abs=5)


def test_switching_back_to_a_seen_window_reuses_its_text(rig):
    rig.make()
    rig.svc.poll()
    stored(rig, 1)
    notes_lines = list(rig.lines)
    rig.windows.info = WindowInfo("writer", "Plan.odt - Writer", 7)
    rig.show(["Quarterly plan", "Hire two people"])
    rig.step(0.5)
    stored(rig, 2)
    rig.ocr.calls.clear()
    rig.windows.info = NOTES
    rig.show(notes_lines)
    rig.step(0.5)
    frames = stored(rig, 3)
    assert frames[-1].app == "notesapp" and frames[-1].ocr_text.splitlines() == notes_lines
    assert rig.ocr.calls == []  # the same screen as before: no OCR at all


# -- the app never captures itself -----------------------------------------------------

SELF_LINE = "Commonplace Timeline Ask Memories SELFTEXT-4471"
GREY = (128, 128, 128)   # capture.privacy.SELF_FILL


class PixelOcr(FakeOcr):
    """FakeOcr that reads a scripted line only where its pixels still show something: a
    line painted over in one solid colour reads as nothing, as it would for a real engine."""

    def recognize(self, image, region=None):
        return [l for l in super().recognize(image, region)
                if any(lo != hi for lo, hi in image.crop(l.box).getextrema())]


def _own(app="python3", pid=OWN_PID, shown=((0, 80, 800, 40),)):
    """One of our windows behind the focused one; by default its shown part is the band of
    the screen's third line (y 90-114)."""
    return WindowInfo(app, "Commonplace", pid, rect=(0, 80, 800, 200), shown=shown)


def _stored_image(rig, frame):
    import io

    from PIL import Image
    return Image.open(io.BytesIO(rig.store.frames.read_image(frame))).convert("RGB")


def _filled(img, box, tol=8):
    """Every pixel of `box` (x0, y0, x1, y1) is the fill colour, give or take WebP."""
    lo, hi = zip(*img.crop(box).getextrema())
    return all(abs(l - g) <= tol and abs(h - g) <= tol for l, h, g in zip(lo, hi, GREY))


@pytest.mark.parametrize("own", [_own(), _own(app="commonplace", pid=99)],
                         ids=["by-process", "by-wm-class"])
def test_our_own_window_behind_is_painted_over_before_ocr_and_storage(rig, own):
    rig.ocr = PixelOcr()
    rig.show(["Buy apples", "Call the dentist", SELF_LINE])
    rig.windows.others = [own]
    rig.make()
    rig.svc.poll()
    f = stored(rig, 1)[0]
    assert f.ocr_text.splitlines() == ["Buy apples", "Call the dentist"]
    assert (f.app, f.window_title) == ("notesapp", "Shopping - Notes")
    img = _stored_image(rig, f)
    assert _filled(img, (0, 80, 800, 120))              # its shown part, edge to edge
    assert not _filled(img, (0, 40, 800, 80))           # the focused window's text stays
    assert img.getpixel((400, 200)) == (255, 255, 255)  # its covered part is not painted
    assert rig.svc.status().state is State.RECORDING and rig.svc.status().frames_excluded == 0


def test_our_own_window_moving_mid_grab_is_painted_where_it_was_and_is(rig):
    rig.ocr = PixelOcr()
    rig.show(["Buy apples", SELF_LINE, SELF_LINE])
    rig.windows.others = [_own(shown=((0, 40, 800, 40),))]

    def moved():
        rig.windows.others = [_own(shown=((0, 80, 800, 40),))]
    rig.grabber.on_grab = moved
    rig.make()
    rig.svc.poll()
    f = stored(rig, 1)[0]
    assert f.ocr_text == "Buy apples"
    img = _stored_image(rig, f)
    assert _filled(img, (0, 40, 800, 80)) and _filled(img, (0, 80, 800, 120))


def test_our_own_window_where_nobody_can_say_refuses_the_frame(rig):
    rig.windows.others = [_own(shown=None)]   # it shows, but where is unknown
    rig.show(["Buy apples", SELF_LINE])
    rig.make()
    rig.step(0.5, n=6)
    st = rig.svc.status()
    assert rig.grabber.grabs == 0 and st.state is State.EXCLUDED and st.frames_excluded == 1
    assert "cannot be hidden" in st.message
    rig.windows.others = []                    # closed: capture goes on at once
    rig.show(["Buy apples"])
    rig.step(0.5)
    assert [f.ocr_text for f in stored(rig, 1)] == ["Buy apples"]


@pytest.mark.parametrize("focused", [WindowInfo("python3", "Commonplace", OWN_PID),
                                     WindowInfo("commonplace", "Commonplace", 7)],
                         ids=["by-process", "by-wm-class"])
def test_our_own_window_in_front_is_never_grabbed(rig, focused):
    rig.windows.info = focused
    rig.make()
    rig.step(0.5, n=6)
    st = rig.svc.status()
    assert rig.grabber.grabs == 0 and st.state is State.EXCLUDED
    assert st.message == "Commonplace window in front: not captured"


def test_our_own_window_decides_before_an_excluded_one_is_forgiven(rig):
    # Hiding our own window never lets an excluded window beside it through.
    rig.windows.others = [_own(), VAULT]
    rig.make()
    rig.step(0.5, n=4)
    assert rig.grabber.grabs == 0 and rig.svc.status().state is State.EXCLUDED


def test_a_burst_of_changes_keeps_one_frame_per_gap_and_the_settled_state(rig):
    rig.make(busy_gap_s=10.0)
    rig.svc.poll()
    stored(rig, 1)
    for i in range(8):                  # 16 s of typing: a change at every 2 s grab
        typed = "Typing " + " ".join(["alpha", "bravo", "charlie", "delta", "echo",
                                      "foxtrot", "golf", "hotel"][:i + 1])
        rig.show([typed, "Call the dentist", "Pay rent"])
        rig.step(2.0)
    frames = stored(rig, 2)
    # kept: the first frame, then one at the 10 s gap, not one per grab
    assert len(frames) == 2, [f.ocr_text for f in frames]
    assert rig.svc.status().frames_dropped >= 6
    rig.step(2.0)                        # typing stopped: the settled screen is kept at once
    frames = stored(rig, 3)
    assert typed in frames[-1].ocr_text
    rig.step(2.0, n=3)                   # and nothing more while it stays the same
    assert len(rig.frames()) == 3


def _with_caret(img, line_no, on=True):
    """The synthetic screen with a 2-px caret after line `line_no` (FakeOcr's lines kept)."""
    from PIL import ImageDraw
    img = img.copy()
    if on:
        d = ImageDraw.Draw(img)
        x = 10 + d.textlength(img.info["lines"][line_no], font_size=24) + 2
        d.rectangle([x, 10 + 40 * line_no, x + 1, 10 + 40 * line_no + 26], fill="black")
    return img


def test_one_typed_character_is_stored_at_once(rig):
    from capture.change import ChangeKind, Thumb, compare

    rig.make()
    rig.svc.poll()
    stored(rig, 1)
    before = rig.grabber.image
    rig.show(rig.lines[:2] + ["Pay rents"])
    # Pointer-sized on the thumbnail: before full-resolution refinement it was dropped as
    # a near-duplicate until the next keyframe (five minutes).
    assert compare(Thumb.of(before), Thumb.of(rig.grabber.image)).kind is ChangeKind.POINTER
    rig.step(2.0)
    frames = stored(rig, 2)
    assert frames[-1].ocr_text.splitlines()[-1] == "Pay rents"
    assert rig.ocr.calls[-1] is not None  # read as a changed region, not the whole screen


def test_a_blinking_caret_stores_nothing(rig):
    rig.make()
    base = rig.grabber.image
    rig.grabber.image = _with_caret(base, 2)
    rig.svc.poll()
    stored(rig, 1)
    for i in range(10):
        rig.grabber.image = _with_caret(base, 2, on=i % 2 == 1)
        rig.step(2.0)
    assert wait_for(lambda: rig.svc._work.qsize() == 0)
    assert len(rig.frames()) == 1
    assert rig.grabber.grabs >= 4 and rig.svc.status().frames_dropped == rig.grabber.grabs - 1


def test_a_small_change_that_reads_the_same_is_not_stored(rig):
    from PIL import ImageDraw

    rig.make()
    rig.svc.poll()
    stored(rig, 1)
    calls = len(rig.ocr.calls)
    hovered = rig.grabber.image.copy()  # a button lit up under the pointer: same text
    ImageDraw.Draw(hovered).rectangle([700, 400, 712, 412], fill=(120, 160, 255))
    rig.grabber.image = hovered
    rig.step(2.0)
    assert wait_for(lambda: len(rig.ocr.calls) > calls and rig.svc._work.qsize() == 0)
    assert wait_for(lambda: rig.svc.status().frames_dropped >= 1)
    assert len(rig.frames()) == 1
    rig.show(rig.lines[:2] + ["Pay rent today"])  # a real edit after it is still read
    rig.step(2.0)
    frames = stored(rig, 2)
    assert frames[-1].ocr_text.splitlines() == rig.lines


def test_typing_settles_while_the_caret_blinks(rig):
    rig.make(busy_gap_s=10.0)
    rig.svc.poll()
    stored(rig, 1)
    for word in ("Pay", "Pay rent", "Pay rent to", "Pay rent to Sam"):  # a burst
        rig.show(rig.lines[:2] + [word])
        rig.grabber.image = _with_caret(rig.grabber.image, 2)
        rig.step(2.0)
    settled = rig.grabber.image
    rig.grabber.image = _with_caret(settled, 2, on=False)  # stopped: only the caret blinks
    rig.step(2.0)
    frames = stored(rig, 2)
    assert frames[-1].ocr_text.splitlines()[-1] == "Pay rent to Sam"


# -- settings changed while capture runs ------------------------------------------------
def _old_images(store, sizes, age_days=1.0):
    """Frames stored as an earlier session left them: images of `sizes` bytes, oldest first."""
    import time as _time

    ids = []
    for i, size in enumerate(sizes):
        ts = dt.datetime.fromtimestamp(_time.time() - (age_days + len(sizes) - i) * 86400
                                       ).astimezone()
        ids.append(store.frames.add(image_bytes=b"x" * size, ts=ts, app="app",
                                    window_title="w", url=None, width=10, height=10, phash="",
                                    sources=[], ocr_lines=[OcrLine(f"frame {i}", (0, 0, 1, 1),
                                                                   1.0)]))
    return ids


def test_a_tightened_budget_reaches_the_running_capture_at_once(rig):
    from dataclasses import replace

    from capture.retention import image_bytes

    ids = _old_images(rig.store, [400_000] * 5)            # 2 MB of images
    svc = rig.make(max_frames_mb=20_000, max_frame_age_days=90)
    svc._work.put(svc_mod._RETENTION)                       # the scheduler's run: nothing to do
    assert wait_for(lambda: svc._work.qsize() == 0)
    assert not wait_for(lambda: image_bytes(rig.store) < 2_000_000, timeout=0.3)

    svc.apply_settings(replace(svc._s, max_frames_mb=1))   # the dialog saved 1 MB
    assert wait_for(lambda: image_bytes(rig.store) == 800_000), image_bytes(rig.store)
    assert [rig.store.frames.get(i).bytes for i in ids] == [0, 0, 0, 400_000, 400_000]
    assert rig.store.frames.get(ids[0]).ocr_text == "frame 0"   # the text stays
    assert svc.status().state is State.RECORDING


def test_a_tightened_age_limit_deletes_older_images_at_once(rig):
    from dataclasses import replace

    old = _old_images(rig.store, [1000], age_days=40)[0]
    new = _old_images(rig.store, [1000], age_days=0)[0]
    svc = rig.make(max_frame_age_days=90)
    svc.apply_settings(replace(svc._s, max_frame_age_days=30))
    assert wait_for(lambda: rig.store.frames.get(old).bytes == 0)
    assert rig.store.frames.get(new).bytes == 1000


def test_other_live_settings_wait_for_the_next_retention_run(rig, monkeypatch):
    """A change that tightens nothing asks for no run of its own: the scheduled one takes it
    (here the free-disk floor, which the poll reads)."""
    from dataclasses import replace

    monkeypatch.setattr(svc_mod, "free_disk_mb", lambda p: 1000.0)
    svc = rig.make(min_free_disk_mb=500)
    rig.step(0.5)
    assert rig.grabber.grabs == 1
    svc.apply_settings(replace(svc._s, min_free_disk_mb=5000, interval_s=20.0))
    rig.step(30.0)                                  # a disk check, with the old floor
    assert svc.status().state is State.RECORDING and svc._s.min_free_disk_mb == 500
    svc._work.put(svc_mod._RETENTION)               # the scheduled retention run
    assert wait_for(lambda: svc._s.min_free_disk_mb == 5000)
    rig.step(30.0)
    st = svc.status()
    assert st.state is State.DISK_LOW and "minimum is 5000 MB" in st.message
    assert svc._s.interval_s == 2.0                 # not a live setting: the next start's
