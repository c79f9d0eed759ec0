"""``genuine evaluate``: per-language metrics of a model on labeled data, beside a length-only baseline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from genuine_cli.common import (
    add_model_argument,
    add_progress_arguments,
    progress_bar,
    progress_shown,
    report_problems,
    write_json,
)
from genuine_cli.data_cmd import _add_mapping_arguments, mapping_from_args


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a model on labeled data (per language, calibration, length-matched slice)",
        description="Evaluate a model on labeled comments: per-language precision, recall, macro-F1 and MCC, "
        "per-category recall, confusion matrix, calibration (ECE, reliability table), and a length-matched "
        "slice, each beside a length-only baseline fit on the evaluated data's own train split (when "
        "evaluating another split of it) or else by 5-fold cross-validation on the evaluated rows; the "
        "output says which. When the model has a category head and the data a category column, how "
        "often the head names the labeled category. Prints Markdown; --output-dir also writes "
        "evaluation.json and evaluation.md.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="DATA",
        help="labeled data (default: the shipped corpus's test split)",
    )
    add_model_argument(parser)
    parser.add_argument(
        "--split",
        choices=("train", "validation", "test", "all"),
        default=None,
        help="evaluate only this split (default: test for the shipped corpus, all for given files)",
    )
    parser.add_argument(
        "--output-dir", "-o", default=None, help="write evaluation.json and evaluation.md here"
    )
    parser.add_argument("--threshold", type=float, default=None)
    _add_mapping_arguments(parser)
    add_progress_arguments(parser, "no progress bar or 'wrote' line on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from classifier.io.problems import InputError
    from classifier.predictor import load
    from training.data import corpus_paths, load_labeled
    from training.evaluate import baseline_for, evaluate, render_markdown

    predictor = load(args.model, threshold=args.threshold)
    data = load_labeled(
        args.paths or corpus_paths(),
        mapping_from_args(args),
        format=args.format,
        encoding=args.encoding,
        sep=args.sep,
    )
    report_problems(data.problems, "evaluate")
    split = args.split or ("all" if args.paths else "test")
    rows = data.rows if split == "all" else data.split(split)
    if not rows:
        raise InputError(f"no usable rows to evaluate (split '{split}')")
    # The baseline learns from the evaluated data's own train split (or, without one, by
    # cross-validation on the evaluated rows), never from data the model may not have seen.
    baseline = baseline_for(rows, data.split("train") if split != "all" else ())
    with progress_bar(len(rows), "evaluate", progress_shown(args)) as bar:
        predictions = predictor.predict([r.text for r in rows], explain=False, progress=bar.update)
    scores = np.array([p.score for p in predictions])
    report = evaluate(
        rows,
        scores,
        [p.lang for p in predictions],
        baseline,
        threshold=predictor.threshold,
        thresholds_by_lang=predictor.thresholds_by_lang,
        categories=[p.category for p in predictions],
    )
    markdown = render_markdown(
        report,
        f"{predictor.model_dir.path.name} on {', '.join(Path(p).name for p in (args.paths or ['corpus']))} ({split})",
    )
    sys.stdout.write(markdown)
    if args.output_dir:
        from classifier.io.atomic import atomic_write_text

        out = Path(args.output_dir)
        write_json(out / "evaluation.json", report)
        atomic_write_text(out / "evaluation.md", markdown)
        if not args.quiet:
            print(
                f"genuine evaluate: wrote {out / 'evaluation.json'} and {out / 'evaluation.md'}",
                file=sys.stderr,
            )
    return 0
