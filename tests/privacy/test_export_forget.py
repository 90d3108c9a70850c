"""`commonplace export` gives everything back in open formats; `commonplace forget` deletes
a range for real: no byte of it is left in the database, its WAL, Chroma or the frame files."""

from __future__ import annotations

import io
import json

from PIL import Image

from tests.conftest import run_cli
from tests.privacy.helpers import copy_data_dir, grep_tree


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
        assert f["key"] == f"frame:{f['id']}"  # the source key memories and citations use
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


def _stored_vectors(chroma_db) -> dict[str, tuple[bytes, str]]:
    """{id: (vector bytes, metadata json)} of every upsert in Chroma's write-ahead log."""
    import sqlite3

    with sqlite3.connect(chroma_db) as c:
        return {i: (v, m) for i, v, m in c.execute(
            "SELECT id, vector, metadata FROM embeddings_queue WHERE vector IS NOT NULL")}


def _holds_vector(blob: bytes, vector) -> bool:
    """Whether `blob` holds `vector`'s floats, as written or scaled to unit length (HNSW's
    cosine space stores normalised vectors), up to float rounding, at any alignment."""
    import numpy as np

    v = np.asarray(vector, np.float64)
    v /= np.linalg.norm(v)
    d = len(v)
    for a in range(4):
        if len(blob) - a < 4 * d:
            break
        arr = np.frombuffer(blob, np.float32, count=(len(blob) - a) // 4, offset=a)
        with np.errstate(all="ignore"):
            r0, r1 = arr[:len(arr) - d + 1] / v[0], arr[1:len(arr) - d + 2] / v[1]
            starts = np.nonzero((r0 > 0) & np.isfinite(r0) & (np.abs(r0 - r1) < 1e-4 * r0))[0]
            for s in starts[:5000]:
                w = arr[s:s + d].astype(np.float64)
                n = np.linalg.norm(w)
                if np.isfinite(n) and n > 0 and float(w @ v) / n > 1 - 1e-6:
                    return True
    return False


def test_forget_leaves_no_vector_or_time_in_chroma(plain_import, plain_toml, tmp_path,
                                                   open_store):
    """Red-team 2026-12 finding 7: Chroma kept every forgotten vector and its ts in its
    write-ahead log, from which the forgotten topic could be recovered."""
    import sqlite3

    import numpy as np

    data = copy_data_dir(plain_import[0], tmp_path / "data")
    chroma = data / "vectors" / "chroma.sqlite3"
    with sqlite3.connect(data / "commonplace.db") as c:
        docs_before = {r[0]: r[1] for r in c.execute("SELECT id, ts_epoch FROM docs")}
    before = _stored_vectors(chroma)
    assert set(before) >= {str(i) for i in docs_before}
    r = run_cli("--config", str(plain_toml), "forget", "--from", "2026-02-17T14:00:00",
                "--to", "2026-02-17T14:30:00", "--json", data_dir=data, passphrase=None)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[-1])["problems"] == []
    with sqlite3.connect(data / "commonplace.db") as c:
        docs_after = {r[0]: r[1] for r in c.execute("SELECT id, ts_epoch FROM docs")}
    gone = sorted(str(i) for i in set(docs_before) - set(docs_after))
    assert gone and docs_after
    gone_ts = {docs_before[int(i)] for i in gone} - set(docs_after.values()) - {None}
    assert gone_ts

    marks = ",".join("?" * len(gone))
    with sqlite3.connect(chroma) as c:
        assert c.execute(f"SELECT count(*) FROM embeddings_queue WHERE id IN ({marks})",
                         gone).fetchone()[0] == 0
        assert c.execute(f"SELECT count(*) FROM embeddings WHERE embedding_id IN ({marks})",
                         gone).fetchone()[0] == 0
        assert c.execute(f"SELECT count(*) FROM embedding_metadata m JOIN embeddings e ON "
                         f"e.id = m.id WHERE e.embedding_id IN ({marks})", gone).fetchone()[0] == 0
        meta_ts = {r[0] for r in c.execute(
            "SELECT float_value FROM embedding_metadata WHERE key = 'ts'")}
        queued = " ".join(r[0] or "" for r in c.execute("SELECT metadata FROM embeddings_queue"))
        assert c.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert not gone_ts & meta_ts
    assert not [t for t in gone_ts if json.dumps(t) in queued]
    files = [p for p in (data / "vectors").rglob("*") if p.is_file()]
    for i in gone:
        vec = np.frombuffer(before[i][0], np.float32)
        assert [p.name for p in files if _holds_vector(p.read_bytes(), vec)] == [], i

    store = open_store(data, passphrase=None, encrypt=False)
    assert store.vectors.ids() == set(docs_after)
    keep = next(iter(docs_after))
    hits = store.vectors.query(np.frombuffer(before[str(keep)][0], np.float32), k=1)
    assert hits and hits[0].id == keep and hits[0].score > 0.99


class _NoEmbedder:
    """Vectors are given directly here: nothing may be embedded."""
    dim = 384

    def embed(self, texts):
        raise AssertionError("nothing is embedded in these tests")


def test_compact_removes_deleted_vectors_from_flushed_hnsw_files(tmp_path):
    """Past 1,000 writes Chroma flushes its HNSW index to disk, where a deleted vector
    stays (marked, not erased), also in the folder of a dropped collection."""
    import numpy as np

    from memory.store.vectors import ChromaIndex

    rng = np.random.default_rng(7)
    vecs = rng.standard_normal((1100, 384)).astype(np.float32)
    index = ChromaIndex(path=tmp_path / "v", embedder=_NoEmbedder())
    for k in range(0, 1100, 250):
        ids = list(range(k, min(k + 250, 1100)))
        index.upsert(ids, vecs[ids], kinds=["frame"] * len(ids),
                     ts_epochs=[1.7e9 + i for i in ids])
    index.delete(list(range(10)))
    files = lambda: [p for p in (tmp_path / "v").rglob("*") if p.is_file()]  # noqa: E731
    assert any(_holds_vector(p.read_bytes(), vecs[3]) for p in files())  # why compact exists
    done = index.compact()
    assert done == {"vectors": 1090, "segment_folders_removed": 1, "vacuumed": True}
    for i in range(10):
        assert [p.name for p in files() if _holds_vector(p.read_bytes(), vecs[i])] == [], i
    assert index.count() == 1090 and index.ids() == set(range(10, 1100))
    assert index.query(vecs[500], k=1)[0].id == 500
    assert index.query(vecs[5], k=3)[0].id != 5
    reopened = ChromaIndex(path=tmp_path / "v", embedder=_NoEmbedder())
    assert reopened.count() == 1090 and reopened.query(vecs[700], k=1)[0].id == 700


def test_an_interrupted_compaction_is_taken_back_at_open(tmp_path):
    """A crash after the old collection was dropped leaves the complete copy."""
    import numpy as np

    from memory.store.vectors import ChromaIndex

    index = ChromaIndex(path=tmp_path / "v", embedder=_NoEmbedder())
    vecs = np.eye(384, dtype=np.float32)[:5]
    index.upsert([1, 2, 3, 4, 5], vecs, kinds=["frame"] * 5, ts_epochs=[1.7e9] * 5)
    client = index._client
    copy = client.create_collection(ChromaIndex.REBUILD, metadata=dict(ChromaIndex.METADATA),
                                    embedding_function=None)
    copy.upsert(ids=["1", "2", "3"], embeddings=vecs[:3])
    client.delete_collection(ChromaIndex.COLLECTION)
    reopened = ChromaIndex(path=tmp_path / "v", embedder=_NoEmbedder())
    assert reopened.ids() == {1, 2, 3}
    assert ChromaIndex.REBUILD not in {c.name for c in client.list_collections()}
