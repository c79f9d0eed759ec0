"""``genuine`` entry point: builds the parser from the subcommand modules and runs one.

Each module in ``COMMAND_MODULES`` has ``register(subparsers)``, which adds its parser and
sets ``func`` (taking the parsed args, returning an exit code). Heavy imports happen inside
``func`` so ``genuine --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from classifier._version import __version__
from classifier.io.problems import InputError
from classifier.model_dir import ModelLoadError

COMMAND_MODULES = (
    "classifier.cli.predict_cmd",
    "classifier.cli.data_cmd",
    "classifier.cli.train_cmd",
    "classifier.cli.evaluate_cmd",
    "classifier.cli.serve_cmd",
    "classifier.cli.score_cmd",
    "classifier.cli.spark_cmd",
    "classifier.cli.export_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genuine",
        description=(
            "Label social-media comments (vi/zh/en) as substantive or generic, and score "
            "creators' genuine engagement from their comments."
        ),
    )
    parser.add_argument("--version", action="version", version=f"genuine {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (InputError, ModelLoadError) as exc:
        print(f"genuine {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"genuine {args.command}: interrupted; no output was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
