"""Bounded soaks: one process running for a while, sampling RSS, open file descriptors,
Python threads and OS threads over time. Not run in CI (tests/integration/test_soak.py runs
a short capture soak).

    python -m bench.soak [--minutes 5] [--data-dir DIR] [--interval 10]
    python -m bench.soak --capture [--minutes 20] [--step 10] [--warmup 3] [--index null|chroma]

Import soak (default): each round re-imports the dev screens and chat (idempotent after the
first) into one unencrypted temporary store, then runs a few searches and extractive
answers; `--minutes` is real time.

Capture soak (`--capture`): Xvfb (1600x900) with three real Qt windows (notes, mail, docs)
whose text changes and which take turns in front; the real CaptureService with a real
XlibWindowSource, real mss grabs and the real OCR (capture.ocr.OcrEngine, one thread as in
the app), writing on its own store connection as the app's DesktopCapture does. The
service's clock and wall clock are SIMULATED and advanced `--step` seconds per poll, while
every grab, OCR and store write is real: `--minutes` simulated minutes take a few real
minutes. Each cycle of 6 simulated minutes is 4 minutes of activity (a typed line every step,
a window switch every third step) and 2 still minutes (back-off, dropped frames, keyframes).
At the start of each cycle every window's title changes (another document: new episodes,
so the hour after the boundary gets its own summary). Keyframes (90 s), retention (every 300 s,
a 1 MB image budget so images really are deleted)
and the observation batches (60 s) run on the simulated clock. Every simulated minute: the
app's pipeline entry point (memory.pipeline.run_pending: floor -> memories, then
consolidation: duplicates, the hour/day summary tree, fading; no LLM), a few searches
(Retriever.search) and extractive answers (Answerer with no backend), then a sample. The
simulated wall clock starts so that an hour boundary passes halfway (a new hour summary).

Index: `null` (default) is HashEmbedder + an index that keeps no vectors (vector search finds
nothing, as the tests' MemoryVectors; retrieval is BM25), so RSS measures the app rather than
a fake index that grows by design; `chroma` is the app's own: the ONNX MiniLM embedder and an
embedded Chroma under the data dir (slower; Chroma's HNSW index grows with the docs).

The last line printed is one JSON object: the samples' first (after warm-up) / last / max and
the growth of each measure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
import types
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `python bench/soak.py`, and loading this file by path
    sys.path.insert(0, str(REPO))
EVAL = REPO.parent / "shared" / "eval"
QUESTIONS = ["How much was the Marrow Studio invoice?", "What budget did Orchard Health approve?",
             "Where did Emeka go for the holidays?", "What is the confirmation code?"]
MEASURES = ("rss_mb", "fds", "threads", "os_threads")


def sample(proc: psutil.Process, t0: float) -> dict:
    return {"t": round(time.monotonic() - t0, 1), "rss_mb": round(proc.memory_info().rss / 2**20, 1),
            "fds": proc.num_fds(), "threads": threading.active_count(),
            "os_threads": proc.num_threads()}


# -- the import soak ----------------------------------------------------------------------
def import_soak(minutes: float, interval: float, data_dir: Path | None) -> dict:
    from app.settings import load_settings
    from app.wiring import open_core
    from capture.importer import FrameImporter
    from memory.answer import Answerer
    from memory.chat_import import import_chat

    tmp = None if data_dir else Path(tempfile.mkdtemp(prefix="commonplace-soak-"))
    data = data_dir or tmp / "data"
    settings = load_settings(data_dir=data, config_file=(tmp or data) / "none.toml")
    settings = replace(settings, privacy=replace(settings.privacy, encrypt=False))
    proc, t0 = psutil.Process(), time.monotonic()
    samples, rounds, next_sample = [sample(proc, t0)], 0, 0.0
    deadline = t0 + minutes * 60
    try:
        while time.monotonic() < deadline:
            core = open_core(settings, passphrase=None)
            try:
                FrameImporter(store=core.store, ocr=core.ocr).run(EVAL / "screens-dev" / "frames.jsonl")
                import_chat(EVAL / "conversations_dev.json", store=core.store)
                answerer = Answerer(core.retriever, None, store=core.store)
                for q in QUESTIONS:
                    core.retriever.search(q, limit=10)
                    answerer.ask(q)
            finally:
                core.close()
            rounds += 1
            if time.monotonic() - t0 >= next_sample:
                samples.append(sample(proc, t0))
                print(json.dumps(samples[-1]), file=sys.stderr)
                next_sample += interval
        samples.append(sample(proc, t0))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    # Growth from the first sample after warm-up (round 1 loads models and caches).
    base = samples[1] if len(samples) > 2 else samples[0]
    last = samples[-1]
    return {"minutes": minutes, "rounds": rounds, "samples": len(samples),
            "first": base, "last": last,
            "max": {k: max(s[k] for s in samples) for k in MEASURES},
            "growth": {k: round(last[k] - base[k], 1) for k in MEASURES}}


# -- the capture soak ---------------------------------------------------------------------
WINDOWS = [
    ("notesapp", "Shopping list - Notes",
     "Shopping list\nCall the dentist on Monday at 9\nRenew the library card\n"
     "Buy apples and pears"),
    ("mailapp", "Inbox - Mail",
     "From: Marrow Studio\nInvoice 48213 is due on Friday\nAmount due: 1,240 EUR\n"
     "Reply to Emeka about the holidays"),
    ("docsapp", "Q3 plan - Docs",
     "Q3 plan\nBudget: 4,200 for hardware\nMilestone two ships in April\n"
     "Hire a designer for the onboarding"),
]
WORDS = ("review", "invoice", "garden", "meeting", "draft", "ticket", "harbour", "lantern",
         "orchard", "quarterly", "parcel", "window", "copper", "violet", "summit", "ledger")
# (query, text a hit must contain)
SEARCHES = [("dentist Monday", "dentist"), ("invoice 48213", "48213"),
            ("hardware budget", "hardware"), ("milestone April", "Milestone")]
ASKS = ["When is invoice 48213 due?", "What is the budget for hardware?",
        "When should I call the dentist?"]
CYCLE_S, ACTIVE_S = 360.0, 240.0   # 4 busy minutes, then 2 still ones, repeated
APPENDS_BEFORE_RESET = 12          # a window's text starts over before its facts scroll away


class SimClock:
    """The service's monotonic clock and wall clock, advanced by hand."""

    def __init__(self, wall0: float) -> None:
        self.mono = 1000.0
        self.wall = wall0

    def monotonic(self) -> float:
        return self.mono

    def time(self) -> float:
        return self.wall

    def advance(self, s: float) -> None:
        self.mono += s
        self.wall += s


class NullVectors:
    """A VectorIndex that keeps no vectors: finds nothing (like the tests' MemoryVectors),
    and unlike it does not grow with every doc, so it adds nothing to the RSS measured."""

    def upsert(self, ids, vectors, *, kinds, ts_epochs) -> None:
        pass

    def query(self, vector, *, k, kinds=None, ts_range=None):
        return []

    def query_among(self, vector, ids, *, k):
        return []

    def delete(self, ids) -> None:
        pass

    def ids(self) -> set[int]:
        return set()

    def count(self) -> int:
        return 0

    def compact(self) -> dict:
        return {"vectors": 0, "segment_folders_removed": 0, "vacuumed": None}


class CountingGrabber:
    """The real ScreenGrabber, counting grabs (polls minus grabs = polls the back-off skipped)."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.grabs = 0

    @property
    def notice(self) -> str:
        return self._inner.notice

    def grab(self):
        self.grabs += 1
        return self._inner.grab()

    def close(self) -> None:
        self._inner.close()


def _open_store(data_dir: Path, index: str):
    from memory.store.store import Store

    if index == "chroma":
        from app.prepare import ensure_minilm
        from models.embeddings import OnnxEmbedder

        embedder = OnnxEmbedder(ensure_minilm(data_dir.parent / "models"), threads=1)
        return Store.open(data_dir, passphrase=None, encrypt_new=False, embedder=embedder)
    from models.embeddings import HashEmbedder

    return Store.open(data_dir, passphrase=None, encrypt_new=False, embedder=HashEmbedder(),
                      vectors=NullVectors())


def _trimmed_rss(proc: psutil.Process) -> float | None:
    """RSS after glibc's malloc_trim(0) returns free heap pages to the OS; None elsewhere."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return None
    return round(proc.memory_info().rss / 2**20, 1)


def _fd_targets() -> Counter:
    """What this process's descriptors point at (a path, socket:[inode], pipe:[inode])."""
    out: Counter = Counter()
    for fd in os.listdir("/proc/self/fd"):
        try:
            out[os.readlink(f"/proc/self/fd/{fd}")] += 1
        except OSError:
            pass
    return out


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope (per x unit); 0 with fewer than two points."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def summarise_samples(samples: list[dict], warmup_min: float) -> dict:
    """First sample at or after the warm-up, the last one, the max after the warm-up, the
    growth (last - first) and the largest rise above the first; RSS slope per simulated
    minute over the samples after the warm-up."""
    post = [s for s in samples if s["sim_min"] >= warmup_min] or samples[-1:]
    base, last = post[0], post[-1]
    return {"start": samples[0], "first": base, "last": last,
            "max": {k: max(s[k] for s in post) for k in MEASURES},
            "growth": {k: round(last[k] - base[k], 1) for k in MEASURES},
            "max_rise": {k: round(max(s[k] for s in post) - base[k], 1) for k in MEASURES},
            "rss_mb_per_sim_min": round(_slope([s["sim_min"] for s in post],
                                               [s["rss_mb"] for s in post]), 3),
            **(_trim_summary([s["rss_trim_mb"] for s in post])
               if all(s.get("rss_trim_mb") is not None for s in post) else {})}


def _trim_summary(trim: list[float]) -> dict:
    """Growth of the in-use RSS: last - first, max - first, and the median of the last three
    samples - the median of the first three (one sample can sit ~20 MB off its neighbours:
    heap pages malloc_trim cannot hand back while a few blocks on them are live)."""
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    return {"rss_trim_growth_mb": round(trim[-1] - trim[0], 1),
            "rss_trim_max_rise_mb": round(max(trim) - trim[0], 1),
            "rss_trim_median_rise_mb": round(med(trim[-3:]) - med(trim[:3]), 1)}


def capture_soak(display: str, make_window: Callable, data_dir: Path, *,
                 sim_minutes: float = 20.0, step_s: float = 10.0, warmup_min: float = 3.0,
                 index: str = "null", ocr=None, trim: bool = False,
                 progress: Callable[[dict], None] | None = None) -> dict:
    """Run capture + pipeline + queries for `sim_minutes` simulated minutes on `display`.

    `make_window(app=, title=, text=)` opens a Qt window on the display (the integration
    conftest's QtWindow: send(cmd), focus(), close()); the caller closes the windows.
    Returns counts, the per-minute samples and their summary (see `summarise_samples`).
    `trim`: after each sample, also hand freed heap back (gc.collect + glibc malloc_trim) and
    record the RSS then (`rss_trim_mb`): memory still in use, without the allocator's
    high-water mark. It changes what later raw samples see (less retained heap), so it is
    off by default.
    """
    from capture.ocr import OcrEngine
    from capture.settings import CaptureSettings

    proc, t0 = psutil.Process(), time.monotonic()
    settings = CaptureSettings(keyframe_s=90.0, retention_every_s=300.0, max_frames_mb=1,
                               min_free_disk_mb=10)
    ocr = ocr or OcrEngine(max_width=settings.ocr_max_width, threads=settings.ocr_threads)
    wins = [make_window(app=a, title=t, text=x) for a, t, x in WINDOWS]
    store = _open_store(Path(data_dir), index)
    try:
        cap_store = store.sibling()  # capture writes on its own connection, as in the app
        try:
            out = _soak_loop(display, wins, store, cap_store, ocr, settings, proc, t0,
                             sim_minutes=sim_minutes, step_s=step_s, warmup_min=warmup_min,
                             trim=trim, progress=progress)
        finally:
            cap_store.close()
    finally:
        store.close()
    return {"mode": "capture", "sim_minutes": sim_minutes, "step_s": step_s,
            "warmup_min": warmup_min, "index": index, "real_s": round(time.monotonic() - t0, 1),
            **out}


def _soak_loop(display, wins, store, cap_store, ocr, settings, proc, t0, *, sim_minutes,
               step_s, warmup_min, trim, progress) -> dict:
    from capture.idle import NullIdleSource
    from capture.screen import ScreenGrabber
    from capture.service import _RETENTION, CaptureService
    from capture.settings import PrivacySettings
    from capture.window_x11 import XlibWindowSource
    from memory.answer import Answerer
    from memory.errors import StoreError
    from memory.items import EPISODIC
    from memory.pipeline import pending_frames, repo_for, run_pending
    from memory.retrieval import Retriever

    # The simulated day: an hour boundary halfway through, everything before real now.
    now = time.time()
    clock = SimClock(now - now % 3600 - sim_minutes * 30)
    front, appended = 0, [0] * len(wins)
    wins[front].focus()
    batches: queue.Queue = queue.Queue(maxsize=1000)
    grabber = CountingGrabber(ScreenGrabber(monitor=settings.monitor, display=display))
    svc = CaptureService(cap_store, ocr, settings, PrivacySettings(encrypt=False),
                         XlibWindowSource(display), NullIdleSource(), batches,
                         clock=clock.monotonic, wall=clock.time, grabber=grabber)
    core = types.SimpleNamespace(store=store)  # what run_pending needs without an LLM
    retriever = Retriever(store)
    answerer = Answerer(retriever, None, store=store)
    counts = {"polls": 0, "keyframes": 0, "observations_batched": 0, "searches": 0,
              "search_hits": 0, "asks": 0, "answered": 0, "pipeline_runs": 0,
              "pipeline_observations": 0, "pipeline_errors": 0, "query_errors": 0,
              "retention_passes": 0, "writer_timeouts": 0}
    errors: list[str] = []
    samples: list[dict] = []
    pipeline_s: list[float] = []
    base_fds: Counter | None = None
    base_threads: list[str] | None = None
    steps = int(round(sim_minutes * 60 / step_s))
    svc.start(schedule=False)
    samples.append({**sample(proc, t0), "sim_min": 0.0, "frames": 0, "pipeline_s": 0.0})
    try:
        for i in range(1, steps + 1):
            t = i * step_s
            # -- the user: type, switch, or sit still ----------------------------------
            active = t % CYCLE_S < ACTIVE_S
            if i > 1 and t % CYCLE_S < step_s:
                # A new cycle: every window shows another document (new episodes).
                for (_a, title, _x), w in zip(WINDOWS, wins):
                    name, _, app = title.partition(" - ")
                    w.send(f"title {name} ({int(t // CYCLE_S) + 1}) - {app}")
            if active and i % 3 == 0:
                front = (front + 1) % len(wins)
                wins[front].focus()
            elif active:
                if appended[front] >= APPENDS_BEFORE_RESET:
                    wins[front].send("set " + WINDOWS[front][2])
                    appended[front] = 0
                words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(4))
                wins[front].send(f"append \nnote {i}: {words}")
                appended[front] += 1
            clock.advance(step_s)
            # -- capture: one poll, then wait for the writer to store what it grabbed ----
            # (_work and _token are the service's own: the queue of grabbed frames and the
            # number of frames kept so far.)
            stored = svc.status().frames_stored
            svc.poll()
            counts["polls"] += 1
            end = time.monotonic() + 120
            while (svc._work.qsize() or svc.status().frames_stored < svc._token) and \
                    time.monotonic() < end:
                time.sleep(0.02)
            if svc.status().frames_stored < svc._token:
                counts["writer_timeouts"] += 1
            if not active:
                counts["keyframes"] += svc.status().frames_stored - stored
            if t % settings.retention_every_s < step_s:
                svc._work.put(_RETENTION)  # what the service's scheduler does every 300 s
                counts["retention_passes"] += 1
            if t % 60 >= step_s and i != steps:
                continue
            # -- every simulated minute: the pipeline, queries, a sample ------------------
            while True:
                try:
                    counts["observations_batched"] += len(batches.get_nowait())
                except queue.Empty:
                    break
            p0 = time.monotonic()
            try:
                out = run_pending(core, use_llm=False)
                counts["pipeline_observations"] += out.get("observations", 0)
            except StoreError as e:
                # As the app does (gui._pipeline_failed): logged, the observations stay
                # pending, the next run picks them up. Counted: the capture writer commits
                # on its own connection meanwhile (see pipeline_errors in the output).
                counts["pipeline_errors"] += 1
                errors.append(f"sim min {t / 60:g}: pipeline after "
                              f"{time.monotonic() - p0:.2f} s: {type(e).__name__}: {e}")
            pipeline_s.append(round(time.monotonic() - p0, 2))
            counts["pipeline_runs"] += 1
            now_dt = dt.datetime.fromtimestamp(clock.wall).astimezone()
            try:
                for q, needle in SEARCHES:
                    hits = retriever.search(q, limit=10, now=now_dt)
                    counts["searches"] += 1
                    counts["search_hits"] += any(needle.lower() in h.text.lower()
                                                 for h in hits)
                for q in ASKS:
                    counts["asks"] += 1
                    counts["answered"] += not answerer.ask(q, now=now_dt).abstained
            except StoreError as e:
                counts["query_errors"] += 1
                errors.append(f"sim min {t / 60:g}: query: {type(e).__name__}: {e}")
            s = sample(proc, t0)
            if trim:
                s["rss_trim_mb"] = _trimmed_rss(proc)
            s["sim_min"] = round(t / 60, 2)
            s["frames"] = svc.status().frames_stored
            s["pipeline_s"] = pipeline_s[-1]
            samples.append(s)
            if base_fds is None and s["sim_min"] >= warmup_min:
                base_fds = _fd_targets()
                base_threads = sorted(th.name for th in threading.enumerate())
            if progress:
                progress(s)
        end_fds = _fd_targets()
        end_threads = sorted(th.name for th in threading.enumerate())
    finally:
        status = svc.stop(60)
    # Capture has stopped: whatever a failed run left pending is processed now.
    counts["pipeline_observations"] += run_pending(core, use_llm=False).get("observations", 0)
    unprocessed = len(pending_frames(store))
    repo = repo_for(store)
    memories = sum(repo.counts().values())
    hours = sum(1 for m in repo.list_by_type(EPISODIC, limit=100_000)
                if m.fields.get("event_type") == "summary_hour")
    deleted, kept_b = store.db.execute(
        "SELECT SUM(bytes = 0), COALESCE(SUM(bytes), 0) FROM frames").fetchone()
    return {**counts, "grabs": grabber.grabs, "frames_stored": status.frames_stored,
            "frames_dropped": status.frames_dropped, "ocr_failures": status.ocr_failures,
            "batches_sent": status.batches_sent, "retention_deleted": deleted or 0,
            "images_kept_mb": round(kept_b / 1e6, 2), "unprocessed_frames": unprocessed,
            "memories": memories, "hour_summaries": hours, "errors": errors[:10],
            "pipeline_s": {"first": pipeline_s[0], "last": pipeline_s[-1],
                           "max": max(pipeline_s)},
            **summarise_samples(samples, warmup_min),
            "fds_new": sorted((end_fds - (base_fds or end_fds)).elements())[:20],
            "fds_gone": sorted(((base_fds or end_fds) - end_fds).elements())[:20],
            "threads_new": sorted(set(end_threads) - set(base_threads or end_threads)),
            "samples": samples}


def run_capture_bench(args) -> dict:
    if not shutil.which("Xvfb"):
        raise SystemExit("Xvfb is not installed (apt-get install xvfb xdotool)")
    from bench.bench_capture import _fixtures

    fx = _fixtures()
    made: list = []
    tmp = Path(tempfile.mkdtemp(prefix="commonplace-soak-"))
    try:
        with fx.xvfb_display() as display:  # also sets DISPLAY: QtWindow and xdotool read it
            script = tmp / "qt_window.py"
            script.write_text(fx.QT_WINDOW)

            def make(**kw):
                w = fx.QtWindow(script, display, **kw)
                made.append(w)
                return w

            try:
                out = capture_soak(display, make, args.data_dir or tmp / "data",
                                   sim_minutes=args.minutes, step_s=args.step,
                                   warmup_min=args.warmup, index=args.index, trim=args.trim,
                                   progress=lambda s: print(json.dumps(s), file=sys.stderr,
                                                            flush=True))
            finally:
                for w in made:
                    w.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    out["cores"] = os.cpu_count()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--capture", action="store_true",
                    help="soak capture + pipeline + queries on Xvfb (simulated clock)")
    ap.add_argument("--minutes", type=float,
                    help="import soak: real minutes (default 5); --capture: simulated minutes "
                         "(default 20)")
    ap.add_argument("--interval", type=float, default=10.0,
                    help="import soak: seconds between samples")
    ap.add_argument("--step", type=float, default=10.0,
                    help="--capture: simulated seconds per capture poll")
    ap.add_argument("--warmup", type=float, default=3.0,
                    help="--capture: simulated minutes before the baseline sample")
    ap.add_argument("--index", choices=("null", "chroma"), default="null",
                    help="--capture: HashEmbedder + no vectors, or MiniLM + embedded Chroma")
    ap.add_argument("--trim", action="store_true",
                    help="--capture: also record RSS after malloc_trim (live heap)")
    ap.add_argument("--data-dir", type=Path, help="default: a temporary folder, removed after")
    args = ap.parse_args(argv)
    if args.capture:
        args.minutes = 20.0 if args.minutes is None else args.minutes
        out = run_capture_bench(args)
        out["samples"] = [{k: s[k] for k in ("sim_min", "t", "rss_mb", "rss_trim_mb", "fds",
                                             "threads", "os_threads", "frames") if k in s}
                          for s in out["samples"]]
    else:
        out = import_soak(5.0 if args.minutes is None else args.minutes, args.interval,
                          args.data_dir)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    sys.exit(main())
