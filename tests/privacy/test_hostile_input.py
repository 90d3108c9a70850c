"""Hostile input: each gets a clear one-line error or a per-line problem, nothing stored is
lost, and no traceback reaches the user."""

from __future__ import annotations

import datetime as dt
import json
import resource
import signal
import sqlite3
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CONVERSATIONS, run_cli
from tests.privacy.helpers import copy_data_dir

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _png_header(w: int, h: int) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    from PIL import Image

    from tests.conftest import SCREENS

    d = tmp_path_factory.mktemp("hostile")
    good = (SCREENS / "frames/0025.png").read_bytes()
    (d / "zero.png").write_bytes(b"")
    (d / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (d / "truncated.png").write_bytes(good[:len(good) // 3])
    (d / "huge.png").write_bytes(_png_header(30000, 30000))
    Image.new("1", (9000, 9000)).save(d / "bomb.png")  # 81 MP from a few kB
    lines = [{"file": f, "timestamp": f"2026-02-17T10:00:0{i}", "app": "x", "window_title": "y"}
             for i, f in enumerate(["zero.png", "corrupt.png", "truncated.png", "huge.png",
                                    "bomb.png", "../escape.png", "/etc/passwd", "missing.png"])]
    text = "\n".join(json.dumps(l) for l in lines)
    text += '\n{"file": "zero.png", "timestamp": 5}\n{"file": 3}\n[1, 2]\n{not json\n'
    (d / "frames.jsonl").write_text(text + "\n", "utf-8")
    return d


@pytest.mark.parametrize("name", ["zero.png", "corrupt.png", "truncated.png", "huge.png",
                                  "bomb.png"])
def test_bad_images_are_refused_with_a_reason(hostile_dir, name):
    from capture.errors import ImageError
    from capture.importer import load_image

    with pytest.raises(ImageError, match=name):
        load_image(hostile_dir / name)


def test_hostile_manifest_gives_one_problem_per_line_and_loses_nothing(
        hostile_dir, plain_import, plain_toml, tmp_path):
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    r = run_cli("--config", str(plain_toml), "import-frames", str(hostile_dir / "frames.jsonl"),
                "--json", "--no-llm", data_dir=data, passphrase=None)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    out = json.loads(r.stdout.splitlines()[-1])
    assert out["kept"] == 0 and len(out["problems"]) == 12
    assert any("leaves the manifest" in p for p in out["problems"])
    assert any("absolute path" in p for p in out["problems"])
    with sqlite3.connect(data / "commonplace.db") as c:
        assert c.execute("SELECT count(*) FROM frames").fetchone()[0] == 2


@given(st.lists(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                          st.dictionaries(st.sampled_from(["file", "timestamp", "app",
                                                           "window_title"]),
                                          st.one_of(st.none(), st.integers(), st.text(
                                              alphabet=st.characters(blacklist_categories=["Cs"],
                                                                     blacklist_characters="\0"),
                                              max_size=40)))
                          .map(lambda d: json.dumps(d).encode())), max_size=8))
@FAST
def test_read_manifest_never_raises(tmp_path, lines):
    from capture.importer import read_manifest

    m = tmp_path / "m.jsonl"
    m.write_bytes(b"\n".join(l.replace(b"\n", b" ") for l in lines))
    problems: list[str] = []
    for e in read_manifest(m, problems):
        assert e.path.is_relative_to(tmp_path.resolve())
    assert all(p.startswith(str(m)) for p in problems)


@pytest.mark.parametrize("file", ["a\u0000b.png", "\ud800.png"])
def test_read_manifest_reports_unencodable_paths(tmp_path, file):
    from capture.importer import read_manifest

    m = tmp_path / "m.jsonl"
    m.write_text(json.dumps({"file": file, "timestamp": "2026-01-01T00:00:00"}) + "\n")
    problems: list[str] = []
    assert list(read_manifest(m, problems)) == [] and len(problems) == 1


_json = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                               st.text(max_size=20)),
                     lambda c: st.one_of(st.lists(c, max_size=4),
                                         st.dictionaries(st.text(max_size=12), c, max_size=4)),
                     max_leaves=20)
_sample = st.fixed_dictionaries({"sample_id": _json, "conversation": st.dictionaries(
    st.sampled_from(["session_1", "session_2", "session_1_date_time", "session_x"]),
    st.one_of(st.lists(st.one_of(_json, st.fixed_dictionaries(
        {"speaker": _json, "text": _json, "dia_id": _json, "blip_caption": _json})), max_size=4),
        st.sampled_from(["7:40 pm on 21 January, 2025", "2024-02-30", "yesterday"]), _json))})


@given(st.one_of(_json, _sample, st.lists(_sample, max_size=3)))
@FAST
def test_load_samples_and_iter_turns_never_raise(tmp_path, doc):
    from memory.chat_import import iter_turns, load_samples
    from memory.errors import ImportProblem

    f = tmp_path / "chat.json"
    f.write_text(json.dumps(doc), "utf-8")
    try:
        samples = load_samples(f)
    except ImportProblem:
        return
    for i, s in enumerate(samples):
        problems: list[str] = []
        for t in iter_turns(s, i, f, problems):
            assert t.text.strip() or t.caption.strip()


def test_iter_turns_survives_a_date_at_the_end_of_time(tmp_path):
    from memory.chat_import import iter_turns

    s = {"conversation": {"session_1_date_time": "9999-12-31T23:59:59+00:00",
                          "session_1": [{"speaker": "a", "text": "hi"}, {"speaker": "b",
                                                                          "text": "yo"}]}}
    problems: list[str] = []
    assert list(iter_turns(s, 0, tmp_path / "c.json", problems)) == []
    assert len(problems) == 1 and "session_1" in problems[0] and "outside" in problems[0]


@given(st.text(max_size=80), st.datetimes(min_value=dt.datetime(1971, 1, 1),
                                          max_value=dt.datetime(2200, 1, 1)))
@FAST
def test_analyse_never_raises(text, now):
    from memory.query import analyse

    a = analyse(text, now=now.replace(tzinfo=dt.UTC))
    assert (a.start is None) == (a.end is None)
    if a.start is not None:
        assert a.start <= a.end


def test_analyse_huge_relative_number():
    from memory.query import analyse

    analyse("what did I read 9999999999 days ago", now=dt.datetime(2026, 2, 17,
                                                                    tzinfo=dt.UTC))


def test_odd_locomo_file_imports_with_problems(tmp_path):
    odd = [{"sample_id": 7, "conversation": {"session_1_date_time": "not a date",
                                             "session_1": [{"speaker": None, "text": 42},
                                                           "just a string", {"dia_id": 3}],
                                             "session_2": "oops"}}, 5]
    f = tmp_path / "odd.json"
    f.write_text(json.dumps(odd))
    r = run_cli("import-chat", str(f), "--json", "--no-llm", data_dir=tmp_path / "d")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.splitlines()[-1])
    assert out["turns"] == 1 and len(out["problems"]) == 4 and "Traceback" not in r.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('[{"sample_id": ')
    r = run_cli("import-chat", str(bad), data_dir=tmp_path / "d")
    assert r.returncode == 2 and "not valid JSON" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_corrupt_gguf_model_gives_a_clear_message(plain_import, tmp_path):
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 4096)
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[privacy]\nencrypt = false\n[llm]\nmodel = "{bad}"\n')
    r = run_cli("--config", str(cfg), "--now", "2026-02-17T20:00:00", "ask",
                "What is the confirmation code?", "--json", data_dir=data, passphrase=None)
    assert "Traceback" not in r.stderr
    if r.returncode == 0:  # fell back to the extractive answer: it must say so
        assert "warning" in r.stderr.lower() or "extractive" in r.stdout.lower(), r.stderr
    else:
        assert r.returncode == 2 and "bad.gguf" in r.stderr, r.stderr


def _split_chat(tmp_path) -> tuple[Path, Path]:
    sample = json.loads(CONVERSATIONS.read_text())[0]
    conv = sample["conversation"]
    out = []
    for part, keep in (("a", ("1", "2")), ("b", ("3", "4"))):
        c = {k: v for k, v in conv.items() if not k.startswith("session_")
             or k.split("_")[1] in keep}
        p = tmp_path / f"{part}.json"
        p.write_text(json.dumps([{**sample, "conversation": c}]))
        out.append(p)
    return out[0], out[1]


@pytest.fixture(scope="module")
def full_disk(tmp_path_factory):
    """Import half a chat, then the other half with files capped just above their size."""
    import subprocess
    import sys

    from tests.conftest import REPO

    tmp = tmp_path_factory.mktemp("full")
    cfg = tmp / "plain.toml"
    cfg.write_text("[privacy]\nencrypt = false\n")
    a, b = _split_chat(tmp)
    data = tmp / "d"
    r = run_cli("--config", str(cfg), "import-chat", str(a), "--json", "--no-llm",
                data_dir=data, passphrase=None)
    assert r.returncode == 0, r.stderr
    turns_a = json.loads(r.stdout.splitlines()[-1])["turns"]
    limit = (data / "commonplace.db").stat().st_size + 4096

    def cap():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    r = subprocess.run([sys.executable, "-m", "app.cli", "--config", str(cfg),
                        "--data-dir", str(data), "import-chat", str(b), "--no-llm"],
                       capture_output=True, text=True, cwd=REPO, preexec_fn=cap, timeout=300)
    return data, cfg, turns_a, r


def test_full_disk_keeps_what_was_committed(full_disk):
    data, cfg, turns_a, r = full_disk
    assert r.returncode != 0
    r = run_cli("--config", str(cfg), "search", "Lisbon", "--json", data_dir=data,
                passphrase=None)
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(data / "commonplace.db") as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT count(*) FROM turns").fetchone()[0] >= turns_a


def test_full_disk_says_disk_is_full(full_disk):
    r = full_disk[3]
    assert r.returncode == 2 and "disk is full" in r.stderr.lower(), r.stderr[-2000:]
    assert "Traceback" not in r.stderr


def test_locked_database_gives_a_clear_message(plain_import, plain_toml, tmp_path):
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"sample_id": "s", "conversation": {
        "session_1": [{"speaker": "a", "dia_id": "D1:1", "text": "a locked door"}]}}))
    holder = sqlite3.connect(data / "commonplace.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = run_cli("--config", str(plain_toml), "import-chat", str(f), "--no-llm",
                    data_dir=data, passphrase=None)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 2 and "locked" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_wrong_passphrase_is_one_clear_line(enc_import):
    r = run_cli("search", "anything", data_dir=enc_import[0], passphrase="not the one")
    assert r.returncode == 2 and "Wrong passphrase" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


# -- red-team 2026-12: findings 8, 11, 13 at the command line ---------------------------
def _good_line(folder: Path, ts: str = "2026-03-01T11:00:00") -> str:
    import shutil

    from tests.conftest import SCREENS

    shutil.copy(SCREENS / "frames/0023.png", folder / "good.png")
    return json.dumps({"file": "good.png", "timestamp": ts, "app": "A", "window_title": "ok"})


def test_far_dates_are_bad_lines_and_later_imports_still_work(plain_import, plain_toml,
                                                              tmp_path):
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    m = tmp_path / "m.jsonl"
    far = [{"file": "good.png", "timestamp": ts, "app": "x", "window_title": "far"}
           for ts in ("9999-12-31T23:30:00", "0001-01-01T00:00:00+14:00")]
    m.write_text("".join(json.dumps(l) + "\n" for l in far) + _good_line(tmp_path) + "\n")
    r = run_cli("--config", str(plain_toml), "import-frames", str(m), "--json", "--no-llm",
                data_dir=data, passphrase=None)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.splitlines()[-1])
    assert out["kept"] == 1 and len(out["problems"]) == 2
    assert [p.split(":")[1] for p in out["problems"]] == ["1", "2"]
    lc = tmp_path / "future.json"
    lc.write_text(json.dumps([{"sample_id": "f", "conversation": {
        "session_1_date_time": "11:59 pm on 31 December, 9999",
        "session_1": [{"speaker": "a", "dia_id": "D1:1", "text": "far future"}],
        "session_2_date_time": "1:00 pm on 2 March, 2026",
        "session_2": [{"speaker": "a", "dia_id": "D2:1", "text": "a near day"}]}}]))
    r = run_cli("--config", str(plain_toml), "import-chat", str(lc), "--json", "--no-llm",
                data_dir=data, passphrase=None)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.splitlines()[-1])
    assert out["turns"] == 1 and len(out["problems"]) == 1 and "session_1" in out["problems"][0]
    with sqlite3.connect(data / "commonplace.db") as c:
        years = [r[0][:4] for r in c.execute("SELECT ts FROM frames UNION ALL "
                                             "SELECT ts FROM turns")]
    assert years and all("1970" <= y <= "2099" for y in years), years


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def test_a_far_date_stored_by_an_older_version_does_not_stop_the_pipeline(
        plain_import, plain_toml, tmp_path):
    """Older versions stored any time; one such row made every later import exit 1."""
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    with sqlite3.connect(data / "commonplace.db") as c:
        cols = [r[1] for r in c.execute("PRAGMA table_info(frames)") if r[1] != "id"]
        picked = ", ".join("?" if k in ("ts", "ts_epoch", "window_title") else k for k in cols)
        for ts in ("9999-12-31T23:30:00+00:00", "0001-01-01T00:00:00+14:00"):
            epoch = (dt.datetime.fromisoformat(ts) - EPOCH).total_seconds()
            args = [{"ts": ts, "ts_epoch": epoch, "window_title": "far"}[k] for k in cols
                    if k in ("ts", "ts_epoch", "window_title")]
            c.execute(f"INSERT INTO frames ({', '.join(cols)}) SELECT {picked} FROM frames "
                      "ORDER BY id LIMIT 1", args)
        c.execute("INSERT INTO turns (source, sample_id, dia_id, session, speaker, text, caption,"
                  " ts, ts_epoch) VALUES ('old:D1:1', 'old', 'D1:1', 1, 'a', 'the end of time',"
                  " '', '9999-12-31T23:59:00+00:00', 253402300740.0)")
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"sample_id": "s", "conversation": {
        "session_1_date_time": "1:00 pm on 2 March, 2026",
        "session_1": [{"speaker": "a", "dia_id": "D1:1", "text": "a valid turn"}]}}))
    for _ in range(2):
        r = run_cli("--config", str(plain_toml), "import-chat", str(f), "--json", "--no-llm",
                    data_dir=data, passphrase=None)
        assert r.returncode == 0, r.stderr[-3000:]
        assert "Traceback" not in r.stderr
    log = (data / "logs" / "commonplace.log").read_text("utf-8", errors="replace")
    assert "outside the accepted span" in log and "the end of time" not in log
    with sqlite3.connect(data / "commonplace.db") as c:
        left = c.execute("SELECT count(*) FROM turns t WHERE NOT EXISTS (SELECT 1 FROM "
                         "processed_observations p WHERE p.ref = 'turn:' || t.id)").fetchone()[0]
    assert left == 0


def test_a_50_mb_title_is_skipped_fast_and_small(plain_import, plain_toml, tmp_path):
    import time

    data = copy_data_dir(plain_import[0], tmp_path / "data")
    before = (data / "commonplace.db").stat().st_size
    title = ("alpha beta gamma " * 3_000_000)[:50_000_000]
    name = "n" * 50_000_000 + ".png"
    m = tmp_path / "m_title.jsonl"
    with m.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"file": "a.png", "timestamp": "2026-03-02T10:00:00", "app": "X",
                             "window_title": title}) + "\n")
        fh.write(json.dumps({"file": name, "timestamp": "2026-03-02T10:00:00"}) + "\n")
        _good_line(tmp_path)  # copies good.png beside the manifest
        fh.write(json.dumps({"file": "good.png", "timestamp": "2026-03-02T10:05:00", "app": "X",
                             "window_title": "kappa " * 1000}) + "\n")
    t0 = time.monotonic()
    r = run_cli("--config", str(plain_toml), "import-frames", str(m), "--json", "--no-llm",
                data_dir=data, passphrase=None, timeout=120)
    took = time.monotonic() - t0
    assert r.returncode == 0, r.stderr[-3000:]
    assert took < 60, took
    assert len(r.stderr) < 5_000 and len(r.stdout) < 20_000, (len(r.stderr), len(r.stdout))
    out = json.loads(r.stdout.splitlines()[-1])
    assert out["kept"] == 1
    assert [p.split(":")[1] for p in out["problems"]] == ["1", "2", "3"]
    assert "longer than" in out["problems"][0] and "cut to 1,000" in out["problems"][2]
    with sqlite3.connect(data / "commonplace.db") as c:
        assert max(len(r[0]) for r in c.execute("SELECT window_title FROM frames")) <= 1000
    assert (data / "commonplace.db").stat().st_size - before < 2_000_000


def test_deep_nesting_skips_one_manifest_line_and_refuses_a_chat_file(plain_import, plain_toml,
                                                                      tmp_path):
    data = copy_data_dir(plain_import[0], tmp_path / "data")
    m = tmp_path / "m_deep.jsonl"
    m.write_text(_good_line(tmp_path) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n")
    r = run_cli("--config", str(plain_toml), "import-frames", str(m), "--json", "--no-llm",
                data_dir=data, passphrase=None)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.splitlines()[-1])
    assert out["kept"] == 1 and len(out["problems"]) == 1
    assert ":2: JSON nested too deeply" in out["problems"][0]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    r = run_cli("--config", str(plain_toml), "import-chat", str(deep), data_dir=data,
                passphrase=None)
    assert r.returncode == 2 and "nested too deeply" in r.stderr, r.stderr[-3000:]
    assert len(r.stderr.strip().splitlines()) == 1


def test_consolidation_passes_over_an_episode_an_older_version_dated_9999(open_store, caplog):
    """Before the importers bounded times, the floor committed such an episode and then
    consolidation failed on it at every later import."""
    from memory.consolidate import consolidate
    from memory.pipeline import repo_for
    from tests.conftest import add_episode

    store = open_store(passphrase=None, encrypt=False)
    repo = repo_for(store)
    far = add_episode(repo, "9999-12-31T23:30:00+00:00", 10, "Far", "the end of time", "frame:1")
    near = add_episode(repo, "2026-03-02T10:00:00+00:00", 10, "Near", "a normal day", "frame:2")
    out = consolidate(store, now=dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
    assert out["summaries"]["hours"] == 1 and out["summaries"]["days"] == 1
    assert repo.get(near).parent_id is not None and repo.get(far).parent_id is None
    assert f"ids {far}" in caplog.text and "the end of time" not in caplog.text
