"""Source keys: the one identity of a moment, and what each key points at.

Every kept frame has the canonical key `frame:<id>`; an imported screenshot's manifest `file`
(and every near-duplicate merged into it) is an alias of the same frame, kept in
`frame_sources`. A chat turn is `<sample_id>:<dia_id>` (its `turns.source`), or `turn:<id>`.
Search hits, citations, memory provenance, export and `forget` all speak in these keys, and
`resolve()` is the one place that turns a key back into the moment it names: a key that does
not resolve is a bug (or a moment the user forgot), never a label to show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from memory.store.sql import chunks, in_list

FRAME_PREFIX = "frame:"
TURN_PREFIX = "turn:"
_CANONICAL = re.compile(r"^(frame|turn):(\d{1,18})$")


def frame_key(frame_id: int) -> str:
    return f"{FRAME_PREFIX}{int(frame_id)}"


def canonical(source: str) -> tuple[str, int] | None:
    """('frame', 12) for 'frame:12', ('turn', 7) for 'turn:7', None for an alias."""
    m = _CANONICAL.match(source)
    return (m.group(1), int(m.group(2))) if m else None


@dataclass(frozen=True)
class Moment:
    """What a source key points at: a kept frame or a chat turn."""

    source: str
    kind: str            # "frame" | "turn"
    id: int              # frames.id or turns.id
    ts: str
    app: str = ""
    title: str = ""      # a frame's window title
    speaker: str = ""    # a turn's speaker
    text: str = ""       # a turn's text (a frame's text is read from the frame itself)

    @property
    def frame_id(self) -> int | None:
        return self.id if self.kind == "frame" else None


def _turn(source: str, tid: int, ts: str | None, speaker: str | None,
          text: str | None) -> Moment:
    return Moment(source=source, kind="turn", id=tid, ts=ts or "", app="chat",
                  speaker=speaker or "", text=text or "")


def resolve(db: sqlite_utils.Database, sources: Iterable[str]) -> dict[str, Moment]:
    """Each key that names a stored moment, mapped to it; keys that name nothing are absent."""
    wanted = list(dict.fromkeys(s for s in sources if s))
    out: dict[str, Moment] = {}
    frame_ids: dict[int, list[str]] = {}
    turn_ids: dict[int, list[str]] = {}
    aliases = []
    for s in wanted:
        c = canonical(s)
        if c is None:
            aliases.append(s)
        else:
            (frame_ids if c[0] == "frame" else turn_ids).setdefault(c[1], []).append(s)
    for part in chunks(aliases):
        for source, fid in db.execute(
                f"SELECT source, frame_id FROM frame_sources WHERE source IN {in_list(part)}",
                part).fetchall():
            frame_ids.setdefault(fid, []).append(source)
        for source, *turn in db.execute(
                "SELECT source, id, ts, speaker, text FROM turns "
                f"WHERE source IN {in_list(part)}", part).fetchall():
            out[source] = _turn(source, *turn)
    for id_part in chunks(list(frame_ids)):
        for fid, ts, app, title in db.execute(
                f"SELECT id, ts, app, window_title FROM frames WHERE id IN {in_list(id_part)}",
                id_part).fetchall():
            for s in frame_ids[fid]:
                out[s] = Moment(source=s, kind="frame", id=fid, ts=ts or "", app=app or "",
                                title=title or "")
    for id_part in chunks(list(turn_ids)):
        for turn in db.execute(
                f"SELECT id, ts, speaker, text FROM turns WHERE id IN {in_list(id_part)}",
                id_part).fetchall():
            for s in turn_ids[turn[0]]:
                out[s] = _turn(s, *turn)
    return out


def frame_sources(db: sqlite_utils.Database, frame_ids: Iterable[int]) -> dict[int, list[str]]:
    """The keys a search hit or citation shows for each frame: its manifest aliases when it
    was imported (the eval contract), else its canonical key."""
    ids = list(dict.fromkeys(int(i) for i in frame_ids))
    out: dict[int, list[str]] = {i: [] for i in ids}
    for part in chunks(ids):
        for fid, source in db.execute(
                f"SELECT frame_id, source FROM frame_sources WHERE frame_id IN "
                f"{in_list(part)} ORDER BY ts, source", part).fetchall():
            out[fid].append(source)
    return {i: s or [frame_key(i)] for i, s in out.items()}
