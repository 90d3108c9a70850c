"""The thumbnail strip: a few frames spread over the visible range, loaded lazily."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem

from ui.timeline.images import THUMB

ROLE_ID = Qt.ItemDataRole.UserRole


class ThumbStrip(QListWidget):
    frameClicked = Signal(int)   # frame id

    def __init__(self, cache, parent=None) -> None:
        super().__init__(parent)
        self._cache = cache
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB.width() // 2, THUMB.height() // 2))
        self.setFixedHeight(THUMB.height() // 2 + 44)
        self.setMovement(QListView.Movement.Static)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Thumbnails")
        # a blank of the thumbnail's size until it is decoded: every item is laid out at
        # its final size at once (no label jumping up beside a missing image)
        blank = QPixmap(self.iconSize())
        blank.fill(Qt.GlobalColor.transparent)
        self._blank = QIcon(blank)
        self._items: dict[int, QListWidgetItem] = {}
        cache.ready.connect(self._on_ready)
        self.itemClicked.connect(lambda it: self.frameClicked.emit(it.data(ROLE_ID)))

    def show_frames(self, frames, current_id: int | None) -> None:
        self.clear()
        self._items = {}
        for f in frames:
            it = QListWidgetItem(f.ts[11:19])
            it.setData(ROLE_ID, f.id)
            it.setToolTip(f"{f.app} — {f.window_title}")
            img = self._cache.get(f.id)
            if img is not None:
                it.setIcon(QIcon(QPixmap.fromImage(img)))
            else:
                it.setIcon(self._blank)
                self._cache.request(f)
            self.addItem(it)
            self._items[f.id] = it
            if f.id == current_id:
                it.setSelected(True)

    def _on_ready(self, frame_id: int, img: QImage) -> None:
        it = self._items.get(frame_id)
        if it is not None:
            it.setIcon(QIcon(QPixmap.fromImage(img)))
