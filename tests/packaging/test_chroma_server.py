"""Chroma as a server: a real `chroma run` on loopback, a Store that is its client, and the
`vectors migrate` round trip embedded → server → embedded (ids and results preserved)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CONVERSATIONS, PASSPHRASE

CHROMA = Path(sys.executable).with_name("chroma")
QUERIES = ["Where did Emeka go for the holidays?", "What colour did Noor paint the spare room?",
           "flight to Lisbon in December", "repainting a room green"]

pytestmark = pytest.mark.skipif(not CHROMA.exists(), reason=f"no chroma CLI at {CHROMA}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    """A real Chroma server on 127.0.0.1 (telemetry off), killed by its PID afterwards."""
    import httpx

    port = _free_port()
    log = open(tmp_path / "chroma.log", "wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server-data"),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(trust_env=False, timeout=2) as http:
            while True:
                try:
                    if http.get(f"http://127.0.0.1:{port}/api/v2/heartbeat").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chroma server did not start:\n"
                                       + (tmp_path / "chroma.log").read_text(errors="replace"))
                time.sleep(0.2)
        yield "127.0.0.1", port, proc.pid
    finally:
        os.kill(proc.pid, 15)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, 9)
            proc.wait(10)
        log.close()


def _only_loopback(pid: int) -> list:
    """Connections of `pid` to anything but loopback (telemetry would show up here)."""
    import psutil

    out = []
    for c in psutil.Process(pid).net_connections(kind="inet"):
        if c.raddr and c.raddr.ip not in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
            out.append(c)
    return out


def _vector_ids(store, queries=QUERIES) -> list[list[int]]:
    from memory.retrieval import Retriever

    r = Retriever(store)
    return [[h.id for h in r.search(q, limit=5, mode="vector")] for q in queries]


def _open(data_dir: Path, embedder, endpoint=None):
    from memory.store.store import Store

    host, port = endpoint or (None, 8000)
    return Store.open(data_dir, passphrase=PASSPHRASE, encrypt_new=True, embedder=embedder,
                      chroma_host=host, chroma_port=port)


def _cli(tmp_path, monkeypatch, capsys, *argv) -> dict:
    from app.cli import main

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))  # the single-instance lock
    (tmp_path / "run").mkdir(exist_ok=True)
    capsys.readouterr()
    rc = main(["--data-dir", str(tmp_path / "data"), "--config", str(tmp_path / "config.toml"),
               *argv, "--json"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_store_as_a_server_client_imports_and_searches(chroma_server, tmp_path, embedder):
    from memory.chat_import import import_chat
    from memory.retrieval import Retriever

    host, port, pid = chroma_server
    store = _open(tmp_path / "data", embedder, (host, port))
    try:
        report = import_chat(CONVERSATIONS, store=store)
        assert report.turns > 10
        embedded = store.db.execute("SELECT count(*) FROM docs WHERE embedded = 1").fetchone()[0]
        assert store.vectors.count() == embedded > 0
        hits = Retriever(store).search("Where did Emeka go for the holidays?", limit=5,
                                       mode="vector")
        assert any("Lisbon" in h.text for h in hits[:3]), [h.text for h in hits]
        assert store.repair()  # reconcile against the server: nothing to fix, no error
    finally:
        store.close()
    # Nothing is stored on the server but vectors and filter fields: never the text.
    server_files = b"".join(p.read_bytes() for p in (tmp_path / "server-data").rglob("*")
                            if p.is_file())
    assert b"Alfama" not in server_files
    # Telemetry off on both ends: no connection anywhere but loopback.
    assert _only_loopback(pid) == []
    assert _only_loopback(os.getpid()) == []


def test_migrate_local_to_server_and_back(chroma_server, tmp_path, embedder, monkeypatch, capsys):
    from memory.chat_import import import_chat

    host, port, _pid = chroma_server
    data = tmp_path / "data"
    local = _open(data, embedder)
    import_chat(CONVERSATIONS, store=local)
    ids_before = local.vectors.ids()
    results_before = _vector_ids(local)
    local.close()
    assert len(ids_before) > 10

    status = _cli(tmp_path, monkeypatch, capsys, "vectors", "status")
    assert status["mode"] == "embedded" and status["vectors"] == len(ids_before)
    assert status["docs"] is None  # encrypted and no passphrase given: not guessed

    out = _cli(tmp_path, monkeypatch, capsys, "vectors", "migrate", "--to-server", f"{host}:{port}")
    assert out["ok"] and out["copied"] == len(ids_before) == out["target_count"]
    assert out["set"] == f'[memory]\nchroma_host = "{host}"\nchroma_port = {port}'

    remote = _open(data, embedder, (host, port))  # what the app does once the setting is made
    try:
        assert remote.vectors.ids() == ids_before
        assert _vector_ids(remote) == results_before
        assert remote.repair().get("vectors_deleted", 0) == 0
    finally:
        remote.close()

    # Back: lose the embedded index entirely, then restore it from the server.
    from chromadb.api.client import SharedSystemClient

    # chromadb caches one embedded system per path in-process; a new CLI process would not
    # have it. Dropping the cache models that, after deleting the files under it.
    SharedSystemClient.clear_system_cache()
    shutil.rmtree(data / "vectors")
    (tmp_path / "config.toml").write_text(f'[memory]\nchroma_host = "{host}"\n'
                                          f"chroma_port = {port}\n")
    out = _cli(tmp_path, monkeypatch, capsys, "vectors", "migrate", "--to-local")
    assert out["ok"] and out["source"] == f"{host}:{port}" and out["target"] == "embedded"
    assert out["set"] == '[memory]\nchroma_host = ""'
    back = _open(data, embedder)
    try:
        assert back.vectors.ids() == ids_before
        assert _vector_ids(back) == results_before
    finally:
        back.close()


def test_migrate_refuses_bad_input(tmp_path, monkeypatch, capsys):
    from app.cli import main

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    base = ["--data-dir", str(tmp_path / "data"), "--config", str(tmp_path / "c.toml"), "vectors",
            "migrate"]
    assert main([*base, "--to-server", "not a host:port"]) == 2
    assert "HOST:PORT" in capsys.readouterr().err
    assert main([*base, "--to-local"]) == 2  # no server configured and no --from
    assert "--from" in capsys.readouterr().err
    assert main([*base, "--to-server", f"127.0.0.1:{_free_port()}"]) == 2  # nobody listening
    assert "cannot be opened" in capsys.readouterr().err


def test_parse_hostport():
    from app.scale_cmds import Endpoint, parse_hostport

    assert parse_hostport("127.0.0.1:9000") == Endpoint("127.0.0.1", 9000)
    assert parse_hostport("chroma.lan") == Endpoint("chroma.lan", 8000)
    assert parse_hostport("[::1]:8001") == Endpoint("::1", 8001)
    assert str(Endpoint("::1", 8001)) == "[::1]:8001"
