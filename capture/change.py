"""Change detection on a downscaled copy: decide before encoding or OCR.

A frame is compared with the last kept one through a grayscale thumbnail (a fixed
width, so the cost does not grow with the screen). Pixels that differ are grouped into
tiles and the changed tiles into connected regions. A frame whose only differences are at
most two pointer-sized regions (the pointer gone from one place, drawn at another, or a
blinking caret) is a near-duplicate; anything larger is a change, reported with its
regions in full-frame pixels so OCR can read only those.
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


class ChangeKind(Enum):
    SAME = "same"
    POINTER = "pointer"  # only pointer/caret-sized differences: a near-duplicate
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
        return self.kind is not ChangeKind.CHANGED


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
    tiles = padded.reshape(th, TILE, tw, TILE).any(axis=(1, 3))
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
