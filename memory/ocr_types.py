"""The text a frame carries, as capture reads it and the store keeps it: `OcrLine`.

Shared between `capture` (which produces it: OCR, accessibility trees, imports) and
`memory.store` (which stores it). It lives here, not in capture, because memory may not
import capture (STYLE.md §1), and not in memory/store/, so that capture describes its own
output without reaching into the database layer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in full-frame pixels
    score: float
    source: str = "ocr"   # what read it: "ocr", "a11y" (accessibility tree), "a11y-link"

    def reading_order(self) -> tuple[int, int]:
        """Sort key for reading order: rows of 8 px, top to bottom, then left to right."""
        return self.box[1] // 8, self.box[0]
