"""bench/compare_outcomes.py: two end-to-end runs compared question by question."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "bench" / "compare_outcomes.py"


def test_equal_totals_can_still_trade_questions(tmp_path):
    before = {"q1": True, "q2": False, "q3": True, "q4": False}
    after = {"q1": False, "q2": True, "q3": True, "q4": False, "q9": True}   # q9: not in both
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(before))
    b.write_text(json.dumps(after))
    out = subprocess.run([sys.executable, str(TOOL), str(a), str(b)], capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == {"questions": 4, "won": 1, "lost": 1, "right_before": 2,
                                      "right_after": 2}


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"q1": "yes"}'])
def test_an_unreadable_file_is_one_line_and_exit_2(tmp_path, text):
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    out = subprocess.run([sys.executable, str(TOOL), str(bad), str(bad)], capture_output=True,
                         text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
