"""Honest fakes and helpers for capture tests (imported by conftest and tests)."""

from __future__ import annotations

import time

import numpy as np
from PIL import Image, ImageDraw

from capture.idle import IdleState
from capture.window import WindowInfo
from memory.ocr_types import OcrLine


class MemoryVectors:
    """An in-memory VectorIndex, so capture tests need no Chroma."""

    def __init__(self) -> None:
        self._v: dict[int, np.ndarray] = {}

    def upsert(self, ids, vectors, *, kinds, ts_epochs) -> None:
        for i, v in zip(ids, vectors):
            self._v[int(i)] = np.asarray(v, dtype=np.float32)

    def query(self, vector, *, k, kinds=None, ts_range=None):
        return []

    def query_among(self, vector, ids, *, k):
        return []

    def delete(self, ids) -> None:
        for i in ids:
            self._v.pop(int(i), None)

    def ids(self) -> set[int]:
        return set(self._v)

    def count(self) -> int:
        return len(self._v)

    def compact(self) -> dict:
        return {"vectors": len(self._v), "segment_folders_removed": 0, "vacuumed": None}


def _embedder():
    try:
        from models.embeddings import HashEmbedder
        return HashEmbedder()
    except ImportError:  # pragma: no cover - until models.embeddings lands everywhere
        class LocalHash:
            dim = 384

            def embed(self, texts):
                out = np.zeros((len(texts), 384), np.float32)
                for i, t in enumerate(texts):
                    for w in t.lower().split():
                        out[i, hash(w) % 384] += 1
                n = np.linalg.norm(out, axis=1, keepdims=True)
                return out / np.where(n == 0, 1, n)
        return LocalHash()


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, s: float) -> None:
        self.t += s


def screen(lines: list[str], size=(800, 450)) -> Image.Image:
    """A synthetic screen: black text lines on white, 40 px apart."""
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    for i, text in enumerate(lines):
        d.text((10, 10 + 40 * i), text, fill="black", font_size=24)
    im.info["lines"] = list(lines)  # what FakeOcr reads back (copies keep it)
    return im


class FakeGrabber:
    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self.grabs = 0
        self.fail: Exception | None = None
        self.closed = False
        self.on_grab = None  # called after each grab (to switch windows mid-grab)
        self.notice = ""

    def grab(self) -> Image.Image:
        if self.fail:
            raise self.fail
        self.grabs += 1
        if self.on_grab:
            self.on_grab()
        return self.image.copy()

    def close(self) -> None:
        self.closed = True


class FakeWindows:
    def __init__(self, info: WindowInfo | None) -> None:
        self.info = info
        self.others: list[WindowInfo] = []   # shown on screen besides the focused one

    def active(self):
        return self.info

    def visible(self):
        return ([self.info] if self.info else []) + self.others

    def close(self) -> None:
        pass


class FakeIdle:
    def __init__(self) -> None:
        self.value = IdleState(0.0, False)

    def state(self):
        return self.value

    def close(self) -> None:
        pass


class FakeOcr:
    """Reads the synthetic screens' text back from a script: one line per 40 px band.

    The lines are the image's own (`screen` records them; the writer thread may OCR a
    frame after the test has shown the next one), else `texts`; recognize() returns those
    whose band lies in the region, so changed-region OCR can be checked exactly.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.calls: list[tuple[int, int, int, int] | None] = []
        self.fail_next = False

    def recognize(self, image, region=None):
        from capture.errors import OcrError

        self.calls.append(region)
        if self.fail_next:
            self.fail_next = False
            raise OcrError("scripted failure")
        x0, y0, x1, y1 = region or (0, 0, *image.size)
        out = []
        for i, t in enumerate(image.info.get("lines", self.texts)):
            box = (10, 10 + 40 * i, 10 + 12 * len(t), 34 + 40 * i)
            if box[1] >= y0 and box[3] <= y1 and box[0] < x1 and box[2] > x0:
                out.append(OcrLine(t, box, 0.99))
        return out


def wait_for(pred, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return pred()
