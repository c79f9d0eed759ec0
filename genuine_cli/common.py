"""Helpers shared by subcommands: output writing, summaries, problem reporting."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from classifier.io.problems import RowProblem

MAX_PROBLEMS_SHOWN = 20


def report_problems(
    problems: Iterable[RowProblem], command: str, quiet: bool = False, action: str = "skipped"
) -> int:
    """Print bad rows to stderr in input order (first 20, then a count); return how many.

    ``action`` says what became of them: "skipped" (left out), or e.g. "not labeled:" where
    they keep a row in the output, with the error.
    """
    problems = in_input_order(problems)
    if problems:
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            print(f"genuine {command}: {action} {problem}", file=sys.stderr)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            print(
                f"genuine {command}: ... and {len(problems) - MAX_PROBLEMS_SHOWN} more bad rows",
                file=sys.stderr,
            )
    return len(problems)


def in_input_order(problems: Iterable[RowProblem]) -> list[RowProblem]:
    """Problems sorted by line within each source, the sources in the order first met."""
    problems = list(problems)
    sources: dict[str, int] = {}
    for problem in problems:
        sources.setdefault(problem.source, len(sources))
    return sorted(problems, key=lambda p: (sources[p.source], p.line))


def add_progress_arguments(parser: Any, quiet_help: str) -> None:
    """``-q/--quiet`` and ``--progress``; see :func:`progress_shown`."""
    parser.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar even when stderr is not a terminal (logs, CI)",
    )


def progress_shown(args: Any) -> bool:
    """A progress bar on stderr: by default only on a terminal, always with --progress, never
    with -q."""
    if getattr(args, "quiet", False):
        return False
    return bool(getattr(args, "progress", False)) or sys.stderr.isatty()


def progress_bar(total: int, desc: str, shown: bool, unit: str = "comments") -> Any:
    """A tqdm bar on stderr (a no-op when not ``shown``)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not shown, file=sys.stderr)


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


def add_reader_arguments(parser: Any) -> None:
    """--format, --sep and --encoding, for commands that read comment tables."""
    parser.add_argument(
        "--format",
        choices=("csv", "tsv", "jsonl", "json", "parquet"),
        default=None,
        help="input format when the suffix does not tell (default: told from the content)",
    )
    parser.add_argument(
        "--sep",
        default=None,
        metavar="CHAR",
        help="delimiter of CSV/TSV input, e.g. ';' or '\\t' (default: told from the header: "
        "comma, tab or semicolon)",
    )
    parser.add_argument(
        "--encoding",
        default=None,
        help="input text encoding (default: the byte-order mark's (UTF-8/16/32), else UTF-8), "
        "e.g. gbk, cp1258, utf-16",
    )
