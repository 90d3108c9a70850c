"""Accessibility text vs OCR on the same windows: ms and CPU per capture, exact lines.

On Xvfb 1600x900 + openbox + a private D-Bus session with at-spi2-core's accessibility
bus, real windows with known text: a Qt form (labels, line edits, a password field, a
text editor, a table, a button), a GTK form (label, entries, a password field, a link, a
tree view) and a Qt document (prose, full screen). For each window, in one run:

- tree: `A11yReader.read()` of the focused window (what capture does per kept frame);
- OCR full: a screen grab + RapidOCR on the whole frame (what capture does on a switch);
- OCR window: RapidOCR on the window's rectangle only.

ms = wall time per capture; CPU = CPU seconds per capture of this process plus every
process the run started (Xvfb, openbox, the D-Bus daemons, the registry, the windows that
answer the tree's calls), so the work a toolkit does to answer is counted.
Accuracy = the share of the lines the window shows that come back exactly, as one line.
Nothing here is tuned on these windows: the reader's tables (capture/a11y.py) are generic.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil

from capture.a11y import A11yReader, A11yTuning
from capture.a11y_bus import enable_accessibility
from capture.ocr import OcrEngine
from capture.screen import ScreenGrabber
from capture.window_x11 import XlibWindowSource

DOC = ["Minutes of the planning meeting held on Tuesday",
       "Present: Ada, Grace, Linus and Margaret",
       "The budget for the spring campaign stays at 48,500 euros",
       "Printing moves to the supplier in Ghent from April",
       "Grace will send the revised timeline by Friday",
       "The website launch is planned for the 14th of May",
       "Open question: who reviews the translations?",
       "Next meeting: Thursday 10:30 in room 2.17"]


def cpu_total(me: psutil.Process) -> float:
    total = sum(me.cpu_times()[:2])
    for p in me.children(recursive=True):
        try:
            total += sum(p.cpu_times()[:2])
        except psutil.Error:   # a process that just exited
            pass
    return total


def exact(expected: list[str], got: list[str]) -> float:
    want, have = Counter(expected), Counter(got)
    return sum(min(n, have[t]) for t, n in want.items()) / max(1, sum(want.values()))


def measure(fn, n: int, me: psutil.Process):
    out = None
    c0, t0 = cpu_total(me), time.perf_counter()
    for _ in range(n):
        out = fn()
    return out, (time.perf_counter() - t0) * 1000 / n, (cpu_total(me) - c0) / n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree-reads", type=int, default=20)
    ap.add_argument("--ocr-reads", type=int, default=3)
    args = ap.parse_args()

    from tests.integration import desktop_bus
    from tests.integration.conftest import (
        openbox_on,
        stop_process,
        window_factory,
        xvfb_display,
    )
    from tests.integration.test_a11y_xvfb import (
        GTK_APP,
        GTK_LINES,
        IBAN,
        QT_APP,
        QT_LINES,
        App,
        _gtk_missing,
    )

    me = psutil.Process()
    ocr = OcrEngine(max_width=1280, threads=1)   # capture's own setting
    from PIL import Image
    ocr.recognize(Image.new("RGB", (64, 32), "white"))   # models loaded before timing
    rows = []
    with tempfile.TemporaryDirectory() as tmp, xvfb_display() as display, \
            openbox_on(display), desktop_bus.session_bus(), \
            window_factory(Path(tmp), display) as qt_window:
        enable_accessibility()
        env = dict(os.environ, QT_QPA_PLATFORM="xcb", QT_LOGGING_RULES="*.debug=false")
        env.pop("NO_AT_BRIDGE", None)
        started: list[App] = []
        (Path(tmp) / "qt_form.py").write_text(QT_APP)
        (Path(tmp) / "gtk_form.py").write_text(GTK_APP)
        windows = []
        started.append(App([sys.executable, str(Path(tmp) / "qt_form.py"), "pw-1", IBAN], env))
        windows.append(("qt form", started[-1].focus, QT_LINES))
        if _gtk_missing() is None:
            started.append(App(["/usr/bin/python3", str(Path(tmp) / "gtk_form.py"), "pw-2"],
                               env))
            # the link's URL is read (source "a11y-link") but not shown: not counted
            windows.append(("gtk form", started[-1].focus,
                            [t for t in GTK_LINES if not t.startswith("https://")]))
        doc = qt_window(app="docapp", title="Minutes - Writer", text="\n".join(DOC))
        windows.append(("qt document", doc.focus, DOC))
        grabber = ScreenGrabber()
        src = XlibWindowSource(display)
        reader = A11yReader.open(A11yTuning(budget_s=1.0))
        try:
            for name, focus, expected in windows:
                focus()
                win = src.active()
                reader.read(win)   # the first read builds the toolkit's tree: not timed
                text, tree_ms, tree_cpu = measure(lambda win=win: reader.read(win), args.tree_reads,
                                                  me)
                tree_lines = [l.text for l in text.lines if l.source == "a11y"]
                box = text.window_box

                def full():
                    return [l.text for l in ocr.recognize(grabber.grab())]

                def window(box=box):
                    return [l.text for l in ocr.recognize(grabber.grab(), region=box)]

                full_lines, full_ms, full_cpu = measure(full, args.ocr_reads, me)
                win_lines, win_ms, win_cpu = measure(window, args.ocr_reads, me)
                row = {"window": name, "lines_shown": len(expected),
                       "tree": {"ms": round(tree_ms, 1), "cpu_s": round(tree_cpu, 4),
                                "exact": round(exact(expected, tree_lines), 3),
                                "nodes": text.nodes, "complete": text.complete},
                       "ocr_full": {"ms": round(full_ms, 1), "cpu_s": round(full_cpu, 4),
                                    "exact": round(exact(expected, full_lines), 3)},
                       "ocr_window": {"ms": round(win_ms, 1), "cpu_s": round(win_cpu, 4),
                                      "exact": round(exact(expected, win_lines), 3)}}
                row["cpu_ratio_tree_vs_ocr_window"] = round(tree_cpu / max(win_cpu, 1e-9), 4)
                row["ms_ratio_tree_vs_ocr_window"] = round(tree_ms / max(win_ms, 1e-9), 4)
                rows.append(row)
                print(f"{name:12s} tree {tree_ms:7.1f} ms {tree_cpu * 1000:7.1f} ms CPU "
                      f"exact {row['tree']['exact']:.2f} | OCR window {win_ms:7.1f} ms "
                      f"{win_cpu * 1000:7.1f} ms CPU exact {row['ocr_window']['exact']:.2f} | "
                      f"OCR full {full_ms:7.1f} ms exact {row['ocr_full']['exact']:.2f}",
                      file=sys.stderr)
        finally:
            reader.close()
            src.close()
            grabber.close()
            for app in started:
                stop_process(app.proc)
    print(json.dumps({"bench": "a11y", "loadavg": os.getloadavg(), "windows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
