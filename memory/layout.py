"""A screen's text as laid out: rows, columns and the labels of values.

OCR reads a screen as boxes of text. On a form, a card or a table the label of a value is
not on the value's line: it is the column's header above it ("PID" over "5849"), the card's
caption above it ("Sunset" over "20:58"), or the first cell of its row ("Amount due" left of
"£183.68", "darktable" at the start of the process row). `arrange` turns a frame's OCR
boxes into cells in reading order (rows top to bottom, each left to right), each with its
row's text and, for a bare value, the label the layout gives it: the row's first cell and
the column's header, found by walking up the column through the values under it. A short
line of its own under a lead-in ("Yours sincerely," over a name) takes it as its label. A
sentence OCR wrapped onto several boxes is one paragraph, each box's row the sentence it is
part of, never joined to the boxes level with it in another pane (a messages panel beside a
news page).

Pure geometry and the value shapes of memory/shapes.py; every number it uses is in LAYOUT.
"""

from __future__ import annotations

import re
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
    # the narrower one (left-aligned, centred or right-aligned cells of one column) and the
    # centre of one lies over the other (a heading over the label column, "Wedding costs"
    # over "Rent", that only reaches into the values beside it is not their header)
    "column_overlap": 0.3,
    # walking up a column stops at a vertical gap wider than this many line heights (a
    # new section of the screen, not the header of this one)
    "max_gap_lines": 2.5,
    # A line of prose wrapped onto the next box ("Your parcel ... will arrive today" /
    # "between 13:20 and 15:20."): the box below starts within `para_indent_lines` line
    # heights of the same left edge, at most `para_gap_lines` below (or overlapping it by
    # at most `para_overlap_lines`: OCR boxes of tight lines overlap), its height within
    # `para_height_ratio` of the one above, which holds at least `para_min_words` words
    # and does not end a sentence (PARA_END), and the box below goes on with a lower-case
    # word or a number (a table's next cell starts anew: "Closing remarks"). Such boxes are
    # read as one paragraph, not as cells of the rows beside them (a side panel, the next
    # column of a page); each box's row is the sentence(s) it holds a part of.
    "para_indent_lines": 0.5,
    "para_gap_lines": 0.5,
    "para_overlap_lines": 0.5,
    "para_height_ratio": 0.75,
    "para_min_words": 4,
    # A list of items of two or three lines each (a print queue's document over "Esther
    # Ishikawa, 71 pages, sent 14:06", a mail list's sender over its subject): boxes
    # stacked at one left edge (within `para_indent_lines` line heights, each within
    # `max_gap_lines` of the one above) whose gaps fall in two kinds, their means at least
    # `item_contrast_lines` line heights apart. The stack is cut at the wide gaps; runs
    # of 2..`item_max_lines` boxes are items when at least `item_min_repeats` runs of one
    # length repeat (a list, not a form's sections).
    "item_contrast_lines": 0.3,
    "item_max_lines": 3,
    "item_min_repeats": 2,
}
# The marks that end a sentence, or a line that leads in to what follows: no wrap after them.
PARA_END = ".!?:"


@dataclass(frozen=True)
class Cell:
    text: str
    row: str            # the texts of its row, left to right
    label: str = ""     # what the layout says this value is ("" for prose, labels)
    item: str = ""      # the lines of the list item it is part of, one a line ("": none)


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


def _same_column(a: tuple, b: tuple) -> bool:
    centre = lambda box, over: over[0] <= (box[0] + box[2]) / 2 <= over[2]  # noqa: E731
    return _overlap(a, b) >= LAYOUT["column_overlap"] and (centre(a, b) or centre(b, a))


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
        above = next((ln for ln in rows[i] if _same_column(ln.box, below.box)), None)
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


def _wraps_onto(a: OcrLine, b: OcrLine) -> bool:
    """Box `b` continues the sentence of box `a` on the next line (LAYOUT "para_*")."""
    ha, hb = a.box[3] - a.box[1], b.box[3] - b.box[1]
    h = max(ha, hb, 1)
    text = a.text.strip()
    return (abs(a.box[0] - b.box[0]) <= LAYOUT["para_indent_lines"] * h
            and -LAYOUT["para_overlap_lines"] * h <= b.box[1] - a.box[3]
            <= LAYOUT["para_gap_lines"] * h
            and min(ha, hb) >= LAYOUT["para_height_ratio"] * h
            and len(words(text)) >= LAYOUT["para_min_words"]
            and not text.endswith(tuple(PARA_END))
            and bool(_GOES_ON.match(b.text.strip())))


_GOES_ON = re.compile(r"[a-z0-9]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences_of(parts: list[str]) -> list[str]:
    """For each part of a paragraph, the sentence(s) of the paragraph it holds text of."""
    text = " ".join(parts)
    cuts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
    out, at = [], 0
    for part in parts:
        lo, hi = at, at + len(part)
        out.append(" ".join(text[a:b].strip() for a, b in zip(cuts, cuts[1:])
                            if a < hi and b > lo))
        at = hi + 1
    return out


def _paragraphs(lines: Sequence[OcrLine], in_rows: set[int]) -> dict[int, str]:
    """The sentence(s) of its paragraph each wrapped box holds part of, by the box's index
    (boxes of one line alone are not in the map). Of two boxes that each share their row
    with other boxes (`in_rows`, by index: a table's cells, or two panes of prose side by
    side) the lower one goes on a sentence only with a lower-case word ("with a final
    decision ..."), not with a number: "3D printing at home" under "Running ML on the edge"
    is the next row of a table."""
    below: dict[int, int] = {}
    taken: set[int] = set()
    order = sorted(range(len(lines)), key=lambda i: (lines[i].box[1], lines[i].box[0]))
    for n, i in enumerate(order):
        for j in order[n + 1:]:
            if i in in_rows and j in in_rows and not lines[j].text.strip()[:1].islower():
                continue
            if j not in taken and _wraps_onto(lines[i], lines[j]):
                below[i] = j
                taken.add(j)
                break
    out: dict[int, str] = {}
    for i in order:
        if i in taken or i not in below:
            continue
        chain = [i]
        while chain[-1] in below:
            chain.append(below[chain[-1]])
        parts = [lines[k].text.strip() for k in chain]
        out.update(dict(zip(chain, _sentences_of(parts))))
    return out


def _stacks(boxes: Sequence[OcrLine]) -> list[list[OcrLine]]:
    """Chains of boxes standing one under the other at one left edge, each within the gap
    limit of the one above (a list's lines, a column of a table, a form's labels)."""
    order = sorted(boxes, key=lambda ln: (ln.box[1], ln.box[0]))
    below: dict[int, OcrLine] = {}
    taken: set[int] = set()
    for n, a in enumerate(order):
        h = max(a.box[3] - a.box[1], 1)
        mid = (a.box[1] + a.box[3]) / 2
        for b in order[n + 1:]:
            if b.box[1] - a.box[3] > LAYOUT["max_gap_lines"] * h:
                break
            if (b.box[1] > mid and id(b) not in taken
                    and abs(b.box[0] - a.box[0]) <= LAYOUT["para_indent_lines"] * h):
                below[id(a)] = b
                taken.add(id(b))
                break
    chains = []
    for a in order:
        if id(a) in taken or id(a) not in below:
            continue
        chain = [a]
        while id(chain[-1]) in below:
            chain.append(below[id(chain[-1])])
        chains.append(chain)
    return chains


def _two_kinds(gaps: list[float]) -> float | None:
    """The gap between the narrow kind and the wide kind (the split of the sorted gaps with
    the least spread within each side), or None when the two kinds' means are closer than
    LAYOUT "item_contrast_lines" (one kind: the even lines of a form, a menu)."""
    if len(gaps) < 3:
        return None
    g = sorted(gaps)
    spread = lambda xs: sum((x - sum(xs) / len(xs)) ** 2 for x in xs)  # noqa: E731
    k = min(range(1, len(g)), key=lambda k: spread(g[:k]) + spread(g[k:]))
    lo, hi = g[:k], g[k:]
    if sum(hi) / len(hi) - sum(lo) / len(lo) < LAYOUT["item_contrast_lines"]:
        return None
    return lo[-1]


def _list_runs(chain: list[OcrLine]) -> list[list[OcrLine]] | None:
    """A stack cut into its list items (LAYOUT "item_*"), or None when it is no list."""
    h = max(min(b.box[3] - b.box[1] for b in chain), 1)
    gaps = [(b.box[1] - a.box[3]) / h for a, b in zip(chain, chain[1:])]
    cut = _two_kinds(gaps)
    if cut is None:
        return None
    runs: list[list[OcrLine]] = [[chain[0]]]
    for g, ln in zip(gaps, chain[1:]):
        if g > cut:           # a wide gap: the next item starts
            runs.append([])
        runs[-1].append(ln)
    sizes = [len(r) for r in runs if 2 <= len(r) <= LAYOUT["item_max_lines"]]
    if not sizes or max(sizes.count(n) for n in sizes) < LAYOUT["item_min_repeats"]:
        return None
    return runs


def _items(boxes: Sequence[OcrLine]) -> dict[int, str]:
    """By box id: the list item it is part of (the item's lines, one a line)."""
    out: dict[int, str] = {}
    for chain in _stacks(boxes):
        for run in _list_runs(chain) or []:
            if 2 <= len(run) <= LAYOUT["item_max_lines"]:
                out.update(dict.fromkeys(map(id, run), "\n".join(ln.text.strip() for ln in run)))
    return out


def arrange(lines: Sequence[OcrLine]) -> list[Cell]:
    """The boxes as cells in reading order, each with its row, its layout label and the
    list item it is part of. A box of a wrapped paragraph has its sentence(s) as its row
    and no label."""
    boxed = [ln for ln in lines if ln.text.strip() and len(ln.box) == 4]
    rows = _rows(boxed)
    shared = {id(ln) for row in rows if len(row) > 1 for ln in row}
    para = {id(boxed[i]): text for i, text in _paragraphs(
        boxed, {i for i, ln in enumerate(boxed) if id(ln) in shared}).items()}
    items = _items(boxed)
    # a table's header row: several boxes side by side, every one a caption
    heads = [len(row) > 1 and all(_label_like(ln.text) for ln in row) for row in rows]
    out: list[Cell] = []
    for at, row in enumerate(rows):
        if any(id(ln) in para for ln in row):
            for ln in row:
                if id(ln) in para:
                    out.append(Cell(ln.text.strip(), para[id(ln)], "", items.get(id(ln), "")))
            row = [ln for ln in row if id(ln) not in para]
            if not row:
                continue
            heads[at] = len(row) > 1 and all(_label_like(ln.text) for ln in row)
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
            elif len(row) == 1 and not heads[at]:
                label = _lead_in(at, ln, rows)
            out.append(Cell(text, row_text, label, items.get(id(ln), "")))
    return out


def _lead_in(at: int, cell: OcrLine, rows: list[list[OcrLine]]) -> str:
    """The box right above a short line of its own, when it reads as a lead-in to it: a
    few words ending with a colon or a comma (LABEL_ABOVE "lead_in": "Yours sincerely," over
    the name that signs a letter, "Deliver to:" over a name)."""
    if not 0 < len(words(cell.text)) <= LABEL_ABOVE["max_value_words"]:
        return ""
    for i in range(at - 1, -1, -1):
        above = next((ln for ln in rows[i] if _same_column(ln.box, cell.box)), None)
        if above is None:
            continue
        height = max(cell.box[3] - cell.box[1], 1)
        text = above.text.strip()
        near = cell.box[1] - above.box[3] <= LAYOUT["max_gap_lines"] * height
        return text if near and _label_like(text) and text.endswith(
            tuple(LABEL_ABOVE["lead_in"])) else ""
    return ""
