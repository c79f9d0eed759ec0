"""``genuine score``: per-creator genuine-engagement report from comment files or platform exports."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EPILOG = """examples:
  genuine score data/examples/comments.csv --posts data/examples/posts.csv \\
      --creators data/examples/creators.csv -o out/
  genuine score labeled.parquet --exclude-authors team.txt -o out/      (uses its label/score column)
  genuine score --from youtube threads.json videos.json -o out/
  genuine score comments.csv --exclude-authors brand_official,creator_mom -o out/
  genuine score data/examples/comments.csv --posts data/examples/posts.csv \
      --creators data/examples/creators.csv --budget 5000 --currency USD -o out/

writes OUT_DIR/creators.csv, creators.json, posts.csv, comments.csv, flags.json and report.html
(one self-contained page: open it in any browser, no network needed). Creators are ranked by
the lower end of their score's 95% interval. A verdict marked "provisional" could be lower: a
check it needs (pods, bursts...) lacked a column, and the summary names the columns to add.
docs/metric.md explains every number.

brand economics (docs/economics.md): with followers, likes (posts), views and comments_count
(posts), price and currency (creators), each creator gets a tier, its engagement rate and
genuine engagement rate, its percentile within its tier on its platform, the cost per genuine
comment and per 1,000 genuine engagements, and sponsored-vs-organic drops. --budget AMOUNT
--currency CODE picks the creators that give the most genuine engagement (lower end of the
interval) for the budget, explains each pick, and writes budget.json.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score creators' genuine engagement from their comments (report.html, creators.csv, ...)",
        description=(
            "Turn comment labels into a per-creator genuine-engagement metric: substantive share "
            "with a 95%% interval, expected genuine comments, engagement rates, an authenticity "
            "score 0-100 with its interval, a verdict with reasons, and the evidence (copy-paste "
            "clusters, pods, bursts, repeat generic accounts, bait). Labels come from a label/score "
            "column when present, else from the model."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "comments",
        nargs="+",
        metavar="COMMENTS",
        help="comments file(s): CSV, JSONL, JSON or Parquet; with --from, the export file(s)",
    )
    parser.add_argument(
        "--posts",
        metavar="FILE",
        default=None,
        help="posts table: post_id, creator_id, posted_at, sponsored, views, likes, comments_count",
    )
    parser.add_argument(
        "--creators",
        metavar="FILE",
        default=None,
        help="creators table: creator_id, followers, platform, language, price (per post), "
        "currency (ISO 4217, e.g. USD)",
    )
    parser.add_argument(
        "--exclude-authors",
        metavar="FILE_OR_LIST",
        default=None,
        help="author ids to leave out (the creator's team, the brand's accounts): a file "
        "with one id per line, or a comma-separated list",
    )
    parser.add_argument(
        "--from",
        dest="from_format",
        metavar="FORMAT",
        default=None,
        help="read platform exports: youtube, tiktok, instagram, facebook, mediacrawler or auto",
    )
    parser.add_argument(
        "--text-column", default="text", help="column holding the comment text (default: text)"
    )
    parser.add_argument(
        "--model",
        "-m",
        metavar="DIR",
        default=None,
        help="label with this model directory (default: the label/score column if present, "
        "else $GENUINE_MODEL or the shipped models/default)",
    )
    parser.add_argument(
        "-o",
        "--output",
        "--out-dir",
        dest="out_dir",
        metavar="OUT_DIR",
        required=True,
        help="folder for the output files (created if missing)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="AMOUNT",
        default=None,
        help="pick the creators that give the most genuine engagement for this budget (one post "
        "each at its price; needs --currency and prices in the creators table)",
    )
    parser.add_argument(
        "--currency",
        metavar="CODE",
        default=None,
        help="the budget's currency (ISO 4217, e.g. USD); only creators priced in it are picked",
    )
    parser.add_argument(
        "--tiers",
        metavar="B1,B2,B3",
        default=None,
        help="follower counts where micro, macro and mega start (default 10000,100000,1000000; "
        "k and M work: 10k,100k,1M)",
    )
    parser.add_argument("--no-html", action="store_true", help="skip report.html")
    from genuine_cli.common import add_progress_arguments

    add_progress_arguments(parser, "no progress bar and no summary table")
    parser.set_defaults(func=run)


def _read_inputs(args: argparse.Namespace) -> tuple[Any, Any, Any, list[Any], list[str]]:
    """Comments, posts, creators, upstream problems and notes (from --from exports)."""
    if not args.from_format:
        comments = args.comments[0] if len(args.comments) == 1 else list(args.comments)
        return comments, args.posts, args.creators, [], []
    from classifier.io.platforms import read_export

    export = read_export(args.from_format, list(args.comments))
    notes = [f"read as a {export.format} export", *(getattr(export, "notes", None) or [])]
    if export.missing_fields:
        notes.append(
            "the export has no "
            + ", ".join(export.missing_fields)
            + "; the signals that need them are off"
        )
    if not args.quiet:
        for note in notes[1:]:  # the first, "read as a FORMAT export", repeats --from
            print(f"genuine score: {note}", file=sys.stderr)
    posts = args.posts if args.posts else export.posts
    creators = args.creators if args.creators else export.creators
    return export.comments, posts, creators, list(export.problems), notes


def print_missing(rows: list[dict[str, Any]], uses: list[Any]) -> None:
    """How many verdicts are provisional, and which missing columns would turn which signals on."""
    from classifier.scoring.columns import missing_columns_rows, provisional_summary
    from genuine_cli.common import print_table

    sentence = provisional_summary(rows)
    if sentence:
        print(f"\n{sentence}.", file=sys.stdout)
    if uses:
        print("\ncolumns missing from the input, and what each would turn on:", file=sys.stdout)
        print_table(["column", "table", "turns on"], missing_columns_rows(uses), stream=sys.stdout)


def _summary(report: Any) -> None:
    from classifier.scoring.columns import RANKING_NOTE, verdict_text
    from genuine_cli.common import print_table

    records = report.creator_records()
    rows = []
    for row in records:
        flags = [
            f"{label} {int(row[key])}"
            for key, label in (
                ("copy_paste_comments", "copy-paste"),
                ("pod_comments", "pod"),
                ("burst_posts", "bursts"),
                ("bait_comments", "bait"),
            )
            if row.get(key)
        ]

        def num(value: Any, fmt: str) -> str:
            return "-" if value is None else format(value, fmt)

        rows.append(
            [
                row["rank"],
                row["creator_id"],
                verdict_text(row),
                f"{num(row['authenticity'], '.0f')} ({num(row['authenticity_low'], '.0f')}-{num(row['authenticity_high'], '.0f')})",
                num(row["comments"], ".0f"),
                num(row["substantive_share"], ".0%"),
                num(row["genuine_per_post"], ".1f"),
                ", ".join(flags) or "-",
            ]
        )
    print_table(
        [
            "#",
            "creator",
            "verdict",
            "score (95% CI)",
            "comments",
            "substantive",
            "genuine/post",
            "flags",
        ],
        rows,
        stream=sys.stdout,
    )
    print(f"({RANKING_NOTE})", file=sys.stdout)
    print_missing(records, report.missing_columns())


def _economics_summary(report: Any) -> None:
    """Tier, engagement rates and costs per creator; the budget pick when there is one."""
    from classifier.scoring.economics import format_money
    from genuine_cli.common import print_table

    records = report.creator_records()
    if not any(r.get("tier") or r.get("price") is not None for r in records):
        return

    def pct(value: Any, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}%}"

    rows = []
    for row in records:
        currency = row.get("currency")
        low, high = (row.get(f"genuine_engagement_rate_{end}") for end in ("low", "high"))
        rows.append(
            [
                row["creator_id"],
                row.get("tier") or "-",
                pct(row.get("engagement_rate")),
                f"{pct(row.get('genuine_engagement_rate'), 2)} ({pct(low, 2)}-{pct(high, 2)})",
                "-" if row.get("tier_percentile") is None else f"{row['tier_percentile']:.0f}",
                format_money(row.get("price"), currency).replace("–", "-"),
                format_money(row.get("cost_per_genuine_comment"), currency).replace("–", "-"),
                format_money(row.get("cost_per_1k_genuine_engagements"), currency).replace(
                    "–", "-"
                ),
            ]
        )
    print("\nwhat genuine engagement costs (docs/economics.md):", file=sys.stdout)
    print_table(
        [
            "creator",
            "tier",
            "eng. rate",
            "genuine eng. rate (95% CI)",
            "tier pct",
            "price",
            "per genuine comment",
            "per 1k genuine eng.",
        ],
        rows,
        stream=sys.stdout,
    )
    plan = report.budget
    if plan is None:
        return
    print(f"\nbudget {plan.money(plan.amount)}: {plan.summary()}", file=sys.stdout)
    for pick in plan.picks:
        print(f"  + {pick.creator_id}: {pick.reason}", file=sys.stdout)
    for skip in plan.skipped:
        print(f"  - {skip.creator_id}: {skip.reason}", file=sys.stdout)


def parse_tiers(text: str) -> tuple[float, ...]:
    """ "10k,100k,1M" -> (10000.0, 100000.0, 1000000.0)."""
    from classifier.io.problems import InputError

    values = []
    for part in text.split(","):
        item = part.strip().lower()
        scale = {"k": 1e3, "m": 1e6}.get(item[-1:], 1.0)
        try:
            values.append(float(item[:-1] if scale != 1.0 else item) * scale)
        except ValueError:
            raise InputError(
                f"--tiers: '{part.strip()}' is not a follower count (e.g. 10000,100000,1000000 "
                "or 10k,100k,1M)"
            ) from None
    return tuple(values)


def _config(args: argparse.Namespace) -> Any:
    """The ScoringConfig for --tiers (None: the defaults)."""
    if not args.tiers:
        return None
    from classifier.io.problems import InputError
    from classifier.scoring import ScoringConfig
    from classifier.scoring.config import TIER_NAMES

    bounds = parse_tiers(args.tiers)
    if len(bounds) != len(TIER_NAMES) - 1:
        raise InputError(
            f"--tiers needs {len(TIER_NAMES) - 1} follower counts (where micro, macro and mega "
            f"start), got {len(bounds)}"
        )
    try:
        return ScoringConfig(tier_bounds=bounds)
    except ValueError as exc:
        raise InputError(f"--tiers: {exc}") from None


def _label_progress(args: argparse.Namespace) -> Any:
    """A bar for the model's labeling, on a terminal (see progress_shown); None when hidden."""
    from genuine_cli.common import progress_bar, progress_shown

    if not progress_shown(args):
        return None
    return lambda total: progress_bar(total, "label", True, unit="texts")


def run(args: argparse.Namespace) -> int:
    from classifier.scoring import score_creators
    from classifier.scoring.budget import check_budget
    from classifier.scoring.output import write_report
    from genuine_cli.common import report_problems

    if args.budget is not None:
        check_budget(args.budget, args.currency)  # before any work: a typo fails at once
    elif args.currency:
        print("genuine score: --currency only matters with --budget", file=sys.stderr)
    config = _config(args)

    predictor = None
    if args.model:
        from classifier.predictor import load

        predictor = load(args.model)
    comments, posts, creators, problems, notes = _read_inputs(args)
    report = score_creators(
        comments,
        posts,
        creators,
        predictor,
        exclude_authors=args.exclude_authors,
        text_column=args.text_column,
        problems=problems,
        notes=notes,
        label_progress=_label_progress(args),
        config=config,
        budget=args.budget,
        currency=args.currency if args.budget is not None else None,
    )
    written = write_report(report, args.out_dir, html=not args.no_html)
    report_problems(report.problems, "score")
    if not args.quiet:
        _summary(report)
        _economics_summary(report)
        print(f"\nwrote {', '.join(str(p) for p in written)}", file=sys.stdout)
    return 0
