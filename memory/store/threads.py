"""Chat threads: the questions asked in the desktop app and their answers, kept in the store.

  chat_threads   one conversation: when it started, its title (the first question)
  chat_messages  one question and its answer in a thread: the question as typed and as asked
                 (after a follow-up's carry-over), the answer, whether it abstained, the
                 source keys it cited, what was searched (time range, apps) and the model

The tables are made by memory/store/migrations.m007_chat_threads. Both live in the store's
one database, so an encrypted history keeps them encrypted at rest
(SQLCipher) and `forget`/lock treat them as the rest of the history. Writes run inside
`db.atomic()`; user text only ever travels as parameters.

`ThreadRepo.recent_material()` reads what suggested questions are drawn from: the apps and
window titles of the user's recent days and the memories made from them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    id: int
    thread_id: int
    ts: str
    question: str                 # as typed
    asked: str                    # as asked (a follow-up with its subject and time)
    answer: str
    abstained: bool
    citations: list[str] = field(default_factory=list)
    searched: dict = field(default_factory=dict)   # {"start", "end", "apps", "phrase"}
    model: str = ""
    tier: str = ""


@dataclass(frozen=True)
class Thread:
    id: int
    started_at: str
    title: str
    messages: int = 0


@dataclass(frozen=True)
class Material:
    """What the user's recent days hold, for suggested questions."""

    kind: str        # "app" | "title" | "memory"
    text: str        # the app, the window title, or the memory's text
    day: dt.date     # the (local) day it is from
    weight: float    # frames seen (app, title) or the memory's importance
    detail: str = ""  # a memory's type; a title's app


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


class ThreadRepo:
    """Threads and their messages over the store's database (`Store.threads`)."""

    def __init__(self, db) -> None:
        self._db = db

    def start(self, title: str, *, at: dt.datetime | None = None) -> int:
        at = at or _now()
        with self._db.atomic():
            return self._db["chat_threads"].insert(
                {"started_at": at.isoformat(), "started_epoch": at.timestamp(),
                 "title": title.strip()[:200] or "Untitled"}).last_pk

    def add(self, thread_id: int, *, question: str, asked: str, answer: str, abstained: bool,
            citations: list[str], searched: dict, model: str = "", tier: str = "",
            at: dt.datetime | None = None) -> int:
        at = at or _now()
        with self._db.atomic():
            return self._db["chat_messages"].insert(
                {"thread_id": thread_id, "ts": at.isoformat(), "question": question,
                 "asked": asked, "answer": answer, "abstained": int(abstained),
                 "citations": json.dumps(list(citations)),
                 "searched": json.dumps(searched), "model": model, "tier": tier}).last_pk

    def threads(self, *, limit: int = 200) -> list[Thread]:
        """Newest first, with their message counts."""
        rows = self._db.execute(
            "SELECT t.id, t.started_at, t.title, count(m.id) FROM chat_threads t "
            "LEFT JOIN chat_messages m ON m.thread_id = t.id GROUP BY t.id "
            "ORDER BY t.started_epoch DESC, t.id DESC LIMIT ?", [limit]).fetchall()
        return [Thread(r[0], r[1], r[2], r[3]) for r in rows]

    def messages(self, thread_id: int) -> list[Message]:
        rows = self._db.execute(
            "SELECT id, thread_id, ts, question, asked, answer, abstained, citations, "
            "searched, model, tier FROM chat_messages WHERE thread_id = ? ORDER BY id",
            [thread_id]).fetchall()
        return [Message(r[0], r[1], r[2], r[3], r[4] or r[3], r[5] or "", bool(r[6]),
                        json.loads(r[7] or "[]"), json.loads(r[8] or "{}"), r[9] or "",
                        r[10] or "") for r in rows]

    def delete_message(self, message_id: int) -> None:
        with self._db.atomic():
            self._db.execute("DELETE FROM chat_messages WHERE id = ?", [message_id])

    def delete(self, thread_id: int) -> None:
        with self._db.atomic():
            self._db.execute("DELETE FROM chat_messages WHERE thread_id = ?", [thread_id])
            self._db.execute("DELETE FROM chat_threads WHERE id = ?", [thread_id])

    def recent_material(self, *, now: dt.datetime, days: int = 7,
                        limit: int = 12) -> list[Material]:
        """The most-seen apps and window titles of the last `days` days before `now`, and
        the most important memories of then."""
        start = (now - dt.timedelta(days=days)).timestamp()
        end = now.timestamp()
        out: list[Material] = []
        rows = self._db.execute(
            "SELECT app, max(ts_epoch), count(*) AS n FROM frames WHERE ts_epoch BETWEEN ? "
            "AND ? AND app != '' GROUP BY app ORDER BY n DESC LIMIT ?",
            [start, end, limit]).fetchall()
        out += [Material("app", r[0], _day(r[1]), float(r[2])) for r in rows]
        rows = self._db.execute(
            "SELECT window_title, app, max(ts_epoch), count(*) AS n FROM frames "
            "WHERE ts_epoch BETWEEN ? AND ? AND window_title != '' GROUP BY window_title "
            "ORDER BY n DESC LIMIT ?", [start, end, limit]).fetchall()
        out += [Material("title", r[0], _day(r[2]), float(r[3]), r[1] or "") for r in rows]
        rows = self._db.execute(
            "SELECT type, text, coalesce(occurred_epoch, 0), importance FROM memories "
            "WHERE status = 'active' AND sensitive = 0 AND type IN ('episodic', 'semantic', "
            "'resource', 'procedural') AND (occurred_epoch IS NULL OR occurred_epoch "
            "BETWEEN ? AND ?) ORDER BY importance DESC, id DESC LIMIT ?",
            [start, end, limit]).fetchall()
        out += [Material("memory", r[1], _day(r[2] or end), float(r[3] or 0), r[0])
                for r in rows]
        return out


def _day(epoch: float) -> dt.date:
    return dt.datetime.fromtimestamp(epoch).astimezone().date()
