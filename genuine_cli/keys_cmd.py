"""``genuine keys``: add, revoke and list the HTTP service's API keys.

    genuine keys add NAME --file keys.json [--qps N] [--per-day N]   prints the new key once
    genuine keys revoke ID --file keys.json
    genuine keys list --file keys.json

The file holds SHA-256 hashes, never keys (:mod:`classifier.keys`); a running
``genuine serve --keys keys.json`` picks up every change within a second, without a restart.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

_FILE_HELP = "the key file (JSON of hashed keys; created by the first 'add')"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "keys",
        help="add, revoke and list API keys of the HTTP service",
        description="Manage the API keys of 'genuine serve --keys FILE'. The file stores only "
        "SHA-256 hashes of the keys; a running service reloads it within a second.",
    )
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="make a new key and print it (once: it is not stored)",
        description="Make a new API key named NAME and print it on stdout. Only its hash is "
        "stored: copy the key now.",
    )
    add.add_argument("name", help="who or what uses the key (e.g. moderation-bot)")
    add.add_argument("--file", required=True, help=_FILE_HELP)
    add.add_argument(
        "--qps", type=float, default=None, help="queries per second allowed (default: no limit)"
    )
    add.add_argument(
        "--per-day",
        type=int,
        default=None,
        help="comments per UTC day allowed, over all endpoints (default: no limit)",
    )
    add.set_defaults(func=run_add)
    revoke = actions.add_parser(
        "revoke",
        help="revoke a key by its id (see 'list')",
        description="Revoke the key with id ID: requests with it get 403 from the next second on.",
    )
    revoke.add_argument("id", help="the key's id (k_...), as 'list' shows it")
    revoke.add_argument("--file", required=True, help=_FILE_HELP)
    revoke.set_defaults(func=run_revoke)
    listing = actions.add_parser(
        "list",
        help="list the keys: id, name, created, status, quotas",
        description="List the keys of the file (never the keys themselves: they are not stored).",
    )
    listing.add_argument("--file", required=True, help=_FILE_HELP)
    listing.set_defaults(func=run_list)
    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_add(args: argparse.Namespace) -> int:
    from classifier.keys import KeyFile, locked

    with locked(args.file):
        keys = KeyFile.load(args.file, missing_ok=True)
        record, key = keys.add(args.name, qps=args.qps, per_day=args.per_day)
        keys.save(args.file)
    print(key)
    quotas = _quotas(record.qps, record.per_day)
    print(
        f"genuine keys: added key {record.id} ({record.name}; {quotas}) to {args.file}. "
        "This is the only time the key is shown: it is stored as a hash.",
        file=sys.stderr,
    )
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    from classifier.keys import KeyFile, locked

    with locked(args.file):
        keys = KeyFile.load(args.file)
        was_active = any(r.id == args.id and r.active for r in keys.keys)
        record = keys.revoke(args.id)
        if was_active:
            keys.save(args.file)
    state = "revoked" if was_active else f"was already revoked on {record.revoked}"
    print(f"genuine keys: {record.id} ({record.name}) {state}", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from classifier.keys import KeyFile

    keys = KeyFile.load(args.file)
    rows = [("id", "name", "created", "status", "qps", "per day")]
    for record in keys.keys:
        rows.append(
            (
                record.id,
                record.name,
                record.created,
                "active" if record.active else f"revoked {record.revoked}",
                "-" if record.qps is None else f"{record.qps:g}",
                "-" if record.per_day is None else str(record.per_day),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    if not keys.keys:
        print(f"genuine keys: {args.file} holds no keys", file=sys.stderr)
    return 0


def _quotas(qps: float | None, per_day: int | None) -> str:
    parts = [
        "no rate limit" if qps is None else f"{qps:g} queries/s",
        "no daily limit" if per_day is None else f"{per_day} comments/day",
    ]
    return ", ".join(parts)
