"""Opt-in start at login on Linux desktops: the XDG autostart entry.

Writes or removes $XDG_CONFIG_HOME/autostart/commonplace.desktop (default
~/.config/autostart). Nothing is written unless the user asks (settings dialog or
`python packaging/autostart.py enable`). The single-instance guard (app/single_instance.py)
makes a login start harmless when the app is already open. Not a Python package on
purpose: `packaging` is also the name of a PyPI library; load this file by path.

    python packaging/autostart.py enable|disable|status [--exec "/usr/bin/commonplace run"]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from pathlib import Path

ENTRY_NAME = "commonplace.desktop"


def autostart_dir(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or ""
    # The XDG spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".config"
    return root / "autostart"


def entry_path(env: dict[str, str] | None = None) -> Path:
    return autostart_dir(env) / ENTRY_NAME


def default_exec() -> str:
    """How to start this installation: the frozen binary, the installed script, or python."""
    if getattr(sys, "frozen", False):
        return f"{shlex.quote(sys.executable)} run"
    found = shutil.which("commonplace")
    if found:
        return f"{shlex.quote(found)} run"
    return f"{shlex.quote(sys.executable)} -m app.cli run"


def entry_text(exec_line: str) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=Commonplace",
        "Comment=A private, local-first memory of what you saw on your screen",
        f"Exec={exec_line}",
        "Icon=commonplace",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "X-GNOME-Autostart-Delay=10",
        "NoDisplay=false",
        "",
    ])


def _atomic_write(path: Path, text: str) -> None:
    """models.files.atomic_write's steps (temp file, fsync, rename, fsync the directory),
    repeated here only because this file must run by path without the package installed."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    try:
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return  # directories cannot be opened everywhere (Windows); the file was fsynced
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the rename still happened
    finally:
        os.close(fd)


def enable(exec_line: str | None = None, *, env: dict[str, str] | None = None) -> Path:
    """Write the entry atomically (a temp file renamed over it); returns its path."""
    path = entry_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, entry_text(exec_line or default_exec()))
    return path


def disable(*, env: dict[str, str] | None = None) -> bool:
    """Remove the entry; True if there was one."""
    path = entry_path(env)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def is_enabled(*, env: dict[str, str] | None = None) -> bool:
    """Enabled = our entry exists and is not switched off (Hidden=true or GNOME's flag)."""
    path = entry_path(env)
    try:
        text = path.read_text("utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return False
    lines = {l.strip().lower() for l in text.splitlines()}
    return "hidden=true" not in lines and "x-gnome-autostart-enabled=false" not in lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="autostart", description="Start Commonplace at login.")
    p.add_argument("action", choices=["enable", "disable", "status"])
    p.add_argument("--exec", dest="exec_line", help="the Exec= command line")
    args = p.parse_args(argv)
    if args.action == "enable":
        print(f"autostart enabled: {enable(args.exec_line)}")
    elif args.action == "disable":
        print("autostart disabled" if disable() else "autostart was not enabled")
    else:
        print(f"autostart {'enabled' if is_enabled() else 'disabled'} ({entry_path()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
