"""The X servers the tests and benches start come up every time, many times in a row.

Xvfb by default resets itself when its last client leaves; a readiness probe that connects
and disconnects could then meet the server mid-reset ("Connection reset by peer") and fail
the whole run (it failed CI once, in the live-day harness). Both starters run Xvfb with
`-noreset` and treat a reset connection as "not ready yet". Each is started and stopped
60 times here (about 15 s each); with the starters as they were, both tests failed within
8 s.
"""

from __future__ import annotations

import os
import shutil

import pytest

from bench.live_window import Desktop
from tests.integration.conftest import openbox_on, xvfb_display

pytestmark = [pytest.mark.xvfb]

STARTS = 60


@pytest.fixture(autouse=True)
def _tools():
    for tool in ("Xvfb", "openbox", "xprop", "xdotool"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (the Makefile's system-deps installs it)")


def test_live_day_desktop_comes_up_every_time():
    old = os.environ.get("DISPLAY")
    displays = []
    for _ in range(STARTS):
        with open(os.devnull, "w") as log, Desktop(log) as display:
            displays.append(display)
            assert os.environ["DISPLAY"] == display
    assert len(displays) == STARTS
    assert os.environ.get("DISPLAY") == old


def test_test_desktop_comes_up_every_time():
    started = 0
    for _ in range(STARTS):
        with xvfb_display() as display, openbox_on(display) as wm:
            assert wm.poll() is None
            started += 1
    assert started == STARTS
