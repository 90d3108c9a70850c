"""Change detection on a downscaled copy: decide before encoding or OCR.

A frame is compared with the last kept one through a grayscale thumbnail (a fixed
width, so the cost does not grow with the screen). Pixels that differ are grouped into
tiles and the changed tiles into connected regions. A frame whose only differences are at
most two pointer-sized regions (the pointer gone from one place, drawn at another, or a
blinking caret) is a near-duplicate; anything larger is a change, reported with its
regions in full-frame pixels so OCR can read only those.

Pointer-sized is not the same as meaningless: one typed character is that small too. Live
grabs carry no pointer (mss does not draw it), so the capture service asks `caret_only`
of a small change at full resolution: a blinking caret is a bar a few pixels wide, a typed
or deleted character is wider, and only the caret is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
from PIL import Image

THUMB_WIDTH = 400
TILE = 4               # thumbnail pixels per tile side (16 full px at 1600 wide)
PIXEL_DELTA = 28       # grey levels: below this a pixel counts as unchanged (compression noise)
POINTER_MAX = (56, 64)  # full-frame px: the largest region that can be only a pointer
CARET_MAX_W = 3        # full-frame px: a text caret is a bar at most this wide


class ChangeKind(Enum):
    SAME = "same"
    POINTER = "pointer"  # only pointer/caret-sized differences: a near-duplicate
    EDIT = "edit"        # pointer-sized but not a caret (a typed character): see `refine`
    CHANGED = "changed"


@dataclass(frozen=True)
class Thumb:
    """A grayscale, fixed-width copy of a frame, plus the scale back to the frame."""

    pixels: np.ndarray  # uint8 [h, w]
    scale: float        # frame px per thumbnail px
    size: tuple[int, int]  # the frame's (width, height)

    @classmethod
    def of(cls, image: Image.Image) -> Thumb:
        w, h = image.size
        tw = min(THUMB_WIDTH, w)
        th = max(1, round(h * tw / w))
        small = image.convert("L").resize((tw, th), Image.Resampling.BILINEAR)
        return cls(np.asarray(small, dtype=np.uint8), w / tw, (w, h))


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    regions: list[tuple[int, int, int, int]]  # x0, y0, x1, y1 in frame pixels
    changed_fraction: float  # share of tiles that changed

    @property
    def is_duplicate(self) -> bool:
        return self.kind in (ChangeKind.SAME, ChangeKind.POINTER)


def dhash(image: Image.Image, size: int = 16) -> str:
    """Difference hash (size*size bits, hex): stored with each frame for cheap lookups."""
    g = np.asarray(image.convert("L").resize((size + 1, size), Image.Resampling.BILINEAR),
                   dtype=np.int16)
    bits = (g[:, 1:] > g[:, :-1]).flatten()
    return np.packbits(bits).tobytes().hex()


def hamming(a: str, b: str) -> int:
    if len(a) != len(b):
        return max(len(a), len(b)) * 4
    return int(np.unpackbits(np.frombuffer(bytes.fromhex(a), np.uint8)
                             ^ np.frombuffer(bytes.fromhex(b), np.uint8)).sum())


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (tile coords, inclusive-exclusive) of 8-connected changed tiles."""
    seen = np.zeros_like(mask, dtype=bool)
    boxes = []
    h, w = mask.shape
    for y, x in zip(*np.nonzero(mask)):
        if seen[y, x]:
            continue
        stack = [(y, x)]
        seen[y, x] = True
        y0, x0, y1, x1 = y, x, y, x
        while stack:
            cy, cx = stack.pop()
            y0, x0, y1, x1 = min(y0, cy), min(x0, cx), max(y1, cy), max(x1, cx)
            for ny in range(max(cy - 1, 0), min(cy + 2, h)):
                for nx in range(max(cx - 1, 0), min(cx + 2, w)):
                    if mask[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        boxes.append((int(x0), int(y0), int(x1) + 1, int(y1) + 1))
    return boxes


def compare(prev: Thumb | None, cur: Thumb) -> Change:
    """Classify `cur` against the last kept frame's thumbnail."""
    if prev is None or prev.size != cur.size or prev.pixels.shape != cur.pixels.shape:
        w, h = cur.size
        return Change(ChangeKind.CHANGED, [(0, 0, w, h)], 1.0)
    diff = np.abs(prev.pixels.astype(np.int16) - cur.pixels.astype(np.int16)) > PIXEL_DELTA
    if not diff.any():
        return Change(ChangeKind.SAME, [], 0.0)
    h, w = diff.shape
    th, tw = -(-h // TILE), -(-w // TILE)
    padded = np.zeros((th * TILE, tw * TILE), dtype=bool)
    padded[:h, :w] = diff
    tiles = np.asarray(padded.reshape(th, TILE, tw, TILE).any(axis=(1, 3)))
    boxes = _components(tiles)
    px = TILE * cur.scale
    fw, fh = cur.size
    regions = [(int(x0 * px), int(y0 * px), min(fw, int(x1 * px)), min(fh, int(y1 * px)))
               for x0, y0, x1, y1 in boxes]
    fraction = float(tiles.mean())
    small = all((x1 - x0) <= POINTER_MAX[0] and (y1 - y0) <= POINTER_MAX[1]
                for x0, y0, x1, y1 in regions)
    kind = ChangeKind.POINTER if small and len(regions) <= 2 else ChangeKind.CHANGED
    return Change(kind, regions, fraction)


def refine(change: Change, prev: Image.Image | None, cur: Image.Image) -> Change:
    """A POINTER change between two live grabs (which carry no pointer) checked at full
    resolution: only a caret stays POINTER; anything else is a small EDIT, not a duplicate."""
    if change.kind is not ChangeKind.POINTER or \
            (prev is not None and caret_only(prev, cur, change.regions)):
        return change
    return Change(ChangeKind.EDIT, change.regions, change.changed_fraction)


def caret_only(prev: Image.Image, cur: Image.Image,
               regions: list[tuple[int, int, int, int]]) -> bool:
    """Whether what differs inside `regions` (full-frame px) is only a text caret: in each
    region the differing full-resolution pixels lie within CARET_MAX_W columns.

    A character typed or deleted changes its glyph and moves the caret, which spans wider
    even for an "l"; a caret moved without typing also spans wider and counts as an edit
    (the capture service then finds the same text and stores nothing).
    """
    w, h = cur.size
    for x0, y0, x1, y1 in regions:
        box = (max(0, x0 - 2), max(0, y0 - 2), min(w, x1 + 2), min(h, y1 + 2))
        a = np.asarray(prev.crop(box).convert("L"), dtype=np.int16)
        b = np.asarray(cur.crop(box).convert("L"), dtype=np.int16)
        if a.shape != b.shape:
            return False
        cols = np.flatnonzero((np.abs(a - b) > PIXEL_DELTA).any(axis=0))
        if cols.size and cols[-1] - cols[0] + 1 > CARET_MAX_W:
            return False
    return True


def merge_regions(regions: list[tuple[int, int, int, int]], *, pad: int = 8,
                  size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """Pad regions and merge overlapping ones, so OCR sees whole lines, not tile slivers."""
    w, h = size
    boxes = [(max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad))
             for x0, y0, x1, y1 in regions]
    merged = True
    while merged:
        merged = False
        out: list[tuple[int, int, int, int]] = []
        for b in boxes:
            for i, o in enumerate(out):
                if b[0] <= o[2] and o[0] <= b[2] and b[1] <= o[3] and o[1] <= b[3]:
                    out[i] = (min(b[0], o[0]), min(b[1], o[1]), max(b[2], o[2]), max(b[3], o[3]))
                    merged = True
                    break
            else:
                out.append(b)
        boxes = out
    return boxes
