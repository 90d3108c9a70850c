"""Typed command options: what each `commonplace` command was asked, as a frozen dataclass.

`app/cli.py` parses the command line once and converts argparse's `Namespace` here
(`from_namespace`); the commands, the GUI, the capture command, `vectors`, `export`,
`forget` and `mcp` receive these objects and never see the `Namespace`. Field names are
the parser's `dest` names; an option the parser does not give a command keeps its default.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, kw_only=True)
class CommandOptions:
    """The options every command has (global flags, and `--json` where a command takes it)."""

    passphrase_file: Path | None = None
    now: str | None = None      # --now: the reference time for relative dates (ISO 8601)
    json: bool = False          # print one JSON object instead of human text


@dataclass(frozen=True, kw_only=True)
class ImportFramesOptions(CommandOptions):
    manifest: Path
    no_llm: bool = False


@dataclass(frozen=True, kw_only=True)
class ImportChatOptions(CommandOptions):
    file: Path
    sample: str | None = None
    no_llm: bool = False


@dataclass(frozen=True, kw_only=True)
class SearchOptions(CommandOptions):
    query: str
    limit: int | None = None
    start: str | None = None    # --from
    end: str | None = None      # --to
    mode: str = "hybrid"


@dataclass(frozen=True, kw_only=True)
class AskOptions(CommandOptions):
    question: str
    no_llm: bool = False


@dataclass(frozen=True, kw_only=True)
class EvalOptions(CommandOptions):
    eval_kind: str              # "screens" or "locomo"
    data: Path                  # the screens folder or the LoCoMo file
    sample: str | None = None
    k: int = 5
    no_answers: bool = False


@dataclass(frozen=True, kw_only=True)
class ModelOptions(CommandOptions):
    model_cmd: str              # list | plan | bench
    budget_mb: int | None = None


@dataclass(frozen=True, kw_only=True)
class CaptureOptions(CommandOptions):
    duration: float | None = None   # stop after this many seconds
    interval: float | None = None   # base capture interval in seconds


@dataclass(frozen=True, kw_only=True)
class PasswdOptions(CommandOptions):
    new_passphrase_file: Path


@dataclass(frozen=True, kw_only=True)
class ExportOptions(CommandOptions):
    dest: Path


@dataclass(frozen=True, kw_only=True)
class ForgetOptions(CommandOptions):
    start: str                  # --from
    end: str                    # --to
    app: str | None = None


@dataclass(frozen=True, kw_only=True)
class RepairOptions(CommandOptions):
    accept_unknown: bool = False


@dataclass(frozen=True, kw_only=True)
class VectorsOptions(CommandOptions):
    vectors_cmd: str            # status | migrate
    to_server: str | None = None
    to_local: bool = False
    source: str | None = None   # --from HOST:PORT


@dataclass(frozen=True, kw_only=True)
class McpOptions(CommandOptions):
    enable: bool = False
    client: str = "default"
    http: int | None = None


@dataclass(frozen=True, kw_only=True)
class RunOptions(CommandOptions):
    no_capture: bool = False


OPTIONS: dict[str, type[CommandOptions]] = {
    "import-frames": ImportFramesOptions, "import-chat": ImportChatOptions,
    "search": SearchOptions, "ask": AskOptions, "eval": EvalOptions,
    "doctor": CommandOptions, "model": ModelOptions, "capture": CaptureOptions,
    "passwd": PasswdOptions, "export": ExportOptions, "forget": ForgetOptions,
    "repair": RepairOptions, "vectors": VectorsOptions, "mcp": McpOptions, "run": RunOptions,
}


def from_namespace(command: str, ns: argparse.Namespace) -> CommandOptions:
    """The options of `command` from the parser's namespace (the one conversion)."""
    cls = OPTIONS[command]
    given = vars(ns)
    return cls(**{f.name: given[f.name] for f in dataclasses.fields(cls) if f.name in given})
