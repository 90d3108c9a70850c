"""The app's one stylesheet: colours, spacing and type in one place, light or dark.

The theme follows the system (`QStyleHints.colorScheme`, and its change signal) unless the
caller pins one. Sizes are in device-independent pixels and points, so Qt's HiDPI scaling
(QT_SCALE_FACTOR, the screen's ratio) scales them with everything else; thumbnails are decoded
at the screen's device-pixel ratio by the views that show them.

Object names the stylesheet knows: `bubble_question`, `bubble_answer`, `evidence_card`,
`suggestion`, `search_result`, `group_header`, `muted`, `notice`, `mark` (property on a
label holding highlighted text), `timeline_track`, `timeline_week`, `timeline_overview`
(painted widgets: the rule gives their palette's Base the theme's surface).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

SPACING = 8        # the grid every margin and gap is a multiple of
RADIUS = 10        # bubbles and cards
BASE_PT = 10       # body text
ICONS = (Path(__file__).resolve().parent / "icons").as_posix()   # the stylesheet's glyphs


@dataclass(frozen=True)
class Colours:
    window: str
    surface: str        # bubbles, cards, inputs
    surface_alt: str    # the user's own bubbles
    text: str
    muted: str
    accent: str
    accent_text: str
    border: str
    mark: str           # highlighted words (search hits, what answered)
    mark_text: str


LIGHT = Colours(window="#f6f7f9", surface="#ffffff", surface_alt="#dfe9f7", text="#1d2330",
                muted="#5d6675", accent="#2a5ca8", accent_text="#ffffff", border="#d5d9e0",
                mark="#ffe08a", mark_text="#1d2330")
DARK = Colours(window="#17191d", surface="#22252b", surface_alt="#263a57", text="#e8eaee",
               muted="#a2a9b6", accent="#7aa7f0", accent_text="#10131a", border="#3a3f48",
               mark="#8a6d12", mark_text="#fff6d8")


def is_dark(scheme: Qt.ColorScheme | None = None) -> bool:
    """The system's scheme (or `scheme`); an unknown one reads as light."""
    if scheme is None:
        scheme = QGuiApplication.styleHints().colorScheme()
    return scheme == Qt.ColorScheme.Dark


def colours(dark: bool) -> Colours:
    return DARK if dark else LIGHT


def palette(c: Colours) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, v in ((role.Window, c.window), (role.Base, c.surface), (role.AlternateBase, c.window),
                 (role.Text, c.text), (role.WindowText, c.text), (role.Button, c.surface),
                 (role.ButtonText, c.text), (role.Highlight, c.accent),
                 (role.HighlightedText, c.accent_text), (role.ToolTipBase, c.surface),
                 (role.ToolTipText, c.text), (role.PlaceholderText, c.muted),
                 (role.Link, c.accent)):
        p.setColor(r, QColor(v))
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(c.muted))
    return p


def stylesheet(c: Colours) -> str:
    s, r = SPACING, RADIUS
    return f"""
QWidget {{ font-size: {BASE_PT}pt; color: {c.text}; }}
QMainWindow, QDialog {{ background: {c.window}; color: {c.text}; }}
QMenuBar, QStatusBar {{ background: {c.window}; color: {c.text}; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {c.surface_alt}; }}
QMenu {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.border}; }}
QStatusBar QLabel {{ color: {c.muted}; }}
QToolTip {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.border}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QListWidget, QDateTimeEdit, QSpinBox,
QDoubleSpinBox {{
  background: {c.surface}; color: {c.text}; border: 1px solid {c.border};
  border-radius: {r // 2}px; padding: {s // 2}px {s}px; }}
QLineEdit:focus, QComboBox:focus, QListWidget:focus {{ border: 1px solid {c.accent}; }}
QPushButton, QToolButton {{ background: {c.surface}; color: {c.text};
  border: 1px solid {c.border}; border-radius: {r // 2}px; padding: {s // 2}px {s + 4}px; }}
QPushButton:hover, QToolButton:hover {{ border-color: {c.accent}; }}
QPushButton:focus, QToolButton:focus {{ border: 2px solid {c.accent}; }}
QPushButton:disabled, QToolButton:disabled {{ color: {c.muted}; }}
QPushButton#primary {{ background: {c.accent}; color: {c.accent_text}; border: none; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ padding: {s}px {2 * s}px; color: {c.muted}; background: transparent;
  border: none; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {c.text}; border-bottom: 2px solid {c.accent}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: {c.window}; border: none; }}
QFrame#bubble_question {{ background: {c.surface_alt}; border-radius: {r}px; }}
QFrame#bubble_answer {{ background: {c.surface}; border: 1px solid {c.border};
  border-radius: {r}px; }}
QToolButton#evidence_card, QToolButton#citation_frame, QToolButton#citation_turn,
QToolButton#search_result {{ background: {c.window}; border: 1px solid {c.border};
  border-radius: {r // 2}px; padding: {s // 2}px; text-align: left; }}
QToolButton#evidence_card:hover, QToolButton#citation_frame:hover {{
  border-color: {c.accent}; }}
QPushButton#suggestion {{ background: {c.surface}; border: 1px solid {c.border};
  border-radius: {r + 6}px; padding: {s}px {2 * s}px; text-align: left; }}
QLabel#muted, QLabel#group_header {{ color: {c.muted}; }}
QLabel#group_header {{ font-weight: 600; padding-top: {s}px; }}
QLabel#title {{ font-size: {BASE_PT + 5}pt; font-weight: 600; color: {c.text}; }}
QLabel#notice {{ background: {c.surface}; border: 1px solid {c.border};
  border-radius: {r // 2}px; padding: {s}px; }}
QListWidget::item {{ padding: {s // 2}px; }}
QWidget#timeline_track, QWidget#timeline_week, QWidget#timeline_overview {{
  background: {c.surface}; }}
QScrollBar:horizontal {{ background: {c.window}; height: {s + 2}px; border: none; }}
QScrollBar:vertical {{ background: {c.window}; width: {s + 2}px; border: none; }}
QScrollBar::handle {{ background: {c.border}; border-radius: {s // 2}px; min-width: {3 * s}px;
  min-height: {3 * s}px; margin: 2px; }}
QScrollBar::handle:hover {{ background: {c.muted}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QSpinBox::up-button, QDoubleSpinBox::up-button, QSpinBox::down-button,
QDoubleSpinBox::down-button {{ width: {2 * s}px; border: none; background: transparent; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url({ICONS}/spin-up.svg);
  width: 8px; height: 5px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url({ICONS}/spin-down.svg);
  width: 8px; height: 5px; }}
QProgressBar {{ background: {c.surface}; border: 1px solid {c.border};
  border-radius: {r // 2}px; max-height: {s}px; }}
QProgressBar::chunk {{ background: {c.accent}; border-radius: {r // 2 - 1}px; }}
QListWidget::item:selected {{ background: {c.surface_alt}; color: {c.text}; }}
"""


def mark_html(c: Colours) -> str:
    """The inline style of highlighted words in rich text (search snippets, answers)."""
    return f"background-color:{c.mark}; color:{c.mark_text}; font-weight:600;"


class Theme(QObject):
    """Applies the stylesheet and palette to `target` (a window, or the application), and
    again when the system's scheme changes (unless `pinned`)."""

    def __init__(self, target, *, pinned: Qt.ColorScheme | None = None, parent=None) -> None:
        super().__init__(parent)
        self._target = target
        self._windows: list = []     # dialogs of the target: a palette does not reach them
        self._pinned = pinned
        self.dark = False
        self.colours = LIGHT
        self.apply()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._changed)

    def _changed(self, _scheme) -> None:
        if self._pinned is None:
            self.apply()

    def pin(self, scheme: Qt.ColorScheme | None) -> None:
        """Light or dark whatever the system says (None: follow it again)."""
        self._pinned = scheme
        self.apply()

    def apply(self) -> None:
        self.dark = is_dark(self._pinned)
        self.colours = colours(self.dark)
        for w in (self._target, *self._windows):
            w.setPalette(palette(self.colours))
            w.setStyleSheet(stylesheet(self.colours))

    def follow(self, window) -> None:
        """Style `window` (a dialog) as the target, now and when the scheme changes."""
        self._windows.append(window)
        self.apply()

    def disconnect_system(self) -> None:
        QGuiApplication.styleHints().colorSchemeChanged.disconnect(self._changed)


def icon_paths() -> list[Path]:
    """Where the app icon may be: the source tree, a frozen bundle's share/, an install's."""
    here = Path(__file__).resolve().parents[1]
    bundle = Path(getattr(sys, "_MEIPASS", here))
    return [here / "packaging" / "commonplace.svg", bundle / "share" / "commonplace.svg",
            Path(sys.prefix) / "share" / "icons" / "hicolor" / "scalable" / "apps" /
            "commonplace.svg"]


def app_icon() -> QIcon:
    """The app icon (packaging/commonplace.svg), else the desktop theme's, else empty."""
    for p in icon_paths():
        if p.is_file():
            icon = QIcon(str(p))
            if not icon.isNull():
                return icon
    return QIcon.fromTheme("commonplace")
