"""kill -9 an import at random points; after the start-up repair the store is always whole:
SQLite intact, frame files == rows, FTS == docs, Chroma ids == doc ids, nothing committed
lost, and a final import completes to the full counts."""

from __future__ import annotations

import random
import subprocess
import sys
import time

import pytest

from tests.conftest import CONVERSATIONS, PASSPHRASE, REPO
from tests.privacy.helpers import screen_subset

FRAMES = ["frames/0001.png", "frames/0004.png", "frames/0013.png", "frames/0025.png"]


def _start(*args, data):
    import os

    env = dict(os.environ, COMMONPLACE_PASSPHRASE=PASSPHRASE)
    return subprocess.Popen([sys.executable, "-m", "app.cli", "--data-dir", str(data), *args,
                             "--no-llm"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _check(open_store, data) -> dict:
    from chromadb.api.client import SharedSystemClient

    store = open_store(data)
    try:
        store.repair()  # what open_core does at start-up
        assert store.integrity() == "ok"
        rows = {r[0] for r in store.db.execute("SELECT file FROM frames").fetchall()}
        files = {p.relative_to(store.layout.frames).as_posix()
                 for p in store.layout.frames.rglob("*") if p.is_file()}
        assert rows == files
        store.db.execute("INSERT INTO docs_fts(docs_fts) VALUES('integrity-check')")
        n_docs = store.db.execute("SELECT count(*) FROM docs").fetchone()[0]
        assert store.db.execute("SELECT count(*) FROM docs_fts").fetchone()[0] == n_docs
        doc_ids = {r[0] for r in store.db.execute("SELECT id FROM docs").fetchall()}
        assert store.vectors.ids() == doc_ids
        return store.counts()
    finally:
        store.close()
        SharedSystemClient.clear_system_cache()  # the next look must read the files again


@pytest.mark.slow
def test_kill_9_during_imports_loses_nothing(open_store, tmp_path):
    manifest = screen_subset(tmp_path / "screens", FRAMES)
    data = tmp_path / "data"
    rng = random.Random(20260217)
    before = {"frames": 0, "frame_sources": 0, "turns": 0, "docs": 0}
    for i in range(6):
        args = ("import-chat", str(CONVERSATIONS)) if i % 2 else ("import-frames", str(manifest))
        p = _start(*args, data=data)
        time.sleep(rng.uniform(2.0, 10.0))
        p.kill()
        p.wait(timeout=30)
        after = _check(open_store, data)
        assert all(after[k] >= before[k] for k in before), (i, before, after)
        before = after
    for args in (("import-chat", str(CONVERSATIONS)), ("import-frames", str(manifest))):
        p = _start(*args, data=data)
        _out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()[-2000:]
    final = _check(open_store, data)
    from memory.chat_import import iter_turns, load_samples

    n_turns = sum(len(list(iter_turns(s, i, CONVERSATIONS, [])))
                  for i, s in enumerate(load_samples(CONVERSATIONS)))
    assert final["turns"] == n_turns
    assert final["frame_sources"] == len(FRAMES) and final["frames"] == len(FRAMES)


def test_crash_between_frame_row_and_its_docs_is_healed(open_store, ocr, tmp_path, monkeypatch):
    from capture.importer import FrameImporter
    from memory.store.docs import DocIndex

    manifest = screen_subset(tmp_path / "screens", ["frames/0025.png"])
    store = open_store(tmp_path / "data")
    real_add = DocIndex.add

    def crash(self, docs):
        raise KeyboardInterrupt  # the process dies right after the frame row is committed
    monkeypatch.setattr(DocIndex, "add", crash)
    with pytest.raises(KeyboardInterrupt):
        FrameImporter(store=store, ocr=ocr).run(manifest)
    monkeypatch.setattr(DocIndex, "add", real_add)
    store.repair()
    FrameImporter(store=store, ocr=ocr).run(manifest)  # the user simply imports again
    n = store.db.execute("SELECT count(*) FROM docs WHERE kind = 'frame'").fetchone()[0]
    assert n >= 1
