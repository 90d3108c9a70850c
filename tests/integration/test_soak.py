"""A bounded soak: capture + pipeline + queries on Xvfb, resources flat after a warm-up.

Runs `python -m bench.soak --capture` in a process of its own for 14 simulated minutes (~1
real minute on 2 cores): its own Xvfb, three real Qt windows typed into and switched
between, the real CaptureService (XlibWindowSource, mss grabs, RapidOCR, a real unencrypted
Store) on an accelerated clock (10 simulated seconds per poll), and every simulated minute
the app's pipeline entry point (floor + consolidation), searches and extractive answers.
Its own process: inside pytest the RSS also carries whatever earlier tests allocated and
freed (measured: a 43 MB drift in one full-suite run, 20 MB in another), which is not the
soak's. The bench stops Xvfb and the windows by their PIDs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIM_MINUTES = 14.0  # two full 6-minute cycles and the start of a third; the hour turns at 7
WARMUP_MIN = 3.0    # OCR models loaded, every window read in full, first batches and runs

pytestmark = [pytest.mark.slow, pytest.mark.xvfb,
              pytest.mark.skipif(not (shutil.which("xdotool") and shutil.which("Xvfb")),
                                 reason="needs xvfb and xdotool (apt-get install xvfb xdotool)")]


def test_capture_soak_stays_flat(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    run = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--capture", "--minutes", str(SIM_MINUTES),
         "--warmup", str(WARMUP_MIN), "--trim", "--data-dir", str(tmp_path / "data")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    brief = {k: v for k, v in out.items() if k != "samples"}
    why = json.dumps(brief)
    print(why)  # the numbers, for `pytest -rP`
    for smp in out["samples"]:
        print(smp)

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
    # first, memory.store.database.Database.atomic, rather than fail "database is locked").
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
    # starts a helper lazily.
    assert out["max_rise"]["threads"] == 0, (out["threads_new"], why)
    assert out["max_rise"]["os_threads"] <= 1, why
    # Memory. The raw RSS swings by 100-230 MB from one minute to the next with the
    # allocator's high-water mark after full-screen OCRs, so it is bounded loosely. RSS after
    # gc.collect() + malloc_trim (free heap handed back) is what is still in use. It is not
    # a straight line but a plateau with steps (allocator and onnxruntime arenas settling on
    # a new level): measured in the bench's own process, up and down by 20-32 MB within 14
    # simulated minutes, and over 60 minutes 253 -> 210 MB. A leak grows with the work
    # instead: keeping the decoded image of every other stored frame (1600x900 RGB, 4.3 MB;
    # ~44 frames are stored after the warm-up) would add ~95 MB. 60 MB (median of the last
    # three samples vs the first three) and 75 MB (any sample) sit between the two.
    if out.get("rss_trim_median_rise_mb") is not None:
        assert out["rss_trim_median_rise_mb"] < 60.0, why
        assert out["rss_trim_max_rise_mb"] < 75.0, why
    assert out["max_rise"]["rss_mb"] < 250.0, why
