"""OCR seconds per frame and screenshot-import throughput, each vs a naive baseline in the same run.

1. OCR on the 1600x900 dev screenshots (/work/shared/eval/screens-dev/frames):
   OcrEngine() at its default 1280-px downscale vs OcrEngine(max_width=4000), i.e. full
   resolution (the naive baseline). Also a changed-strip region (960x64) vs the full frame.
2. Import of the dev manifest (FrameImporter, real RapidOCR, real MiniLM OnnxEmbedder) into
   a fresh unencrypted and a fresh encrypted store, vs a naive import: the same frames with
   a distinct window_title each, so nothing is merged as a near-duplicate and every frame
   is OCR'd and indexed. OCR engine and embedder are built and warmed once, outside timing.

    .venv/bin/python bench/bench_ocr_import.py [--ocr-frames 10] [--repeats 1]

Prints progress to stderr and one JSON object last on stdout (medians and ratios).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEV = Path("/work/shared/eval/screens-dev")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def time_ocr(engine, images, regions=None) -> tuple[list[float], int, list]:
    times, n_lines, found = [], 0, []
    for k, im in enumerate(images):
        t = time.perf_counter()
        lines = engine.recognize(im, region=regions[k] if regions else None)
        times.append(time.perf_counter() - t)
        n_lines += len(lines)
        found.append(lines)
    return times, n_lines, found


def strip_around_text(lines, width: int, height: int, w: int = 960, h: int = 64):
    """A w x h region centred on the widest text line below the title bars (so it has text)."""
    body = [l for l in lines if l.box[1] > 80] or lines
    if not body:
        return (0, height // 2 - h // 2, w, height // 2 + h // 2)
    b = max(body, key=lambda l: l.box[2] - l.box[0]).box
    cx, cy = (b[0] + b[2]) // 2, (b[1] + b[3]) // 2
    x0 = min(max(0, cx - w // 2), max(0, width - w))
    y0 = min(max(0, cy - h // 2), max(0, height - h))
    return (x0, y0, x0 + w, y0 + h)


def copy_dev(dest: Path, *, distinct_titles: bool) -> Path:
    """A copy of the dev folder (frames + manifest); optionally every title made unique."""
    dest.mkdir(parents=True)
    shutil.copytree(DEV / "frames", dest / "frames")
    out = []
    for i, raw in enumerate((DEV / "frames.jsonl").read_text().splitlines()):
        if not raw.strip():
            continue
        d = json.loads(raw)
        if distinct_titles:
            d["window_title"] = f"{d.get('window_title', '')} #{i}"
        out.append(json.dumps(d))
    (dest / "frames.jsonl").write_text("\n".join(out) + "\n")
    return dest / "frames.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ocr-frames", type=int, default=10,
                    help="frames (evenly spaced) for the per-frame OCR timing")
    ap.add_argument("--strip-repeats", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=1, help="import runs per variant")
    args = ap.parse_args()

    import logging
    logging.basicConfig(level=logging.WARNING)

    from app.prepare import ensure_minilm
    from capture.importer import FrameImporter, load_image
    from capture.ocr import OcrEngine
    from memory.store.store import Store
    from models.embeddings import OnnxEmbedder

    out: dict = {"bench": "ocr_import", "python": sys.version.split()[0],
                 "cpus": os.cpu_count(), "load_start": load()}
    files = sorted((DEV / "frames").glob("*.png"))
    step = max(1, len(files) // args.ocr_frames)
    sample = files[::step][: args.ocr_frames]
    images = [load_image(p) for p in sample]
    out["frame_size"] = f"{images[0].width}x{images[0].height}"

    # ---- 1. OCR per frame: default 1280 downscale vs full resolution
    fast, full = OcrEngine(), OcrEngine(max_width=4000)
    for e in (fast, full):  # build + warm (model load is not per-frame cost)
        e.recognize(images[0])
    t_fast, l_fast, found = time_ocr(fast, images)
    log(f"ocr 1280: median {med(t_fast):.3f}s/frame")
    t_full, l_full, _ = time_ocr(full, images)
    log(f"ocr full: median {med(t_full):.3f}s/frame")
    strips = [strip_around_text(f, im.width, im.height) for f, im in zip(found, images)]
    t_strip: list[float] = []
    l_strip = 0
    for _ in range(args.strip_repeats):
        ts, ls, _ = time_ocr(fast, images, regions=strips)
        t_strip += ts
        l_strip += ls
    log(f"ocr strip 960x64 (with text): median {med(t_strip) * 1e3:.1f}ms")
    blank = (0, images[0].height - 64, 960, images[0].height)  # bottom margin: no text
    t_blank, l_blank, _ = time_ocr(fast, images, regions=[blank] * len(images))
    log(f"ocr blank strip 960x64: median {med(t_blank) * 1e3:.1f}ms")
    out["ocr"] = {
        "frames_timed": len(images),
        "default_1280_s_per_frame_median": round(med(t_fast), 3),
        "full_res_s_per_frame_median": round(med(t_full), 3),
        "default_1280_lines_total": l_fast, "full_res_lines_total": l_full,
        "strip_960x64_s_median": round(med(t_strip), 4),
        "strip_regions": "960x64 centred on each frame's widest body text line",
        "strip_lines_total": l_strip, "strip_samples": len(t_strip),
        "blank_strip_960x64_s_median": round(med(t_blank), 4), "blank_strip_lines": l_blank,
        "load_after": load(),
    }

    # ---- 2. import throughput
    tmp = Path(tempfile.mkdtemp(prefix="bench-ocr-import-"))
    try:
        t = time.perf_counter()
        embedder = OnnxEmbedder(ensure_minilm(tmp / "models"))
        embedder.embed(["warm up the embedding model"])
        out["embedder_load_s"] = round(time.perf_counter() - t, 2)
        real_manifest = copy_dev(tmp / "dev-real", distinct_titles=False)
        naive_manifest = copy_dev(tmp / "dev-naive", distinct_titles=True)
        variants = [("unencrypted", real_manifest, False), ("encrypted", real_manifest, True),
                    ("naive_unencrypted", naive_manifest, False)]
        imp: dict = {}
        for name, manifest, enc in variants:
            runs = []
            for r in range(args.repeats):
                t = time.perf_counter()
                store = Store.open(tmp / f"data-{name}-{r}",
                                   passphrase="bench-pass" if enc else None,
                                   encrypt_new=enc, embedder=embedder)
                open_s = time.perf_counter() - t
                t = time.perf_counter()
                rep = FrameImporter(store=store, ocr=fast).run(manifest)
                el = time.perf_counter() - t
                docs = store.db.execute("SELECT count(*) FROM docs").fetchone()[0]
                store.close()
                runs.append({"s": el, "open_s": open_s, "report": rep.as_dict(), "docs": docs})
                log(f"import {name}: {rep.seen} frames in {el:.1f}s "
                    f"({rep.seen / el:.2f} frames/s; kept {rep.kept}, merged {rep.merged})")
            s = med([x["s"] for x in runs])
            seen = runs[0]["report"]["seen"]
            imp[name] = {"frames": seen, "kept": runs[0]["report"]["kept"],
                         "merged": runs[0]["report"]["merged"], "docs": runs[0]["docs"],
                         "problems": len(runs[0]["report"]["problems"]),
                         "import_s_median": round(s, 2),
                         "frames_per_s": round(seen / s, 3),
                         "store_open_s": round(med([x["open_s"] for x in runs]), 2),
                         "runs": len(runs)}
        imp["load_after"] = load()
        out["import"] = imp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    o, i = out["ocr"], out["import"]
    out["ratios"] = {
        "ocr_full_over_1280_per_frame": round(o["full_res_s_per_frame_median"]
                                              / o["default_1280_s_per_frame_median"], 2),
        "ocr_full_frame_over_strip": round(o["default_1280_s_per_frame_median"]
                                           / o["strip_960x64_s_median"], 1),
        "ocr_lines_full_res_over_1280": round(o["full_res_lines_total"]
                                              / max(1, o["default_1280_lines_total"]), 2),
        "import_unencrypted_over_naive_frames_per_s": round(
            i["unencrypted"]["frames_per_s"] / i["naive_unencrypted"]["frames_per_s"], 2),
        "import_encrypted_over_naive_frames_per_s": round(
            i["encrypted"]["frames_per_s"] / i["naive_unencrypted"]["frames_per_s"], 2),
        "import_encrypted_over_unencrypted_time": round(
            i["encrypted"]["import_s_median"] / i["unencrypted"]["import_s_median"], 2),
    }
    out["load_end"] = load()
    out["note"] = ("2 shared cores: absolute times move with load (see load_*); the ratios "
                   "are from the same run and are the numbers to compare.")
    print(json.dumps(out))


if __name__ == "__main__":
    from app.hygiene import offline_environment

    offline_environment()  # before onnxruntime loads: no telemetry from a bench either
    main()
