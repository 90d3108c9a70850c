"""Chat turns: their rows, the docs they are searched by, and how a turn reads in context.

A turn is one doc (kind "turn"), written "Speaker: text" (a shared photo's caption appended)
with its date in front; its context, indexed apart (docs.context, docs_context_fts) and
embedded with it, is the turns just before and after it in its session: an answer rarely
repeats the question it answers ("5 years already!"), and a question's words are in the turn
before. Adjacency is the turn ids' order within one sample and session (an import writes a
session's turns in order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from memory.store.docs import DocIndex, NewDoc
from memory.store.sql import in_list, inserted_id


@dataclass(frozen=True)
class Turn:
    """One chat turn to store (an importer's output)."""

    source: str          # '<sample_id>:<dia_id>', its source key
    sample_id: str
    dia_id: str
    session: int
    speaker: str
    text: str
    caption: str
    ts: dt.datetime | None


@dataclass(frozen=True)
class StoredTurn:
    """A stored chat turn, as the memory pipeline reads it."""

    id: int
    source: str
    sample_id: str
    session: int
    speaker: str
    text: str
    ts: str
    ts_epoch: float


def speaker_line(speaker: str, text: str, caption: str = "") -> str:
    body = text.strip()
    if caption and caption.strip():
        body = f"{body} [shared a photo: {caption.strip()}]".strip()
    return f"{speaker}: {body}" if speaker else body


def turn_text(t: Turn) -> str:
    return speaker_line(t.speaker, t.text, t.caption)


def with_neighbours(texts: Sequence[str], sessions: Sequence) -> list[tuple[str, str]]:
    """(context, embed text) of each of a list of chat turns in order, `sessions[j]` naming
    turn j's session: the turns before and after it in that session. Both retrievers see
    a turn with its neighbours (BM25 at half weight)."""
    out = []
    for j, text in enumerate(texts):
        prev, nxt = (texts[i] if 0 <= i < len(texts) and sessions[i] == sessions[j] else ""
                     for i in (j - 1, j + 1))
        out.append(("\n".join(x for x in (prev, nxt) if x),
                    "\n".join(x for x in (prev, text, nxt) if x)))
    return out


class TurnRepo:
    def __init__(self, db: sqlite_utils.Database, docs: DocIndex) -> None:
        self._db = db
        self._docs = docs

    # -- writing -----------------------------------------------------------------------
    def add_session(self, turns: Sequence[Turn]) -> tuple[int, int]:
        """Store the turns of one sample, in order, each with its doc and context, in one
        transaction; returns (added, already stored). A turn stored before keeps its row and
        doc, and its context grows when it gains a neighbour (a session continued)."""
        texts = [turn_text(t) for t in turns]
        around = with_neighbours(texts, [t.session for t in turns])
        new_docs, added, already = [], 0, 0
        with self._db.atomic():
            for t, text, (context, embed_text) in zip(turns, texts, around):
                if self._db.execute("SELECT 1 FROM turns WHERE source = ?",
                                    [t.source]).fetchone():
                    already += 1
                    self._db.execute(
                        "UPDATE docs SET context = ?, embed_text = ?, embedded = 0 "
                        "WHERE kind = 'turn' AND ref_id = (SELECT id FROM turns WHERE source = ?) "
                        "AND length(?) > length(coalesce(context, ''))",
                        [context, embed_text, t.source, context])
                    continue
                turn_id = inserted_id(self._db.table("turns").insert({
                    "source": t.source, "sample_id": t.sample_id, "dia_id": t.dia_id,
                    "session": t.session, "speaker": t.speaker, "text": t.text,
                    "caption": t.caption, "ts": t.ts.isoformat() if t.ts else None,
                    "ts_epoch": t.ts.timestamp() if t.ts else None}))
                when = f"[{t.ts:%d %B %Y}] " if t.ts else ""
                new_docs.append(NewDoc(
                    kind="turn", ref_id=turn_id, text=f"{when}{text}",
                    ts=t.ts.isoformat() if t.ts else None,
                    ts_epoch=t.ts.timestamp() if t.ts else None, app="chat",
                    sources=[t.source], embed_text=embed_text, context=context))
                added += 1
            self._docs.add(new_docs)
        return added, already

    # -- reading -----------------------------------------------------------------------
    def last_id(self) -> int | None:
        """The newest turn's id (None: no turns): changes whenever turns are added."""
        return self._db.execute("SELECT MAX(id) FROM turns").fetchone()[0]

    def unprocessed(self) -> list[StoredTurn]:
        """The turns the memory pipeline has not taken yet, by chat, session and order."""
        return [StoredTurn(id=r["id"], source=r["source"], sample_id=r["sample_id"],
                           session=r["session"], speaker=r["speaker"] or "", text=r["text"],
                           ts=r["ts"] or "", ts_epoch=r["ts_epoch"] or 0.0)
                for r in self._db.query(
                    "SELECT * FROM turns t WHERE NOT EXISTS (SELECT 1 FROM "
                    "processed_observations p WHERE p.ref = 'turn:' || t.id) "
                    "ORDER BY t.sample_id, t.session, t.id")]

    def speakers(self) -> set[str]:
        """Everyone who speaks in the imported chats."""
        return {r[0] for r in self._db.execute(
            "SELECT DISTINCT speaker FROM turns WHERE speaker != ''")}

    def spoken_by(self, doc_ids: Sequence[int], speaker: str) -> set[int]:
        """Those of the docs `doc_ids` that are chat turns spoken by `speaker`."""
        if not doc_ids:
            return set()
        return {r[0] for r in self._db.execute(
            "SELECT docs.id FROM docs JOIN turns ON turns.id = docs.ref_id "
            f"WHERE docs.kind = 'turn' AND docs.id IN {in_list(doc_ids)} "
            "AND turns.speaker = ?", [*doc_ids, speaker])}

    def replies(self, doc_ids: Sequence[int]) -> dict[int, int]:
        """For each of the docs `doc_ids` that is a chat turn asking something (a "?" in it),
        the doc of the next turn of the same session: the reply, where its answer is."""
        return {q: r for q, r, _text in self._question_pairs(doc_ids, side="d1")}

    def asked_before(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """For each of the docs `doc_ids` that is a chat turn replying to a question (the
        turn before it in its session has a "?"), that question's text: the reply's words
        rarely repeat what was asked."""
        return {r: text for _q, r, text in self._question_pairs(doc_ids, side="d2")}

    def _question_pairs(self, doc_ids: Sequence[int], *,
                        side: str) -> list[tuple[int, int, str]]:
        """(question doc, reply doc, question text) of the chat turns with a "?" and the
        next turn of their session, where the question (side "d1") or the reply ("d2") is
        among `doc_ids`."""
        if not doc_ids:
            return []
        return self._db.execute(
            "SELECT d1.id, d2.id, d1.text FROM docs d1 "
            "JOIN turns t1 ON t1.id = d1.ref_id "
            "JOIN turns t2 ON t2.id = t1.id + 1 AND t2.sample_id IS t1.sample_id "
            "AND t2.session IS t1.session "
            "JOIN docs d2 ON d2.kind = 'turn' AND d2.ref_id = t2.id "
            f"WHERE d1.kind = 'turn' AND {side}.id IN {in_list(doc_ids)} "
            "AND instr(t1.text, '?') > 0", list(doc_ids)).fetchall()
