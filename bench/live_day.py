"""A live day: real windows on a real desktop, the real capture and memory pipeline, then
questions asked as `commonplace ask` asks them, scored against what was on screen.

    .venv/bin/python bench/live_day.py SCRIPT.json [--json] [--keep DIR] [--no-llm]
                                       [--interval 1.0] [--pipeline-every 30] [-v]

What it does, every process started here and ended by its PID:

1. its own X server (Xvfb :N, 1600x900) with a real window manager (openbox, which gives
   focus, stacking and `_NET_ACTIVE_WINDOW` as a desktop does; `apt-get install openbox`);
2. a fresh data directory (encrypted with $COMMONPLACE_PASSPHRASE when set, else plain),
   opened with `app.wiring.open_core` and the app's default settings, except the capture
   interval (`--interval`, 1 s by default, so a one-minute script yields frames);
3. the desktop app's capture (`app.capture_cmd.DesktopCapture`: the real CaptureService,
   X11 window source, screen grabber, OCR) and, every `--pipeline-every` seconds while
   there are new observations, `memory.pipeline.run_pending` as the app's pipeline timer
   runs it; after the last window, capture stops (flushing) and the pipeline runs once
   more, as `commonplace capture` does;
4. the script's windows (`bench/live_window.py`, one Qt process each, WM_CLASS = the
   script's `app`, checked with xprop), each shown from `at` for `duration` seconds;
   `typing` windows fill in keystroke by keystroke over the first 60% of their time; the
   pointer moves onto each new window (so the idle detector sees a user);
5. each question through `memory.answer.Answerer(core.retriever, core.backend or None,
   store=core.store).ask(question, now=END_OF_PLAY)`, the same call as `cmd_ask`;
   citations are resolved to stored frames through the store (`frame:<id>`, or any source
   or key a frame carries); one that resolves to nothing is listed under "unresolved".

With `--display wayland` the desktop is a headless sway instead (bench/live_wayland.py:
run as an unprivileged user, the windows Qt Wayland clients whose app_id is the script's
`app`), and the app's capture chooses grim + sway IPC as in a real sway session.

Script format (JSON):

    {"windows": [{"at": 0, "duration": 12, "app": "thunderbird", "title": "...",
                  "text": "multi-line text", "typing": false,
                  "font": "sans" | "mono" (optional), "geometry": [x, y, w, h] (optional)}],
     "questions": [{"id": "q1", "question": "...", "answers": ["gold", ...], "abstain": false}]}

Output: per question {"id", "question", "answer", "abstained", "tier", "citations",
"cited": [{"source", "frame_id", "ts", "app", "title", "text"}], "unresolved", "accepted",
"cited_shows_answer", "ocr_has_answer"} and totals:
- accepted: answerable questions whose answer contains a gold answer (case-insensitive,
  whitespace collapsed), not abstained; short: accepted with at most 4 words more than
  the gold answer (a quoted screen line is accepted, but is not short);
- cited_shows_answer: answerable questions with a cited frame whose OCR text has a gold answer;
- abstention: abstain questions that abstained (false_abstentions: answerable ones that did);
- ocr_has_answer: answerable questions whose gold answer is in some stored frame's OCR
  text at all (what capture + OCR made findable: the ceiling for the rest);
- unresolved_citations: citation strings no stored frame answers to.
With --json one JSON object is printed (last line of stdout); progress goes to stderr.

Scripts (bench/live_scripts/), with the split kept by file name:
- TRAIN (may inform tuning): train_mail, train_chat, train_terminal, train_calendar,
  train_tickets.
- HELD-OUT (never tune on them; report their numbers beside the train numbers):
  heldout_spreadsheet, heldout_editor, heldout_browser.
Each has 6 windows over ~70 s and 7-8 questions, at least one unanswerable (one of them
only in an excluded KeePassXC window). A run takes ~1.5 minutes with --no-llm and
~3.5 minutes with the bundled model (answering) on 2 busy cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.live_window import Desktop, LiveWindow, Player  # noqa: E402

log = logging.getLogger("live_day")

FRAME_REF = re.compile(r"frame:(\d+)")
SHORT_EXTRA_WORDS = 4    # a "short" answer has at most the gold's words plus these
STOP_WAIT_S = 180.0      # for the capture writer to store every grabbed frame at the end


class ScriptError(ValueError):
    """The script file is not a valid live-day script."""


# -- the script ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]
    abstain: bool


@dataclass(frozen=True)
class Script:
    name: str
    windows: tuple[LiveWindow, ...]
    questions: tuple[Question, ...]

    @property
    def split(self) -> str:
        return "heldout" if self.name.startswith("heldout") else \
            "train" if self.name.startswith("train") else "other"

    @property
    def length_s(self) -> float:
        return max(w.at + w.duration for w in self.windows)


def load_script(path: Path) -> Script:
    try:
        raw = json.loads(Path(path).read_text("utf-8"))
        windows = tuple(LiveWindow(
            at=float(w["at"]), duration=float(w["duration"]), app=str(w["app"]),
            title=str(w["title"]), text=str(w["text"]), typing=bool(w.get("typing", False)),
            font=str(w.get("font", "sans")),
            geometry=tuple(map(int, w["geometry"])) if w.get("geometry") else None)
            for w in raw["windows"])
        questions = tuple(Question(str(q["id"]), str(q["question"]),
                                   tuple(map(str, q.get("answers") or ())),
                                   bool(q.get("abstain", False))) for q in raw["questions"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ScriptError(f"{path}: not a live-day script: {e!r}") from e
    if not windows or not questions:
        raise ScriptError(f"{path}: needs at least one window and one question")
    for q in questions:
        if q.abstain == bool(q.answers):
            raise ScriptError(f"{path}: question {q.id} needs answers, or abstain: true")
    for w in windows:
        if w.at < 0 or w.duration <= 0 or not w.app:
            raise ScriptError(f"{path}: window {w.title!r} needs at >= 0, duration > 0, app")
    return Script(Path(path).stem, windows, questions)


# -- scoring ------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(str(text).lower().split())


def contains_any(text: str, answers) -> bool:
    t = _norm(text)
    return any(_norm(a) and _norm(a) in t for a in answers)


class Citations:
    """Citation strings -> stored frames, through the store's public reading methods:
    `frame:<id>`, or any source a frame carries in `frame_sources` (a manifest file name,
    an alias). Anything else (a chat turn's key, a key of nothing) stays unresolved."""

    def __init__(self, store) -> None:
        self._store = store
        self.frames = store.frames.between(0.0, 1e13)
        self._by_key: dict[str, int] = {}
        for f in self.frames:
            for key in f.sources:
                self._by_key.setdefault(key, f.id)

    def resolve(self, citation: str):
        from memory.errors import StoreError

        m = FRAME_REF.fullmatch(citation)
        frame_id = int(m.group(1)) if m else self._by_key.get(citation)
        if frame_id is None:
            return None
        try:
            return self._store.frames.get(frame_id)
        except StoreError:
            return None


def score(q: Question, ans, citations: Citations) -> dict:
    cited, unresolved = [], []
    for c in ans.citations:
        f = citations.resolve(c)
        if f is None:
            unresolved.append(c)
        else:
            cited.append({"source": c, "frame_id": f.id, "ts": f.ts, "app": f.app,
                          "title": f.window_title, "text": f.ocr_text})
    row = {"id": q.id, "question": q.question, "answer": ans.answer,
           "abstained": ans.abstained, "tier": ans.tier, "model": ans.model,
           "citations": list(ans.citations), "cited": cited, "unresolved": unresolved,
           "gold": list(q.answers), "abstain_expected": q.abstain}
    if q.abstain:
        row["correct"] = ans.abstained
    else:
        row["accepted"] = not ans.abstained and contains_any(ans.answer, q.answers)
        # A whole screen line "contains" its value too: `short` also wants the answer to be
        # about the value's length (what a person would say), not the line around it.
        row["short"] = row["accepted"] and len(ans.answer.split()) <= \
            max(len(a.split()) for a in q.answers) + SHORT_EXTRA_WORDS
        row["cited_shows_answer"] = any(contains_any(c["text"], q.answers) for c in cited)
        row["ocr_has_answer"] = any(contains_any(f.ocr_text, q.answers)
                                    for f in citations.frames)
        row["correct"] = row["accepted"]
    return row


def totals(rows: list[dict]) -> dict:
    answerable = [r for r in rows if not r["abstain_expected"]]
    unanswerable = [r for r in rows if r["abstain_expected"]]
    return {"questions": len(rows), "answerable": len(answerable),
            "accepted": sum(r["accepted"] for r in answerable),
            "short": sum(r["short"] for r in answerable),
            "cited_shows_answer": sum(r["cited_shows_answer"] for r in answerable),
            "ocr_has_answer": sum(r["ocr_has_answer"] for r in answerable),
            "false_abstentions": sum(r["abstained"] for r in answerable),
            "abstain_questions": len(unanswerable),
            "abstained_correctly": sum(r["abstained"] for r in unanswerable),
            "citations": sum(len(r["citations"]) for r in rows),
            "unresolved_citations": sum(len(r["unresolved"]) for r in rows),
            "answers_without_citation": sum(1 for r in rows
                                            if not r["abstained"] and not r["citations"])}


# -- the run ------------------------------------------------------------------------------
def _settings(data_dir: Path, work: Path, *, interval: float, encrypt: bool, use_llm: bool):
    from app.settings import load_settings
    from capture.settings import CaptureSettings

    default = CaptureSettings()
    return load_settings(data_dir=data_dir, config_file=work / "no-config.toml", overrides={
        "capture": {"interval_s": interval,
                    "max_interval_s": max(default.max_interval_s, interval)},
        "privacy": {"encrypt": encrypt},
        "memory": {"use_llm": use_llm}})


def run_script(script: Script, work: Path, *, no_llm: bool = False, interval: float = 1.0,
               pipeline_every: float = 30.0, session: str = "x11") -> dict:
    """Play `script` on a fresh desktop and data dir under `work`; the result dict."""
    from app.capture_cmd import DesktopCapture
    from app.wiring import open_core, read_passphrase
    from memory.answer import Answerer
    from memory.pipeline import run_pending

    t_start = time.monotonic()
    timing: dict[str, float] = {}
    passphrase = read_passphrase(None)
    use_llm = not no_llm
    settings = _settings(work / "data", work, interval=interval, encrypt=bool(passphrase),
                         use_llm=use_llm)
    pipeline_runs: list[dict] = []
    log_file = open(work / "desktop.log", "ab")
    core = capture = player = None
    status = None
    try:
        if session == "wayland":   # headless sway, grim, sway IPC (bench/live_wayland.py)
            from bench.live_wayland import SwayDesktop as desktop
            from bench.live_wayland import WaylandPlayer as player_cls
        else:
            desktop, player_cls = Desktop, Player
        with desktop(log_file) as display:
            try:
                core = open_core(settings, passphrase=passphrase)
                capture = DesktopCapture(core)
                capture.start()
                timing["setup_s"] = round(time.monotonic() - t_start, 1)
                log.info("capture running on %s; playing %s (%.0f s)", display, script.name,
                         script.length_s)
                player = player_cls(script.windows, log_file)
                player.start()
                next_run = time.monotonic() + pipeline_every
                while player.is_alive():
                    player.join(0.5)
                    if time.monotonic() >= next_run:
                        next_run = time.monotonic() + pipeline_every
                        if capture.take_batches():
                            pipeline_runs.append(run_pending(core, use_llm=use_llm))
                now = dt.datetime.now().astimezone()
                timing["play_s"] = round(time.monotonic() - player.t0, 1)
                if player.error is not None:
                    raise RuntimeError(f"playing the script failed: {player.error!r}")
                t = time.monotonic()
                # The writer OCRs what was grabbed, then flushes: all of it is scored, so
                # the wait is longer than the app's at quit.
                status = capture.stop(STOP_WAIT_S)
                capture = None
                timing["capture_stop_s"] = round(time.monotonic() - t, 1)
            finally:   # windows and capture go while the X server is still there
                if player is not None:
                    player.stop()
                if capture is not None:
                    capture.stop(10.0)
        t = time.monotonic()
        pipeline_runs.append(run_pending(core, use_llm=use_llm))
        timing["pipeline_s"] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        answerer = Answerer(core.retriever, core.backend if use_llm else None,
                            store=core.store)
        citations = Citations(core.store)
        rows = [score(q, answerer.ask(q.question, now=now), citations)
                for q in script.questions]
        timing["ask_s"] = round(time.monotonic() - t, 1)
        frames = citations.frames
    finally:
        if core is not None:
            core.close()
        log_file.close()
    timing["total_s"] = round(time.monotonic() - t_start, 1)
    return {
        "script": script.name, "split": script.split, "llm": use_llm,
        "encrypted": bool(passphrase), "interval_s": interval, "now": now.isoformat(),
        "session": session,
        "timing": timing,
        "capture": {"frames_stored": status.frames_stored,
                    "frames_dropped": status.frames_dropped,
                    "frames_excluded": status.frames_excluded,
                    "ocr_failures": status.ocr_failures, "last_error": status.last_error,
                    "frames_by_app": _count(f.app for f in frames)},
        "pipeline": {"runs": len(pipeline_runs),
                     "observations": sum(r.get("observations", 0) for r in pipeline_runs),
                     "by_type": _merge(r.get("by_type", {}) for r in pipeline_runs),
                     "llm": pipeline_runs[-1].get("llm") if pipeline_runs else None},
        "windows": [vars(s) for s in player.shown],
        "questions": rows, "totals": totals(rows)}


def _count(items) -> dict:
    out: dict = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def _merge(dicts) -> dict:
    out: dict = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def human(result: dict) -> str:
    lines = [f"{result['script']} ({result['split']}, {'model' if result['llm'] else 'no-llm'})"
             f": {result['capture']['frames_stored']} frames, timing {result['timing']}"]
    for w in result["windows"]:
        if w["problem"]:
            lines.append(f"  window problem: {w['title']}: {w['problem']}")
    for r in result["questions"]:
        mark = "ok " if r["correct"] else "BAD"
        cite = (" cited-shows" if r.get("cited_shows_answer") else "") + \
            (f" unresolved={r['unresolved']}" if r["unresolved"] else "")
        lines.append(f"  {mark} {r['id']}: {r['question']}\n"
                     f"      -> {' '.join(r['answer'].split())[:120]!r} [{r['tier']}]"
                     f" citations={r['citations'][:3]}{cite}")
    t = result["totals"]
    lines.append(f"  accepted {t['accepted']}/{t['answerable']} (short {t['short']}), "
                 f"cited shows answer "
                 f"{t['cited_shows_answer']}/{t['answerable']}, OCR has answer "
                 f"{t['ocr_has_answer']}/{t['answerable']}, abstained correctly "
                 f"{t['abstained_correctly']}/{t['abstain_questions']}, false abstentions "
                 f"{t['false_abstentions']}, unresolved citations {t['unresolved_citations']}")
    return "\n".join(lines)


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("script", type=Path)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--keep", type=Path, metavar="DIR",
                   help="keep the data dir, logs and result.json under DIR (new or empty)")
    p.add_argument("--no-llm", action="store_true",
                   help="no language model: the floor pipeline and extractive answers")
    p.add_argument("--interval", type=float, default=1.0, help="capture interval (s)")
    p.add_argument("--pipeline-every", type=float, default=30.0,
                   help="run the memory pipeline this often while playing (s)")
    p.add_argument("--display", choices=("x11", "wayland"), default="x11",
                   help="x11: Xvfb + openbox (mss, EWMH); wayland: headless sway (grim, sway IPC)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    for noisy in ("chromadb", "httpx", "onnxruntime", "RapidOCR", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    log.setLevel(logging.INFO)
    script = load_script(args.script)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        if any(args.keep.iterdir()):
            p.error(f"--keep {args.keep} is not empty")
        work = args.keep
    else:
        work = Path(tempfile.mkdtemp(prefix="live-day-"))
    # SIGTERM ends the run like Ctrl+C: the finally blocks stop every child by PID.
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        result = run_script(script, work, no_llm=args.no_llm, interval=args.interval,
                            pipeline_every=args.pipeline_every, session=args.display)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.keep:
        (work / "result.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False) if args.json else human(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
