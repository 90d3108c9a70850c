"""Screenshots of a screen in the light and the dark theme, at scale 1 and 2.

Scale 2 is the widget rendered onto a device-pixel-ratio-2 pixmap: what a HiDPI screen (or
QT_SCALE_FACTOR=2) gets, text and images drawn at twice the pixels in the same layout.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "ui"
SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}


def render(widget, scale: int) -> QPixmap:
    pm = QPixmap(widget.size() * scale)
    pm.setDevicePixelRatio(scale)
    pm.fill(Qt.GlobalColor.transparent)
    widget.render(pm)
    return pm


def themed_shots(qtbot, widget, theme, name: str) -> list[Path]:
    """`widget` saved as <name>_<light|dark>_x<1|2>.png; `theme` (ui.style.Theme) is pinned
    to each scheme in turn, then follows the system again."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = []
    try:
        for scheme_name, scheme in SCHEMES.items():
            theme.pin(scheme)
            qtbot.wait(30)   # the new style laid out
            for scale in (1, 2):
                path = ARTIFACTS / f"{name}_{scheme_name}_x{scale}.png"
                assert render(widget, scale).save(str(path)), path
                out.append(path)
    finally:
        theme.pin(None)
    return out
