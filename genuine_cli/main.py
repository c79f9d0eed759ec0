"""``genuine`` entry point: builds the parser from the subcommand modules and runs one.

Each module in ``COMMAND_MODULES`` has ``register(subparsers)``, which adds its parser and
sets ``func`` (taking the parsed args, returning an exit code). Heavy imports happen inside
``func`` so ``genuine --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from classifier._version import __version__
from classifier.io.problems import InputError
from classifier.model_dir import MODEL_ENV_VAR, ModelLoadError, model_identity, resolve_model_path

COMMAND_MODULES = (
    "genuine_cli.predict_cmd",
    "genuine_cli.data_cmd",
    "genuine_cli.train_cmd",
    "genuine_cli.evaluate_cmd",
    "genuine_cli.serve_cmd",
    "genuine_cli.keys_cmd",
    "genuine_cli.score_cmd",
    "genuine_cli.spark_cmd",
    "genuine_cli.export_cmd",
    "genuine_cli.label_cmd",
    "genuine_cli.adapt_cmd",
)


def version_text() -> str:
    """The package version and the model a bare command would use (name, version, hash, path)."""
    root = resolve_model_path(None)
    origin = f"${MODEL_ENV_VAR}" if os.environ.get(MODEL_ENV_VAR) else "shipped default"
    try:
        model = model_identity(root).label
    except (OSError, ValueError) as exc:
        model = f"none usable ({type(exc).__name__}: {exc})"
    return f"genuine {__version__}\nmodel {model}, {origin} at {root}"


class _VersionAction(argparse.Action):
    """Like argparse's ``version`` action, but reads the model manifest only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help", "show the package version and the default model's name, version and hash"
        )
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any, **__: Any) -> None:
        print(version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genuine",
        description=(
            "Label social-media comments (vi/zh/en) as substantive or generic, and score "
            "creators' genuine engagement from their comments."
        ),
    )
    parser.add_argument("--version", action=_VersionAction)
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
    except OSError as exc:  # an output folder that is a file, no permission, a full disk...
        where = f": {exc.filename}" if exc.filename else ""
        print(f"genuine {args.command}: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"genuine {args.command}: interrupted; no output was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
