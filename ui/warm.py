"""Work a widget does once, right after it first appears: Qt's first polish, layout and
paint of a panel cost tens of ms once (fonts, rich text, a full list), and done then —
before the user types or picks anything — they do not land on the first results as a GUI
stall (bench/bench_ui.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstShow(QObject):
    def __init__(self, widget: QWidget, warm_up: Callable[[], None]) -> None:
        super().__init__(widget)
        self._warm_up = warm_up
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:   # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Show:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._warm_up)   # once the widget is on screen
        return False


def on_first_show(widget: QWidget, warm_up: Callable[[], None]) -> None:
    """Run `warm_up` once, on the event loop's next turn after `widget` is first shown."""
    _FirstShow(widget, warm_up)
