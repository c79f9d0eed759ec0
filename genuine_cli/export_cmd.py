"""``genuine export --onnx``: an ONNX Runtime copy of a transformer model directory.

The exported directory loads with ``classifier.load(DIR)`` and ``genuine predict/serve --model
DIR`` like the source, but runs on onnxruntime (no torch needed at serving time). The export
itself needs torch and transformers (``pip install 'genuine[train,onnx]'``) and checks that
ONNX Runtime gives the same logits as torch before it writes the manifest.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EPILOG = """examples:
  genuine train labeled.csv --backend transformer --base xlm-roberta-base -o models/xlmr
  genuine export --onnx models/xlmr -o models/xlmr-onnx
  genuine predict comments.csv --model models/xlmr-onnx -o labeled.csv
  genuine export --onnx models/xlmr -o models/xlmr-onnx --keep-weights   # pipeline() still loads it
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export a transformer model directory to ONNX",
        description="Write a copy of a transformer model directory (genuine train --backend "
        "transformer) that runs on ONNX Runtime: model.onnx with dynamic batch and sequence axes, "
        "the tokenizer and config files, the card and a new manifest. The export checks that ONNX "
        "Runtime reproduces the torch logits on sample comments in vi/zh/en.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--onnx",
        required=True,
        metavar="MODEL_DIR",
        help="the transformer model directory to export",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT_DIR", help="directory to write"
    )
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset version (default: 17)")
    parser.add_argument(
        "--keep-weights",
        action="store_true",
        help="also copy model.safetensors (so transformers.pipeline() can load OUT_DIR too)",
    )
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from classifier.io.problems import InputError

    try:
        from training.onnx_export import export_onnx

        out = export_onnx(args.onnx, args.output, keep_weights=args.keep_weights, opset=args.opset)
    except ImportError as exc:
        raise InputError(
            f"the ONNX export needs torch, transformers, onnx and onnxruntime ({exc}); install "
            f"them with: pip install 'genuine[train,onnx]'"
        ) from None
    except (ValueError, RuntimeError) as exc:  # bad settings, or ONNX logits not faithful
        raise InputError(str(exc)) from None
    if not args.quiet:
        print(f"wrote {out} (ONNX Runtime; load it with --model {out})", file=sys.stderr)
    return 0
