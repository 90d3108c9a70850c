"""An app's icon, found the way desktops find it: the XDG .desktop files (no Qt here).

Capture names an app by its WM_CLASS-like name ("thunderbird", "Chromium", "org.gnome.Nautilus").
A desktop entry claims it by its `StartupWMClass`, its desktop file id (the file's name, or
the last part of a reverse-DNS id), or the basename of its `Exec` command — compared without
case, in that order. Its `Icon=` is a theme icon name or an absolute path; a bare name that
is a file under the pixmaps folders is given as that file.

`DesktopIndex.scan()` reads every entry once (hundreds of small files: off the GUI thread);
`icon_for(app)` is then a few dictionary lookups. The Qt side (QIcon.fromTheme first, then
this) is `ui.timeline.overview.AppIcons`.
"""

from __future__ import annotations

import configparser
import logging
import os
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PIXMAP_SUFFIXES = (".png", ".svg", ".xpm")
MAX_ENTRY_BYTES = 256_000    # a .desktop file larger than this is not one


@dataclass(frozen=True)
class DesktopEntry:
    id: str                  # "org.mozilla.Thunderbird" (the desktop file id, no ".desktop")
    icon: str                # Icon=: a theme name or an absolute path
    wm_class: str = ""       # StartupWMClass=
    exec_name: str = ""      # the basename of Exec='s program


@dataclass(frozen=True)
class IconSpec:
    """Where an app's icon is: a file (`path`) or a name in the icon theme (`theme`)."""
    theme: str = ""
    path: str = ""


def application_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """The `applications` folders, most important first: $XDG_DATA_HOME (default
    ~/.local/share), then each of $XDG_DATA_DIRS (default /usr/local/share:/usr/share)."""
    env = os.environ if env is None else env
    home = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() /
                                           ".local" / "share")
    dirs = env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    out: list[Path] = []
    for d in (home, *dirs.split(":")):
        p = Path(d) / "applications"
        if d and p not in out:
            out.append(p)
    return out


def pixmap_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """Where a bare Icon= name may be a file: each data dir's `pixmaps`."""
    return [d.parent / "pixmaps" for d in application_dirs(env)]


def parse_entry(path: Path, desktop_id: str) -> DesktopEntry | None:
    """One .desktop file's [Desktop Entry]; None for a file that is not a usable
    application entry (unreadable, malformed, Hidden, another Type, or without Icon=)."""
    try:
        if path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    cp = configparser.RawConfigParser(strict=False, interpolation=None, delimiters=("=",),
                                      comment_prefixes=("#",))
    cp.optionxform = str   # keys are case-sensitive (Icon, not icon)
    try:
        cp.read_string(text, source=str(path))
    except configparser.Error:
        return None
    if not cp.has_section("Desktop Entry"):
        return None
    e = cp["Desktop Entry"]
    if e.get("Type", "Application").strip() != "Application" or \
            e.get("Hidden", "").strip().lower() == "true":
        return None
    icon = e.get("Icon", "").strip()
    if not icon:
        return None
    return DesktopEntry(desktop_id, icon, e.get("StartupWMClass", "").strip(),
                        _exec_name(e.get("Exec", "")))


def _exec_name(cmd: str) -> str:
    """`env FOO=1 /usr/bin/firefox %u` → "firefox"; "" when there is none."""
    try:
        words = shlex.split(cmd)
    except ValueError:
        words = cmd.split()
    if words and Path(words[0]).name == "env":
        words = [w for w in words[1:] if "=" not in w or w.startswith("-")]
    return Path(words[0]).name if words else ""


class DesktopIndex:
    """The installed application entries, keyed for lookup by app name."""

    def __init__(self, entries: Iterable[DesktopEntry] = (),
                 pixmaps: Iterable[Path] = ()) -> None:
        self.entries = list(entries)
        self._pixmaps = list(pixmaps)
        self._keys: list[dict[str, DesktopEntry]] = [{}, {}, {}]   # wm class, id, exec
        for e in self.entries:   # most important first: the first entry for a key wins
            short = e.id.rsplit(".", 1)[-1]
            for table, key in ((0, e.wm_class), (1, e.id), (1, short), (2, e.exec_name)):
                if key:
                    self._keys[table].setdefault(key.lower(), e)

    @classmethod
    def scan(cls, dirs: Iterable[Path] | None = None,
             pixmaps: Iterable[Path] | None = None) -> DesktopIndex:
        """Read every .desktop file under `dirs` (default: `application_dirs()`); an id seen
        in an earlier folder hides the same id in later ones, as the XDG spec says."""
        dirs = application_dirs() if dirs is None else list(dirs)
        seen: set[str] = set()
        entries: list[DesktopEntry] = []
        for root in dirs:
            try:
                files = sorted(root.rglob("*.desktop"))
            except OSError:
                continue
            for f in files:
                desktop_id = str(f.relative_to(root).with_suffix("")).replace(os.sep, "-")
                if desktop_id in seen:
                    continue
                seen.add(desktop_id)
                entry = parse_entry(f, desktop_id)
                if entry is not None:
                    entries.append(entry)
        log.debug("desktop entries: %d with an icon under %d folders", len(entries), len(dirs))
        return cls(entries, pixmap_dirs() if pixmaps is None else pixmaps)

    def entry_for(self, app: str) -> DesktopEntry | None:
        key = app.strip().lower()
        if not key:
            return None
        for table in self._keys:
            if key in table:
                return table[key]
        return None

    def icon_for(self, app: str) -> IconSpec | None:
        """Where `app`'s icon is, or None when no entry claims it."""
        e = self.entry_for(app)
        if e is None:
            return None
        icon = e.icon
        if os.path.isabs(icon):
            return IconSpec(path=icon) if os.path.isfile(icon) else None
        stem = os.path.splitext(icon)[0] if icon.endswith(PIXMAP_SUFFIXES) else icon
        names = [icon] if stem != icon else [icon + s for s in PIXMAP_SUFFIXES]
        for d in self._pixmaps:
            for name in names:
                if (d / name).is_file():
                    return IconSpec(theme=stem, path=str(d / name))
        return IconSpec(theme=stem)

    def icons_for(self, apps: Iterable[str]) -> dict[str, IconSpec | None]:
        return {a: self.icon_for(a) for a in apps}
