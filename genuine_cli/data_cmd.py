"""``genuine data stats``: counts per language x label x category, imbalance and duplicates."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from genuine_cli.common import add_reader_arguments, print_table, report_problems


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "data",
        help="inspect labeled data (corpus statistics)",
        description="Inspect labeled comment data.",
    )
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION")
    stats = sub.add_parser(
        "stats",
        help="counts per language x label x category; flags imbalance and duplicates",
        description="Print counts per language x label x category and per split, flag "
        "languages where a class is under 40%%, and list duplicate texts. With no PATH, "
        "reads the shipped corpus (data/corpus/*.jsonl).",
    )
    stats.add_argument(
        "paths", nargs="*", metavar="PATH", help="labeled data files (default: the shipped corpus)"
    )
    _add_mapping_arguments(stats)
    stats.set_defaults(func=run_stats)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def _add_mapping_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--lang-column", default="lang")
    parser.add_argument("--category-column", default="category")
    parser.add_argument(
        "--label-map", default=None, help="map raw label values, e.g. 1=generic,0=substantive"
    )
    add_reader_arguments(parser)


def mapping_from_args(args: argparse.Namespace) -> Any:
    from training.data import ColumnMapping, parse_label_map

    return ColumnMapping(
        text=args.text_column,
        label=args.label_column,
        lang=args.lang_column,
        category=args.category_column,
        label_map=parse_label_map(args.label_map),
    )


def run_stats(args: argparse.Namespace) -> int:
    from training.data import corpus_paths, load_labeled
    from training.stats import corpus_stats

    paths = args.paths or corpus_paths()
    data = load_labeled(
        paths, mapping_from_args(args), format=args.format, encoding=args.encoding, sep=args.sep
    )
    report_problems(data.problems, "data stats")
    stats = corpus_stats(data.rows)
    print_table(
        ["lang", "label", "category", "train", "validation", "test", "total"],
        stats.table_rows,
        stream=sys.stdout,
    )
    print(file=sys.stdout)
    print_table(
        ["lang", "rows", "substantive", "generic", "substantive share", "median chars s/g"],
        stats.language_rows,
        stream=sys.stdout,
    )
    for warning in stats.warnings:
        print(f"warning: {warning}", file=sys.stdout)
    print(
        f"{len(data.rows)} rows, {len(data.problems)} bad rows, {stats.duplicate_groups} duplicate groups",
        file=sys.stdout,
    )
    return 1 if data.problems else 0
