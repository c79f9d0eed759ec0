"""``genuine train``: train a model directory from labeled data (default: the shipped corpus)."""

from __future__ import annotations

import argparse
from typing import Any

from classifier.cli.data_cmd import _add_mapping_arguments, mapping_from_args

EPILOG = """examples:
  genuine train -o models/my-model                       # n-gram model on the shipped corpus
  genuine train labeled.csv --text-column CONTENT --label-column CLASS \\
      --label-map 1=generic,0=substantive -o models/mine
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a model from labeled comments",
        description="Train a model directory (weights, manifest, MODEL_CARD.md) from labeled comments. "
        "Rows carry a 'split' column (train/validation/test) or get a stable split from a hash of their text.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="DATA", help="labeled data files (default: the shipped corpus)"
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="model directory to write"
    )
    parser.add_argument(
        "--backend", choices=("ngram",), default="ngram", help="model kind (default: ngram)"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--vi-segmenter",
        choices=("syllable", "underthesea"),
        default="syllable",
        help="Vietnamese tokens: syllables (fast, default) or underthesea words",
    )
    _add_mapping_arguments(parser)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from classifier.cli.common import report_problems
    from training.data import corpus_paths, load_labeled

    data = load_labeled(
        args.paths or corpus_paths(),
        mapping_from_args(args),
        format=args.format,
        encoding=args.encoding,
    )
    report_problems(data.problems, "train")
    return _train_ngram(args, data)


def _train_ngram(args: argparse.Namespace, data: Any) -> int:
    import sys

    from classifier.backends.ngram import NgramConfig
    from training.ngram import NgramTrainingConfig, train_ngram

    config = NgramTrainingConfig(
        seed=args.seed, featurizer=NgramConfig(vi_segmenter=args.vi_segmenter)
    )
    result = train_ngram(data, args.output, config, quiet=args.quiet)
    if not args.quiet and "test" in result.metrics:
        test = result.metrics["test"]
        per = ", ".join(
            f"{k} {v['model'].get('macro_f1', float('nan')):.3f}"
            for k, v in test["per_language"].items()
            if v["model"].get("n")
        )
        print(
            f"test macro-F1: {test['overall']['macro_f1']:.3f} ({per}); length-only baseline "
            f"{test['overall_length_baseline']['macro_f1']:.3f}",
            file=sys.stderr,
        )
    return 0
