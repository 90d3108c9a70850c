"""The desktop app in live use, end to end, as a new user meets it.

A desktop of its own (Xvfb with the openbox window manager), the installed `commonplace run` on
a new data directory with no passphrase in the environment: the welcome dialog, a passphrase
chosen and typed twice, then real windows typed into and switched between while the app
records. Then the user asks in the Ask tab; the answer's citation chip is clicked and the
timeline shows the cited frame with what answered marked; a follow-up ("and the day
before?") is asked with the last question's subject and day; Ctrl+K searches as the user
types and Enter opens the moment found; then the Memories tab opens a memory made from a
live frame, and its "Where it came from" opens that frame. Last, capture is paused and
resumed from the Capture menu, and the timeline's coverage strip shows the pause.

Everything is driven by real input (xdotool keys and clicks on the X server), widgets are
found on screen by reading a screenshot (OCR), and the app tells which frames it cited and
showed through its INFO log lines, which name frame ids and never text. A screenshot of every
step is kept under tests/artifacts/live_gui/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from tests.integration.conftest import stop_app

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "live_gui"
CLI = Path(sys.executable).with_name("commonplace")
PASSPHRASE = "maple otter lantern seventy"
TRACKING = "ZX-4471-QP"
QUESTION = "What is the tracking number of my parcel?"


class Desktop:
    """Real input on the X display, and eyes on it: screenshots read by OCR."""

    def __init__(self, display: str) -> None:
        from capture.ocr import OcrEngine
        from capture.screen import ScreenGrabber

        self.display = display
        self.env = dict(os.environ, DISPLAY=display)
        self.grabber = ScreenGrabber(display=display)
        self.ocr = OcrEngine(max_width=1600)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        self.grabber.close()

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                             timeout=20)
        return out.stdout.strip()

    def window(self, title: str, timeout: float = 90.0) -> str:
        """The id of the visible window whose title matches `title` (a regex)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ids = self.xdotool("search", "--onlyvisible", "--name", title).split()
            if ids:
                return ids[-1]
            time.sleep(0.3)
        self.shot("timeout")
        raise AssertionError(f"no window titled {title!r} within {timeout:.0f} s")

    def activate(self, wid: str) -> None:
        self.xdotool("windowactivate", "--sync", wid)
        time.sleep(0.3)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "40", text)

    def key(self, *keys: str) -> None:
        self.xdotool("key", *keys)

    def click(self, x: int, y: int) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("click", "1")
        time.sleep(0.3)

    def shot(self, name: str):
        img = self.grabber.grab()
        img.save(ARTIFACTS / f"{name}.png")
        return img

    def read(self, name: str):
        """A screenshot (kept as `name`) and its OCR lines."""
        img = self.shot(name)
        return img, self.ocr.recognize(img)

    def find(self, name: str, pattern: str, *, below: int = 0, timeout: float = 30.0):
        """The OCR line matching `pattern` (lowest on screen first below `below`), waiting
        for it to appear."""
        end = time.monotonic() + timeout
        while True:
            _img, lines = self.read(name)
            hits = [l for l in lines if re.search(pattern, l.text, re.IGNORECASE)
                    and l.box[1] >= below]
            if hits:
                return hits
            if time.monotonic() > end:
                raise AssertionError(f"{pattern!r} not on screen ({name}.png): "
                                     f"{[l.text for l in lines]}")
            time.sleep(1.0)

    def click_text(self, name: str, pattern: str, *, below: int = 0, last: bool = False,
                   timeout: float = 30.0) -> None:
        hits = self.find(name, pattern, below=below, timeout=timeout)
        x0, y0, x1, y1 = (hits[-1] if last else hits[0]).box
        self.click((x0 + x1) // 2, (y0 + y1) // 2)


class AppLog:
    """The app's stderr (INFO with -v), read as it grows."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def text(self) -> str:
        return self.path.read_text("utf-8", "replace")

    def wait(self, pattern: str, timeout: float, *, after: int = 0) -> re.Match:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(pattern, self.text()[after:])
            if m:
                return m
            time.sleep(0.3)
        raise AssertionError(f"the app never logged {pattern!r}:\n{self.text()[-3000:]}")


@pytest.mark.xvfb
@pytest.mark.slow
@pytest.mark.skipif(not CLI.exists(), reason="the commonplace script is not installed")
def test_live_use_first_run_ask_cite_open_and_memories(desktop, tmp_path):
    data, config = tmp_path / "data", tmp_path / "config.toml"
    # Quick capture; an observation batch closed after 5 s, so the app's minutely memory
    # pipeline has it at its first run; the deterministic floor makes the memories.
    config.write_text("[capture]\ninterval_s = 0.5\nwindow_poll_s = 0.2\nbatch_seconds = 5\n"
                      "[memory]\nuse_llm = false\n", "utf-8")
    # A user of their own: no passphrase in the environment, an empty home, and a short
    # runtime dir (the single-instance socket's path must fit AF_UNIX's 108 bytes).
    runtime = Path(tempfile.mkdtemp(prefix="cp-"))
    env = {k: v for k, v in os.environ.items() if k != "COMMONPLACE_PASSPHRASE"}
    env.update(DISPLAY=desktop.display, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path / "home"),
               XDG_RUNTIME_DIR=str(runtime), QT_LOGGING_RULES="*.debug=false;qt.qpa.*=false")
    (tmp_path / "home").mkdir()
    screen = Desktop(desktop.display)
    log = AppLog(tmp_path / "app.log")
    with open(log.path, "w") as out:
        app = subprocess.Popen([str(CLI), "--data-dir", str(data), "--config", str(config),
                                "-v", "run"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        # -- first run: the welcome, then a passphrase chosen and typed twice ----------------
        screen.activate(screen.window("^Welcome to Commonplace$"))
        screen.click_text("01_welcome", r"^Start capturing$")
        screen.activate(screen.window("^Choose a passphrase"))
        screen.shot("02_choose_passphrase")
        screen.type(PASSPHRASE)
        screen.key("Tab")
        screen.type(PASSPHRASE)
        screen.find("03_passphrase_typed", r"Create my encrypted history")
        screen.key("Return")
        main = screen.window("^Commonplace$", timeout=180)
        log.wait(r"capture started", 60)
        log.wait(r"main window shown", 60)

        # -- a working session: two windows, typed into, switched between --------------------
        parcel = desktop.window(app="thunderbird", title="Parcel tracking - Thunderbird",
                                text="Your parcel from Nordpost is on its way\n",
                                geometry=(0, 0, 1000, 700))
        screen.activate(str(parcel.winid))
        for line in ("Order 88213 shipped on Monday\n", f"Tracking number: {TRACKING}\n",
                     "Estimated delivery: Friday\n"):
            parcel.send(f"append {line}")
        dentist = desktop.window(app="gnome-calendar", title="Dentist - Calendar",
                                 text="Thursday\n", geometry=(300, 100, 1000, 700))
        screen.activate(str(dentist.winid))
        for line in ("Dentist appointment with Dr Brandt\n", "Moved to 16:45, room 2\n"):
            dentist.send(f"append {line}")
        screen.shot("04_working_dentist")
        time.sleep(3)   # a moment on it: capture reads the screen as it settles
        screen.activate(str(parcel.winid))
        parcel.send("append Signature required on delivery\n")
        screen.shot("05_working_parcel")
        time.sleep(6)   # capture: a frame per change, OCR'd off the GUI thread

        # -- the Ask tab: a question, an answer, a chip per cited moment ---------------------
        screen.activate(main)
        mark = len(log.text())
        screen.click_text("06_app_front", r"^Ask$")
        screen.click_text("07_ask_tab", r"Ask about anything you saw")
        screen.type(QUESTION)
        screen.key("Return")
        cited = log.wait(r"answer cites frame\(s\) \[([\d, ]+)\]", 120, after=mark)
        frame_ids = {int(i) for i in cited.group(1).split(",")}
        _img, lines = screen.read("08_answer")
        assert any(TRACKING in l.text for l in lines), [l.text for l in lines]
        # the chip: the cited window's app under the answer (the frame's thumbnail beside it)
        chip = [l for l in lines if l.text.strip().lower() == "thunderbird"]
        assert chip, [l.text for l in lines]

        # -- a click on the chip opens that frame in the timeline, what answered marked -----
        mark = len(log.text())
        x0, y0, x1, y1 = chip[-1].box
        screen.click((x0 + x1) // 2, (y0 + y1) // 2)
        shown = log.wait(r"frame (\d+) shown with (\d+) line\(s\) marked", 30, after=mark)
        assert int(shown.group(1)) in frame_ids and int(shown.group(2)) >= 1, shown.group(0)
        time.sleep(1.0)   # the full image follows the rows
        _img, lines = screen.read("09_cited_frame_in_timeline")
        text = "\n".join(l.text for l in lines)
        assert "Jump to" in text and "Parcel tracking" in text, text
        assert TRACKING in text, text

        # -- a follow-up: the last question's subject and day carried into the next ---------
        mark = len(log.text())
        screen.click_text("09a_back_to_ask", r"^Ask$")
        screen.click_text("09b_ask_again", r"Ask about anything you saw")
        screen.type("and the day before?")
        screen.key("Return")
        log.wait(r"follow-up carried over \(day_before\)", 30, after=mark)
        screen.find("09c_follow_up", r"asked as", timeout=60)
        log.wait(r"answered: tier", 120, after=mark)

        # -- Ctrl+K from anywhere: a search as the user types, Enter opens the moment -------
        mark = len(log.text())
        screen.key("ctrl+k")
        screen.find("09d_search_open", r"Search screens, chats and memories", timeout=30)
        screen.type("Dentist")
        screen.find("09e_search_results", r"\d{4}\W+gnome-calendar", timeout=30)  # a day · app
        screen.key("Return")
        opened = log.wait(r"search opens frame (\d+)", 30, after=mark)
        log.wait(rf"frame {opened.group(1)} shown with [1-9]\d* line\(s\) marked", 30,
                 after=mark)
        time.sleep(1.0)
        _img, lines = screen.read("09f_search_moment_in_timeline")
        text = "\n".join(l.text for l in lines)
        assert "Jump to" in text and "Dentist" in text, text

        # -- the Memories tab: a memory made from a live frame opens where it came from ------
        log.wait(r"memory pipeline: .*'observations': [1-9]", 150)
        mark = len(log.text())
        screen.click_text("10_before_memories", r"^Memories")
        screen.find("11_memories", r"Where it came from", timeout=30)
        screen.find("11_memories", r"Screen\W*(thunderbird|gnome-calendar)", timeout=30)
        screen.click_text("11_memories", r"^Open in timeline$")
        opened = log.wait(r"opening frame (\d+)", 30, after=mark)
        fid = int(opened.group(1))
        log.wait(rf"frame {fid} shown with \d+ line\(s\) marked", 30, after=mark)
        time.sleep(1.0)
        _img, lines = screen.read("12_memory_source_in_timeline")
        text = "\n".join(l.text for l in lines)
        assert "Jump to" in text and re.search(r"Parcel tracking|Dentist", text), text

        # -- capture paused and resumed (the Capture menu): the coverage strip shows it -----
        screen.activate(main)
        mark = len(log.text())
        screen.key("alt+p")
        screen.click_text("13_capture_menu", r"^Pause$")
        log.wait(r"capture paused", 10, after=mark)
        screen.find("14_paused", r"Capture: paused until you resume", timeout=15)
        time.sleep(8)   # long enough to show at the minute zoom
        screen.key("alt+p")
        screen.click_text("15_capture_menu_resume", r"^Resume$")
        log.wait(r"capture resumed", 10, after=mark)
        # the strip's own words (its accessible description, logged when it changes)
        log.wait(r"coverage strip: .*; not recording: .*paused [\d:]+–[\d:]+ "
                 r"\(paused by the user\)", 60, after=mark)
        screen.activate(str(parcel.winid))   # a frame after the pause
        parcel.send("append Collected at the depot\n")
        time.sleep(4)
        screen.activate(main)
        screen.click_text("16_timeline", r"^Now$")
        zoom = screen.find("16_timeline", r"^Zoom$")[0].box
        screen.click(zoom[2] + 40, (zoom[1] + zoom[3]) // 2)   # the zoom box beside it
        screen.click_text("17_zoom_list", r"^minute$")
        time.sleep(1.0)
        img = np.asarray(screen.shot("18_coverage_strip_pause").convert("RGB"))
        paused = int((img == (242, 166, 0)).all(axis=2).sum())   # CAUSES["paused"]
        assert paused > 200, paused   # the pause as a block, a good part of the minute shown
    finally:
        screen.close()
        code = stop_app(app)
        shutil.rmtree(runtime, ignore_errors=True)
    text = log.text()
    assert code == 0, text[-3000:]
    assert "gui shut down" in text and "Traceback" not in text, text[-3000:]
    assert "name nothing in the store" not in text, text[-3000:]   # every citation resolved
    assert TRACKING not in text and PASSPHRASE not in text   # the log names ids, never text
