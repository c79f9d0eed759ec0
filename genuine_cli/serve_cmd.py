"""``genuine serve``: run the HTTP service (FastAPI under uvicorn)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any

from genuine_cli.common import add_model_argument


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP service",
        description="Serve the model over HTTP: POST /v1/predict, POST /v1/score, GET /v1/model, /healthz, "
        "/readyz, /metrics; the Perspective-compatible POST /v1alpha1/comments:analyze and its "
        "discovery document at /$discovery/rest?version=v1alpha1; OpenAPI at /docs. With --keys, "
        "every endpoint but /healthz, /readyz and the API descriptions needs an API key. Needs "
        "the 'serve' extra: pip install 'genuine[serve]'.",
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
        "--max-request-chars",
        type=int,
        default=1_000_000,
        help="most characters of text in one /v1/predict request, after cutting (default 1000000)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time budget of one request's work; past it the answer is 503 (default 30)",
    )
    parser.add_argument(
        "--body-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time to receive a whole request body (408 past it); also the longest a client may "
        "stall reading an answer before it is dropped (default 30)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time to receive a request's headers, from connecting or from the previous answer; "
        "the socket is closed past it (default 10)",
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=5,
        metavar="SECONDS",
        help="idle keep-alive connections close after this (default 5)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=1000,
        help="open connections per worker; more are answered 503 and closed (default 1000)",
    )
    parser.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )
    parser.add_argument(
        "--keys",
        metavar="FILE",
        default=None,
        help="require API keys from this key file (made by 'genuine keys add'), reloaded when it "
        "changes; without it the service has no keys and listens on 127.0.0.1 only",
    )
    parser.add_argument(
        "--usage-db",
        metavar="FILE",
        default=None,
        help="SQLite file of per-key quota counters, shared by the workers (default: KEYS_FILE.usage.sqlite)",
    )
    parser.add_argument(
        "--allow-no-keys",
        action="store_true",
        help="listen on a non-loopback --host without API keys (anyone who reaches it can use it)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
    if not _check_keys(args):
        return 2
    from classifier.service import ServiceLimits
    from classifier.service_server import (
        ENV_VAR,
        ServerLimits,
        configure_logging,
        raise_open_file_limit,
        uvicorn_settings,
    )

    try:
        limits = ServiceLimits(
            max_body_bytes=int(args.max_body_mb * 1024 * 1024),
            max_batch=args.max_batch,
            max_comment_chars=args.max_comment_chars,
            max_request_chars=args.max_request_chars,
            request_timeout_s=args.request_timeout,
            body_timeout_s=args.body_timeout,
        )
        server = ServerLimits(
            max_connections=args.max_connections,
            header_timeout_s=args.header_timeout,
            keep_alive_s=args.keep_alive,
            write_timeout_s=args.body_timeout,
        )
    except ValueError as exc:
        print(f"genuine serve: error: {exc}", file=sys.stderr)
        return 2
    allowed = raise_open_file_limit(server.max_connections)
    if allowed < server.max_connections:
        print(
            f"genuine serve: warning: the open-file limit allows {allowed} connections, not "
            f"{server.max_connections}; using {allowed} (raise it with ulimit -n)",
            file=sys.stderr,
        )
        server = dataclasses.replace(server, max_connections=allowed)
    os.environ["GENUINE_SERVE_CONFIG"] = json.dumps(
        {"model": args.model, "limits": dataclasses.asdict(limits)}
    )
    os.environ[ENV_VAR] = server.to_env()
    configure_logging(args.log_level)
    uvicorn.run(
        "genuine_cli.serve_cmd:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        **uvicorn_settings(server),
    )
    return 0


def app_from_env() -> Any:
    """App factory for uvicorn workers: settings travel in $GENUINE_SERVE_CONFIG (JSON)."""
    import os

    from classifier.service import ServiceLimits, create_app

    config = json.loads(os.environ.get("GENUINE_SERVE_CONFIG") or "{}")
    limits = ServiceLimits(**config.get("limits", {}))
    return create_app(config.get("model"), limits, access=_access_from_env())


KEYS_ENV = "GENUINE_SERVE_KEYS"


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_keys(args: argparse.Namespace) -> bool:
    """Validate --keys / --allow-no-keys, say at start-up who may call, and pass the key file
    to the workers in $GENUINE_SERVE_KEYS."""
    import os
    from pathlib import Path

    from classifier.keys import KeyFile, default_usage_path

    if args.keys is None:
        os.environ.pop(KEYS_ENV, None)
        if not _is_loopback(args.host) and not args.allow_no_keys:
            print(
                f"genuine serve: error: --host {args.host} without API keys would let anyone who "
                "reaches it use the service; pass --keys FILE (make keys with 'genuine keys add "
                "NAME --file FILE'), or --allow-no-keys to serve it open on purpose",
                file=sys.stderr,
            )
            return False
        where = "on 127.0.0.1 only" if _is_loopback(args.host) else f"on {args.host}, OPEN TO ALL"
        print(
            f"genuine serve: no API keys (no --keys): listening {where}; every request is served",
            file=sys.stderr,
        )
        return True
    key_file = Path(args.keys).resolve()
    keys = KeyFile.load(key_file)  # a missing or broken key file stops start-up
    active = sum(1 for record in keys.keys if record.active)
    usage = Path(args.usage_db).resolve() if args.usage_db else default_usage_path(key_file)
    os.environ[KEYS_ENV] = f"{key_file}|{usage}"
    print(
        f"genuine serve: API keys from {key_file} ({active} active; reloaded when the file "
        f"changes), quota counters in {usage}",
        file=sys.stderr,
    )
    if active == 0:
        print(
            "genuine serve: warning: no active key yet: every request but /healthz will get 401/403 "
            f"until you run: genuine keys add NAME --file {key_file}",
            file=sys.stderr,
        )
    return True


def _access_from_env() -> Any:
    import os

    from classifier.service_access import Access

    setting = os.environ.get(KEYS_ENV)
    if not setting:
        return None
    key_file, usage = setting.split("|", 1)
    return Access(key_file, usage)
