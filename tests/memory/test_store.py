import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from capture.images import encode_image
from memory.errors import LockedError, StoreError
from memory.ocr_types import OcrLine
from memory.store import database
from memory.store.docs import NewDoc, fts_query
from tests.conftest import PASSPHRASE

SECRET = "Zanzibar-Quokka-77341"


def _add_frame(store, text=SECRET, when=None):
    img = Image.new("RGB", (320, 200), "white")
    ts = when or dt.datetime(2026, 2, 17, 9, 0).astimezone()
    fid = store.frames.add(image_bytes=encode_image(img), ts=ts, app="Editor",
                           window_title="notes.txt", url=None, width=320, height=200,
                           phash="00", sources=[f"cap:{ts.isoformat()}"],
                           ocr_lines=[OcrLine(text, (0, 0, 100, 20), 0.99)])
    store.docs.add([NewDoc("frame", fid, text, ts.isoformat(), ts.timestamp(), "Editor",
                           [f"cap:{ts.isoformat()}"])])
    store.docs.embed_pending()
    return fid


def _grep(root: Path, needle: str) -> list[Path]:
    hits = []
    for p in root.rglob("*"):
        if p.is_file() and needle.encode() in p.read_bytes():
            hits.append(p)
    return hits


def test_encrypted_store_keeps_no_plaintext_and_reopens(open_store, tmp_path):
    store = open_store()
    fid = _add_frame(store)
    store.close()
    assert _grep(tmp_path / "data", SECRET) == []
    again = open_store()
    frame = again.frames.get(fid)
    assert frame.ocr_text == SECRET
    assert again.frames.read_image(frame)[:4] == b"RIFF"  # decrypted WebP
    assert again.integrity() == "ok"


def test_plain_store_is_greppable_so_the_encryption_test_can_fail(open_store, tmp_path):
    store = open_store(passphrase=None, encrypt=False)
    _add_frame(store)
    store.close()
    assert _grep(tmp_path / "data", SECRET)


def test_wrong_or_missing_passphrase_is_a_clear_error(open_store, tmp_path):
    open_store().close()
    with pytest.raises(LockedError, match="Wrong passphrase"):
        open_store(passphrase="nope")
    with pytest.raises(LockedError, match="COMMONPLACE_PASSPHRASE"):
        open_store(passphrase=None)


def test_new_encrypted_store_without_passphrase_says_how(open_store, tmp_path):
    with pytest.raises(LockedError, match="--passphrase-file"):
        open_store(tmp_path / "fresh", passphrase=None)
    assert not (tmp_path / "fresh" / database.DB_FILE).exists()


def test_change_passphrase_rewraps_without_reencrypting(open_store, tmp_path):
    store = open_store()
    fid = _add_frame(store)
    db_bytes = (tmp_path / "data" / database.DB_FILE).stat().st_size
    store.close()
    database.change_passphrase(tmp_path / "data", PASSPHRASE, "new secret")
    with pytest.raises(LockedError):
        open_store(passphrase=PASSPHRASE)
    s = open_store(passphrase="new secret")
    assert s.frames.get(fid).ocr_text == SECRET
    assert (tmp_path / "data" / database.DB_FILE).stat().st_size >= db_bytes


def test_repair_removes_orphan_frame_files_and_reconciles_vectors(open_store, tmp_path):
    store = open_store()
    _add_frame(store)
    orphan = tmp_path / "data" / "frames" / "2026" / "orphan.webp.enc"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    # a vector whose row is gone, and a row whose vector is gone
    store.vectors.upsert([999_999], store.docs._embedder.embed(["stray"]),
                         kinds=["frame"], ts_epochs=[0.0])
    doc_id = next(iter(store.vectors.ids() - {999_999}))
    store.vectors.delete([doc_id])
    report = store.repair()
    assert report["orphan_files_removed"] == 1 and not orphan.exists()
    assert report["stray_vectors_removed"] == 1
    assert report["docs_embedded"] == 1
    assert store.vectors.ids() == {r[0] for r in store.db.execute("SELECT id FROM docs")}


def test_identical_content_is_deduplicated_before_embedding(open_store):
    store = open_store()
    a = store.docs.add([NewDoc("frame", 1, "same text here", None, None, "", ["a"])])
    b = store.docs.add([NewDoc("frame", 2, "Same  text here", None, None, "", ["b"])])
    assert a == b
    assert store.docs.get(a)[a[0]].sources == ["a", "b"]


def test_fts_query_never_lets_user_syntax_through():
    q = fts_query('invoice" OR 1=1; DROP TABLE docs; -- NEAR(a b)')
    assert '"' not in q.replace('" OR "', "").strip('"')
    assert fts_query("the of and") == ""


def test_unusable_data_dir_is_a_clear_error(open_store, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError, match="blocker"):
        open_store(blocker / "data")


def test_a_transaction_that_reads_first_waits_for_another_writer(open_store, tmp_path):
    """The pipeline reads, then writes, while the capture writer commits on its own
    connection. A deferred BEGIN fails there at once ("database is locked": the read
    snapshot went stale); the store's `atomic()` takes the lock first and waits its turn."""
    import threading

    store = open_store(tmp_path / "data")
    other = store.sibling()
    holding, done = threading.Event(), threading.Event()

    def writer():
        other.db.conn.execute("BEGIN IMMEDIATE")
        other.db.conn.execute("INSERT INTO w (x) VALUES (1)")
        holding.set()
        done.wait(0.5)
        other.db.conn.execute("COMMIT")

    store.db["w"].insert({"x": 0})
    t = threading.Thread(target=writer)
    t.start()
    holding.wait(5)
    try:
        with store.db.atomic():
            seen = store.db.execute("SELECT count(*) FROM w").fetchone()[0]
            store.db["w"].insert({"x": 2})
    finally:
        done.set()
        t.join(10)
        other.close()
    rows = [r[0] for r in store.db.execute("SELECT x FROM w ORDER BY rowid")]
    assert seen == 2 and rows == [0, 1, 2]


def test_a_vector_index_copies_whole_through_its_export(tmp_path):
    """`vectors migrate` copies through ChromaIndex.export (no private collection access):
    every id, vector and filter field arrives, a stale id in the target goes, and the two
    indexes answer a query alike."""
    from memory.store.vectors import ChromaIndex, copy_index
    from models.embeddings import HashEmbedder

    emb = HashEmbedder(dim=32)
    src = ChromaIndex(path=tmp_path / "a", embedder=emb)
    dst = ChromaIndex(path=tmp_path / "b", embedder=emb)
    texts = [f"note {i} about {w}" for i, w in enumerate(["tea", "rain", "maps", "bikes",
                                                           "tax", "piano", "soup"])]
    src.upsert(list(range(1, 8)), emb.embed(texts), kinds=["frame"] * 7,
               ts_epochs=[float(i) for i in range(7)])
    dst.upsert([99], emb.embed(["left from an older copy"]), kinds=["turn"], ts_epochs=[0.0])
    pages = list(src.export(page=3))
    assert [len(p[0]) for p in pages] == [3, 3, 1]
    out = copy_index(src, dst, page=3)
    assert out["copied"] == 7 and out["removed_from_target"] == 1
    assert out["ids_match"] and out["queries_match"] and dst.ids() == set(range(1, 8))
    q = emb.embed(["soup"])[0]
    assert [h.id for h in dst.query(q, k=3, kinds=["frame"], ts_range=(5.0, 6.0))] == \
        [h.id for h in src.query(q, k=3, kinds=["frame"], ts_range=(5.0, 6.0))] != []


def test_frames_many_reads_a_batch_like_get_and_can_leave_the_boxes(open_store):
    store = open_store()
    t0 = dt.datetime(2026, 2, 17, 9, 0).astimezone()
    ids = [_add_frame(store, f"line {i}", t0 + dt.timedelta(minutes=i)) for i in range(3)]
    got = store.frames.many([ids[2], ids[0], ids[2], 999_999])
    assert sorted(got) == sorted([ids[0], ids[2]])          # missing ids absent, no error
    assert got[ids[0]] == store.frames.get(ids[0])           # same frame as a single read
    light = store.frames.many(ids, boxes=False)
    assert light[ids[1]].ocr_lines == [] and light[ids[1]].ocr_text == "line 1"
    assert light[ids[1]].sources == store.frames.get(ids[1]).sources


def test_docs_placed_gives_app_and_time_without_text(open_store):
    store = open_store()
    when = dt.datetime(2026, 2, 17, 9, 0).astimezone()
    fid = _add_frame(store, "a placed doc", when)
    (doc_id,) = [i for i, _ in store.docs.fts("placed", k=5)]
    assert store.docs.placed([doc_id, 424242]) == {doc_id: ("Editor", when.timestamp())}
    assert store.docs.get([doc_id])[doc_id].ref_id == fid
