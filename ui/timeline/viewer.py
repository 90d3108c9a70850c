"""The frame viewer: the screenshot, its window metadata, and its OCR text (selectable)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QLabel, QPlainTextEdit, QSizePolicy, QSplitter, QVBoxLayout,
                               QWidget)


class FrameViewer(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.frame = None
        self._image: QImage | None = None
        self.meta = QLabel()
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta.setWordWrap(True)
        self.notice = QLabel()          # calm inline messages: missing image, empty day
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(320, 200)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)     # read-only still selects and copies
        self.text.setPlaceholderText("No text was read on this frame.")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.image)
        split.addWidget(self.text)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.meta)
        lay.addWidget(self.notice)
        lay.addWidget(split, 1)

    def show_frame(self, frame) -> None:
        """Rows first (instant); the image follows through `set_image` or `set_error`."""
        self.frame = frame
        title = frame.window_title or "(no title)"
        url = f" · {frame.url}" if frame.url else ""
        self.meta.setText(f"<b>{frame.ts[11:19]}</b> · {frame.app or 'unknown app'} · "
                          f"{_esc(title)}{_esc(url)}")
        self.text.setPlainText(frame.ocr_text)
        self.notice.hide()
        self._image = None
        self.image.setText("Loading…")

    def set_image(self, frame_id: int, image: QImage) -> None:
        if self.frame is None or frame_id != self.frame.id:
            return  # a late answer for a frame no longer shown
        self._image = image
        self._rescale()

    def set_error(self, frame_id: int, message: str) -> None:
        if self.frame is not None and frame_id == self.frame.id:
            self.image.clear()
            self.image.setText("No image")
            self.show_notice(message)

    def show_notice(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.show()

    def clear(self, message: str = "") -> None:
        self.frame = None
        self._image = None
        self.meta.clear()
        self.text.clear()
        self.image.clear()
        if message:
            self.show_notice(message)
        else:
            self.notice.hide()

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self._rescale()

    def _rescale(self) -> None:
        if self._image is None:
            return
        # QPixmap only here, on the GUI thread
        pm = QPixmap.fromImage(self._image)
        self.image.setPixmap(pm.scaled(self.image.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation))


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
