import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from capture.errors import ImageError
from capture.importer import FrameImporter, load_image
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


# -- input at the boundary (red-team 2026-12: findings 6a, 8, 11, 13, 15) --------------
class ScriptedOcr:
    """OCR that reads the same lines from any image: these tests are about what happens
    to text after OCR, not about OCR."""

    def __init__(self, *texts: str) -> None:
        self.texts = texts

    def recognize(self, image, region=None):
        from memory.ocr_types import OcrLine

        return [OcrLine(t, (0, 10 * i, 100, 10 * i + 8), 0.9) for i, t in enumerate(self.texts)]


def _manifest(folder, *lines, raw: str = "") -> "Path":
    folder.mkdir(parents=True, exist_ok=True)
    m = folder / "frames.jsonl"
    m.write_text("".join(json.dumps(l) + "\n" for l in lines) + raw, "utf-8")
    return m


def _shot(folder, name="x.png"):
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCREENS / "frames" / "0018.png", folder / name)
    return name


def _line(file="x.png", ts="2026-03-01T10:00:00", **kw):
    return {"file": file, "timestamp": ts, "app": "A", "window_title": "t", **kw}


def test_times_outside_1970_2099_are_bad_lines(tmp_path):
    from capture.importer import read_manifest

    _shot(tmp_path)
    m = _manifest(tmp_path, _line(ts="9999-12-31T23:30:00"),
                  _line(ts="0001-01-01T00:00:00+14:00"), _line(ts="1969-12-31T23:59:59Z"),
                  _line(ts="2100-01-01T00:00:00Z"), _line())
    problems: list[str] = []
    entries = list(read_manifest(m, problems))
    assert [e.line for e in entries] == [5]
    assert [p.split(":")[1] for p in problems] == ["1", "2", "3", "4"]
    assert all("outside 1970-2099" in p for p in problems), problems


def test_over_long_fields_are_cut_or_refused_with_short_messages(tmp_path):
    from capture.importer import read_manifest
    from memory.limits import LIMITS

    _shot(tmp_path)
    title = "alpha beta gamma " * 20_000
    m = _manifest(tmp_path, _line(window_title=title, app="B" * 5000),
                  _line(file="d/" * 3000 + "x.png"), _line(ts="2026-03-01T10:00:00" + " " * 500))
    problems: list[str] = []
    entries = list(read_manifest(m, problems))
    assert len(entries) == 1
    e = entries[0]
    assert e.window_title == title[:LIMITS.window_title] and e.app == "B" * LIMITS.app
    by_line = [int(p.split(":")[1]) for p in problems]
    assert sorted(by_line) == [1, 1, 2, 3], problems
    text = "\n".join(problems)
    assert "'app' is 5,000 characters long; cut to 200" in text
    assert "'window_title' is 340,000 characters long; cut to 1,000" in text
    assert "longer than 4,096" in text and ":3: timestamp" in text
    assert all(len(p) < len(str(m)) + 200 for p in problems), [len(p) for p in problems]


def test_a_line_over_the_limit_is_skipped_unread(tmp_path):
    from capture.importer import read_manifest
    from memory.limits import InputLimits

    _shot(tmp_path)
    limits = InputLimits(manifest_line_bytes=4096)
    big = json.dumps(_line(window_title="w" * 50_000))
    m = _manifest(tmp_path, _line(ts="2026-03-01T09:00:00"), raw=big + "\n" +
                  json.dumps(_line(ts="2026-03-01T11:00:00")) + "\n")
    problems: list[str] = []
    entries = list(read_manifest(m, problems, limits))
    assert [e.line for e in entries] == [1, 3]
    assert len(problems) == 1 and ":2: line longer than 4,096 bytes" in problems[0]


def test_deeply_nested_line_is_one_bad_line(tmp_path):
    from capture.importer import read_manifest

    _shot(tmp_path)
    m = _manifest(tmp_path, _line(), raw="[" * 100_000 + "]" * 100_000 + "\n"
                  + '{"file": {"a": ' * 50_000 + "1" + "}" * 50_000 + "\n")
    problems: list[str] = []
    entries = list(read_manifest(m, problems))
    assert [e.line for e in entries] == [1]
    assert [p.split(":")[1] for p in problems] == ["2", "3"]
    assert all("nested too deeply" in p for p in problems)


def test_fifo_and_folder_lines_are_refused_without_reading(tmp_path):
    import os
    import threading

    from capture.importer import load_image, read_manifest

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    _shot(tmp_path)
    os.mkfifo(tmp_path / "fifo.png")
    (tmp_path / "folder.png").mkdir()
    m = _manifest(tmp_path, _line(file="fifo.png"), _line(file="folder.png"), _line())
    problems: list[str] = []
    entries = list(read_manifest(m, problems))
    assert [e.line for e in entries] == [3]
    assert len(problems) == 2 and all("not a regular file" in p for p in problems)

    # Even if a file turns into a FIFO after the manifest was read, reading never blocks.
    outcome: list = []

    def read():
        try:
            load_image(tmp_path / "fifo.png")
        except ImageError as e:
            outcome.append(e)
    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # the old code blocks in open(): give it a writer so the thread ends
        os.close(os.open(tmp_path / "fifo.png", os.O_WRONLY | os.O_NONBLOCK))
        t.join(10)
    assert outcome and "not a regular file" in str(outcome[0])


def test_dot_slash_names_the_same_source(store, tmp_path):
    _shot(tmp_path / "shots", "x.png")
    (tmp_path / "shots" / "sub").mkdir()
    m = _manifest(tmp_path / "shots", _line(), _line(file="./x.png", ts="2026-03-01T12:00:00"),
                  _line(file="sub/../x.png", ts="2026-03-01T13:00:00"),
                  _line(file=".//x.png", ts="2026-03-01T14:00:00"))
    r = FrameImporter(store=store, ocr=ScriptedOcr("hello")).run(m)
    assert (r.kept, r.already, r.problems) == (1, 3, [])
    assert store.counts()["frames"] == 1 and store.counts()["frame_sources"] == 1


def _line_redactor():
    from memory.redact import Redactor

    if hasattr(Redactor, "redact_lines"):
        return Redactor()

    class LineRedactor(Redactor):  # until memory.redact has redact_lines (another change)
        def redact_lines(self, lines):
            return [self.redact(l) for l in lines]
    return LineRedactor()


def test_redactor_masks_ocr_lines_and_title_before_storage(store, tmp_path):
    _shot(tmp_path)
    m = _manifest(tmp_path, _line(window_title="pay 4111 1111 1111 1111 now"))
    ocr = ScriptedOcr("Card 4111 1111 1111 1111", "Password: Glockenspiel42", "plain words")
    r = FrameImporter(store=store, ocr=ocr, redactor=_line_redactor()).run(m)
    assert r.kept == 1
    f = store.frames.get(1)
    stored = "\n".join([f.window_title, f.ocr_text] + [l.text for l in f.ocr_lines])
    assert "4111 1111 1111 1111" not in stored and "Glockenspiel42" not in stored
    assert "plain words" in f.ocr_text and "[redacted]" in f.window_title
    assert [l.box for l in f.ocr_lines] == [(0, 0, 100, 8), (0, 10, 100, 18), (0, 20, 100, 28)]
    docs = " ".join(r[0] + (r[1] or "") for r in store.db.execute(
        "SELECT text, embed_text FROM docs"))
    assert "Glockenspiel42" not in docs and "4111 1111" not in docs
