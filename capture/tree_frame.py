"""Where a window's tree text lies in a grabbed frame, and what is left for OCR.

`place(tree, ...)` puts the lines an accessibility tree gave (capture.a11y) into the
frame's pixels, and returns the parts of the frame OCR still has to read: the screen
outside the window, and the window's parts without text (canvases, images) — each at
least MIN_OCR_PART_PX on its short side (a border or a shadow is not worth a read).
"""

from __future__ import annotations

from typing import Protocol

from capture.window import Rect, WindowInfo, visible_parts
from memory.ocr_types import OcrLine

Box = tuple[int, int, int, int]     # x0, y0, x1, y1 in frame pixels
MIN_OCR_PART_PX = 24


class TextSource(Protocol):
    """The focused window's text from somewhere better than pixels (capture.a11y)."""

    def read(self, window: WindowInfo | None): ...

    def close(self) -> None: ...


def place(tree, *, size: tuple[int, int], origin: tuple[int, int] = (0, 0),
          window_rect: Rect | None = None) -> tuple[list[OcrLine], list[Box]]:
    """(the tree's lines in frame pixels, the frame parts OCR must read).

    `origin`: the frame's top-left on the desktop. `window_rect`: where the window source
    (sway) says the window is; trusted over the tree, whose "screen" coordinates are the
    window's own on Wayland."""
    w, h = size
    ox, oy = origin
    if window_rect is not None and tree.window_box is not None:
        dx, dy = window_rect[0] - tree.window_box[0], window_rect[1] - tree.window_box[1]
    else:
        dx = dy = 0

    def local(b) -> Box:
        return (max(0, b[0] + dx - ox), max(0, b[1] + dy - oy), min(w, b[2] + dx - ox),
                min(h, b[3] + dy - oy))

    wbox = local(tree.window_box) if tree.window_box else (0, 0, w, h)
    lines = [OcrLine(l.text, local(l.box) if l.box else wbox, 1.0, l.source)
             for l in tree.lines]
    outside = [(x, y, x + pw, y + ph) for x, y, pw, ph in visible_parts(
        (0, 0, w, h), [(wbox[0], wbox[1], wbox[2] - wbox[0], wbox[3] - wbox[1])])]
    parts = [b for b in outside + [local(b) for b in tree.holes]
             if min(b[2] - b[0], b[3] - b[1]) >= MIN_OCR_PART_PX]
    return lines, parts
