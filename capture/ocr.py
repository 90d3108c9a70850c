"""OCR with RapidOCR 3.x (ONNX models shipped inside the package: no download).

Screens are read from a copy downscaled to at most `max_width` pixels (UI text stays
legible at 1280 px and OCR time falls with the pixel count); boxes are mapped back to
full-frame coordinates. The engine is built lazily, once, by its owner.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
from PIL import Image

from capture.errors import OcrError
from memory.ocr_types import OcrLine

log = logging.getLogger(__name__)


class OcrEngine:
    def __init__(self, *, max_width: int = 1280, threads: int = 0, min_score: float = 0.5) -> None:
        self._max_width = max_width
        self._threads = threads
        self._min_score = min_score
        self._engine = None
        self._lock = threading.Lock()  # one inference at a time per engine

    def _get(self):
        if self._engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as e:  # pragma: no cover - a hard dependency
                raise OcrError("rapidocr is not installed; run the README's set-up.") from e
            # Detection scales the image so its LONGER side is at most max_width (RapidOCR's
            # default enlarges the shorter side to 736 px: a 960x64 changed strip would be
            # read ~11x larger, 3.3 s instead of 0.34 s).
            params = {"Global.log_level": "error", "Global.use_cls": False,
                      "Global.text_score": self._min_score, "Det.limit_type": "max",
                      "Det.limit_side_len": self._max_width,
                      # RapidOCR pads a wide strip to 1:8 before detection; for a changed
                      # line that doubles the cost and reads the same text.
                      "Global.use_vertical_padding": False}
            if self._threads:
                params["EngineConfig.onnxruntime.intra_op_num_threads"] = self._threads
            self._engine = RapidOCR(params=params)
        return self._engine

    def recognize(self, image: Image.Image,
                  region: tuple[int, int, int, int] | None = None) -> list[OcrLine]:
        """Text lines of the image (or of `region` = x0, y0, x1, y1 within it), top to bottom."""
        ox, oy = 0, 0
        if region:
            image = image.crop(region)
            ox, oy = region[0], region[1]
        scale = 1.0
        if image.width > self._max_width:
            scale = self._max_width / image.width
            image = image.resize((self._max_width, max(1, round(image.height * scale))),
                                 Image.Resampling.LANCZOS)
        arr = np.asarray(image.convert("RGB"))
        with self._lock:
            try:
                out = self._get()(arr)
            except OcrError:
                raise
            except Exception as e:  # onnxruntime/opencv raise assorted types for bad input
                raise OcrError(f"OCR failed on this image: {e}") from e
        if out is None or out.txts is None or out.boxes is None:
            return []
        lines = []
        for text, box, score in zip(out.txts, out.boxes, out.scores):
            xs, ys = box[:, 0] / scale + ox, box[:, 1] / scale + oy
            lines.append(OcrLine(str(text), (int(xs.min()), int(ys.min()), int(xs.max()),
                                             int(ys.max())), float(score)))
        lines.sort(key=OcrLine.reading_order)
        return lines
