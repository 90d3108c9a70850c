"""A bounded soak: capture + pipeline + queries on Xvfb, resources flat after a warm-up.

Runs bench/soak.py's capture loop (loaded by path: bench/ is not a package) for 14 simulated
minutes, ~1.5 real minutes on 2 cores: three real Qt windows typed into and switched
between, the real CaptureService (XlibWindowSource, mss grabs, RapidOCR, a real unencrypted
Store) on an accelerated clock (10 simulated seconds per poll), and every simulated minute
the app's pipeline entry point (floor + consolidation), searches and extractive answers.
Xvfb and the windows are started by the integration fixtures and ended by their PIDs.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIM_MINUTES = 14.0  # two full 6-minute cycles and the start of a third; the hour turns at 7
WARMUP_MIN = 3.0    # OCR models loaded, every window read in full, first batches and runs

pytestmark = [pytest.mark.slow, pytest.mark.xvfb,
              pytest.mark.skipif(not shutil.which("xdotool"),
                                 reason="xdotool is not installed (apt-get install xdotool)")]


def _soak():
    name = "bench_soak"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "soak.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


def test_capture_soak_stays_flat(xvfb, qt_windows, tmp_path):
    out = _soak().capture_soak(xvfb, qt_windows, tmp_path / "data", sim_minutes=SIM_MINUTES,
                               step_s=10.0, warmup_min=WARMUP_MIN, trim=True)
    brief = {k: v for k, v in out.items() if k != "samples"}
    why = json.dumps(brief)
    print(why)  # the numbers, for `pytest -rP`
    for smp in out["samples"]:
        print({k: smp.get(k) for k in ("sim_min", "t", "rss_mb", "rss_trim_mb", "fds",
                                       "threads", "os_threads", "frames")})

    # The loop did the work: frames stored (keyframes when still, back-off skipping polls,
    # retention deleting images), batches sent, memories made, searches finding the windows'
    # facts, extractive answers given, an hour summary on each side of the hour.
    assert out["frames_stored"] >= 40 and out["ocr_failures"] == 0, why
    assert out["writer_timeouts"] == 0, why
    assert out["keyframes"] >= 1 and out["frames_dropped"] >= 1, why
    assert out["grabs"] < out["polls"], why
    assert out["retention_passes"] >= 2 and out["retention_deleted"] >= 1, why
    assert out["batches_sent"] >= 5, why
    assert out["memories"] >= 5 and out["hour_summaries"] >= 2, why
    assert out["search_hits"] == out["searches"] > 0, why
    assert out["answered"] >= out["asks"] // 2 > 0, why
    # Every stored frame reached the memory pipeline, and no run failed beside the capture
    # writer (the pipeline reads, then writes, in one transaction: it takes the write lock
    # first, memory.store.database.write_transaction, rather than fail "database is locked").
    assert out["unprocessed_frames"] == 0, why
    assert out["pipeline_errors"] == 0 and out["query_errors"] == 0, why

    # Flat after the warm-up. File descriptors: every one (databases and WAL files, the X
    # connections, the windows' pipes) is open by then and measured constant over 60
    # simulated minutes; 2 allows a transient SQLite spill file, while a leak per poll or
    # per minute would add 11 or more by the end.
    assert out["max_rise"]["fds"] <= 2 and out["growth"]["fds"] <= 2, \
        (out["fds_new"], why)
    # Threads: main + capture-writer, and onnxruntime's pools created with the sessions at the
    # first OCR; measured constant. Python threads exactly; OS threads +1 in case a library
    # loaded by an earlier test in this process starts a helper lazily.
    assert out["max_rise"]["threads"] == 0, (out["threads_new"], why)
    assert out["max_rise"]["os_threads"] <= 1, why
    # Memory. The raw RSS swings by 100-230 MB from one minute to the next (measured 210-470
    # MB) with the allocator's high-water mark after full-screen OCRs, so it is bounded
    # loosely. RSS after gc.collect() + malloc_trim (free heap handed back) is what is still
    # in use: in bench/soak.py's own process flat over 60 simulated minutes (196-203 MB, max
    # rise 0.2 MB after the warm-up); inside pytest it moves more, up and back down by up to
    # 22 MB (measured 241-264 MB, 264-274 MB in two runs). 40 MB (median of the last three
    # samples vs the first three) and 50 MB (any sample) are about twice that, and still fail
    # if the decoded image of one stored frame in four (1600x900 RGB, 4.3 MB; ~44 frames are
    # stored after the warm-up) were kept.
    if out.get("rss_trim_median_rise_mb") is not None:
        assert out["rss_trim_median_rise_mb"] < 40.0, why
        assert out["rss_trim_max_rise_mb"] < 50.0, why
    assert out["max_rise"]["rss_mb"] < 250.0, why
