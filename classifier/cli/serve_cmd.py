"""``genuine serve``: run the HTTP service (FastAPI under uvicorn)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from classifier.cli.common import add_model_argument


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP service",
        description="Serve the model over HTTP: POST /v1/predict, POST /v1/score, GET /v1/model, /healthz, "
        "/readyz, /metrics; OpenAPI at /docs. Needs the 'serve' extra: pip install 'genuine[serve]'.",
    )
    add_model_argument(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes (each loads the model once)"
    )
    parser.add_argument(
        "--max-batch", type=int, default=2048, help="most comments in one /v1/predict request"
    )
    parser.add_argument(
        "--max-body-mb", type=float, default=8.0, help="largest request body in MiB"
    )
    parser.add_argument(
        "--max-comment-chars",
        type=int,
        default=5000,
        help="longer comments are cut and flagged truncated",
    )
    parser.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import logging
    import os

    try:
        import uvicorn
    except ImportError:
        print(
            "genuine serve: error: the service needs: pip install 'genuine[serve]'", file=sys.stderr
        )
        return 2
    from classifier.model_dir import open_model_dir

    open_model_dir(
        args.model
    )  # refuse to start on a missing or tampered model, with a clear message
    os.environ["GENUINE_SERVE_CONFIG"] = (
        f"{args.model or ''}|{args.max_batch}|{int(args.max_body_mb * 1024 * 1024)}|{args.max_comment_chars}"
    )
    logging.basicConfig(level=args.log_level.upper(), format="%(message)s", stream=sys.stderr)
    uvicorn.run(
        "classifier.cli.serve_cmd:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=False,
    )
    return 0


def app_from_env() -> Any:
    """App factory for uvicorn workers: settings travel in $GENUINE_SERVE_CONFIG."""
    import os

    from classifier.service import ServiceLimits, create_app

    model, max_batch, max_body, max_chars = os.environ.get(
        "GENUINE_SERVE_CONFIG", "|2048|8388608|5000"
    ).split("|")
    limits = ServiceLimits(
        max_body_bytes=int(max_body), max_batch=int(max_batch), max_comment_chars=int(max_chars)
    )
    return create_app(model or None, limits)
