"""Import a chat history in LoCoMo format.

A file is a list of samples `{"sample_id", "conversation", "qa"}` (a single sample object
is taken too). `conversation` has `session_N_date_time` ("7:40 pm on 21 January, 2025")
and `session_N` (turns `{"speaker", "dia_id", "text", "img_url"?, "blip_caption"?}`).
Real files carry image turns, integer answers and malformed evidence ids: nothing of that
makes an import fail; a turn that cannot be read is reported and skipped.

Input is bounded by `memory.limits`: a session dated outside 1970-2099 is reported and its
turns skipped (such a time breaks the calendar arithmetic later); over-long text, captions,
speakers and ids are cut and reported; a file too large or nested too deeply is refused
with one line. With a `Redactor`, each turn's text and caption are masked before anything
is stored, indexed or embedded (the memories made later are built from the stored turns).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from memory.errors import ImportProblem
from memory.limits import LIMITS, InputLimits, clip, cut, time_problem
from memory.redact import Redactor
from memory.store.store import Store
from memory.store.turns import Turn
from memory.timefmt import parse_iso

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


def _parse_time(value: Any) -> dt.datetime | None:
    """A session time as written: naive (local) or with its zone; None if unreadable."""
    if not isinstance(value, str):
        return None
    s = " ".join(value.replace(",", " ").split())
    for fmt in ("%I:%M %p on %d %B %Y", "%I:%M %p on %d %b %Y", "%H:%M on %d %B %Y",
                "%d %B %Y", "%B %d %Y"):
        try:
            return dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
    try:
        return parse_iso(value, naive="keep")
    except ValueError:
        return None


def parse_session_time(value: Any) -> dt.datetime | None:
    """'7:40 pm on 21 January, 2025' (LoCoMo) or ISO 8601 → a local datetime, else None
    (unreadable, or beyond what the platform's calendar can place in the local zone)."""
    ts = _parse_time(value)
    try:
        return ts if ts is None or ts.tzinfo else ts.astimezone()
    except (OverflowError, OSError, ValueError):
        return None


def load_samples(path: Path, limits: InputLimits = LIMITS) -> list[dict]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limits.chat_file_bytes + 1)
    except OSError as e:
        raise ImportProblem(f"Cannot read {path}: {e.strerror or e}.") from e
    if len(raw) > limits.chat_file_bytes:
        raise ImportProblem(f"{path}: larger than {limits.chat_file_bytes >> 20} MiB; "
                            "refused (split the file).")
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as e:
        raise ImportProblem(f"{path}:{e.lineno}: not valid JSON ({e.msg}).") from e
    except RecursionError:
        raise ImportProblem(f"{path}: JSON nested too deeply; refused.") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportProblem(f"{path}: expected a list of LoCoMo samples.")
    return data


def _scalar(value: Any) -> str:
    """A field as text: strings as they are, numbers written out, anything else empty
    (a nested list or object is no turn text, and writing it out could recurse deep)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _session_start(conv: dict, key: str, n_turns: int, limits: InputLimits
                   ) -> tuple[dt.datetime | None, str | None]:
    """(start, None) for a session with a usable date or none at all; (None, why) for a
    date outside the accepted span, which drops the session."""
    written = _parse_time(conv.get(f"{key}_date_time"))
    if written is None:
        return None, None
    span = f"is outside {limits.earliest.year}-{limits.latest.year - 1}"
    if not limits.earliest.year <= written.year < limits.latest.year:
        return None, span  # checked before the zone conversion, which fails near year 1
    start = written if written.tzinfo else written.astimezone()
    end = start + dt.timedelta(seconds=TURN_SPACING_S * max(n_turns - 1, 0))
    why = time_problem(start, limits) or time_problem(end, limits)
    return (None, why) if why else (start, None)


def iter_turns(sample: Any, index: int, path: Path, problems: list[str],
               limits: InputLimits = LIMITS) -> Iterator[Turn]:
    if not isinstance(sample, dict) or not isinstance(sample.get("conversation"), dict):
        problems.append(f"{path}: sample #{index} has no 'conversation' object; skipped.")
        return
    sample_id = cut(_scalar(sample.get("sample_id")) or f"sample-{index}", limits.sample_id)[0]
    conv = sample["conversation"]
    sessions = sorted((int(m.group(1)), k) for k in conv
                      if isinstance(k, str) and (m := _SESSION.match(k)))
    for num, key in sessions:
        turns = conv[key]
        where = f"{path}: {clip(sample_id)} {key}"
        if not isinstance(turns, list):
            problems.append(f"{where} is not a list of turns; skipped.")
            continue
        try:
            start, why = _session_start(conv, key, len(turns), limits)
        except (OverflowError, OSError, ValueError):
            start, why = None, "cannot be placed in the calendar"
        if why:
            problems.append(f"{where}: its date {why}; the session's {len(turns)} turns "
                            "skipped.")
            continue
        for j, t in enumerate(turns):
            turn = _turn(t, j, num, sample_id, where, start, problems, limits)
            if turn is not None:
                yield turn


def _turn(t: Any, j: int, num: int, sample_id: str, where: str, start: dt.datetime | None,
          problems: list[str], limits: InputLimits) -> Turn | None:
    if not isinstance(t, dict):
        problems.append(f"{where} turn {j + 1} is not an object.")
        return None
    dia_id = t.get("dia_id")  # only a string: the source key of turns imported before
    dia_id = (dia_id.strip()[:limits.dia_id] if isinstance(dia_id, str) else "") or \
        f"D{num}:{j + 1}"
    text, cut_text = cut(_scalar(t.get("text")), limits.turn_text)
    caption, cut_caption = cut(_scalar(t.get("blip_caption")), limits.caption)
    speaker = cut(_scalar(t.get("speaker")), limits.speaker)[0]
    if not text.strip() and not caption.strip():
        problems.append(f"{where} {clip(dia_id)} has no text; skipped.")
        return None
    if cut_text or cut_caption:
        problems.append(f"{where} {clip(dia_id)}: text over {limits.turn_text:,} or caption "
                        f"over {limits.caption:,} characters; cut.")
    ts = start + dt.timedelta(seconds=TURN_SPACING_S * j) if start else None
    return Turn(source=f"{sample_id}:{dia_id}", sample_id=sample_id, dia_id=dia_id,
                session=num, speaker=speaker, text=text, caption=caption, ts=ts)


def import_chat(path: Path, *, store: Store, sample: str | None = None,
                redactor: Redactor | None = None, limits: InputLimits = LIMITS
                ) -> ChatImportReport:
    """Import the samples of a LoCoMo file (only `sample`, when named) into `store`.

    `redactor` masks secrets in each turn's text and caption before it is stored (None:
    no redaction); `limits` bounds the file and its fields."""
    report = ChatImportReport()
    samples = load_samples(Path(path), limits)
    for i, s in enumerate(samples):
        if sample and isinstance(s, dict) and _scalar(s.get("sample_id")) != sample:
            continue
        report.samples += 1
        turns = list(iter_turns(s, i, Path(path), report.problems, limits))
        if redactor is not None:
            turns = [replace(t, text=redactor.redact(t.text),
                             caption=redactor.redact(t.caption)) for t in turns]
        with store.errors():
            added, already = store.turns.add_session(turns)
        report.turns += added
        report.already += already
    if sample and report.samples == 0:
        raise ImportProblem(f"{path}: no sample with id {sample!r}.")
    with store.errors():
        store.docs.embed_pending()
    return report
