"""`commonplace export` gives everything back in open formats; `commonplace forget` deletes
a range for real: no byte of it is left in the database, its WAL, Chroma or the frame files."""

from __future__ import annotations

import io
import json

from PIL import Image

from tests.conftest import run_cli
from tests.privacy.helpers import SECRETS, copy_data_dir, grep_tree


def test_export_writes_json_and_decrypted_images(enc_import, tmp_path):
    data = enc_import[0]
    dest = tmp_path / "out"
    r = run_cli("export", str(dest), "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    doc = json.loads((dest / "commonplace-export.json").read_text("utf-8"))
    tables = doc["tables"]
    assert {"frames", "frame_sources", "turns"} <= set(tables)
    assert not any(t == "docs" or t.startswith(("docs_fts", "_", "sqlite_")) for t in tables)
    if "memories" in json.loads(r.stdout.splitlines()[-1])["tables"]:
        assert tables["memories"] and all("text" in m for m in tables["memories"])
    frames = tables["frames"]
    assert len(frames) == 2
    text = "\n".join(f["ocr_text"] for f in frames)
    assert "Lindqvist" in text and "NWB-55710-K" in text
    for f in frames:
        assert f["sources"] and f["ocr_lines"] and {"text", "box", "score"} <= set(f["ocr_lines"][0])
        with Image.open(io.BytesIO((dest / f["image"]).read_bytes())) as im:
            assert im.format == "WEBP" and im.size == (f["width"], f["height"])


def test_export_refuses_a_non_empty_folder(enc_import, tmp_path):
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    r = run_cli("export", str(dest), data_dir=enc_import[0])
    assert r.returncode == 2 and "not empty" in r.stderr and "Traceback" not in r.stderr
    assert [p.name for p in dest.iterdir()] == ["keep.txt"]


def test_forget_leaves_no_trace_and_keeps_the_rest(plain_import, plain_toml, tmp_path,
                                                    open_store):
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    assert grep_tree(data, ["Lindqvist"])["Lindqvist"]  # there before
    r = run_cli("--config", str(plain_toml), "forget", "--from", "2026-02-17T14:00:00",
                "--to", "2026-02-17T14:30:00", "--json", data_dir=data, passphrase=None)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.splitlines()[-1])
    assert out["frames"] == 1 and out["files"] == 1
    gone = grep_tree(data, ["Lindqvist", "Orchard Health"], skip=("models",))
    assert gone == {"Lindqvist": [], "Orchard Health": []}
    assert not (data / "commonplace.db-wal").exists() or \
        (data / "commonplace.db-wal").stat().st_size == 0

    store = open_store(data, passphrase=None, encrypt=False)
    assert store.integrity() == "ok"
    assert store.counts()["frames"] == 1
    hits = store.docs.fts("NWB-55710-K confirmation", k=5)
    assert hits and any("NWB-55710-K" in d.text for d in store.docs.get([h[0] for h in hits]).values())
    assert not store.docs.fts("Lindqvist", k=5)
    doc_ids = {r[0] for r in store.db.execute("SELECT id FROM docs").fetchall()}
    assert store.vectors.ids() == doc_ids
    files = [p for p in (data / "frames").rglob("*") if p.is_file()]
    assert len(files) == 1
    if store.db["memories"].exists():
        srcs = {r[0] for r in store.db.execute("SELECT source FROM memory_sources")}
        assert "frames/0018.png" not in srcs
