"""CLI glue for `commonplace export` and `commonplace forget` (the work is in memory/)."""

from __future__ import annotations

import datetime as dt
import sys

from app.options import CommandOptions, ExportOptions, ForgetOptions
from app.settings import Settings, SettingsError
from memory.timefmt import parse_iso


def _aware(value: str, flag: str) -> dt.datetime:
    try:
        return parse_iso(value)  # naive = local time, memory.timefmt's rule
    except ValueError:
        raise SettingsError(f"{flag} {value!r} is not an ISO 8601 time.") from None


def _open(settings: Settings, args: CommandOptions):
    from app.wiring import open_core, read_passphrase

    return open_core(settings, passphrase=read_passphrase(args.passphrase_file))


def _emit(args: CommandOptions, obj: dict, human: str) -> None:
    import json

    print(json.dumps(obj, ensure_ascii=False, default=str) if args.json else human)


def cmd_export(settings: Settings, args: ExportOptions) -> int:
    from memory.export import export_store

    core = _open(settings, args)
    try:
        report = export_store(core.store, args.dest)
    finally:
        core.close()
    for p in report.problems:
        print(f"warning: {p}", file=sys.stderr)
    rows = ", ".join(f"{n} {t}" for t, n in report.tables.items())
    _emit(args, report.as_dict(), f"Exported {rows} and {report.images} images to "
                                  f"{report.dest} (unencrypted: keep it safe).")
    return 0


def cmd_forget(settings: Settings, args: ForgetOptions) -> int:
    from memory.forget import forget

    start, end = _aware(args.start, "--from"), _aware(args.end, "--to")
    if end < start:
        raise SettingsError("--to is before --from.")
    core = _open(settings, args)
    try:
        report = forget(core.store, start=start, end=end, app=args.app)
    finally:
        core.close()
    for p in report.problems:
        print(f"warning: {p}", file=sys.stderr)
    _emit(args, report.as_dict(), f"Forgot {report.frames} frames, {report.turns} chat turns "
                                  f"and {report.memories} memories between {start.isoformat()} "
                                  f"and {end.isoformat()}.")
    return 0
