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

writes OUT_DIR/creators.csv, creators.json, posts.csv, comments.csv, flags.json and report.html
(one self-contained page: open it in any browser, no network needed). docs/metric.md explains
every number.
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
        help="posts table: post_id, creator_id, posted_at, sponsored, views, likes",
    )
    parser.add_argument(
        "--creators",
        metavar="FILE",
        default=None,
        help="creators table: creator_id, followers, platform, language",
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
    parser.add_argument("--no-html", action="store_true", help="skip report.html")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary table")
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


def _summary(report: Any) -> None:
    from classifier.cli.common import print_table

    rows = []
    for row in report.creator_records():
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
                row["verdict"],
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


def run(args: argparse.Namespace) -> int:
    from classifier.cli.common import report_problems
    from classifier.scoring import score_creators
    from classifier.scoring.output import write_report

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
    )
    written = write_report(report, args.out_dir, html=not args.no_html)
    report_problems(report.problems, "score")
    if not args.quiet:
        _summary(report)
        off = ", ".join(report.signals_off) or "none"
        print(f"\nsignals off: {off}", file=sys.stdout)
        print(f"wrote {', '.join(str(p) for p in written)}", file=sys.stdout)
    return 0
