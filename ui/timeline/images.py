"""Frame images: decoded off the GUI thread into QImage (which may cross threads), cached.

`decode_frame` is the worker job; `ImageCache` is a small LRU of thumbnails keyed by
frame id, filled by one store-reading pool so the GUI thread never touches a file.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader

from capture.errors import ImageError

THUMB = QSize(192, 120)


def decode_frame(frames_repo, frame, max_size: QSize | None = None) -> tuple[int, QImage, float]:
    """Worker job: read, decrypt and decode one frame (scaled to fit `max_size`)."""
    t0 = time.perf_counter()
    data = frames_repo.read_image(frame)
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf)
    size = reader.size()
    if max_size is not None and size.isValid():
        reader.setScaledSize(size.scaled(max_size, Qt.AspectRatioMode.KeepAspectRatio))
    img = reader.read()
    if img.isNull():
        raise ImageError(f"The image of frame {frame.id} ({frame.ts[:19]}) is damaged and "
                         f"cannot be shown; its text is still here.")
    return frame.id, img, time.perf_counter() - t0


class ImageCache(QObject):
    """Thumbnails by frame id; `request()` loads a missing one on the pool (once)."""

    ready = Signal(int, QImage)
    failed = Signal(int, str)

    def __init__(self, pool, frames_repo, *, capacity: int = 400, parent=None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._repo = frames_repo
        self._cap = capacity
        self._images: OrderedDict[int, QImage] = OrderedDict()
        self._pending: set[int] = set()
        self.load_times: list[float] = []

    def get(self, frame_id: int) -> QImage | None:
        img = self._images.get(frame_id)
        if img is not None:
            self._images.move_to_end(frame_id)
        return img

    def request(self, frame) -> None:
        if frame.id in self._images or frame.id in self._pending:
            return
        self._pending.add(frame.id)
        fid = frame.id
        self._pool.submit(decode_frame, self._repo, frame, THUMB,
                          on_returned=self._store,
                          on_errored=lambda e, fid=fid: self._fail(fid, e))

    def clear(self) -> None:
        """Drop every decoded image (the app locks)."""
        self._images.clear()
        self._pending.clear()

    def cancel_pending(self) -> None:
        """Forget queued requests (a new day or zoom): they are re-requested if needed."""
        self._pending.clear()

    def _store(self, result: tuple[int, QImage, float]) -> None:
        fid, img, secs = result
        self._pending.discard(fid)
        self.load_times.append(secs)
        self._images[fid] = img
        while len(self._images) > self._cap:
            self._images.popitem(last=False)
        self.ready.emit(fid, img)

    def _fail(self, fid: int, e: Exception) -> None:
        self._pending.discard(fid)
        self.failed.emit(fid, str(e))


