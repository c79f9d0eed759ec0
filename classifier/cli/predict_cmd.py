"""``genuine predict``: label every comment of a file (or stdin) and write the rows back with results."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from classifier.cli.common import add_model_argument, print_table, report_problems

RESULT_COLUMNS = ("label", "score", "lang", "category", "reasons", "error")

EPILOG = """examples:
  genuine predict data/examples/comments.csv -o predictions.csv
  echo '{"text": "ib giá shop ơi"}' | genuine predict -
  genuine predict comments.parquet --text-column content -o out.parquet --threshold 0.6
  genuine predict --from youtube export/*.json -o predictions.jsonl
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="label comments substantive/generic with score, language and reasons",
        description="Label each comment as substantive or generic. Reads CSV, JSONL, JSON or Parquet "
        "(or JSONL/CSV on stdin with '-'); writes the input rows plus label, score (probability of "
        "substantive), lang, category and reasons. Rows that cannot be scored are kept, with an error.",
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
        help="output file (.csv, .jsonl, .json, .parquet); default: JSONL on stdout",
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
        "--format",
        choices=("csv", "jsonl", "json", "parquet"),
        default=None,
        help="input format when the suffix does not tell (stdin defaults to jsonl)",
    )
    parser.add_argument(
        "--from",
        dest="from_format",
        default=None,
        metavar="FORMAT",
        help="read a platform export instead of a table: youtube, tiktok, instagram, facebook, mediacrawler or auto",
    )
    parser.add_argument(
        "--encoding",
        default=None,
        help="input text encoding (default utf-8, BOM accepted), e.g. gbk, cp1258",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="score at or above which a comment is substantive (default: the model's)",
    )
    parser.add_argument("--no-reasons", action="store_true", help="skip reasons (faster)")
    add_model_argument(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    parser.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar even when stderr is not a terminal (logs, CI)",
    )
    parser.set_defaults(func=run)


def _load_rows(args: argparse.Namespace) -> tuple[list[int], list[dict[str, Any]], list[Any], str]:
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
        return (
            list(range(1, len(exported) + 1)),
            exported,
            list(export.problems),
            f"{export.format} export",
        )
    lines: list[int] = []
    records: list[dict[str, Any]] = []
    problems: list[Any] = []
    for path in args.inputs:
        table = read_table(path, format=args.format, encoding=args.encoding)
        if table.records:
            require_column(table.columns, args.text_column, table.source, "--text-column")
        elif not table.problems:
            raise InputError(f"{table.source} has no rows")
        lines += table.lines
        records += table.records
        problems += table.problems
    return lines, records, problems, ", ".join(args.inputs)


def _none_for_nan(value: Any) -> Any:
    """Missing values from pandas (NaN) become empty cells, not the text 'nan'."""
    return None if isinstance(value, float) and value != value else value


def run(args: argparse.Namespace) -> int:
    from classifier.io.problems import RowProblem
    from classifier.predictor import CHUNK_SIZE, load

    quiet = args.quiet or not (args.progress or sys.stderr.isatty())
    predictor = load(args.model, threshold=args.threshold)
    lines, records, problems, source = _load_rows(args)
    texts = [r.get(args.text_column) for r in records]
    langs = [r.get(args.lang_column) for r in records] if args.lang_column else None
    from tqdm import tqdm

    results = []
    with tqdm(
        total=len(texts), desc="predict", unit="comments", disable=quiet, file=sys.stderr
    ) as bar:
        for start in range(0, len(texts), CHUNK_SIZE):
            chunk_langs = langs[start : start + CHUNK_SIZE] if langs else None
            results += predictor.predict(
                texts[start : start + CHUNK_SIZE], langs=chunk_langs, explain=not args.no_reasons
            )
            bar.update(min(CHUNK_SIZE, len(texts) - start))
    for line, result in zip(lines, results, strict=True):
        if result.error:
            problems.append(RowProblem(source, line, args.text_column, result.error))
    output_rows = []
    for record, result in zip(records, results, strict=True):
        row = dict(record)
        for key, value in result.to_dict().items():
            if key in RESULT_COLUMNS:
                row[key] = value
        output_rows.append(row)
    _write_rows(output_rows, args.output)
    report_problems(problems, "predict")
    if not args.quiet:
        _summary(results, problems)
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
        print(f"{len(problems)} row(s) could not be scored (listed above)", file=sys.stderr)
