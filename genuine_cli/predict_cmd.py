"""``genuine predict``: label every comment of a file (or stdin) and write the rows back with results."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genuine_cli.common import (
    add_model_argument,
    add_progress_arguments,
    add_reader_arguments,
    print_table,
    progress_bar,
    progress_shown,
    report_problems,
)

RESULT_COLUMNS = ("label", "score", "lang", "category", "reasons", "error")

EPILOG = """examples:
  genuine predict data/examples/comments.csv -o predictions.csv
  echo '{"text": "ib giá shop ơi"}' | genuine predict -
  genuine predict comments.parquet --text-column content -o out.parquet --threshold 0.6
  genuine predict excel_unicode_text.txt -o out.csv     (UTF-16, tab-separated: told apart)
  genuine predict export.dat --sep '|' -o out.jsonl
  genuine predict --from youtube export/*.json -o predictions.jsonl
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="label comments substantive/generic with score, language and reasons",
        description="Label each comment as substantive or generic. Reads CSV/TSV (comma, tab or "
        "semicolon), JSONL, JSON or Parquet (or JSONL/CSV on stdin with '-'), in UTF-8, UTF-16 or "
        "UTF-32 with a byte-order mark, or --encoding; writes the input rows plus label, score "
        "(probability of substantive), lang, category and reasons, one output row per input row: "
        "rows that cannot be labeled (broken JSON, empty text) keep their place, with an error.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="input file(s), or '-' for stdin"
    )
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        help="output file (.csv, .tsv, .jsonl, .json, .parquet); default: JSONL on stdout",
    )
    parser.add_argument(
        "--text-column", default="text", help="column holding the comment text (default: text)"
    )
    parser.add_argument(
        "--lang-column",
        default=None,
        help="optional column with a known language (vi/zh/en) per row",
    )
    parser.add_argument(
        "--from",
        dest="from_format",
        default=None,
        metavar="FORMAT",
        help="read a platform export instead of a table: youtube, tiktok, instagram, facebook, mediacrawler or auto",
    )
    add_reader_arguments(parser)
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="score at or above which a comment is substantive (default: the model's)",
    )
    parser.add_argument("--no-reasons", action="store_true", help="skip reasons (faster)")
    add_model_argument(parser)
    add_progress_arguments(parser, "no progress bar, summary or 'wrote' line on stderr")
    parser.set_defaults(func=run)


@dataclass
class _Inputs:
    """Every input row in order, with its source: ``(line, record)`` to label or a
    :class:`RowProblem` that keeps its place in the output with an error; plus the rows left
    out (of platform exports, which are not row-for-row tables)."""

    entries: list[tuple[str, Any]]
    columns: list[str]
    skipped: list[Any]


def _load_rows(args: argparse.Namespace) -> _Inputs:
    from classifier.io.problems import InputError
    from classifier.io.tables import read_table, require_column

    if args.from_format:
        from classifier.io.platforms import read_export

        export = read_export(args.from_format, args.inputs)
        if not args.quiet:
            for note in export.notes:
                print(f"genuine predict: {note}", file=sys.stderr)
        exported = [
            {str(k): _none_for_nan(v) for k, v in row.items()}
            for row in export.comments.to_dict("records")
        ]
        source = f"{export.format} export"
        return _Inputs(
            [(source, item) for item in enumerate(exported, start=1)], [], list(export.problems)
        )
    entries: list[tuple[str, Any]] = []
    columns: dict[str, None] = {}
    for path in args.inputs:
        table = read_table(
            path, format=args.format, encoding=args.encoding, sep=args.sep, blank_lines=True
        )
        if table.records:
            require_column(table.columns, args.text_column, table.source, "--text-column")
        elif not table.problems:
            raise InputError(f"{table.source} has no rows")
        entries += [(table.source, item) for item in table.in_order()]
        columns.update(dict.fromkeys(table.columns))
    return _Inputs(entries, list(columns), [])


def _none_for_nan(value: Any) -> Any:
    """Missing values from pandas (NaN) become empty cells, not the text 'nan'."""
    return None if isinstance(value, float) and value != value else value


def run(args: argparse.Namespace) -> int:
    from classifier.io.problems import RowProblem
    from classifier.predictor import Prediction, load

    predictor = load(args.model, threshold=args.threshold)
    inputs = _load_rows(args)
    records = [entry for _, entry in inputs.entries if not isinstance(entry, RowProblem)]
    texts = [record.get(args.text_column) for _, record in records]
    langs = [record.get(args.lang_column) for _, record in records] if args.lang_column else None
    with progress_bar(len(texts), "predict", progress_shown(args)) as bar:
        predicted = iter(
            predictor.predict(texts, langs=langs, explain=not args.no_reasons, progress=bar.update)
        )
    results: list[Prediction] = []
    problems: list[RowProblem] = []
    output_rows = []
    for source, entry in inputs.entries:
        if isinstance(entry, RowProblem):
            result = Prediction(label=None, score=float("nan"), lang="other", error=entry.problem)
            row = dict.fromkeys(inputs.columns)
            problems.append(entry)
        else:
            line, record = entry
            result = next(predicted)
            row = dict(record)
            if result.error:
                problems.append(RowProblem(source, line, args.text_column, result.error))
        for key, value in result.to_dict().items():
            if key in RESULT_COLUMNS:
                row[key] = value
        output_rows.append(row)
        results.append(result)
    _write_rows(output_rows, args.output)
    report_problems(inputs.skipped, "predict")
    report_problems(problems, "predict", action="not labeled:")
    if not args.quiet:
        _summary(results, problems)
        where = "standard output" if args.output == "-" else args.output
        print(f"genuine predict: wrote {len(output_rows)} rows to {where}", file=sys.stderr)
    return 0


def _write_rows(rows: list[dict[str, Any]], output: str) -> None:
    from classifier.io.writers import write_rows

    if output == "-":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()
        return
    write_rows(rows, Path(output))


def _summary(results: list[Any], problems: list[Any]) -> None:
    by_lang: dict[str, Counter[str]] = {}
    for result in results:
        if result.label:
            by_lang.setdefault(result.lang, Counter())[result.label] += 1
    table = []
    for lang in sorted(by_lang):
        counts = by_lang[lang]
        total = sum(counts.values())
        table.append(
            [
                lang,
                total,
                counts["substantive"],
                counts["generic"],
                f"{counts['substantive'] / total:.0%}",
            ]
        )
    total = sum(sum(c.values()) for c in by_lang.values())
    subst = sum(c["substantive"] for c in by_lang.values())
    table.append(["all", total, subst, total - subst, f"{subst / total:.0%}" if total else "-"])
    print(file=sys.stderr)
    print_table(["lang", "comments", "substantive", "generic", "substantive share"], table)
    if problems:
        print(
            f"{len(problems)} row(s) could not be labeled (listed above); their output rows "
            "keep their place, with an 'error' and no label",
            file=sys.stderr,
        )
