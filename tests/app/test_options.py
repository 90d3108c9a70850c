"""app/options.py: the command line becomes one frozen options object per command, and no
option the parser knows is dropped on the way (a renamed flag fails here, not at run time)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app import cli
from app.options import OPTIONS, EvalOptions, SearchOptions, from_namespace

GLOBAL_ONLY = {"command", "data_dir", "config", "verbose"}   # read by main() itself

ARGV = {
    "import-frames": ["import-frames", "m.jsonl", "--json", "--no-llm"],
    "import-chat": ["import-chat", "c.json", "--sample", "s1"],
    "search": ["search", "lisbon", "--limit", "3", "--from", "2026-01-01", "--mode", "bm25"],
    "ask": ["ask", "why?", "--no-llm"],
    "eval": ["eval", "locomo", "f.json", "--k", "7", "--no-answers"],
    "doctor": ["doctor", "--json"],
    "model": ["model", "plan", "--budget-mb", "512"],
    "capture": ["capture", "--duration", "2"],
    "passwd": ["passwd", "--new-passphrase-file", "p"],
    "export": ["export", "out"],
    "forget": ["forget", "--from", "a", "--to", "b", "--app", "x"],
    "repair": ["repair", "--accept-unknown"],
    "vectors": ["vectors", "migrate", "--to-local", "--from", "h:1"],
    "mcp": ["mcp", "--enable", "--http", "8080"],
    "run": ["run", "--no-capture"],
}


def test_every_command_has_an_options_type():
    assert set(OPTIONS) == set(cli.COMMANDS) == set(ARGV)


@pytest.mark.parametrize("command", sorted(ARGV))
def test_no_parsed_option_is_dropped(command):
    ns = cli.build_parser().parse_args(["--passphrase-file", "pw", *ARGV[command]])
    opts = from_namespace(command, ns)
    fields = {f.name for f in dataclasses.fields(opts)}
    assert set(vars(ns)) - GLOBAL_ONLY <= fields
    assert opts.passphrase_file == Path("pw")
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.json = True  # type: ignore[misc]


def test_values_arrive_typed():
    ns = cli.build_parser().parse_args(ARGV["eval"])
    assert from_namespace("eval", ns) == EvalOptions(eval_kind="locomo", data=Path("f.json"),
                                                      k=7, no_answers=True)
    ns = cli.build_parser().parse_args(["--now", "2026-02-01", *ARGV["search"]])
    assert from_namespace("search", ns) == SearchOptions(
        query="lisbon", limit=3, start="2026-01-01", mode="bm25", now="2026-02-01")
