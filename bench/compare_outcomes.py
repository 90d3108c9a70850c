"""Questions won and lost between two end-to-end runs of bench/bench_answers.py.

Usage:
  .venv/bin/python bench/compare_outcomes.py BEFORE.json AFTER.json

Each file is an `--outcomes` file (question id -> right). Prints how many questions the
second run gets right that the first did not (won), the reverse (lost), and the totals:
two runs with equal totals may still trade questions. No question text is printed, so a
blind set can be compared without being read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def compare(before: dict[str, bool], after: dict[str, bool]) -> dict[str, int]:
    shared = before.keys() & after.keys()
    return {"questions": len(shared),
            "won": sum(after[q] and not before[q] for q in shared),
            "lost": sum(before[q] and not after[q] for q in shared),
            "right_before": sum(before[q] for q in shared),
            "right_after": sum(after[q] for q in shared)}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: compare_outcomes.py BEFORE.json AFTER.json", file=sys.stderr)
        return 2
    try:
        a, b = (json.loads(Path(p).read_text()) for p in argv)
    except (OSError, ValueError) as e:
        print(f"compare_outcomes: cannot read the outcomes: {e}", file=sys.stderr)
        return 2
    for path, m in zip(argv, (a, b)):
        if not isinstance(m, dict) or not all(isinstance(v, bool) for v in m.values()):
            print(f"compare_outcomes: {path} is no outcomes file (question id -> true/false)",
                  file=sys.stderr)
            return 2
    print(json.dumps(compare(a, b)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
