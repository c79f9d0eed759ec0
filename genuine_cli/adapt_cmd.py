"""``genuine adapt``: a model for one platform from the user's labels of its comments.

The work is in :mod:`training.adapt` (imported when the command runs); this module reads the
arguments and prints the result: the base and the adapted model's macro-F1 on the user's
random-sample labels, each with a 95% interval, and length alone.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from genuine_cli.data_cmd import _add_mapping_arguments, mapping_from_args

EPILOG = """examples:
  genuine label comments.csv -o labels.ndjson          # label ~200 comments in the browser
  genuine adapt labels.ndjson -o models/mine           # texts from the input labels.ndjson names
  genuine adapt labels.ndjson --unlabeled comments.csv -o models/mine   # + a teacher's labels
  genuine predict comments.csv --model models/mine -o predictions.csv

  # a labeled table (text and label columns) works too; scored by cross-validation
  genuine adapt my_labeled.csv --label-map 1=generic,0=substantive -o models/mine
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "adapt",
        help="adapt a model to your platform from your labels of its comments",
        description="Train a model for one platform from your labels of its comments (the file "
        "'genuine label' writes, or a CSV/JSONL with text and label columns), the shipped corpus "
        "at a weight chosen by cross-validation on your labels, and (with --unlabeled) a "
        "teacher's labels on your unlabeled comments. The comments 'genuine label' picked at "
        "random are the test sample: the adapted model never trains on them, and the base and "
        "the adapted model's macro-F1 on them are printed with 95%% intervals. Writes a model "
        "directory for predict, score, serve and Spark (--model DIR).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "labels",
        metavar="LABELS",
        help="the label file 'genuine label' wrote, or a labeled CSV/JSONL/Parquet table",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="model directory to write"
    )
    parser.add_argument(
        "--input",
        metavar="INPUT",
        default=None,
        help="the comments that were labeled (default: the input the label file names)",
    )
    parser.add_argument(
        "--unlabeled",
        metavar="INPUT",
        default=None,
        help="more comments of the platform, unlabeled: a teacher labels them and the model "
        "learns from those labels too (it may be the labeled input; labeled comments are left out)",
    )
    parser.add_argument(
        "--base",
        metavar="DIR",
        default=None,
        help="the model to compare with, whose n-gram settings the adapted model keeps "
        "(default: $GENUINE_MODEL, else the shipped model)",
    )
    parser.add_argument(
        "--teacher",
        metavar="DIR",
        default=None,
        help="the model that labels --unlabeled (default: models/teacher when the embedding "
        "extra is installed, else the adapted classifier itself)",
    )
    parser.add_argument(
        "--corpus",
        metavar="FILE",
        action="append",
        default=None,
        help="labeled data to learn from beside your labels (repeatable; default: the shipped "
        "corpus)",
    )
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="train on the random picks too and score by cross-validation (when the random "
        "sample is too small; less honest)",
    )
    parser.add_argument(
        "--max-unlabeled",
        type=int,
        default=3000,
        metavar="N",
        help="label at most N unlabeled comments (default: 3000; the e5 teacher labels ~40/s)",
    )
    parser.add_argument(
        "--pseudo-weight",
        type=float,
        default=0.5,
        help="weight of a teacher-labeled comment against one of yours (default: 0.5)",
    )
    parser.add_argument(
        "--embedding-cache",
        metavar="DIR",
        default=None,
        help="on-disk cache of the e5 teacher's embeddings (reruns skip the slow part)",
    )
    parser.add_argument("--seed", type=int, default=13, help="random seed (default: 13)")
    _add_mapping_arguments(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from classifier.io.problems import InputError
    from genuine_cli.common import report_problems
    from training.adapt import adapt, load_user_labels

    if args.max_unlabeled < 1:
        raise InputError(f"--max-unlabeled must be at least 1, got {args.max_unlabeled}")
    if not args.pseudo_weight > 0:
        raise InputError(f"--pseudo-weight must be positive, got {args.pseudo_weight}")
    mapping = mapping_from_args(args)
    labels = load_user_labels(
        args.labels,
        input_path=args.input,
        mapping=mapping,
        format=args.format,
        encoding=args.encoding,
        sep=args.sep,
        cross_validate=args.cross_validate,
    )
    report_problems(labels.problems, "adapt")
    result = adapt(
        labels,
        args.output,
        base=args.base,
        corpus=args.corpus,
        unlabeled=args.unlabeled,
        unlabeled_mapping=mapping,
        teacher=args.teacher,
        embedding_cache=args.embedding_cache,
        max_unlabeled=args.max_unlabeled,
        pseudo_weight=args.pseudo_weight,
        seed=args.seed,
        command=_command(args),
        quiet=args.quiet,
    )
    report = result.report
    comparison = report.comparison
    assert comparison is not None
    print(
        f"labels: {labels.description}: {len(labels.train)} to train on"
        + (
            f", {len(labels.test)} picked at random held out as the test sample"
            if labels.test
            else ""
        )
    )
    for note in result.notes:
        print(note)
    print(f"wrote {result.model_dir}")
    print()
    print(f"macro-F1 on {comparison.evaluated_on}, with 95% intervals:")
    rows = [
        (f"base model ({report.base_name})", comparison.base.macro_f1, comparison.base),
        ("adapted model", comparison.adapted.macro_f1, comparison.adapted),
    ]
    width = max(len(name) for name, _, _ in rows) + 2
    for name, value, estimate in rows:
        print(f"  {name:<{width}}{value:.3f} [{estimate.low:.3f}-{estimate.high:.3f}]")
    point, low, high = comparison.difference
    print(f"  {'adapted - base':<{width}}{point:+.3f} [{low:+.3f} to {high:+.3f}]")
    print(f"  {'length alone':<{width}}{comparison.length_alone:.3f}")
    return 0


def _command(args: argparse.Namespace) -> str:
    """The command line that retrains this model, for its card."""
    parts = ["genuine", "adapt", args.labels]
    for flag, value in (
        ("--input", args.input),
        ("--unlabeled", args.unlabeled),
        ("--base", args.base),
        ("--teacher", args.teacher),
        *(("--corpus", path) for path in args.corpus or ()),
    ):
        if value is not None:
            parts += [flag, value]
    if args.cross_validate:
        parts.append("--cross-validate")
    return shlex.join([*parts, "-o", args.output])
