"""Building blocks for the privacy tests: small screen sets, a socket guard, byte grep."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.conftest import SCREENS

# Distinctive strings of dev frames 0018 (Zoom: Orchard Health, Marta Lindqvist) and
# 0023 (Northwind Bank payment to Marrow Studio, confirmation NWB-55710-K).
SECRETS = ["NWB-55710-K", "Marrow Studio", "Orchard Health", "Lindqvist"]
TWO_FRAMES = ["frames/0018.png", "frames/0023.png"]
PLAIN_TOML = "[privacy]\nencrypt = false\n"

GUARD = r'''
import os, socket

_LOG = os.environ.get("CP_NET_LOG")


def _record(what):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(what + "\n")


def _refuse(what):
    _record(what)
    raise ConnectionRefusedError(111, "network refused by the test's socket guard: " + what)


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto


def connect(self, address):
    if self.family != socket.AF_UNIX:
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family != socket.AF_UNIX:
        _refuse(f"connect_ex {address!r}")
    return _connect_ex(self, address)


def sendto(self, data, *args):
    if self.family != socket.AF_UNIX:
        _refuse(f"sendto {args[-1]!r}")
    return _sendto(self, data, *args)


def create_connection(address, *a, **k):
    _refuse(f"create_connection {address!r}")


def getaddrinfo(host, port, *a, **k):
    _refuse(f"getaddrinfo {host!r}:{port!r}")


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.socket.sendto = sendto
socket.create_connection, socket.getaddrinfo = create_connection, getaddrinfo
'''


def write_guard(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(GUARD, "utf-8")
    return folder


def guarded_env(guard_dir: Path, log: Path) -> dict:
    import os

    pp = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": f"{guard_dir}{os.pathsep}{pp}" if pp else str(guard_dir),
            "CP_NET_LOG": str(log)}


def attempts(log: Path) -> list[str]:
    return log.read_text("utf-8").splitlines() if log.exists() else []


def screen_subset(dest: Path, files: list[str]) -> Path:
    """A manifest of some dev frames, copied (symlinks would leave the manifest's folder)."""
    (dest / "frames").mkdir(parents=True, exist_ok=True)
    lines = []
    for raw in (SCREENS / "frames.jsonl").read_text("utf-8").splitlines():
        if raw.strip() and json.loads(raw)["file"] in files:
            shutil.copy(SCREENS / json.loads(raw)["file"], dest / json.loads(raw)["file"])
            lines.append(raw)
    (dest / "frames.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return dest / "frames.jsonl"


def grep_tree(root: Path, needles: list[str], *, skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """{needle: [relative paths of files whose bytes contain it]} over every file under root."""
    found: dict[str, list[str]] = {n: [] for n in needles}
    enc = [(n, n.encode()) for n in needles]
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel.startswith(skip):
            continue
        data = p.read_bytes()
        for n, b in enc:
            if b in data:
                found[n].append(rel)
    return found


def copy_data_dir(src: Path, dest: Path) -> Path:
    """A copy without the models (hard links of the shared cache; re-linked on open)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("models"))
    return dest


def plain_db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "commonplace.db")
