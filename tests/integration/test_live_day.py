"""The live-day harness (bench/live_day.py) on one short script: Xvfb + openbox, two real
windows (one typed into), the desktop app's capture and memory pipeline, questions asked
as `ask --no-llm` asks them. Runs the harness as a command, as a person would, and ends it
by its PID (SIGTERM, then SIGKILL) if it overruns; the harness ends its own children.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = {
    "windows": [
        {"at": 0, "duration": 9, "app": "thunderbird",
         "title": "Ticket OPS-7310 - Mozilla Thunderbird",
         "text": "Ticket OPS-7310 was assigned to Rafael Moreno.\n"
                 "The maintenance window is Saturday at 05:30 UTC.\n"
                 "Budget approved: €1,480.00"},
        {"at": 8, "duration": 11, "app": "xterm", "title": "dana@host: ~", "typing": True,
         "font": "mono", "text": "dana@host:~$ ls /srv/exports\nledger-export-0419.csv"},
    ],
    "questions": [
        {"id": "assignee", "question": "Who is ticket OPS-7310 assigned to?",
         "answers": ["Rafael Moreno"], "abstain": False},
        {"id": "export", "question": "Which ledger export file is in /srv/exports?",
         "answers": ["ledger-export-0419.csv"], "abstain": False},
        {"id": "unanswerable", "question": "What is the office wifi password?",
         "answers": [], "abstain": True},
    ],
}

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


@pytest.fixture(scope="module")
def live_result(tmp_path_factory):
    for tool in ("Xvfb", "openbox", "xprop", "xdotool"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (the Makefile's system-deps installs it)")
    work = tmp_path_factory.mktemp("live")
    script = work / "short.json"
    script.write_text(json.dumps(SCRIPT))
    env = {k: v for k, v in os.environ.items() if k != "COMMONPLACE_PASSPHRASE"}
    env["COMMONPLACE_PASSPHRASE"] = "live-day-test-passphrase"   # an encrypted history
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "live_day.py"), str(script), "--json",
         "--no-llm", "--keep", str(work / "run")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        out, err = proc.communicate(timeout=150)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)   # the harness stops its windows, WM and X server
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        pytest.fail(f"the harness overran 150 s:\n{err[-3000:]}")
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_windows_are_real_apps_and_captured(live_result):
    windows = live_result["windows"]
    assert [w["wm_class"] for w in windows] == [["thunderbird", "thunderbird"],
                                               ["xterm", "xterm"]]
    assert all(w["opened_s"] is not None and not w["problem"] for w in windows)
    by_app = live_result["capture"]["frames_by_app"]
    assert by_app.get("thunderbird") and by_app.get("xterm"), by_app
    assert live_result["encrypted"] is True
    assert live_result["pipeline"]["observations"] >= 2


def test_questions_answered_from_the_live_screen(live_result):
    rows = {r["id"]: r for r in live_result["questions"]}
    # The typed window's last state may or may not be kept before it closes (capture keeps
    # a burst of typing at most every busy_gap_s, plus its settled state): not asserted.
    assert rows["assignee"]["ocr_has_answer"], rows["assignee"]
    assert rows["assignee"]["accepted"], rows["assignee"]
    assert rows["unanswerable"]["abstained"], rows["unanswerable"]
    t = live_result["totals"]
    assert t["questions"] == 3 and t["abstain_questions"] == 1
    # Every citation is accounted for: resolved to a stored frame, or listed as unresolved.
    for r in rows.values():
        assert len(r["cited"]) + len(r["unresolved"]) == len(r["citations"])


def test_answers_cite_the_frame_that_shows_them(live_result):
    # Failed before issue 17: live frames carried no source, so their answers cited nothing.
    rows = {r["id"]: r for r in live_result["questions"]}
    assert rows["assignee"]["cited_shows_answer"], rows["assignee"]
    assert live_result["totals"]["unresolved_citations"] == 0
