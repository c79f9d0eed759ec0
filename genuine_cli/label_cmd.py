"""``genuine label``: label a platform's own comments on a local web page, and compare labelers."""

from __future__ import annotations

import argparse
import getpass
import logging
import math
import sys
from pathlib import Path
from typing import Any

from classifier.io.problems import InputError
from genuine_cli.common import add_model_argument, print_table, report_problems

DEFAULT_PORT = 8765
TEXT_WIDTH = 90

EPILOG = """keys on the page:
  S / G then 1-9   substantive / generic with that category (Enter: no category, Esc: cancel)
  X                skip          U or Ctrl+Z   undo the last label       ?   the labeling guide

examples:
  genuine label comments.csv --post-column post_text -o labels.ndjson
  genuine label comments.csv --second-labeler labels.ndjson --labeler bob -o labels_bob.ndjson
  genuine label --agreement labels.ndjson labels_bob.ndjson --input comments.csv
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "label",
        help="label your own comments on a local web page (active learning)",
        description="Open a labeling page on 127.0.0.1 (works offline) that shows one comment at "
        "a time: mostly those the model is least sure of, spread over the data, and (by default) 1 in 4 "
        "picked at random as an honest test sample. Every label is appended to the -o file "
        "the moment it is given; run the same command again to resume. The page shows the "
        "model's macro-F1 on the random-sample labels with a 95% interval.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "input",
        nargs="?",
        metavar="INPUT",
        help="comments to label (.csv, .jsonl, .json, .parquet)",
    )
    parser.add_argument("-o", "--output", metavar="LABELS", help="label file to append to (NDJSON)")
    add_model_argument(parser)
    parser.add_argument(
        "--text-column", default="text", help="column with the comment (default: text)"
    )
    parser.add_argument(
        "--post-column", default=None, help="column with the post's text, shown above the comment"
    )
    parser.add_argument(
        "--format",
        choices=("csv", "jsonl", "json", "parquet"),
        default=None,
        help="input format when the suffix does not tell",
    )
    parser.add_argument("--encoding", default=None, help="input text encoding (default utf-8)")
    parser.add_argument(
        "--labeler", default=None, help="your name, written with every label (default: login name)"
    )
    parser.add_argument(
        "--second-labeler",
        metavar="FIRST",
        default=None,
        help="second-labeler mode: label the comments labeled in the label file FIRST, in its "
        "order, without seeing its labels; -o is your own file",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0: any free port)",
    )
    parser.add_argument(
        "--random-share",
        type=float,
        default=0.25,
        help="share of picks drawn at random for the test sample (default 0.25)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random picks")
    parser.add_argument(
        "--agreement",
        nargs=2,
        metavar=("A", "B"),
        default=None,
        help="instead of labeling: print Cohen's kappa of two label files and their disagreements",
    )
    parser.add_argument(
        "--input",
        dest="texts_input",
        metavar="INPUT",
        default=None,
        help="with --agreement: the input the labels were made from, to show the texts",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.WARNING, format="genuine label: %(message)s", stream=sys.stderr
    )
    if args.agreement:
        return run_agreement(args)
    if not args.input or not args.output:
        raise InputError(
            "give the comments to label and where to save the labels: "
            "genuine label INPUT -o LABELS (or --agreement A B to compare two label files)"
        )
    return run_page(args)


def run_page(args: argparse.Namespace) -> int:
    import classifier
    from classifier.labeling.pool import read_pool
    from classifier.labeling.server import LabelServer
    from classifier.labeling.session import LabelSession, SessionConfig, model_view

    output = Path(args.output)
    first = Path(args.second_labeler) if args.second_labeler else None
    if first is not None:
        if not first.is_file():
            raise InputError(f"--second-labeler: label file '{first}' does not exist")
        if first.resolve() == output.resolve():
            raise InputError(
                "--second-labeler: -o must be your own label file, not the first labeler's"
            )
    if not 0.0 <= args.random_share <= 1.0:
        raise InputError(f"--random-share must be within [0, 1], got {args.random_share}")
    _check_writable(output)
    pool = read_pool(
        args.input,
        text_column=args.text_column,
        post_column=args.post_column,
        format=args.format,
        encoding=args.encoding,
    )
    report_problems(pool.problems, "label")
    predictor = classifier.load(args.model)
    print(f"genuine label: scoring {len(pool)} distinct comments ...", file=sys.stderr, flush=True)
    config = SessionConfig(
        input=args.input,
        output=output,
        labeler=args.labeler or _login_name(),
        first_labels=first,
        random_share=args.random_share,
        seed=args.seed,
    )
    session = LabelSession(pool, model_view(pool, predictor), config)
    if session.first_missing:
        print(
            f"genuine label: {session.first_missing} labels of {first} are for comments not "
            f"in {args.input}; they are left out",
            file=sys.stderr,
        )
    try:
        server = LabelServer(session, "127.0.0.1", args.port)
    except OSError as exc:
        raise InputError(
            f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); pass another --port, "
            f"or --port 0 for any free one"
        ) from None
    done = session.progress()["labeled"]
    print(
        f"genuine label: labeling page at {server.url} ({done} labels in {output} so far; "
        f"each label is saved as it is given; Ctrl+C to stop)",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print(
            f"genuine label: stopped; {session.progress()['labeled']} labels in {output}",
            file=sys.stderr,
        )
    finally:
        server.server_close()
    return 0


def _check_writable(output: Path) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with open(output, "ab"):
            pass
    except OSError as exc:
        raise InputError(f"cannot write the label file '{output}': {exc.strerror}") from None


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "labeler"


def run_agreement(args: argparse.Namespace) -> int:
    from classifier.labeling.agreement import compare
    from classifier.labeling.pool import read_pool
    from classifier.labeling.store import read_labels

    path_a, path_b = args.agreement
    for path in (path_a, path_b):
        if not Path(path).is_file():
            raise InputError(f"--agreement: label file '{path}' does not exist")
    result = compare(read_labels(path_a), read_labels(path_b))
    texts_input = args.texts_input or args.input
    texts: dict[str, str] = {}
    if texts_input:
        pool = read_pool(
            texts_input, text_column=args.text_column, format=args.format, encoding=args.encoding
        )
        report_problems(pool.problems, "label")
        texts = dict(zip(pool.hashes, pool.texts, strict=True))
    out = sys.stdout
    print(
        f"labeled in both: {result.both} (only in A: {result.only_first}, only in B: "
        f"{result.only_second})",
        file=out,
    )
    print(
        f"label: agreement {result.label_agreement:.1%}, Cohen's kappa {_fmt(result.label_kappa)}",
        file=out,
    )
    if result.category_both:
        print(
            f"category (on the {result.category_both} where both gave one): agreement "
            f"{result.category_agreement:.1%}, Cohen's kappa {_fmt(result.category_kappa)}",
            file=out,
        )
    if not result.disagreements:
        print("no disagreement to settle", file=out)
        return 0
    on_label = sum(d.on_label for d in result.disagreements)
    print(
        f"\n{len(result.disagreements)} disagreement{'s' if len(result.disagreements) != 1 else ''} "
        f"to settle ({on_label} on the label, "
        f"{len(result.disagreements) - on_label} on the category only):",
        file=out,
    )
    rows = []
    for d in result.disagreements:
        text = texts.get(d.text_hash)
        shown = _one_line(text) if text is not None else f"sha256 {d.text_hash[:16]}"
        rows.append([d.first.row, _verdict(d.first), _verdict(d.second), shown])
    print_table(["row", "A", "B", "text" if texts else "comment"], rows, stream=out)
    if texts_input:
        missing = sum(d.text_hash not in texts for d in result.disagreements)
        if missing:
            print(f"({missing} of them are not in {texts_input})", file=out)
    return 0


def _verdict(record: Any) -> str:
    return f"{record.label}/{record.category}" if record.category else str(record.label)


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_WIDTH else flat[: TEXT_WIDTH - 1] + "…"


def _fmt(value: float) -> str:
    return "undefined (one class only)" if math.isnan(value) else f"{value:.3f}"
