"""Building the timeline's week: rows as (time, app) stamps (`FrameRepo.stamps_between`, what
ui/timeline/week.load_week reads now) vs the frames' full rows (`FrameRepo.between`: OCR text,
boxes, sources; what the week read before), on a store with `--per-day` frame rows on each of
the seven days.

A store in a temp dir gets synthetic frame rows (no image files, as after retention) with OCR
text and boxes of a typical screen's size (`--text-chars`), one source each, 7 apps switching
every few minutes. Each way builds the same week (the test asserts the two agree; here too),
alternating, `--repeats` times; the figure is the median seconds and their ratio.

    .venv/bin/python bench/bench_week.py [--per-day 10000] [--repeats 3] [--encrypted]

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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DAY = dt.date(2026, 2, 17)
APPS = ["Firefox", "Code", "Terminal", "Evolution", "Slack", "LibreOffice", "Files"]
WORDS = ("invoice budget lentils deploy arrow tokenizer meeting notes review draft total "
         "march april order shipped paid pending").split()


def build(root: Path, per_day: int, text_chars: int, encrypted: bool):
    from memory.store.store import Store
    from models.embeddings import HashEmbedder

    store = Store.open(root, passphrase="bench week passphrase" if encrypted else None,
                       encrypt_new=encrypted, embedder=HashEmbedder())
    rng = random.Random(7)
    monday = DAY - dt.timedelta(days=DAY.weekday())
    fid = 0
    for k in range(7):
        start = dt.datetime.combine(monday + dt.timedelta(days=k), dt.time(7)).astimezone()
        step = 14 * 3600 / per_day
        frames, sources, app = [], [], APPS[0]
        for i in range(per_day):
            fid += 1
            if rng.random() < 0.02:
                app = rng.choice(APPS)
            ts = start + dt.timedelta(seconds=i * step)
            words: list[str] = []
            while sum(len(w) + 1 for w in words) < text_chars:
                words.append(rng.choice(WORDS))
            lines = [" ".join(words[j:j + 8]) for j in range(0, len(words), 8)]
            boxes = [[t, [10, 20 * n, 600, 20 * n + 16], 0.97] for n, t in enumerate(lines)]
            frames.append({"id": fid, "ts": ts.isoformat(), "ts_epoch": ts.timestamp(),
                           "app": app, "window_title": f"{app} window {i % 40}", "url": None,
                           "width": 1600, "height": 900, "phash": "0",
                           "file": f"gone/{fid}.webp", "bytes": 0,
                           "ocr_text": "\n".join(lines), "ocr_lines": json.dumps(boxes),
                           "created_at": "x"})
            sources.append({"frame_id": fid, "source": f"capture:{fid}", "ts": ts.isoformat()})
        with store.db.atomic():
            store.db.table("frames").insert_all(frames, batch_size=1000)
            store.db.table("frame_sources").insert_all(sources, batch_size=1000)
    return store


def full_rows_week(frames_repo, date):
    """The week as it was built before: every frame's full row (text, boxes, sources)."""
    from ui.timeline.day import WeekDay, build_runs, day_bounds, minute_blocks, week_of

    out = []
    for d in week_of(date):
        start, end = day_bounds(d)
        frames = frames_repo.between(start, end)
        runs = build_runs(frames)
        out.append(WeekDay(d, start, end, minute_blocks(runs, start, end), len(frames),
                           sum(r.end - r.start for r in runs),
                           frames[0].ts_epoch if frames else None))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-day", type=int, default=10_000)
    ap.add_argument("--text-chars", type=int, default=1500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--encrypted", action="store_true", help="an SQLCipher store, as the app's")
    args = ap.parse_args()
    if args.per_day < 1 or args.repeats < 1 or args.text_chars < 1:
        print("bench_week: --per-day, --repeats and --text-chars must be at least 1",
              file=sys.stderr)
        return 2
    from ui.timeline.week import load_week

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = build(Path(tmp) / "data", args.per_day, args.text_chars, args.encrypted)
        print(f"built {7 * args.per_day} frame rows in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
        try:
            stamps_s: list[float] = []
            full_s: list[float] = []
            for r in range(args.repeats):
                for name, fn, acc in (("full rows", full_rows_week, full_s),
                                      ("stamps", load_week, stamps_s)):
                    t = time.perf_counter()
                    week = fn(store.frames, DAY)
                    acc.append(time.perf_counter() - t)
                    print(f"repeat {r + 1}: {name} {acc[-1]:.3f} s", file=sys.stderr)
                    if name == "full rows":
                        before = week
                    elif week != before:
                        print("bench_week: the two weeks differ", file=sys.stderr)
                        return 1
        finally:
            store.close()
    full, light = statistics.median(full_s), statistics.median(stamps_s)
    print(json.dumps({"frames_per_day": args.per_day, "days": 7,
                      "text_chars": args.text_chars, "encrypted": args.encrypted,
                      "repeats": args.repeats, "full_rows_s": round(full, 3),
                      "stamps_s": round(light, 3), "speedup": round(full / light, 1),
                      "loadavg": [round(x, 2) for x in os.getloadavg()]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
