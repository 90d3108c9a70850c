"""The installed Qt binding survives a long session: PySide6 6.12.0 dropped a reference to
None on every void call, and on Python 3.11 the app aborted after some thousands of repaints
("none_dealloc"). pyproject pins it below 6.12; this keeps the pin honest."""

import os
import subprocess
import sys

LOOP = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
before = sys.getrefcount(None)
for _ in range(50_000):
    w.update()
print(sys.getrefcount(None) - before)
"""


def test_fifty_thousand_void_calls_leave_none_alone():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", LOOP], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert abs(int(run.stdout.strip())) < 100
