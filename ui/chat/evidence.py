"""An answer's evidence: the moments it cites, read on the store pool, and their cards.

An answer cites source keys (`memory.api.Moment`, memory/store/sources.py): a frame, a chat turn, or through a
memory the frames and turns it was made from. `read_citations` resolves them, one moment per
card: a frame's with its thumbnail, app, time and the line that answered (the OCR line the
viewer will box); a turn's with its speaker, time and line. A click on a frame's card opens
it in the timeline with the answer marked. A key that resolves to nothing is a bug: the
panel logs it (keys only) and it gets no card.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QToolButton

from memory.reader import content_words, stem
from memory.timefmt import parse_iso
from ui.timeline.images import THUMB, decode_frame
from ui.timeline.viewer import Highlight

log = logging.getLogger(__name__)
MAX_CHIPS = 8          # moments shown under an answer; the timeline has the rest
LINE_CHARS = 44        # the answering line on a card (the tooltip has it whole)
CHIP_ICON = QSize(96, 60)


@dataclass(frozen=True)
class Cited:
    """One cited moment, read for its card."""

    kind: str                   # "frame" | "turn"
    id: int                     # frames.id or turns.id
    sources: tuple[str, ...]    # the citation keys that name it
    ts: str
    app: str = ""
    title: str = ""
    speaker: str = ""
    text: str = ""
    thumb: QImage | None = None  # a frame's thumbnail (None: its image is gone)
    line: str = ""              # the line that answered (a frame's marked OCR line)


def read_citations(store, citations: list[str], highlight: Highlight | None = None, *,
                   limit: int = MAX_CHIPS) -> tuple[list[Cited], list[str]]:
    """Store-pool job: the moments `citations` name, in citation order, one per moment
    (an alias and a canonical key of one frame are one card), each frame with its
    thumbnail and the line `highlight` marks on it; and the keys that name nothing."""
    with store.errors():
        found = store.resolve(citations)
    missing = [c for c in dict.fromkeys(citations) if c not in found]
    keys: dict[tuple[str, int], list[str]] = {}
    for c in citations:
        m = found.get(c)
        if m is not None:
            keys.setdefault((m.kind, m.id), []).append(c)
    out = []
    for (kind, mid), srcs in list(keys.items())[:limit]:
        m = found[srcs[0]]
        thumb, line = None, m.text if kind == "turn" else ""
        if kind == "frame":
            with store.errors():
                frame = store.frames.get(mid)
            marked = highlight.lines(frame.ocr_lines) if highlight is not None else []
            line = answering_line(marked, highlight)
            try:
                thumb = decode_frame(store.frames, frame, THUMB)[1]
            except Exception as e:  # a missing image still leaves the moment and its text
                log.info("no thumbnail for frame %d: %s", mid, type(e).__name__)
        out.append(Cited(kind=kind, id=mid, sources=tuple(dict.fromkeys(srcs)), ts=m.ts,
                         app=m.app, title=m.title, speaker=m.speaker, text=m.text,
                         thumb=thumb, line=" ".join(line.split())))
    return out, missing


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def answering_line(marked: list, highlight: Highlight | None) -> str:
    """Of the lines marked on a frame, the one that answered: most of what the answer adds
    to the question (its value), then most of the answer's words; the first on a tie."""
    if not marked:
        return ""
    answer = _stems(highlight.answer)
    adds = answer - _stems(highlight.question)
    best = max(marked, key=lambda l: (len(adds & _stems(l.text)),
                                      len(answer & _stems(l.text))))
    return best.text


def when(ts: str) -> str:
    """'17 Feb 09:31' in local time; an unreadable time as it is."""
    try:
        t = parse_iso(ts, naive="keep")
    except ValueError:
        return ts
    return (t.astimezone() if t.tzinfo else t).strftime("%d %b %H:%M")


def _short(s: str, n: int = LINE_CHARS) -> str:
    return s if len(s) <= n else s[:n - 1] + "…"


def frame_card(c: Cited) -> QToolButton:
    """A cited screen: thumbnail, app, time and the line that answered. The caller connects
    its click (it opens the frame)."""
    b = QToolButton()
    b.setObjectName("citation_frame")
    b.setProperty("frame_id", c.id)
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    text = f"{c.app or 'Screen'}\n{when(c.ts)}"
    if c.line:
        text += f"\n“{_short(c.line)}”"
    b.setText(text)
    if c.thumb is not None:
        b.setIcon(QIcon(QPixmap.fromImage(c.thumb)))   # QPixmap only here, on the GUI thread
        b.setIconSize(CHIP_ICON)
    b.setAccessibleName(f"Cited screen: {c.app or 'unknown app'}, {when(c.ts)}")
    b.setToolTip(f"{c.title or c.app}\n{c.line}\nOpen this moment in the timeline".replace(
        "\n\n", "\n"))
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


def turn_card(c: Cited) -> QToolButton:
    line = " ".join(c.text.split())
    b = QToolButton()
    b.setObjectName("citation_turn")
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    b.setText(f"{c.speaker or 'Chat'} · {when(c.ts)}\n{_short(line, 2 * LINE_CHARS)}")
    b.setAccessibleName(f"Cited chat turn: {c.speaker}, {when(c.ts)}")
    b.setToolTip(f"{c.speaker}: {line}" if c.speaker else line)
    return b
