"""Import a chat history in LoCoMo format.

A file is a list of samples `{"sample_id", "conversation", "qa"}` (a single sample object
is taken too). `conversation` has `session_N_date_time` ("7:40 pm on 21 January, 2025")
and `session_N` (turns `{"speaker", "dia_id", "text", "img_url"?, "blip_caption"?}`).
Real files carry image turns, integer answers and malformed evidence ids: nothing of that
makes an import fail; a turn that cannot be read is reported and skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from memory.errors import ImportProblem
from memory.store.docs import NewDoc
from memory.store.store import Store

log = logging.getLogger(__name__)

_SESSION = re.compile(r"^session_(\d+)$")
TURN_SPACING_S = 30  # turns of a session get distinct, ordered times


@dataclass
class ChatImportReport:
    samples: int = 0
    turns: int = 0
    already: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"samples": self.samples, "turns": self.turns, "already_imported": self.already,
                "problems": self.problems}


@dataclass(frozen=True)
class Turn:
    source: str
    sample_id: str
    dia_id: str
    session: int
    speaker: str
    text: str
    caption: str
    ts: dt.datetime | None


def parse_session_time(value: Any) -> dt.datetime | None:
    """'7:40 pm on 21 January, 2025' (LoCoMo) or ISO 8601 → a local datetime, else None."""
    if not isinstance(value, str):
        return None
    s = " ".join(value.replace(",", " ").split())
    for fmt in ("%I:%M %p on %d %B %Y", "%I:%M %p on %d %b %Y", "%H:%M on %d %B %Y",
                "%d %B %Y", "%B %d %Y"):
        try:
            return dt.datetime.strptime(s, fmt).astimezone()
        except ValueError:
            continue
    try:
        ts = dt.datetime.fromisoformat(value)
        return ts if ts.tzinfo else ts.astimezone()
    except ValueError:
        return None


def load_samples(path: Path) -> list[dict]:
    try:
        raw = Path(path).read_text("utf-8", errors="replace")
    except OSError as e:
        raise ImportProblem(f"Cannot read {path}: {e.strerror or e}.") from e
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ImportProblem(f"{path}:{e.lineno}: not valid JSON ({e.msg}).") from e
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportProblem(f"{path}: expected a list of LoCoMo samples.")
    return data


def iter_turns(sample: Any, index: int, path: Path, problems: list[str]) -> Iterator[Turn]:
    if not isinstance(sample, dict) or not isinstance(sample.get("conversation"), dict):
        problems.append(f"{path}: sample #{index} has no 'conversation' object; skipped.")
        return
    sample_id = str(sample.get("sample_id") or f"sample-{index}")
    conv = sample["conversation"]
    sessions = sorted((int(m.group(1)), k) for k in conv if (m := _SESSION.match(k)))
    for num, key in sessions:
        turns = conv[key]
        if not isinstance(turns, list):
            problems.append(f"{path}: {sample_id} {key} is not a list of turns; skipped.")
            continue
        start = parse_session_time(conv.get(f"{key}_date_time"))
        for j, t in enumerate(turns):
            if not isinstance(t, dict):
                problems.append(f"{path}: {sample_id} {key} turn {j + 1} is not an object.")
                continue
            text = t.get("text")
            text = text if isinstance(text, str) else ("" if text is None else str(text))
            caption = t.get("blip_caption") or ""
            caption = caption if isinstance(caption, str) else str(caption)
            dia_id = t.get("dia_id")
            if not isinstance(dia_id, str) or not dia_id.strip():
                dia_id = f"D{num}:{j + 1}"
            if not text.strip() and not caption.strip():
                problems.append(f"{path}: {sample_id} {dia_id} has no text; skipped.")
                continue
            try:
                ts = start + dt.timedelta(seconds=TURN_SPACING_S * j) if start else None
                if ts:
                    ts.timestamp()  # some platforms overflow only here
            except (OverflowError, OSError, ValueError):
                ts = None  # an impossible session date: keep the turn, undated
            yield Turn(source=f"{sample_id}:{dia_id.strip()}", sample_id=sample_id,
                       dia_id=dia_id.strip(), session=num, speaker=str(t.get("speaker") or ""),
                       text=text, caption=caption, ts=ts)


def turn_text(t: Turn) -> str:
    return speaker_line(t.speaker, t.text, t.caption)


def speaker_line(speaker: str, text: str, caption: str = "") -> str:
    body = text.strip()
    if caption and caption.strip():
        body = f"{body} [shared a photo: {caption.strip()}]".strip()
    return f"{speaker}: {body}" if speaker else body


def with_neighbours(texts: Sequence[str], sessions: Sequence) -> list[tuple[str, str]]:
    """(context, embed text) of each of a list of chat turns in order, `sessions[j]` naming
    turn j's session: the turns before and after it in that session. An answer rarely
    repeats the question it answers, and a question's words are in the turn before; both
    retrievers see a turn with its neighbours (BM25 at half weight)."""
    out = []
    for j, text in enumerate(texts):
        prev, nxt = (texts[i] if 0 <= i < len(texts) and sessions[i] == sessions[j] else ""
                     for i in (j - 1, j + 1))
        out.append(("\n".join(x for x in (prev, nxt) if x),
                    "\n".join(x for x in (prev, text, nxt) if x)))
    return out


def import_chat(path: Path, *, store: Store, sample: str | None = None) -> ChatImportReport:
    report = ChatImportReport()
    samples = load_samples(Path(path))
    for i, s in enumerate(samples):
        if sample and isinstance(s, dict) and str(s.get("sample_id")) != sample:
            continue
        report.samples += 1
        turns = list(iter_turns(s, i, Path(path), report.problems))
        texts = [turn_text(t) for t in turns]
        around = with_neighbours(texts, [t.session for t in turns])
        new_docs = []
        with store.errors(), store.db.atomic():
            for t, text, (context, embed_text) in zip(turns, texts, around):
                if store.db.execute("SELECT 1 FROM turns WHERE source = ?", [t.source]).fetchone():
                    report.already += 1
                    # A turn imported before may gain a neighbour now (a session continued).
                    store.db.execute(
                        "UPDATE docs SET context = ?, embed_text = ?, embedded = 0 "
                        "WHERE kind = 'turn' AND ref_id = (SELECT id FROM turns WHERE source = ?) "
                        "AND length(?) > length(coalesce(context, ''))",
                        [context, embed_text, t.source, context])
                    continue
                turn_id = store.db["turns"].insert({
                    "source": t.source, "sample_id": t.sample_id, "dia_id": t.dia_id,
                    "session": t.session, "speaker": t.speaker, "text": t.text,
                    "caption": t.caption, "ts": t.ts.isoformat() if t.ts else None,
                    "ts_epoch": t.ts.timestamp() if t.ts else None}).last_pk
                when = f"[{t.ts:%d %B %Y}] " if t.ts else ""
                new_docs.append(NewDoc(
                    kind="turn", ref_id=turn_id, text=f"{when}{text}",
                    ts=t.ts.isoformat() if t.ts else None,
                    ts_epoch=t.ts.timestamp() if t.ts else None, app="chat",
                    sources=[t.source], embed_text=embed_text, context=context))
                report.turns += 1
            store.docs.add(new_docs)
    if sample and report.samples == 0:
        raise ImportProblem(f"{path}: no sample with id {sample!r}.")
    with store.errors():
        store.docs.embed_pending()
    return report
