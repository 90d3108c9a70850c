"""GUI-thread stalls of the timeline over a synthetic day of 10k frames, and of the memory
browser over a store of 100k memories.

A store in a temp dir (plain, HashEmbedder) gets 10k frame rows for one day (rows only:
their image files are absent, as after retention) plus a few real images, and 100k
memories of the six types written through MemoryRepo (episodes of that day among them, so
the timeline draws its bands). The timeline loads the day, then a driver scrubs across it
at each zoom, searches, and shows the thumbnail strip; then the memory browser shows each
type's tab, filters, and opens items one after another. A 5 ms QTimer heartbeat records the
longest gap between its ticks (= the longest the GUI thread was blocked) in each phase.
Target: < 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui.py [--frames 10000]
        [--memories 100000]   (building 100k memories takes ~2 minutes)

Search as you type (Ctrl+K, ui/search/) over a year-sized store: `--year-frames` frame rows
with one searchable passage each (Zipf-distributed words, as bench_search.py makes them),
spread over 365 days. Queries are typed into the real SearchPanel a key every 90 ms (a fast
typist); the figure is the time from the last keystroke to the latest query's results shown
(debounce included; target p95 < 150 ms), with the longest GUI-thread stall meanwhile
(target < 50 ms). Baseline, same run and queries: a naive full scan (`text LIKE` per word)
of the same docs, and the search job alone (no Qt).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui.py --only-search
        [--year-frames 180000] [--queries 25]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
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


def _frame_row(i: int, ts: float, app: str, text: str) -> dict:
    """A synthetic frame row (no image file behind it) for the day and year stores."""
    return {"ts": dt.datetime.fromtimestamp(ts).astimezone().isoformat(),
            "ts_epoch": ts, "app": app, "window_title": f"{app} window {i % 50}",
            "url": None, "width": 1280, "height": 800, "phash": "0",
            "file": f"gone/{i}.webp", "bytes": 0, "ocr_text": text,
            "ocr_lines": "[]", "created_at": "x"}


def build_store(root: Path, n: int, n_images: int):
    from PIL import Image, ImageDraw

    from capture.images import encode_image
    from memory.ocr_types import OcrLine
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
        rows.append(_frame_row(i, ts, app, text))
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


def add_memories(store, n: int) -> None:
    """`n` memories through the real write path: a sixth of each type; episodes are app
    sessions, a few hundred of them on DAY, the rest over the year before."""
    from memory.items import CORE, EPISODIC, PROCEDURAL, RESOURCE, SEMANTIC, VAULT
    from memory.pipeline import repo_for

    repo, rng = repo_for(store), random.Random(11)
    day0 = dt.datetime.combine(DAY, dt.time(7, 0)).astimezone()

    def words(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k))

    def episode(i: int) -> dict:
        at = day0 + dt.timedelta(minutes=2 * i) if i < 400 else \
            day0 - dt.timedelta(minutes=rng.randrange(1, 525_600))
        app = rng.choice(APPS)
        return {"occurred_at": at.isoformat(), "event_type": "app_session", "app": app,
                "ended_at": (at + dt.timedelta(minutes=rng.randint(1, 30))).isoformat(),
                "summary": f"{app}: {words(4)} {i}", "details": words(12)}

    make = {
        CORE: lambda i: {"label": f"preference {i}", "text": words(10)},
        EPISODIC: episode,
        SEMANTIC: lambda i: {"name": f"Person {i}", "summary": words(8)},
        PROCEDURAL: lambda i: {"description": f"how to {words(3)} {i}",
                               "steps": [words(5) for _ in range(3)]},
        RESOURCE: lambda i: {"title": f"{words(3)} {i}.pdf", "resource_type": "document",
                             "summary": words(8)},
        VAULT: lambda i: {"entry_type": "booking", "caption": f"booking {words(2)}",
                          "value": f"BK-{i:06d}", "sensitivity": "high" if i % 5 else "low"},
    }
    types = list(make)
    for start in range(0, n, 5000):
        with store.db.atomic():
            for i in range(start, min(n, start + 5000)):
                t = types[i % len(types)]
                f = make[t](i // len(types))
                repo.add(t, f, sources=[f"bench:{i}"], occurred_at=f.get("occurred_at"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=10_000)
    ap.add_argument("--images", type=int, default=24)
    ap.add_argument("--scrub-steps", type=int, default=300)
    ap.add_argument("--memories", type=int, default=100_000)
    ap.add_argument("--year-frames", type=int, default=180_000)
    ap.add_argument("--queries", type=int, default=25)
    ap.add_argument("--only-search", action="store_true",
                    help="only the search-as-you-type phase (the timeline and memory "
                         "browser phases take a few minutes more)")
    ap.add_argument("--no-gc-freeze", dest="gc_freeze", action="store_false",
                    help="leave out the gc.freeze() the app does once its window is up "
                         "(app/gui.py): every full collection then scans the libraries' "
                         "and the store's objects too")
    ap.add_argument("--only-timeline", action="store_true",
                    help="only the timeline phase (scrub stalls and paint times)")
    args = ap.parse_args()
    if args.only_search:
        print(json.dumps(bench_search_as_you_type(args)))
        return 0

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.timeline.view import TimelineView
    from ui.workers import WorkerPool

    tmp = tempfile.TemporaryDirectory(prefix="bench-ui-")
    t0 = time.perf_counter()
    store = build_store(Path(tmp.name) / "data", args.frames, args.images)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    add_memories(store, args.memories)
    memories_s = time.perf_counter() - t0

    from PySide6.QtCore import qInstallMessageHandler

    # the offscreen platform says it cannot size windows, once per show(): not our noise
    qInstallMessageHandler(lambda _k, _c, msg: None if "propagateSizeHints" in msg
                           else print(msg, file=sys.stderr))
    _app = QApplication.instance() or QApplication([])  # held for the whole run
    pool = WorkerPool("store")
    view = TimelineView(store.frames, pool, memories=store.memories)
    view.resize(1280, 800)
    view.show()
    if args.gc_freeze:   # as the app does once its window is up
        gc.collect()
        gc.freeze()

    clock, gaps = QElapsedTimer(), []
    heartbeat = QTimer(interval=5)
    last = [0]
    # the GUI thread's own CPU time between two beats (see bench_search_as_you_type)
    busy: list[float] = []
    cpu_last = [time.thread_time()]

    def beat():
        now, c = clock.elapsed(), time.thread_time()
        gaps.append(now - last[0])
        busy.append((c - cpu_last[0]) * 1000)
        last[0], cpu_last[0] = now, c
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
    timeline_gaps, timeline_busy = gaps[1:], busy[1:]
    heartbeat.stop()
    paint = _paint_ms(view)
    t_week = time.perf_counter()
    view.zoom.setCurrentText("week")          # the week of that day, loaded on the pool
    wait(view.weekLoaded)
    paint["week_load_s"] = round(time.perf_counter() - t_week, 3)
    paint["week"] = _repaint_ms(view.week)
    heartbeat.start()
    if args.only_timeline:
        heartbeat.stop()
        print(json.dumps({"bench": "ui_timeline", "frames": len(frames),
                          "runs": len(view.day.runs), "episodes_on_track": len(view.day.episodes),
                          "max_gui_stall_ms": max(timeline_gaps or [0]),
                          "p99_gap_ms": _p99(timeline_gaps), "target_ms": 50,
                          "gui_thread_busy_ms": _busy(timeline_busy),
                          "paint_ms_median": paint}))
        pool.shutdown(5000)
        return 0

    # the memory browser: every tab, a filter, then items opened one after another
    from ui.memories.browser import MemoriesBrowser

    browser = MemoriesBrowser(store, pool)
    browser.resize(1280, 800)
    browser.show()
    del gaps[:]
    del busy[:]
    last[0], cpu_last[0] = clock.elapsed(), time.thread_time()
    t_mem = time.perf_counter()
    browser.refresh()                   # as the main window does when its tab is opened
    wait(browser.loaded)
    listed = [browser.list.count()]     # the first type's tab
    for t in ("episodic", "semantic", "procedural", "resource", "vault"):
        browser.show_type(t)
        wait(browser.loaded)
        listed.append(browser.list.count())
    browser.filter.setText("invoice")
    wait(browser.loaded)
    browser.filter.setText("")
    wait(browser.loaded)
    detail_ms = []
    for row in range(min(20, browser.list.count())):
        t1 = time.perf_counter()
        browser.list.setCurrentRow(row)
        wait(browser.detailShown)
        detail_ms.append((time.perf_counter() - t1) * 1000)
    memories_drive_s = time.perf_counter() - t_mem
    heartbeat.stop()
    memory_gaps, memory_busy = gaps[1:], busy[1:]

    loads = view.cache.load_times
    result = {
        "bench": "ui_timeline", "frames": len(frames), "build_store_s": round(build_s, 2),
        "day_load_s": round(load_s, 3), "drive_s": round(drive_s, 2),
        "actions": len(actions), "heartbeat_ticks": len(timeline_gaps),
        "max_gui_stall_ms": max(timeline_gaps or [0]),
        "p99_gap_ms": _p99(timeline_gaps), "gui_thread_busy_ms": _busy(timeline_busy),
        "target_ms": 50, "search_matches": len(view.matches),
        "episodes_on_track": len(view.day.episodes), "paint_ms_median": paint,
        "memories": args.memories, "build_memories_s": round(memories_s, 1),
        "memory_browser": {"drive_s": round(memories_drive_s, 2), "rows_listed": listed,
                           "max_gui_stall_ms": max(memory_gaps or [0]),
                           "p99_gap_ms": _p99(memory_gaps),
                           "gui_thread_busy_ms": _busy(memory_busy),
                           "detail_ms_median": round(statistics.median(detail_ms), 1)
                           if detail_ms else None},
        "thumbnails_loaded": len(loads),
        "thumb_load_ms_median": round(statistics.median(loads) * 1000, 1) if loads else None,
        "thumb_load_ms_max": round(max(loads) * 1000, 1) if loads else None,
    }
    pool.shutdown(5000)
    browser.close()
    view.close()
    store.close()
    tmp.cleanup()
    result["search_as_you_type"] = bench_search_as_you_type(args)
    print(json.dumps(result))
    return 0


def build_year(root: Path, n: int):
    """A plain store holding `n` frame rows over the 365 days before DAY, one passage each."""
    from bench_search import Corpus

    from memory.store.docs import NewDoc
    from memory.store.store import Store
    from models.embeddings import HashEmbedder

    store = Store.open(root, passphrase=None, encrypt_new=False, embedder=HashEmbedder())
    corpus, rng = Corpus(seed=13), random.Random(13)
    end = dt.datetime.combine(DAY, dt.time(20, 0)).astimezone().timestamp()
    step = 365 * 86400 / n
    batch = 10_000
    for start in range(0, n, batch):
        texts = corpus.texts(min(batch, n - start))
        rows = []
        for k, text in enumerate(texts):
            i = start + k
            ts = end - (n - i) * step
            app = APPS[rng.randrange(len(APPS))]
            rows.append(_frame_row(i, ts, app, text))
        with store.db.atomic():
            store.db["frames"].insert_all(rows, batch_size=1000)
            first = store.db.execute("SELECT max(id) FROM frames").fetchone()[0] - len(rows) + 1
            store.docs.add([NewDoc(kind="frame", ref_id=first + k, text=r["ocr_text"],
                                   ts=r["ts"], ts_epoch=r["ts_epoch"], app=r["app"],
                                   sources=[f"frame:{first + k}"])
                            for k, r in enumerate(rows)])
    return store, corpus


def bench_search_as_you_type(args) -> dict:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.search.find import find, terms
    from ui.search.panel import SearchPanel
    from ui.workers import WorkerPool

    tmp = tempfile.TemporaryDirectory(prefix="bench-ui-search-")
    t0 = time.perf_counter()
    store, corpus = build_year(Path(tmp.name) / "data", args.year_frames)
    build_s = time.perf_counter() - t0
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    # Python's full collections hold the GIL, whichever thread runs them: a GUI stall too
    gc_pauses: list[float] = []
    gc_t0 = [0.0]

    def gc_timed(phase, _info):
        if phase == "start":
            gc_t0[0] = time.perf_counter()
        else:
            gc_pauses.append((time.perf_counter() - gc_t0[0]) * 1000)
    now = dt.datetime.combine(DAY, dt.time(20, 30)).astimezone()
    # queries: two or three words of moderately common and rare words, as people search
    rng = random.Random(5)
    words = corpus.words
    queries = [" ".join(rng.choice(words[20:2000]) for _ in range(rng.choice((2, 2, 3))))
               for _ in range(args.queries)]

    _app = QApplication.instance() or QApplication([])   # held for the run
    pool = WorkerPool("store")
    panel = SearchPanel(store, pool, now=lambda: now)
    panel.resize(820, 640)
    panel.show()
    clock, gaps, last = QElapsedTimer(), [], [0]
    heartbeat = QTimer(interval=5)

    where: list[tuple[int, int]] = []   # (gap ms, query index) of each gap over 50 ms
    current = [0]
    # the GUI thread's own CPU time between two beats: the work it did in one go, which the
    # machine's other load does not stretch (the wall-clock gap also holds waits for the CPU
    # and for Python's lock)
    busy: list[float] = []
    cpu_last = [time.thread_time()]

    def beat():
        t = clock.elapsed()
        c = time.thread_time()
        gaps.append(t - last[0])
        busy.append((c - cpu_last[0]) * 1000)
        if t - last[0] > 50:
            where.append((t - last[0], current[0]))
        last[0] = t
        cpu_last[0] = c
    heartbeat.timeout.connect(beat)

    latencies, counts = [], []
    keystroke_ms = 90
    load0 = round(os.getloadavg()[0], 2)
    clock.start()
    heartbeat.start()
    gc.callbacks.append(gc_timed)
    for qi, q in enumerate(queries):
        current[0] = qi
        panel.field.clear()
        loop = QEventLoop()
        typed_at = [0.0]
        shown = []

        def on_searched(n, q=q, shown=shown, loop=loop):
            if panel.field.text() == q and not shown:
                shown.append(time.perf_counter())
                counts.append(n)
                QTimer.singleShot(200, loop.quit)   # let thumbnails and the rest settle
        panel.searched.connect(on_searched)
        chars = iter(q)

        def key(chars=chars, typed_at=typed_at):
            ch = next(chars, None)
            if ch is None:
                return
            panel.field.insert(ch)
            typed_at[0] = time.perf_counter()
            QTimer.singleShot(keystroke_ms, key)
        QTimer.singleShot(0, key)
        QTimer.singleShot(30_000, loop.quit)
        last[0] = clock.elapsed()
        cpu_last[0] = time.thread_time()
        loop.exec()
        panel.searched.disconnect(on_searched)
        if shown:
            latencies.append(shown[0] - typed_at[0])
    heartbeat.stop()
    gc.callbacks.remove(gc_timed)

    # baselines on the same store and queries, no Qt: the job alone, and a naive scan
    job, scan = [], []
    for q in queries:
        t1 = time.perf_counter()
        find(store, q, now=now)
        job.append(time.perf_counter() - t1)
    for q in queries[:5]:   # a full scan per word takes long: five queries are enough
        t1 = time.perf_counter()
        ids: dict[int, int] = {}
        for w in terms(q):
            for (i,) in store.db.execute("SELECT id FROM docs WHERE text LIKE ?",
                                         [f"%{w}%"]).fetchall():
                ids[i] = ids.get(i, 0) + 1
        sorted(ids, key=lambda i: -ids[i])[:60]
        scan.append(time.perf_counter() - t1)
    pool.shutdown(5000)
    panel.close()
    store.close()
    tmp.cleanup()

    def p(xs, q):
        xs = sorted(xs)
        return round(xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] * 1000, 1) \
            if xs else None
    return {"bench": "ui_search_as_you_type", "year_frames": args.year_frames,
            "build_store_s": round(build_s, 1), "queries": len(queries),
            "answered": len(latencies), "keystroke_ms": keystroke_ms,
            "last_key_to_results_ms": {"p50": p(latencies, 0.5), "p95": p(latencies, 0.95),
                                       "max": p(latencies, 1.0)},
            "target_p95_ms": 150,
            "max_gui_stall_ms": max(gaps[1:] or [0]), "p99_gap_ms": _p99(gaps[1:]),
            "gui_thread_busy_ms": _busy(busy[1:]),
            "stalls_over_50ms": [{"ms": g, "query": i} for g, i in where],
            "target_stall_ms": 50,
            "gc_freeze": args.gc_freeze,
            "gc_pauses_over_20ms": sorted(round(g) for g in gc_pauses if g > 20),
            # stalls are wall-clock: a machine busy with other work (load above its cores)
            # stretches every GUI-thread step, so the load is part of the result
            "load_avg_1min": {"start": load0, "end": round(os.getloadavg()[0], 2),
                              "cpus": os.cpu_count()},
            "results_median": statistics.median(counts) if counts else 0,
            "baseline": {"search_job_alone_ms": {"p50": p(job, 0.5), "p95": p(job, 0.95)},
                         "naive_like_scan_ms": {"p50": p(scan, 0.5), "p95": p(scan, 0.95)},
                         "scan_over_job_p50": round(p(scan, 0.5) / max(p(job, 0.5), 0.1), 1)
                         if scan and job else None}}


def _paint_ms(view, repeats: int = 40) -> dict:
    """Median ms of one full repaint of the track at each zoom (centred on the day's
    middle frame), bands layer rebuilt (first paint) and blitted (a scrub's repaint)."""
    frames = view.day.frames
    mid = frames[len(frames) // 2].ts_epoch
    out = {}
    for zoom in ("day", "hour", "minute"):
        view.zoom.setCurrentText(zoom)
        view.track.set_cursor(mid)
        times = []
        for k in range(repeats):
            view.track.set_cursor(mid + (k % 2) * 0.5)   # a scrub: the cursor moves
            t = time.perf_counter()
            view.track.repaint()
            times.append((time.perf_counter() - t) * 1000)
        out[zoom] = round(statistics.median(times), 2)
    # a wheel notch in or out at the middle (the layer redrawn): from the day to an hour
    view.zoom.setCurrentText("day")
    times = []
    for k in range(repeats):
        t = time.perf_counter()
        view.track.zoom_by(1.4 ** (-1 if k < repeats // 2 else 1), view.track.width() / 2)
        view.track.repaint()
        times.append((time.perf_counter() - t) * 1000)
    out["wheel_zoom"] = round(statistics.median(times), 2)
    out["wheel_zoom_max"] = round(max(times), 2)
    return out


def _repaint_ms(widget, repeats: int = 40) -> float:
    times = []
    for _ in range(repeats):
        widget.update()
        t = time.perf_counter()
        widget.repaint()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def _busy(cpu_ms: list[float]) -> dict:
    """The GUI thread's own CPU time between two heartbeats: the work it did in one go,
    which the machine's other load does not stretch (a wall-clock gap also holds waits for
    a core and for Python's lock)."""
    xs = sorted(cpu_ms) or [0.0]
    return {"max": round(xs[-1], 1), "p99": round(xs[int(0.99 * (len(xs) - 1))], 1)}


def _p99(gaps: list[int]) -> int:
    return sorted(gaps)[max(0, int(len(gaps) * 0.99) - 1)] if gaps else 0


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    sys.exit(main())
