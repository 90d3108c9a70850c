"""A screen's text as laid out: rows, columns and the labels of values.

OCR reads a screen as boxes of text. On a form, a card or a table the label of a value is
not on the value's line: it is the column's header above it ("PID" over "5849"), the card's
caption above it ("Sunset" over "20:58"), or the first cell of its row ("Amount due" left of
"£183.68", "darktable" at the start of the process row). `arrange` turns a frame's OCR
boxes into cells in reading order (rows top to bottom, each left to right), each with its
row's text and, for a bare value, the label the layout gives it: the row's first cell and
the column's header, found by walking up the column through the values under it.

Pure geometry and the value shapes of memory/shapes.py; every number it uses is in LAYOUT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from memory.ocr_types import OcrLine
from memory.shapes import LABEL_ABOVE, LABEL_VALUE, span_shapes
from memory.text import words

LAYOUT = {
    # a box joins a row when its vertical centre lies inside the row's first box, shrunk
    # by this share of its height at top and bottom (boxes of one row overlap most of it)
    "row_inset": 0.2,
    # two boxes share a column when their horizontal overlap is at least this share of
    # the narrower one (left-aligned, centred or right-aligned cells of one column)
    "column_overlap": 0.3,
    # walking up a column stops at a vertical gap wider than this many line heights (a
    # new section of the screen, not the header of this one)
    "max_gap_lines": 2.5,
}


@dataclass(frozen=True)
class Cell:
    text: str
    row: str            # the texts of its row, left to right
    label: str = ""     # what the layout says this value is ("" for prose, labels)


def _bare_value(text: str) -> bool:
    """One short value with a shape of its own ("5849", "£183.68", "20:58", "Hall B"
    is not: a place name is a label-like text too)."""
    n = len(words(text))
    return 0 < n <= LABEL_ABOVE["max_value_words"] and bool(
        span_shapes(text) & set(LABEL_ABOVE["value_shapes"]))


def _label_like(text: str) -> bool:
    """A caption or header: a few words, no digits, not itself "Label: value"."""
    t = text.strip()
    n = len(words(t))
    return (0 < n <= LABEL_ABOVE["max_label_words"] and not any(ch.isdigit() for ch in t)
            and not LABEL_VALUE.match(t))


def _overlap(a: tuple, b: tuple) -> float:
    lo, hi = max(a[0], b[0]), min(a[2], b[2])
    narrow = max(min(a[2] - a[0], b[2] - b[0]), 1)
    return max(hi - lo, 0) / narrow


def _rows(lines: Sequence[OcrLine]) -> list[list[OcrLine]]:
    inset = LAYOUT["row_inset"]
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.box[1], ln.box[0])):
        mid = (ln.box[1] + ln.box[3]) / 2
        for row in rows:
            y0, y1 = row[0].box[1], row[0].box[3]
            pad = (y1 - y0) * inset
            if y0 + pad <= mid <= y1 - pad:
                row.append(ln)
                break
        else:
            rows.append([ln])
    for row in rows:
        row.sort(key=lambda ln: ln.box[0])
    return rows


def _header(at: int, cell: OcrLine, rows: list[list[OcrLine]], heads: list[bool]) -> str:
    """The label above a cell: walk up its column through the cells under the same label
    (values under a caption; cells of table rows under the table's header row); the first
    label-like box reached within the gap limit is its header."""
    in_table = len(rows[at]) > 1
    value = _bare_value(cell.text)
    below = cell
    for i in range(at - 1, -1, -1):
        above = next((ln for ln in rows[i] if _overlap(ln.box, cell.box)
                      >= LAYOUT["column_overlap"]), None)
        if above is None:
            continue
        height = max(below.box[3] - below.box[1], 1)
        if below.box[1] - above.box[3] > LAYOUT["max_gap_lines"] * height:
            return ""
        if heads[i] or (value and _label_like(above.text)):
            return above.text.strip()
        if not ((value and _bare_value(above.text)) or (in_table and len(rows[i]) > 1)):
            return ""
        below = above
    return ""


def arrange(lines: Sequence[OcrLine]) -> list[Cell]:
    """The boxes as cells in reading order, each with its row and its layout label."""
    boxed = [ln for ln in lines if ln.text.strip() and len(ln.box) == 4]
    rows = _rows(boxed)
    # a table's header row: several boxes side by side, every one a caption
    heads = [len(row) > 1 and all(_label_like(ln.text) for ln in row) for row in rows]
    out: list[Cell] = []
    for at, row in enumerate(rows):
        row_text = " ".join(ln.text.strip() for ln in row)
        first = row[0].text.strip()
        for ln in row:
            text = ln.text.strip()
            label = ""
            if not heads[at] and (_bare_value(text) or len(row) > 1):
                parts = [first] if ln is not row[0] and not _bare_value(first) else []
                header = _header(at, ln, rows, heads)
                if header and header not in parts:
                    parts.append(header)
                label = " ".join(parts)
            out.append(Cell(text, row_text, label))
    return out
