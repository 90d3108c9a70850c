"""What an import accepts: the size of each field read from a file, and the span of time.

Imported files are input from outside: a manifest line or a chat turn that is absurdly
long, or dated in year 1 or 9999, is one bad record, reported and skipped (or cut to size),
never stored to poison what runs later. One table here, read by both importers.

- Times: 1970-01-01 (UTC) up to, not including, 2100-01-01. Epoch arithmetic, hour and
  day buckets and local-time conversion all work inside this span on every platform.
- Text: a window title is cut at 1,000 characters, an app name at 200, a chat turn at
  20,000, an image caption at 2,000, a speaker or sample id at 200; the cut is reported.
- A manifest line over 1 MiB is skipped without being read whole; a file path over
  4,096 characters refuses its line (a cut path would name another file). A chat file
  over 100 MiB is refused (it is parsed in one piece; LoCoMo's full set is 3 MB).
- A problem message quotes at most 80 characters of what it complains about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from memory.timefmt import parse_iso


@dataclass(frozen=True)
class InputLimits:
    earliest: dt.datetime = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    latest: dt.datetime = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)  # exclusive
    window_title: int = 1_000
    app: int = 200
    file_path: int = 4_096
    manifest_line_bytes: int = 1 << 20
    turn_text: int = 20_000
    caption: int = 2_000
    speaker: int = 200
    sample_id: int = 200
    dia_id: int = 100
    chat_file_bytes: int = 100 << 20
    quote: int = 80


LIMITS = InputLimits()


def clip(text: str, limit: int = LIMITS.quote) -> str:
    """`text` for a message: at most `limit` characters, the middle elided (a path's
    folder and file name both stay readable)."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[len(text) - half:]}"


def quoted(text: str, limit: int = LIMITS.quote) -> str:
    return repr(clip(text, limit))


def time_problem(ts: dt.datetime, limits: InputLimits = LIMITS) -> str | None:
    """Why `ts` (aware) cannot be stored, or None when it lies in the accepted span."""
    if ts.tzinfo is None or ts.utcoffset() is None:
        return "has no time zone"
    # Comparing aware datetimes subtracts offsets into a timedelta: no overflow even at
    # year 1 with +14:00, where converting to UTC would fail.
    if not limits.earliest <= ts < limits.latest:
        return (f"is outside {limits.earliest.year}-{limits.latest.year - 1}")
    return None


def in_span(ts: dt.datetime | None, limits: InputLimits = LIMITS) -> bool:
    return ts is not None and time_problem(ts, limits) is None


def in_span_iso(iso: str | None, limits: InputLimits = LIMITS) -> bool:
    """An ISO time as stored (naive = UTC for this check) lies in the accepted span; an
    unreadable one does not."""
    if not iso:
        return False
    try:
        t = parse_iso(iso, naive="utc")
    except (TypeError, ValueError):
        return False
    return in_span(t, limits)


def in_span_epoch(epoch: float | None, limits: InputLimits = LIMITS) -> bool:
    return epoch is not None and \
        limits.earliest.timestamp() <= epoch < limits.latest.timestamp()


def cut(text: str, limit: int) -> tuple[str, bool]:
    """(text cut to `limit` characters, whether it was cut)."""
    return (text, False) if len(text) <= limit else (text[:limit], True)
