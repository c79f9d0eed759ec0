"""Helpers shared by subcommands: output writing, summaries, problem reporting."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from classifier.io.problems import RowProblem

MAX_PROBLEMS_SHOWN = 20


def report_problems(problems: Iterable[RowProblem], command: str, quiet: bool = False) -> int:
    """Print bad rows to stderr (first 20, then a count); return how many there were."""
    problems = list(problems)
    if problems:
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            print(f"genuine {command}: skipped {problem}", file=sys.stderr)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            print(
                f"genuine {command}: ... and {len(problems) - MAX_PROBLEMS_SHOWN} more bad rows",
                file=sys.stderr,
            )
    return len(problems)


def print_table(headers: list[str], rows: list[list[Any]], stream: Any = None) -> None:
    stream = stream or sys.stderr
    cells = [[str(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), file=stream)
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)), file=stream)


def write_json(path: str | Path, data: Any) -> None:
    from classifier.io.atomic import atomic_write_text

    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def add_model_argument(parser: Any) -> None:
    parser.add_argument(
        "--model",
        "-m",
        metavar="DIR",
        default=None,
        help="model directory (default: $GENUINE_MODEL, else the shipped models/default)",
    )
