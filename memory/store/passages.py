"""How a kept frame becomes searchable docs (the unit of retrieval).

A frame's OCR text is cut into passages of a few lines, each prefixed with its window
(title and app), so that a hit points at a passage, not a whole screen, and an embedding
sees text short enough for the model's window. (A chat turn is one doc: see turns.py.)
"""

from __future__ import annotations

from memory.store.docs import NewDoc
from memory.store.frames import Frame

PASSAGE_WORDS = 60


def frame_passages(frame: Frame) -> list[str]:
    header = " - ".join(x for x in (frame.window_title, frame.app) if x)
    passages: list[list[str]] = []
    cur: list[str] = []
    words = 0
    for line in frame.ocr_lines:
        text = line.text.strip()
        if not text or (header and header in text and len(text) < len(header) + 16):
            continue  # the window's own title bar: already the passage header
        n = len(text.split())
        if cur and words + n > PASSAGE_WORDS:
            passages.append(cur)
            cur, words = [], 0
        cur.append(text)
        words += n
    if cur:
        passages.append(cur)
    if not passages:
        return [header] if header else []
    return [f"{header}\n" + "\n".join(p) if header else "\n".join(p) for p in passages]


def frame_docs(frame: Frame) -> list[NewDoc]:
    return [NewDoc(kind="frame", ref_id=frame.id, text=text, ts=frame.ts,
                   ts_epoch=frame.ts_epoch, app=frame.app, sources=list(frame.sources))
            for text in frame_passages(frame)]
