import datetime as dt

import pytest

from capture.retention import enforce_retention, free_disk_mb, image_bytes
from memory.errors import StoreError
from memory.ocr_types import OcrLine
from memory.store.passages import frame_docs

DAY = 86400.0
NOW = 1_700_000_000.0


def add(store, age_days, size, text):
    ts = dt.datetime.fromtimestamp(NOW - age_days * DAY).astimezone()
    fid = store.frames.add(image_bytes=b"x" * size, ts=ts, app="app", window_title="w", url=None,
                           width=10, height=10, phash="", sources=[],
                           ocr_lines=[OcrLine(text, (0, 0, 1, 1), 1.0)])
    store.docs.add(frame_docs(store.frames.get(fid)))
    return fid


def test_age_limit_removes_old_images_but_keeps_text(store):
    old = add(store, 100, 1000, "old invoice 4471")
    new = add(store, 1, 1000, "new note")
    old_file = store.layout.frames / store.frames.get(old).file
    assert old_file.exists()
    r = enforce_retention(store, max_mb=1000, max_age_days=90, now=NOW)
    assert (r.deleted, r.freed_bytes) == (1, 1000)
    assert not old_file.exists()
    f = store.frames.get(old)
    assert f.bytes == 0 and f.ocr_text == "old invoice 4471"
    with pytest.raises(StoreError, match="missing"):
        store.frames.read_image(f)
    assert store.frames.read_image(store.frames.get(new)) == b"x" * 1000
    assert store.docs.fts("invoice 4471", k=5)  # the text is still searchable


def test_size_budget_removes_oldest_first(store):
    ids = [add(store, 10 - i, 400_000, f"frame {i}") for i in range(5)]  # 2 MB in all
    r = enforce_retention(store, max_mb=1.0, max_age_days=90, now=NOW)
    assert r.deleted == 3 and r.kept_bytes == 800_000
    assert [store.frames.get(i).bytes for i in ids] == [0, 0, 0, 400_000, 400_000]
    assert image_bytes(store) == 800_000


def test_second_pass_is_a_no_op_and_a_crash_leftover_is_marked(store):
    fid = add(store, 100, 10, "t")
    (store.layout.frames / store.frames.get(fid).file).unlink()  # deleted, row not yet marked
    assert enforce_retention(store, max_mb=1, max_age_days=90, now=NOW).deleted == 1
    assert store.frames.get(fid).bytes == 0
    assert enforce_retention(store, max_mb=1, max_age_days=90, now=NOW).deleted == 0


def test_many_rows_in_chunks(store):
    for i in range(230):
        add(store, 200, 10, f"t{i}")
    assert enforce_retention(store, max_mb=1, max_age_days=90, now=NOW).deleted == 230


def test_free_disk_mb_of_a_path_not_yet_created(tmp_path):
    assert free_disk_mb(tmp_path / "not" / "yet") > 0
