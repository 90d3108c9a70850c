"""An app's icon, found as desktops find it: the lookup over a temporary XDG data tree (real
.desktop files, a real PNG, a broken file), and the day overview painting the icon at the
start of the app's block (pixels read back from the rendered widget)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QMainWindow

from tests.ui.shots import themed_shots
from ui.style import Theme
from ui.timeline.app_icons import DesktopIndex, IconSpec, application_dirs
from ui.timeline.day import Overview, Share
from ui.timeline.overview import ICON, ICON_MIN_BLOCK, NAME_W, ROW_H, AppIcons, DayOverview

MAGENTA, CYAN = QColor(255, 0, 255), QColor(0, 200, 200)


def _png(path: Path, colour: QColor, size: int = 32) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(colour)
    assert img.save(str(path))
    return path


def _entry(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(body, encoding="utf-8")
    return p


@pytest.fixture
def xdg(tmp_path, monkeypatch):
    """$XDG_DATA_HOME and one $XDG_DATA_DIRS folder, with these entries:
    mail (StartupWMClass, an absolute PNG), org.example.Notes (a theme name), a shadowed id,
    a hidden one, and broken files."""
    home, system = tmp_path / "home-share", tmp_path / "usr-share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_DIRS", str(system))
    png = _png(tmp_path / "art" / "mail.png", MAGENTA)
    apps = system / "applications"
    _entry(apps, "mailer.desktop", "[Desktop Entry]\nType=Application\nName=Mail\n"
           f"Exec=/opt/mailer/bin/mailer-bin %u\nStartupWMClass=Mail-Client\nIcon={png}\n")
    _entry(apps, "org.example.Notes.desktop", "# a comment\n[Desktop Entry]\nName=Notes\n"
           "Exec=env GDK_BACKEND=x11 notes-app --new\nIcon=commonplace-test-notes\n"
           "[Desktop Action new]\nIcon=something-else\n")
    _entry(apps, "editor.desktop", "[Desktop Entry]\nType=Application\nExec=editor\n"
           "Icon=system-editor\n")
    _entry(home / "applications", "editor.desktop",       # the user's copy hides the system's
           "[Desktop Entry]\nType=Application\nExec=editor\nIcon=my-editor\n")
    _entry(apps, "gone.desktop", "[Desktop Entry]\nType=Application\nExec=gone\nIcon=gone\n"
           "Hidden=true\n")
    _entry(apps, "link.desktop", "[Desktop Entry]\nType=Link\nURL=https://example.org\n"
           "Icon=web\n")
    _entry(apps, "broken.desktop", "this is not an ini file\n[[[\nIcon=x\n")
    (apps / "binary.desktop").write_bytes(b"\xff\xfe\x00[Desktop Entry]\x00\nIcon=\x00\n")
    _entry(apps / "kde", "sub.desktop", "[Desktop Entry]\nExec=subapp\nIcon=sub-icon\n")
    return {"png": png, "home": home, "system": system}


def test_application_dirs_follow_the_xdg_variables(xdg):
    assert application_dirs() == [xdg["home"] / "applications",
                                  xdg["system"] / "applications"]
    assert application_dirs({"HOME": "/home/u"}) == [
        Path("/home/u/.local/share/applications"), Path("/usr/local/share/applications"),
        Path("/usr/share/applications")]


def test_lookup_by_wm_class_id_and_exec(xdg):
    index = DesktopIndex.scan(pixmaps=[])
    # StartupWMClass, without case; the icon an absolute PNG path
    assert index.icon_for("mail-client") == IconSpec(path=str(xdg["png"]))
    assert index.icon_for("Mail-Client") == index.icon_for("mailer-bin")   # or its Exec
    # the desktop file id, whole or its last reverse-DNS part; Icon= a theme name
    assert index.icon_for("org.example.notes") == IconSpec(theme="commonplace-test-notes")
    assert index.icon_for("Notes") == IconSpec(theme="commonplace-test-notes")
    assert index.icon_for("notes-app") == IconSpec(theme="commonplace-test-notes")  # past env
    assert index.icon_for("kde-sub") == IconSpec(theme="sub-icon")   # a subfolder's id
    # the user's entry hides the system's of the same id
    assert index.icon_for("editor") == IconSpec(theme="my-editor")
    # hidden, not an application, broken, unknown: no icon (and the scan went on)
    for app in ("gone", "link", "broken", "binary", "firefox", ""):
        assert index.icon_for(app) is None, app
    assert {e.id for e in index.entries} == {"mailer", "org.example.Notes", "editor",
                                            "kde-sub"}


def test_a_missing_icon_file_is_no_icon_and_pixmaps_hold_bare_names(xdg, tmp_path):
    xdg["png"].unlink()
    pix = tmp_path / "pixmaps"
    _png(pix / "my-editor.png", CYAN)
    index = DesktopIndex.scan(pixmaps=[pix])
    assert index.icon_for("mail-client") is None
    assert index.icon_for("editor") == IconSpec(theme="my-editor", path=str(pix / "my-editor.png"))


# -- the overview ------------------------------------------------------------------------
def _overview() -> Overview:
    apps = [Share("Mail-Client", 3600.0, "Mail-Client", 0.0),
            Share("mailer", 100.0, "mailer", 30.0),    # has an icon, too narrow a block for it
            Share("notes-app", 1800.0, "notes-app", 10.0),
            Share("unknown-app", 900.0, "unknown-app", 20.0)]
    return Overview(apps, [], sum(s.seconds for s in apps))


def _shown(qtbot, icons) -> DayOverview:
    ov = DayOverview()
    qtbot.addWidget(ov)
    ov.resize(900, ov.height())
    if icons is not None:
        ov.set_icons(icons)
    ov.set_overview(_overview())
    ov.show()
    qtbot.waitExposed(ov)
    return ov


def _icon_pixel(ov: DayOverview, index: int, scale: int = 1) -> QColor:
    from tests.ui.shots import render

    rect, _ = ov.blocks(0)[index]
    img = render(ov, scale).toImage()
    return img.pixelColor(int((rect.left() + 3 + ICON / 2) * scale),
                          int((rect.top() + ROW_H / 2) * scale))


@pytest.fixture
def notes_theme(tmp_path):
    """An icon theme holding `commonplace-test-notes` (cyan), set for this test only."""
    root = tmp_path / "icons"
    (root / "cptest").mkdir(parents=True)
    (root / "cptest" / "index.theme").write_text(
        "[Icon Theme]\nName=cptest\nDirectories=16x16/apps\n\n[16x16/apps]\nSize=16\n"
        "Type=Fixed\n")
    _png(root / "cptest" / "16x16" / "apps" / "commonplace-test-notes.png", CYAN, 16)
    paths, name = QIcon.themeSearchPaths(), QIcon.themeName()
    QIcon.setThemeSearchPaths([str(root), *paths])
    QIcon.setThemeName("cptest")
    yield
    QIcon.setThemeName(name)
    QIcon.setThemeSearchPaths(paths)


def test_the_overview_paints_each_apps_icon(qtbot, xdg, pools, notes_theme):
    icons = AppIcons(pools[0])          # the real scan, of the temporary XDG tree, on the pool
    with qtbot.waitSignal(icons.changed, timeout=10_000):
        ov = _shown(qtbot, icons)
    plain = _shown(qtbot, None)
    assert icons.icon("Mail-Client") is not None and icons.icon("notes-app") is not None
    assert icons.icon("unknown-app") is None
    for scale in (1, 2):
        assert _icon_pixel(ov, 0, scale) == MAGENTA            # the .desktop file's PNG
        assert _icon_pixel(ov, 2, scale) == CYAN               # the theme's icon it names
        assert _icon_pixel(plain, 0, scale) != MAGENTA         # no icons: as before
    # an app without an icon, and a block too narrow for one, are drawn as before
    assert icons.icon("mailer") is not None and ov.blocks(0)[1][0].width() < ICON_MIN_BLOCK
    for i in (1, 3):
        assert _icon_pixel(ov, i) == _icon_pixel(plain, i)
    assert ov.blocks(0)[0][0].left() == NAME_W

    win = QMainWindow()     # as in the app: the theme on a main window, the overview inside
    win.setCentralWidget(ov)
    win.resize(900, ov.height() + 20)
    win.show()
    qtbot.addWidget(win)
    themed_shots(qtbot, ov, Theme(win), "timeline_overview_icons")


def test_an_unreadable_desktop_tree_leaves_the_blocks_plain(qtbot, pools):
    def scan():
        raise PermissionError("applications: permission denied")

    icons = AppIcons(pools[0], scan=scan)
    ov = _shown(qtbot, icons)
    qtbot.waitUntil(lambda: "Mail-Client" in icons._icons, timeout=10_000)
    assert icons.icon("Mail-Client") is None
    plain = _shown(qtbot, None)
    assert _icon_pixel(ov, 0) == _icon_pixel(plain, 0)
