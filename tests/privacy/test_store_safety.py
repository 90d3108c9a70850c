"""Opening a data directory safely (red-team findings 1, 2, 9, 10, 14, 15): one key per
directory however many processes open it first, nothing deleted when the database does
not match the data, clear refusals for a missing or damaged key record, private modes,
passphrase rules, and keys wiped on close. Real SQLCipher, real files, real processes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from capture.images import encode_image
from memory.errors import LockedError, StoreError, WeakPassphraseError
from memory.ocr_types import OcrLine
from memory.store import crypto, database, dirsafety
from tests.conftest import CONVERSATIONS, PASSPHRASE, REPO, run_cli


def _add_frames(store, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        ts = dt.datetime(2026, 2, 17, 9, i).astimezone()
        text = f"invoice number {i} for the Lisbon trip"
        store.add_frame(image_bytes=encode_image(Image.new("RGB", (64, 40), "white")), ts=ts,
                        app="Editor", window_title=f"w{i}", url=None, width=64, height=40,
                        phash="00", sources=[f"cap:{i}"],
                        ocr_lines=[OcrLine(text, (0, 0, 10, 10), 0.9)])
    store.docs.embed_pending()


def _frame_files(data: Path) -> dict[str, bytes]:
    return {p.relative_to(data).as_posix(): p.read_bytes()
            for p in (data / "frames").rglob("*") if p.is_file()}


def _record(data: Path) -> dict:
    return json.loads((data / database.RECORD).read_text())


# -- 1. two first opens at once -------------------------------------------------------------

def _first_open(data: str, barrier, i: int) -> None:
    """A child process: open the new directory at the same moment as its siblings."""
    barrier.wait()
    keys = database.unlock(Path(data), passphrase=PASSPHRASE, encrypt_new=True)
    db = database.connect(Path(data) / database.DB_FILE, keys)
    with db.atomic():
        db["probe"].insert({"who": i})
    db.close()


def test_simultaneous_first_opens_agree_on_one_key(tmp_path):
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    for round_ in range(3):
        data = tmp_path / f"d{round_}"
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_first_open, args=(str(data), barrier, i)) for i in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        keys = database.unlock(data, passphrase=PASSPHRASE, encrypt_new=True)
        db = database.connect(data / database.DB_FILE, keys)
        assert sorted(r["who"] for r in db["probe"].rows) == [0, 1, 2, 3], round_
        db.close()
        assert [p.exitcode for p in procs] == [0, 0, 0, 0], round_
        assert not list(data.glob(".commonplace.json.*"))  # no temp record left behind


def _popen(data: Path, *args):
    env = dict(os.environ, COMMONPLACE_PASSPHRASE=PASSPHRASE)
    return subprocess.Popen([sys.executable, "-m", "app.cli", "--data-dir", str(data), *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_cli_import_and_search_on_a_new_dir_at_once_lose_nothing(tmp_path, open_store):
    """The report's repro: `import-chat` and `search` started together on a new data dir.
    Both succeed, and every later open finds the imported turns."""
    for round_ in range(2):
        data = tmp_path / f"race{round_}"
        procs = [_popen(data, "import-chat", str(CONVERSATIONS), "--no-llm"),
                 _popen(data, "search", "Lisbon")]
        outs = [p.communicate(timeout=600) for p in procs]
        for p, (_out, err) in zip(procs, outs):
            assert p.returncode == 0 and "Traceback" not in err, (round_, err[-2000:])
        r = run_cli("search", "Lisbon", "--json", data_dir=data)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout.strip().splitlines()[-1])["hits"], round_
        store = open_store(data)
        assert store.counts()["turns"] >= 20
        store.close()


# -- 2. a missing or older database ------------------------------------------------------------

def test_missing_database_is_refused_and_frames_are_kept(tmp_path, open_store):
    """The report's repro: a copy of a data dir without commonplace.db, then `search`."""
    src = tmp_path / "src"
    store = open_store(src)
    _add_frames(store, 3)
    store.close()
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in (database.RECORD, "frames", "vectors"):
        (shutil.copytree if (src / name).is_dir() else shutil.copy2)(src / name, copy / name)
    before = _frame_files(copy)
    r = run_cli("search", "invoice", "--json", data_dir=copy)
    assert r.returncode == 2, r.stdout
    assert "database" in r.stderr and "missing" in r.stderr and "untouched" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert _frame_files(copy) == before and len(before) == 3
    assert not (copy / database.DB_FILE).exists()


def test_an_older_database_never_deletes_newer_frames(tmp_path, open_store):
    data = tmp_path / "data"
    store = open_store(data)
    _add_frames(store, 1)
    store.close()
    backup = tmp_path / "backup.db"
    shutil.copy2(data / database.DB_FILE, backup)
    store = open_store(data)
    _add_frames(store, 7, start=1)
    store.close()
    files = _frame_files(data)
    for suffix in ("", "-wal", "-shm"):
        (data / (database.DB_FILE + suffix)).unlink(missing_ok=True)
    shutil.copy2(backup, data / database.DB_FILE)   # the user restores last week's db
    store = open_store(data)
    with pytest.raises(StoreError, match="7 of 8 files .* unknown to the database"):
        store.repair()
    assert _frame_files(data) == files              # nothing moved, nothing deleted
    store.close()
    r = run_cli("search", "invoice", data_dir=data)  # the CLI refuses with one clear line
    assert r.returncode == 2 and "older than" in r.stderr and "Traceback" not in r.stderr
    assert _frame_files(data) == files


def test_a_crash_leftover_is_quarantined_not_deleted(tmp_path, open_store):
    data = tmp_path / "data"
    store = open_store(data)
    _add_frames(store, 3)
    orphan = data / "frames" / "2026" / "02" / "17" / "left-by-a-crash.webp.enc"
    orphan.write_bytes(b"an image whose row was never committed")
    report = store.repair()
    assert report["orphan_files_removed"] == 1 and not orphan.exists()
    kept = Path(report["quarantine"]) / "2026" / "02" / "17" / orphan.name
    assert kept.read_bytes() == b"an image whose row was never committed"
    assert kept.is_relative_to(data / "quarantine")
    assert len(_frame_files(data)) == 3


def test_many_stray_vectors_are_refused_not_deleted(tmp_path, open_store):
    store = open_store(tmp_path / "data")
    _add_frames(store, 2)
    strays = list(range(900_000, 900_008))
    store.vectors.upsert(strays, store.docs._embedder.embed(["x"] * len(strays)),
                         kinds=["frame"] * len(strays), ts_epochs=[0.0] * len(strays))
    with pytest.raises(StoreError, match="vectors in the index belong to no doc"):
        store.repair()
    assert set(strays) <= store.vectors.ids()


def test_repair_waits_for_no_one_and_skips_while_another_opener_has_the_store(
        tmp_path, open_store):
    """Another process may have written a frame file and not committed its row yet: the
    repair must not move it. (A second descriptor in this process counts as another user,
    exactly as flock treats another process.)"""
    data = tmp_path / "data"
    first = open_store(data)
    _add_frames(first, 1)
    pending = data / "frames" / "2026" / "02" / "17" / "being-written.webp.enc"
    pending.write_bytes(b"row not committed yet")
    second = open_store(data)
    report = second.repair()
    assert report.get("repair_skipped") and pending.exists()
    first.close()
    assert second.repair()["orphan_files_removed"] == 1 and not pending.exists()


# -- 3. missing or damaged key record ---------------------------------------------------------

def test_missing_key_record_is_refused_and_never_replaced(tmp_path, open_store):
    data = tmp_path / "data"
    store = open_store(data)
    _add_frames(store, 1)
    store.close()
    (data / database.RECORD).unlink()
    r = run_cli("search", "invoice", data_dir=data)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "commonplace.json is missing" in r.stderr and "only copy of the key" in r.stderr
    assert not (data / database.RECORD).exists()
    with pytest.raises(StoreError, match="only copy of the key"):
        database.is_encrypted(data)


def _damage(rec: dict, case: str):
    k = rec["key"]
    edits = {"list": lambda: [], "no key": lambda: rec.pop("key") and rec,
             "n=3": lambda: k.update(n=3) or rec, "p=0": lambda: k.update(p=0) or rec,
             "n=2**40": lambda: k.update(n=2**40) or rec,
             "r=2**20": lambda: k.update(r=2**20) or rec,
             "n text": lambda: k.update(n="abc") or rec, "n float": lambda: k.update(n=1.5) or rec,
             "n bool": lambda: k.update(n=True) or rec, "salt": lambda: k.update(salt=7) or rec,
             "key list": lambda: rec.update(key=[1]) or rec,
             "encrypted text": lambda: rec.update(encrypted="yes") or rec}
    return edits[case]()


@pytest.mark.parametrize("case", ["list", "no key", "n=3", "p=0", "n=2**40", "r=2**20",
                                  "n text", "n float", "n bool", "salt", "key list",
                                  "encrypted text"])
def test_damaged_key_record_is_a_clear_store_error(tmp_path, case):
    data = tmp_path / "data"
    database.unlock(data, passphrase=PASSPHRASE, encrypt_new=True).wipe()
    (data / database.RECORD).write_text(json.dumps(_damage(_record(data), case)))
    with pytest.raises(StoreError, match="damaged|impossible"):
        database.unlock(data, passphrase=PASSPHRASE, encrypt_new=True)


def test_damaged_key_record_exits_2_without_a_traceback(tmp_path):
    data = tmp_path / "data"
    database.unlock(data, passphrase=PASSPHRASE, encrypt_new=True).wipe()
    rec = _record(data)
    rec["key"]["n"] = 2**40
    (data / database.RECORD).write_text(json.dumps(rec))
    r = run_cli("search", "x", data_dir=data)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "scrypt" in r.stderr


def test_doctor_reports_a_store_it_cannot_open_and_a_bad_model(tmp_path, open_store,
                                                               settings_factory):
    from app.doctor import diagnose

    data = tmp_path / "data"
    open_store(data).close()

    def store_check(settings, passphrase):
        return next(c for c in diagnose(settings, passphrase=passphrase)["checks"]
                    if c["name"] == "data directory")

    settings = settings_factory(data_dir=data, llm={"model": "/etc/passwd"})
    good = store_check(settings, PASSPHRASE)
    assert good["ok"] and "database check: ok" in good["detail"]
    assert not store_check(settings, "not the passphrase")["ok"]
    model = next(c for c in diagnose(settings, passphrase=PASSPHRASE)["checks"]
                 if c["name"] == "language model")
    assert not model["ok"] and "passwd" in model["detail"]
    (data / database.RECORD).unlink()
    missing = store_check(settings, PASSPHRASE)
    assert not missing["ok"] and "only copy of the key" in missing["detail"]


# -- 10. permissions --------------------------------------------------------------------------

def _modes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): stat.S_IMODE(p.lstat().st_mode)
            for p in [root, *root.rglob("*")]
            if "models" not in p.relative_to(root).parts}  # public model weights


def test_a_real_import_leaves_nothing_readable_by_others(tmp_path, two_frames):
    data = tmp_path / "data"
    old = os.umask(0o022)   # the usual default, whatever this test runner had
    try:
        r = run_cli("import-frames", str(two_frames), "--no-llm", data_dir=data)
        assert r.returncode == 0, r.stderr
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        for name in (database.RECORD, database.DB_FILE):
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
        r = run_cli("search", "payment", data_dir=data)  # the next open narrows the rest
        assert r.returncode == 0, r.stderr
    finally:
        os.umask(old)
    modes = _modes(data)
    assert any(k.startswith("frames/") for k in modes) and "vectors" in modes
    wide = {k: oct(m) for k, m in modes.items()
            if m != (0o700 if (data / k).is_dir() else 0o600)}
    assert wide == {}


def test_wider_modes_of_an_existing_store_are_narrowed_on_open(tmp_path, open_store):
    data = tmp_path / "data"
    open_store(data).close()
    for p, m in ((data, 0o755), (data / database.RECORD, 0o644),
                 (data / database.DB_FILE, 0o644), (data / "vectors", 0o777)):
        p.chmod(m)
    open_store(data).close()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / database.RECORD).stat().st_mode) == 0o600
    assert stat.S_IMODE((data / database.DB_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "vectors").stat().st_mode) == 0o700


def test_export_narrows_an_open_folder_and_creates_parents_private(tmp_path, open_store):
    from memory.export import export_store

    store = open_store(tmp_path / "data")
    _add_frames(store, 1)
    dest = tmp_path / "exp-open"
    dest.mkdir()
    dest.chmod(0o777)
    export_store(store, dest)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600)
               for p in dest.rglob("*"))
    deep = tmp_path / "a" / "b" / "c"
    export_store(store, deep)
    for p in (tmp_path / "a", tmp_path / "a" / "b", deep):
        assert stat.S_IMODE(p.stat().st_mode) == 0o700, p


# -- 14. passphrases --------------------------------------------------------------------------

def test_short_passphrases_are_refused_for_new_stores_and_passwd(tmp_path, open_store):
    with pytest.raises(WeakPassphraseError, match="at least 8"):
        open_store(tmp_path / "new", passphrase="x")
    assert not (tmp_path / "new" / database.RECORD).exists()
    open_store(tmp_path / "data").close()
    with pytest.raises(WeakPassphraseError):
        database.change_passphrase(tmp_path / "data", PASSPHRASE, "x")
    one = tmp_path / "one.txt"
    one.write_text("x\n")
    r = run_cli("passwd", "--new-passphrase-file", str(one), data_dir=tmp_path / "data")
    assert r.returncode == 2 and "at least 8" in r.stderr and "Traceback" not in r.stderr
    assert crypto.passphrase_strength("x").score == 0
    assert crypto.passphrase_strength("x").score < \
        crypto.passphrase_strength("correct horse battery staple").score


def test_nfc_and_nfd_spellings_open_the_same_store(tmp_path, open_store):
    nfc = unicodedata.normalize("NFC", "café crème brûlée")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    open_store(tmp_path / "data", passphrase=nfc).close()
    open_store(tmp_path / "data", passphrase=nfd).close()


def test_a_legacy_record_is_rewrapped_with_the_stronger_kdf(tmp_path):
    """A record as the old code wrote it (scrypt n=2^15, the raw NFD spelling, no "nfc"
    field) still opens, and is then re-wrapped: n=2^17 and the NFC spelling opens it."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = tmp_path / "data"
    data.mkdir()
    nfd = unicodedata.normalize("NFD", "café crème brûlée")
    key, salt, nonce = os.urandom(32), os.urandom(16), os.urandom(12)
    kek = hashlib.scrypt(nfd.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=2**28, dklen=32)
    wrapped = AESGCM(kek).encrypt(nonce, key, b"commonplace-data-key")
    b64 = crypto._b64
    (data / database.RECORD).write_text(json.dumps({"format": 1, "encrypted": True, "key": {
        "kdf": "scrypt", "salt": b64(salt), "n": 2**15, "r": 8, "p": 1, "nonce": b64(nonce),
        "wrapped": b64(wrapped)}}))
    expected = crypto.Keys(key).sqlcipher_pragma()
    assert database.unlock(data, passphrase=nfd, encrypt_new=True).sqlcipher_pragma() == expected
    rec = _record(data)["key"]
    assert rec["n"] == 2**17 and rec["nfc"] is True
    nfc = unicodedata.normalize("NFC", nfd)
    assert database.unlock(data, passphrase=nfc, encrypt_new=True).sqlcipher_pragma() == expected
    with pytest.raises(LockedError, match="Wrong passphrase"):
        database.unlock(data, passphrase="another passphrase", encrypt_new=True)


# -- 5. keys wiped on close; 15. a clear message for a concurrent duplicate -----------------

def test_close_wipes_the_keys_but_a_sibling_does_not(tmp_path, open_store):
    store = open_store(tmp_path / "data")
    sibling = store.sibling()
    sibling.close()
    assert not store.keys.wiped
    keys = store.keys
    store.close()
    assert keys.wiped and not any(keys._db) and not any(keys._frames_key)
    with pytest.raises(StoreError, match="locked"):
        keys.seal_frame(b"x", b"aad")


def test_a_duplicate_source_from_a_concurrent_import_is_a_clear_message(tmp_path, open_store):
    store = open_store(tmp_path / "data")
    _add_frames(store, 1)
    fid = store.db.execute("SELECT id FROM frames").fetchone()[0]
    with pytest.raises(StoreError, match="Another import stored the same file at the same "
                                         "time; run the import again"):
        with store.errors(), store.db.atomic():
            store.db["frame_sources"].insert({"frame_id": fid, "source": "cap:0", "ts": "t"})


def test_the_open_lock_times_out_with_a_clear_error(tmp_path):
    holder = dirsafety.FileLock(tmp_path / dirsafety.OPEN_LOCK)
    holder.acquire(exclusive=True, timeout=1)
    waiter = dirsafety.FileLock(tmp_path / dirsafety.OPEN_LOCK)
    try:
        with pytest.raises(dirsafety.LockTimeout):
            waiter.acquire(exclusive=True, timeout=0.3)
        holder.release()
        waiter.acquire(exclusive=True, timeout=1)
    finally:
        holder.release()
        waiter.release()
