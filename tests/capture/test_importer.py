import json
import shutil

import pytest
from PIL import Image

from capture.importer import FrameImporter, load_image
from capture.errors import ImageError
from tests.conftest import SCREENS


def test_dev_screens_import_merges_pointer_duplicates(screens_store):
    r = screens_store.import_report
    assert r.problems == []
    assert r.seen == 30 and r.kept + r.merged == 30
    assert 8 <= r.kept <= 12  # one kept frame per scene (the dev day has 10-ish scenes)
    counts = screens_store.counts()
    assert counts["frames"] == r.kept and counts["frame_sources"] == 30
    first = screens_store.frames.get(1)
    assert first.sources == ["frames/0001.png", "frames/0002.png", "frames/0003.png"]
    assert "1,240 GBP" in first.ocr_text


def test_reimport_is_idempotent(screens_store, ocr):
    before = screens_store.counts()
    r = FrameImporter(store=screens_store, ocr=ocr).run(SCREENS / "frames.jsonl")
    assert r.already == 30 and r.kept == 0
    assert screens_store.counts() == before


@pytest.fixture
def bad_manifest(tmp_path):
    d = tmp_path / "shots"
    (d / "frames").mkdir(parents=True)
    shutil.copy(SCREENS / "frames" / "0018.png", d / "frames" / "good.png")
    (d / "frames" / "notimage.png").write_text("hello, I am text")
    raw = (SCREENS / "frames" / "0001.png").read_bytes()
    (d / "frames" / "truncated.png").write_bytes(raw[: len(raw) // 3])
    (d / "frames" / "empty.png").write_bytes(b"")
    (tmp_path / "outside.png").write_bytes(raw)
    lines = [
        {"file": "frames/good.png", "timestamp": "2026-02-17T14:05:00", "app": "Zoom",
         "window_title": "Orchard Health website audit"},
        {"file": "frames/missing.png", "timestamp": "2026-02-17T14:06:00", "app": "a",
         "window_title": "b"},
        {"file": "frames/notimage.png", "timestamp": "2026-02-17T14:07:00", "app": "a",
         "window_title": "c"},
        {"file": "frames/truncated.png", "timestamp": "2026-02-17T14:08:00", "app": "a",
         "window_title": "d"},
        {"file": "frames/empty.png", "timestamp": "2026-02-17T14:09:00", "app": "a",
         "window_title": "e"},
        {"file": "../outside.png", "timestamp": "2026-02-17T14:10:00", "app": "a",
         "window_title": "f"},
        {"file": str(tmp_path / "outside.png"), "timestamp": "2026-02-17T14:11:00",
         "app": "a", "window_title": "g"},
        {"file": "frames/good.png", "timestamp": "yesterday-ish", "app": "a",
         "window_title": "h"},
        {"file": 42, "timestamp": "2026-02-17T14:12:00"},
        {"file": "frames/good.png", "timestamp": "2026-02-17T14:13:00", "app": ["x"],
         "window_title": "i"},
    ]
    text = "\n".join(json.dumps(l) for l in lines[:3]) + "\n{not json at all\n" + \
        "\n".join(json.dumps(l) for l in lines[3:]) + "\n[1, 2]\n"
    (d / "frames.jsonl").write_text(text)
    return d / "frames.jsonl"


def test_bad_manifest_lines_are_reported_by_line_and_the_rest_imported(open_store, ocr,
                                                                      bad_manifest):
    store = open_store()
    r = FrameImporter(store=store, ocr=ocr).run(bad_manifest)
    assert r.kept == 1
    by_line = {int(p.split(":")[1]): p for p in r.problems}
    assert "not found" in by_line[2]
    assert "not a readable image" in by_line[3]
    assert "not valid JSON" in by_line[4]
    assert "not a readable image" in by_line[5] or "truncated" in by_line[5]
    assert "not a readable image" in by_line[6]
    assert "leaves the manifest's folder" in by_line[7]
    assert "absolute path" in by_line[8]
    assert "not ISO 8601" in by_line[9]
    assert "'file' must be" in by_line[10]
    assert "must be strings" in by_line[11]
    assert "JSON object" in by_line[12]
    assert len(r.problems) == 11
    assert store.counts()["frames"] == 1
    assert "Budget approved" in store.frames.get(1).ocr_text


def test_oversized_and_bomb_images_are_refused_without_decoding(tmp_path):
    big = tmp_path / "big.png"
    Image.new("1", (30000, 30000)).save(big)
    with pytest.raises(ImageError, match="larger than|decompression bomb"):
        load_image(big)
