"""GUI-thread stalls of the timeline over a synthetic day of 10k frames.

A store in a temp dir (plain, HashEmbedder) gets 10k frame rows for one day (rows only:
their image files are absent, as after retention) plus a few real images. The timeline
loads the day, then a driver scrubs across it at each zoom, searches, and shows the
thumbnail strip, while a 5 ms QTimer heartbeat records the longest gap between its ticks
(= the longest the GUI thread was blocked). Target: < 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui.py [--frames 10000]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DAY = dt.date(2026, 2, 17)
APPS = ["Firefox", "Code", "Terminal", "Evolution", "Slack", "LibreOffice", "Files"]
WORDS = "invoice budget lentils deploy arrow tokenizer meeting notes review draft".split()


def build_store(root: Path, n: int, n_images: int):
    from PIL import Image, ImageDraw

    from memory.store.frames import OcrLine, encode_image
    from memory.store.store import Store
    from models.embeddings import HashEmbedder

    store = Store.open(root, passphrase=None, encrypt_new=False, embedder=HashEmbedder())
    rng = random.Random(7)
    start = dt.datetime.combine(DAY, dt.time(7, 0)).astimezone().timestamp()
    step = 14 * 3600 / n
    rows, app = [], APPS[0]
    for i in range(n):
        if rng.random() < 0.02:
            app = rng.choice(APPS)
        ts = start + i * step
        text = " ".join(rng.choice(WORDS) for _ in range(30))
        rows.append({"ts": dt.datetime.fromtimestamp(ts).astimezone().isoformat(),
                     "ts_epoch": ts, "app": app, "window_title": f"{app} window {i % 50}",
                     "url": None, "width": 1280, "height": 800, "phash": "0",
                     "file": f"gone/{i}.webp", "bytes": 0, "ocr_text": text,
                     "ocr_lines": "[]", "created_at": "x"})
    with store.db.atomic():
        store.db["frames"].insert_all(rows, batch_size=1000)
    for k in range(n_images):
        img = Image.new("RGB", (1280, 800), (240, 240, 240))
        ImageDraw.Draw(img).text((40, 40), f"image {k}", fill="black")
        ts = dt.datetime.fromtimestamp(start + (k + 0.5) * step).astimezone()
        store.frames.add(image_bytes=encode_image(img), ts=ts, app="Code",
                         window_title="with image", url=None, width=1280, height=800,
                         phash="0", sources=[f"img{k}"],
                         ocr_lines=[OcrLine(f"image {k}", (0, 0, 1, 1), 1.0)])
    return store


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=10_000)
    ap.add_argument("--images", type=int, default=24)
    ap.add_argument("--scrub-steps", type=int, default=300)
    args = ap.parse_args()

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.timeline.view import TimelineView
    from ui.workers import WorkerPool

    tmp = tempfile.TemporaryDirectory(prefix="bench-ui-")
    t0 = time.perf_counter()
    store = build_store(Path(tmp.name) / "data", args.frames, args.images)
    build_s = time.perf_counter() - t0

    from PySide6.QtCore import qInstallMessageHandler

    # the offscreen platform says it cannot size windows, once per show(): not our noise
    qInstallMessageHandler(lambda _k, _c, msg: None if "propagateSizeHints" in msg
                           else print(msg, file=sys.stderr))
    app = QApplication.instance() or QApplication([])
    pool = WorkerPool("store")
    view = TimelineView(store.frames, pool)
    view.resize(1280, 800)
    view.show()

    clock, gaps = QElapsedTimer(), []
    heartbeat = QTimer(interval=5)
    last = [0]

    def beat():
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now
    heartbeat.timeout.connect(beat)

    def wait(signal, timeout_ms=60_000):
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    clock.start()
    heartbeat.start()
    t_load = time.perf_counter()
    view.load_date(DAY)
    wait(view.dayLoaded)
    load_s = time.perf_counter() - t_load
    frames = view.day.frames

    # the driver: one GUI action per 10 ms tick, as a user dragging would
    actions = []
    for zoom in ("day", "hour", "minute"):
        actions.append(lambda z=zoom: view.zoom.setCurrentText(z))
        for k in range(args.scrub_steps // 3):
            f = frames[int(k / (args.scrub_steps // 3) * (len(frames) - 1))]
            actions.append(lambda e=f.ts_epoch: view.track.scrubbed.emit(e))
    actions.append(lambda: view.run_search("invoice budget"))
    actions.append(lambda: view.zoom.setCurrentText("minute"))
    actions.append(lambda: view.select_index(0))   # where the images are: thumbnails load
    done = QEventLoop()
    it = iter(actions)

    def step():
        try:
            next(it)()
            QTimer.singleShot(10, step)
        except StopIteration:
            QTimer.singleShot(1500, done.quit)   # let searches and thumbnails land
    t_drive = time.perf_counter()
    QTimer.singleShot(0, step)
    done.exec()
    drive_s = time.perf_counter() - t_drive
    heartbeat.stop()

    loads = view.cache.load_times
    result = {
        "bench": "ui_timeline", "frames": len(frames), "build_store_s": round(build_s, 2),
        "day_load_s": round(load_s, 3), "drive_s": round(drive_s, 2),
        "actions": len(actions), "heartbeat_ticks": len(gaps),
        "max_gui_stall_ms": max(gaps[1:] or [0]),
        "p99_gap_ms": sorted(gaps)[int(len(gaps) * 0.99) - 1] if gaps else 0,
        "target_ms": 50, "search_matches": len(view.matches),
        "thumbnails_loaded": len(loads),
        "thumb_load_ms_median": round(statistics.median(loads) * 1000, 1) if loads else None,
        "thumb_load_ms_max": round(max(loads) * 1000, 1) if loads else None,
    }
    pool.shutdown(5000)
    view.close()
    store.close()
    tmp.cleanup()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
