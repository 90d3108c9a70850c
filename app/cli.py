"""The `commonplace` command line.

Every command prints a clear one-line error for bad input or a faulty environment (exit 2)
and keeps tracebacks for bugs in the log file (exit 1). With `--json`, the last thing on
stdout is one JSON object: that is the contract evaluation relies on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import privacy_cmds, queries
from app.hygiene import (
    EVAL_PREFIX,
    exit_on_sigterm,
    offline_environment,
    remove_stale_eval_dirs,
    restore_sigterm,
    wipe,
)
from app.logs import setup_logging
from app.mcp_server import server as mcp_server
from app.options import (
    AskOptions,
    CaptureOptions,
    CommandOptions,
    EvalOptions,
    ImportChatOptions,
    ImportFramesOptions,
    ModelOptions,
    PasswdOptions,
    RepairOptions,
    RunOptions,
    SearchOptions,
    from_namespace,
)
from app.scale_cmds import cmd_vectors
from app.settings import Settings, SettingsError, load_settings
from models.errors import CommonplaceError

log = logging.getLogger("commonplace")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("commonplace-desktop")
    except PackageNotFoundError:
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="commonplace", description=(
        "A private, local-first memory of what you saw on your screen."))
    p.add_argument("--version", action="version", version=f"commonplace {_version()}")
    p.add_argument("--data-dir", type=Path, help="put everything (database, frames, models) here")
    p.add_argument("--config", type=Path, help="config file (default: the user config dir)")
    p.add_argument("--passphrase-file", type=Path,
                   help="file whose first line is the passphrase (else $COMMONPLACE_PASSPHRASE)")
    p.add_argument("--now", help="reference time (ISO 8601) for relative dates in questions")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("import-frames", help="import screenshots listed in a frames.jsonl manifest")
    s.add_argument("manifest", type=Path)
    s.add_argument("--json", action="store_true")
    s.add_argument("--no-llm", action="store_true", help="deterministic memory floor only")

    s = sub.add_parser("import-chat", help="import a chat history in LoCoMo format")
    s.add_argument("file", type=Path)
    s.add_argument("--sample", help="only this sample_id")
    s.add_argument("--json", action="store_true")
    s.add_argument("--no-llm", action="store_true", help="deterministic memory floor only")

    s = sub.add_parser("search", help="hybrid search over everything imported or captured")
    s.add_argument("query")
    s.add_argument("--limit", type=int, default=None)
    s.add_argument("--from", dest="start", help="only after this time (ISO 8601)")
    s.add_argument("--to", dest="end", help="only before this time (ISO 8601)")
    s.add_argument("--mode", choices=["hybrid", "bm25", "vector"], default="hybrid")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("ask", help="answer a question from your history, with citations")
    s.add_argument("question")
    s.add_argument("--json", action="store_true")
    s.add_argument("--no-llm", action="store_true", help="purely extractive answer")

    s = sub.add_parser("eval", help="import a data set into a fresh temporary store and score it")
    es = s.add_subparsers(dest="eval_kind", metavar="KIND", required=True)
    e = es.add_parser("screens", help="a screens folder: frames.jsonl + questions.jsonl")
    e.add_argument("data", metavar="dir", type=Path)
    e.add_argument("--k", type=int, default=5)
    e.add_argument("--json", action="store_true")
    e.add_argument("--no-answers", action="store_true", help="retrieval figures only")
    e = es.add_parser("locomo", help="a LoCoMo-format chat file")
    e.add_argument("data", metavar="file", type=Path)
    e.add_argument("--sample")
    e.add_argument("--k", type=int, default=10)
    e.add_argument("--json", action="store_true")
    e.add_argument("--no-answers", action="store_true", help="retrieval figures only")

    s = sub.add_parser("doctor", help="what is installed, where data lives, what is missing")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("model", help="language models: list, load plan, benchmark")
    ms = s.add_subparsers(dest="model_cmd", metavar="ACTION", required=True)
    m = ms.add_parser("list")
    m.add_argument("--json", action="store_true")
    m = ms.add_parser("plan")
    m.add_argument("--budget-mb", type=int)
    m.add_argument("--json", action="store_true")
    m = ms.add_parser("bench")
    m.add_argument("--json", action="store_true")

    s = sub.add_parser("capture", help="run the headless screen-capture service")
    s.add_argument("--duration", type=float, help="stop after this many seconds")
    s.add_argument("--interval", type=float, help="base capture interval in seconds")

    s = sub.add_parser("passwd", help="change the passphrase (re-wraps the key)")
    s.add_argument("--new-passphrase-file", type=Path, required=True)

    s = sub.add_parser("export", help="export everything you own (JSON + images) to a folder")
    s.add_argument("dest", type=Path, help="a new or empty folder")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("forget", help="delete everything captured or imported in a time range")
    s.add_argument("--from", dest="start", required=True, help="start (ISO 8601)")
    s.add_argument("--to", dest="end", required=True, help="end (ISO 8601)")
    s.add_argument("--app", help="only frames of this app")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("repair", help="move frame files and vectors the database does not "
                       "know into quarantine/ (after a refused start)")
    s.add_argument("--accept-unknown", action="store_true",
                   help="also when many are unknown (you restored an older database)")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("vectors", help="the vector index: status, move to/from a Chroma server")
    vs = s.add_subparsers(dest="vectors_cmd", metavar="ACTION", required=True)
    v = vs.add_parser("status", help="where the vectors are and whether they match the database")
    v.add_argument("--json", action="store_true")
    v = vs.add_parser("migrate", help="copy the vectors to a Chroma server or back, then verify")
    to = v.add_mutually_exclusive_group(required=True)
    to.add_argument("--to-server", metavar="HOST:PORT")
    to.add_argument("--to-local", action="store_true")
    v.add_argument("--from", dest="source", metavar="HOST:PORT",
                   help="the server to copy from (default: the configured one / embedded)")
    v.add_argument("--json", action="store_true")

    mcp_server.add_parser(sub)

    s = sub.add_parser("run", help="open the desktop app (the default)")
    s.add_argument("--no-capture", action="store_true",
                   help="browse and ask only; do not record the screen this session")
    return p


# -- helpers ---------------------------------------------------------------------------

def _now(args: CommandOptions) -> dt.datetime | None:
    if not args.now:
        return None
    from memory.timefmt import parse_iso

    try:
        return parse_iso(args.now)  # naive = local time
    except ValueError:
        raise SettingsError(f"--now {args.now!r} is not an ISO 8601 time.") from None


def _emit(args: CommandOptions, obj: dict, human: str) -> None:
    if args.json:
        print(json.dumps(obj, ensure_ascii=False, default=str))
    else:
        print(human)


class _Progress:
    """A one-line progress bar on stderr (only on a terminal: logs stay clean)."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._tty = sys.stderr.isatty()

    def __call__(self, i: int, n: int) -> None:
        if self._tty:
            width = 30
            done = int(width * i / max(n, 1))
            sys.stderr.write(f"\r{self._label} [{'#' * done}{'.' * (width - done)}] {i}/{n}")
            if i >= n:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _core(settings: Settings, args: CommandOptions):
    from app.wiring import open_core, read_passphrase

    passphrase = read_passphrase(args.passphrase_file)
    try:
        return open_core(settings, passphrase=passphrase)
    finally:
        wipe(passphrase)   # the store holds its keys; the passphrase is not needed again


# -- commands --------------------------------------------------------------------------

def cmd_import_frames(settings: Settings, args: ImportFramesOptions) -> int:
    from capture.importer import FrameImporter
    from memory.redact import Redactor

    core = _core(settings, args)
    try:
        redactor = Redactor() if settings.privacy.redact else None
        report = FrameImporter(store=core.store, ocr=core.ocr, redactor=redactor,
                               image_quality=settings.capture.image_quality
                               ).run(args.manifest, progress=_Progress("importing"))
        pipeline = _run_pipeline(core, use_llm=not args.no_llm)
    finally:
        core.close()
    for p in report.problems:
        print(f"warning: {p}", file=sys.stderr)
    out = report.as_dict() | {"memories": pipeline}
    _emit(args, out, f"{report.kept} frames kept, {report.merged} near-duplicates merged, "
                     f"{report.already} already imported, {len(report.problems)} problems.")
    return 0


def cmd_import_chat(settings: Settings, args: ImportChatOptions) -> int:
    from memory.chat_import import import_chat
    from memory.redact import Redactor

    core = _core(settings, args)
    try:
        report = import_chat(args.file, store=core.store, sample=args.sample,
                             redactor=Redactor() if settings.privacy.redact else None)
        pipeline = _run_pipeline(core, use_llm=not args.no_llm)
    finally:
        core.close()
    for p in report.problems:
        print(f"warning: {p}", file=sys.stderr)
    _emit(args, report.as_dict() | {"memories": pipeline},
          f"{report.turns} turns from {report.samples} conversations imported, "
          f"{report.already} already there, {len(report.problems)} problems.")
    return 0


def _run_pipeline(core, *, use_llm: bool) -> dict:
    """Turn new observations into memories (the memory pipeline, when present)."""
    try:
        from memory.pipeline import run_pending
    except ImportError:
        return {}
    return run_pending(core, use_llm=use_llm)


def cmd_search(settings: Settings, args: SearchOptions) -> int:
    if args.limit is not None and args.limit < 1:
        raise SettingsError("--limit must be at least 1.")
    limit = args.limit or settings.memory.search_limit
    start, end = queries.parse_time(args.start, "--from"), queries.parse_time(args.end, "--to")
    rng = queries.time_range(start, end)
    core = _core(settings, args)
    try:
        hits = core.retriever.search(args.query, limit=limit, now=_now(args), mode=args.mode,
                                     ts_range=rng)
    finally:
        core.close()
    human = "\n".join(f"{i}. [{h.timestamp or '?'}] {' '.join(h.text.split())[:160]}\n"
                      f"   {', '.join(h.sources[:4])}" for i, h in enumerate(hits, 1))
    _emit(args, queries.search_json(args.query, hits), human or "No matches.")
    return 0


def cmd_ask(settings: Settings, args: AskOptions) -> int:
    core = _core(settings, args)
    try:
        ans = queries.answer(core.retriever, args.question, store=core.store, now=_now(args),
                             backend=None if args.no_llm else core.backend,
                             tuning=core.settings.memory.answer_tuning)
    finally:
        core.close()
    cites = "\n".join(f"  [{i}] {c}" for i, c in enumerate(ans.citations, 1))
    _emit(args, ans.as_json(), f"{ans.answer}\n{cites}".rstrip())
    return 0


def _answerers(core):
    """The answerer `ask` uses, and the purely extractive one scored beside it. Neither
    reinforces the memories it cites (no store): scoring must not change what it scores."""
    from memory.answer import Answerer

    tuning = core.settings.memory.answer_tuning
    return (Answerer(core.retriever, core.backend, tuning=tuning),
            Answerer(core.retriever, None, tuning=tuning))


def _frame_text(store):
    """The OCR text of the frames a list of source keys names (does a citation show it?)."""

    def text(sources) -> str:
        found = store.resolve(sources)
        return "\n".join(store.frames.get(m.id).ocr_text or "" for m in found.values()
                         if m.kind == "frame")
    return text


def cmd_eval(settings: Settings, args: EvalOptions) -> int:
    from dataclasses import replace

    from app.wiring import open_core
    from memory import evaluate

    remove_stale_eval_dirs()
    # A fresh, unencrypted store in a private (0700) folder: evaluation data is not the
    # user's. It is deleted after, also on Ctrl+C or SIGTERM; a killed run's folder is
    # removed by the next `eval` (its name carries the owner's process id).
    tmp = Path(tempfile.mkdtemp(prefix=f"{EVAL_PREFIX}{os.getpid()}-"))
    eval_settings = replace(settings, paths=replace(settings.paths, data_dir=tmp),
                            privacy=replace(settings.privacy, encrypt=False))
    old_term = exit_on_sigterm()
    core = None
    try:
        core = open_core(eval_settings, passphrase=None)
        if args.eval_kind == "screens":
            from capture.importer import FrameImporter

            report = FrameImporter(store=core.store, ocr=core.ocr).run(
                args.data / "frames.jsonl", progress=_Progress("importing"))
            _run_pipeline(core, use_llm=True)
            questions = evaluate.read_questions(args.data / "questions.jsonl")
            answer = None
            if not args.no_answers:
                from memory.evaluate import judge_screen

                answerer, extractive = _answerers(core)
                answer = lambda q, now: judge_screen(answerer, q, now, extractive)  # noqa: E731
            out = evaluate.eval_screens(core.retriever, questions, k=args.k, answer=answer,
                                        frame_text=_frame_text(core.store))
            out["import"] = report.as_dict()
            human = (f"screens: hit@{args.k} {out[f'hit@{args.k}']} (plain BM25 "
                     f"{out[f'baseline_bm25_hit@{args.k}']}) over "
                     f"{out['questions_answerable']} answerable questions")
            if answer:
                human += (f"; answers accepted {out['answer_accepted']} (extractive "
                          f"{out['baseline_extractive_answer_accepted']}), abstention "
                          f"{out['abstention_accuracy']}")
        else:
            from memory.chat_import import import_chat, load_samples

            import_chat(args.data, store=core.store, sample=args.sample)
            _run_pipeline(core, use_llm=True)
            judge = None
            if not args.no_answers:
                from memory.evaluate import judge_locomo

                answerer, extractive = _answerers(core)
                judge = lambda q, gold, ev, now: judge_locomo(  # noqa: E731
                    answerer, q, gold, ev, extractive, now)
            out = evaluate.eval_locomo(core.retriever, load_samples(args.data), k=args.k,
                                       sample=args.sample, answer=judge)
            k = args.k
            human = "\n".join([f"locomo ({out['n']} questions, categories 1-4): "
                               f"recall@{k} {out[f'recall@{k}']} hit@{k} {out[f'hit@{k}']} | "
                               f"plain BM25 recall@{k} {out[f'baseline_bm25_recall@{k}']}"]
                              + [f"  {c}: {v}" for c, v in out["per_category"].items()]
                              + ([f"  answers: {out['answers']}"] if judge else []))
    finally:
        try:
            if core is not None:
                core.close()
        finally:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            restore_sigterm(old_term)
    _emit(args, out, human)
    return 0


def cmd_doctor(settings: Settings, args: CommandOptions) -> int:
    from app.doctor import diagnose
    from app.wiring import read_passphrase

    report = diagnose(settings, passphrase=read_passphrase(args.passphrase_file))
    lines = [f"{'ok ' if c['ok'] else 'MISSING'} {c['name']}: {c['detail']}"
             for c in report["checks"]]
    _emit(args, report, "\n".join(lines))
    return 0


def cmd_model(settings: Settings, args: ModelOptions) -> int:
    from models import cli_support

    models_dir = settings.paths.models_dir
    if args.model_cmd == "list":
        rows = cli_support.model_list(models_dir)
        human = "\n".join(f"{r.get('name')}: {r.get('capability')}, "
                          f"{r.get('size_mb', r.get('file_size', '?'))} "
                          f"({r.get('path')})" for r in rows) or "No models."
        _emit(args, {"models": rows}, human)
    elif args.model_cmd == "plan":
        plan = cli_support.model_plan(settings.llm, models_dir, budget_mb=args.budget_mb)
        _emit(args, plan, json.dumps(plan, indent=1, default=str))
    else:
        res = cli_support.model_bench(settings.llm, models_dir)
        _emit(args, res, json.dumps(res, indent=1, default=str))
    return 0


def cmd_capture(settings: Settings, args: CaptureOptions) -> int:
    from app.capture_cmd import run_capture_command

    return run_capture_command(settings, args)


def cmd_passwd(settings: Settings, args: PasswdOptions) -> int:
    from app.wiring import read_passphrase
    from memory.errors import LockedError
    from memory.store.database import change_passphrase

    old = read_passphrase(args.passphrase_file)
    new = read_passphrase(args.new_passphrase_file) or ""   # a file: read, never None
    if not old:
        raise LockedError("Give the current passphrase with --passphrase-file or "
                          "$COMMONPLACE_PASSPHRASE.")
    change_passphrase(settings.paths.data_dir, old, new)
    print("Passphrase changed; the data was not re-encrypted (only its key was re-wrapped).")
    return 0


def cmd_repair(settings: Settings, args: RepairOptions) -> int:
    from app.wiring import open_core, read_passphrase

    core = open_core(settings, passphrase=read_passphrase(args.passphrase_file), repair=False)
    try:
        report = core.store.repair(accept_unknown=args.accept_unknown)
    finally:
        core.close()
    _emit(args, report, json.dumps(report, indent=1, default=str))
    return 0


def cmd_run(settings: Settings, args: RunOptions) -> int:
    from app.capture_cmd import DesktopCapture
    from app.gui import run_gui

    capture = None if args.no_capture else DesktopCapture
    return run_gui(settings, args, capture_factory=capture)


# Each command takes the options type app.options.OPTIONS gives under the same name.
COMMANDS: dict[str, Callable[[Settings, Any], int]] = {
    "import-frames": cmd_import_frames, "import-chat": cmd_import_chat, "search": cmd_search,
    "ask": cmd_ask, "eval": cmd_eval, "doctor": cmd_doctor, "repair": cmd_repair,
    "model": cmd_model, "capture": cmd_capture, "passwd": cmd_passwd, "run": cmd_run,
    "export": privacy_cmds.cmd_export, "forget": privacy_cmds.cmd_forget,
    "vectors": cmd_vectors, "mcp": mcp_server.cmd_mcp}


def main(argv: list[str] | None = None) -> int:
    offline_environment()   # first: before anything can import onnxruntime or chromadb
    ns = build_parser().parse_args(argv)
    command = ns.command or "run"
    try:
        settings = load_settings(data_dir=ns.data_dir, config_file=ns.config)
    except CommonplaceError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    # `eval` works on a throwaway store: its log (model answers included) is not the user's.
    setup_logging(settings, ns.verbose, to_file=command != "eval",
                  hooks=command in ("run", "capture"))
    try:
        return COMMANDS[command](settings, from_namespace(command, ns))
    except CommonplaceError as e:
        log.info("%s failed: %s", command, type(e).__name__)   # the message may quote input
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; everything committed so far is kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`commonplace ask ... | head`): not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not raise again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:
        log.exception("internal error in %s", command, extra={"file_only": True})
        if command == "eval":   # no log file: the evaluation's data is not the user's
            print(f"error: an internal error ({type(e).__name__}) stopped `eval`.",
                  file=sys.stderr)
            return 1
        where = settings.paths.logs_dir / "commonplace.log"
        print(f"error: an internal error stopped `{command}`; details are in {where}. "
              "Your stored data is intact.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
