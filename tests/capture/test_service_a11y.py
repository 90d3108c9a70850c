"""Capture with a text source (the accessibility tree) in front of OCR: the window's lines
come from the tree, OCR reads only the rest of the screen, and falls back to the whole
frame when the tree has nothing (scripted tree; the real one: tests/integration)."""

from __future__ import annotations

import queue

import pytest
from capture_fakes import FakeGrabber, FakeIdle, FakeOcr, FakeWindows, screen, wait_for

from capture.a11y import A11yText, TreeLine
from capture.service import CaptureService, State
from capture.settings import CaptureSettings, PrivacySettings
from capture.window import WindowInfo

NOTES = WindowInfo("notesapp", "Shopping - Notes", 42)
SCREEN_LINES = ["Buy apples", "Call the dentist", "Pay rent", "", "", "", "",
                "", "Taskbar clock 10:42"]          # the last one lies outside the window
WINDOW = (0, 0, 800, 300)                           # the window's box on screen


class FakeTree:
    def __init__(self, lines, *, window_name="Shopping - Notes", complete=True):
        self.lines = lines
        self.window_name = window_name
        self.complete = complete
        self.reads = 0

    def read(self, window):
        self.reads += 1
        if self.lines is None:
            return None
        return A11yText(tuple(TreeLine(t, (10, 10 + 40 * i, 300, 34 + 40 * i))
                              for i, t in enumerate(self.lines)),
                        WINDOW, (), self.complete, "notesapp", self.window_name, 5, 0.01)

    def close(self):
        pass


@pytest.fixture
def run(store, clock):
    made = []

    def start(tree):
        ocr = FakeOcr()
        grabber = FakeGrabber(screen(SCREEN_LINES))
        svc = CaptureService(store, ocr, CaptureSettings(busy_gap_s=0.0), PrivacySettings(),
                             FakeWindows(NOTES), FakeIdle(), queue.Queue(), clock,
                             grabber=grabber, text_source=tree)
        svc.start(schedule=False)
        made.append(svc)

        def step(seconds=0.5):
            clock.advance(seconds)
            svc.poll()
            assert wait_for(lambda: svc._work.qsize() == 0)

        return svc, ocr, grabber, step

    yield start
    for svc in made:
        svc.stop(5)


def test_tree_lines_are_stored_with_their_source_and_ocr_reads_only_outside(run, store):
    tree = FakeTree(["Buy apples", "Call the dentist", "Pay rent"])
    svc, ocr, grabber, step = run(tree)
    step()
    assert wait_for(lambda: svc.status().frames_stored == 1)
    f = store.frames.last()
    assert [(l.text, l.source) for l in f.ocr_lines] == [
        ("Buy apples", "a11y"), ("Call the dentist", "a11y"), ("Pay rent", "a11y"),
        ("Taskbar clock 10:42", "ocr")]
    assert ocr.calls == [(0, 300, 800, 450)]          # the part outside the window only
    assert svc.status().frames_a11y == 1

    # A change inside the window: the tree reads it, OCR is not asked again (the outside
    # part did not change: its lines carry over).
    tree.lines = ["Buy apples", "Call the dentist", "Pay rent today"]
    grabber.image = screen(["Buy apples", "Call the dentist", "Pay rent today", "", "", "",
                            "", "", "Taskbar clock 10:42"])
    ocr.calls.clear()
    step(2.0)
    assert wait_for(lambda: svc.status().frames_stored == 2)
    f = store.frames.last()
    assert "Pay rent today" in f.ocr_text and "Taskbar clock" in f.ocr_text
    assert ocr.calls == []


@pytest.mark.parametrize("tree", [FakeTree(None), FakeTree([]), FakeTree(["x"], complete=False)],
                         ids=["no-tree", "no-text", "over-budget"])
def test_ocr_reads_the_whole_frame_when_the_tree_does_not_cover_it(run, store, tree):
    svc, ocr, _, step = run(tree)
    step()
    assert wait_for(lambda: svc.status().frames_stored == 1)
    f = store.frames.last()
    assert None in ocr.calls and tree.reads == 1
    assert {l.source for l in f.ocr_lines} == {"ocr"} and "dentist" in f.ocr_text
    assert svc.status().frames_a11y == 0


def test_a_tree_that_names_an_excluded_window_refuses_the_frame(run, store):
    # The window source said "Shopping - Notes"; the tree's focused frame is a password
    # dialog (excluded by title): nothing is stored, from the tree or from OCR.
    tree = FakeTree(["Master password", "hunter2"], window_name="Unlock - Password")
    svc, ocr, _, step = run(tree)
    step()
    step(2.0)
    assert svc.status().state is State.EXCLUDED and svc.status().frames_excluded >= 1
    assert svc.status().frames_stored == 0 and ocr.calls == []
