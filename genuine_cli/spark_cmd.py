"""``genuine spark-score``: the creator metric on Apache Spark, from Parquet in a data lake."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EPILOG = """examples:
  genuine spark-score comments.parquet out/ --posts posts.parquet --creators creators.parquet \\
      --master 'local[2]'
  spark-submit --master yarn --conf spark.executor.memory=4g \\
      $(python -c 'import genuine_cli.main as m; print(m.__file__)') \\
      spark-score s3a://lake/comments/ s3a://lake/out/ --posts s3a://lake/posts/

INPUT and --posts/--creators are Parquet files or folders (a .csv or .json/.jsonl name is read
with Spark's CSV/JSON reader). Writes OUT_DIR/creators/, posts/, comments/, clusters/, pods/,
bursts/, repeat_authors/ and problems/ as Parquet, and, where OUT_DIR is a local path,
creators.csv, creators.json and flags.json. Local Parquet files of up to --local-rows comments
are scored and written without starting Spark (name them file:///... to have Spark read them).
docs/spark.md has the details.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "spark-score",
        help="score creators on Apache Spark (same metric as 'genuine score'; needs genuine[spark])",
        description=(
            "Compute the per-creator genuine-engagement metric of 'genuine score' with Spark: "
            "the same model and the same numbers, for comment tables too large for one machine. "
            "Needs pip install 'genuine[spark]' and Java 17+."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT_PARQUET", help="comments: Parquet file or folder")
    parser.add_argument("out_dir", metavar="OUT_DIR", help="output folder (local path or URI)")
    parser.add_argument("--posts", metavar="P", default=None, help="posts table (Parquet)")
    parser.add_argument("--creators", metavar="C", default=None, help="creators table (Parquet)")
    parser.add_argument(
        "--master",
        default=None,
        help="Spark master, e.g. 'local[2]' (default: what spark-submit set, else local[*])",
    )
    parser.add_argument(
        "--model",
        "-m",
        metavar="DIR",
        default=None,
        help="label with this model directory (default: the label/score column if present, "
        "else $GENUINE_MODEL or the shipped models/default); shipped to executors with addFile",
    )
    parser.add_argument(
        "--model-on-shared-storage",
        action="store_true",
        help="do not ship the model: every executor reads --model at the same path",
    )
    parser.add_argument(
        "--exclude-authors",
        metavar="FILE_OR_LIST",
        default=None,
        help="author ids to leave out: a file with one id per line, or a comma-separated list",
    )
    parser.add_argument(
        "--text-column", default="text", help="column holding the comment text (default: text)"
    )
    parser.add_argument(
        "--shuffle-partitions",
        type=int,
        default=None,
        metavar="N",
        help="spark.sql.shuffle.partitions (default: Spark's; about 2-3x the executor cores)",
    )
    parser.add_argument(
        "--local-rows",
        type=int,
        default=None,
        metavar="N",
        help="score inputs of up to N comments on the driver with 'genuine score' itself, "
        "where Spark's fixed cost would dominate; local Parquet files that small are scored "
        "without starting Spark (default: 100000; 0: always distributed)",
    )
    parser.add_argument(
        "--driver-memory", default=None, metavar="SIZE", help="e.g. 2g (local mode only)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="AMOUNT",
        default=None,
        help="also pick the creators that give the most genuine engagement for this budget "
        "(needs --currency; writes budget.json where OUT_DIR is local)",
    )
    parser.add_argument(
        "--currency", metavar="CODE", default=None, help="the budget's currency (ISO 4217)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary table")
    parser.set_defaults(func=run)


def _read(spark: Any, path: str) -> Any:
    lower = path.lower().rstrip("/")
    if lower.endswith(".csv"):
        return spark.read.option("header", True).csv(path)
    if lower.endswith((".json", ".jsonl", ".ndjson")):
        return spark.read.json(path)
    return spark.read.parquet(path)


def _summary(creators: Any, limit: int = 20) -> None:
    from classifier.scoring.columns import RANKING_NOTE, verdict_text
    from genuine_cli.common import print_table

    def num(value: Any, fmt: str) -> str:
        return "-" if value is None or value != value else format(value, fmt)

    rows = []
    for row in creators.head(limit).to_dict("records"):
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
        rows.append(
            [
                row["rank"],
                row["creator_id"],
                verdict_text(row),
                f"{num(row['authenticity'], '.0f')} ({num(row['authenticity_low'], '.0f')}"
                f"-{num(row['authenticity_high'], '.0f')})",
                num(row["comments"], ".0f"),
                num(row["substantive_share"], ".0%"),
                ", ".join(flags) or "-",
            ]
        )
    print_table(
        ["#", "creator", "verdict", "score (95% CI)", "comments", "substantive", "flags"],
        rows,
        stream=sys.stdout,
    )
    print(f"({RANKING_NOTE})", file=sys.stdout)
    if len(creators) > limit:
        print(f"... {len(creators) - limit} more creators in creators.csv", file=sys.stdout)


def _local_parquet_rows(args: argparse.Namespace) -> int | None:
    """The comments' row count when INPUT, --posts and --creators are local Parquet files
    (read without Spark, from the file footer) and OUT_DIR is local, else None."""
    import pyarrow.parquet as pq

    if "://" in args.out_dir and not args.out_dir.startswith("file://"):
        return None
    paths = [p for p in (args.input, args.posts, args.creators) if p]
    if any(
        "://" in p or not p.lower().endswith(".parquet") or not Path(p).is_file() for p in paths
    ):
        return None
    try:
        return int(pq.ParquetFile(args.input).metadata.num_rows)
    except (OSError, ValueError):  # not readable as Parquet: Spark's reader says why
        return None


def _score_here(args: argparse.Namespace) -> tuple[Any, list[str], Any]:
    """Small local files: ``score_creators`` and pyarrow write what the Spark path writes."""
    import pandas as pd

    from classifier.predictor import load
    from classifier.scoring import score_creators
    from classifier.spark.report import creators_frame, write_local
    from genuine_cli.common import report_problems

    report = score_creators(
        args.input,
        args.posts,
        args.creators,
        load(args.model) if args.model else None,
        exclude_authors=args.exclude_authors,
        text_column=args.text_column,
    )
    out = args.out_dir.removeprefix("file://")
    written = write_local(report, out)
    report_problems(report.problems, "spark-score")
    # Read back, so creators.csv/.json hold the types the Spark path writes (counts as integers).
    return report, written, creators_frame(pd.read_parquet(Path(out) / "creators"))


def _score_on_spark(args: argparse.Namespace, local_rows: int) -> tuple[Any, list[str], Any]:
    from classifier.spark import score_creators_df, spark_session

    spark = spark_session(
        args.master,
        "genuine spark-score",
        shuffle_partitions=args.shuffle_partitions,
        driver_memory=args.driver_memory,
    )
    report = score_creators_df(
        _read(spark, args.input),
        _read(spark, args.posts) if args.posts else None,
        _read(spark, args.creators) if args.creators else None,
        model=args.model,
        exclude_authors=args.exclude_authors,
        text_column=args.text_column,
        ship_model=not args.model_on_shared_storage,
        local_rows=local_rows,
    )
    written = report.write(args.out_dir)
    problems = report.problems.count()
    if problems:
        for row in report.problems.limit(20).collect():
            print(
                f"genuine spark-score: skipped {row['source']}:{row['line']}: {row['field']}: "
                f"{row['problem']}",
                file=sys.stderr,
            )
        if problems > 20:
            print(f"genuine spark-score: ... and {problems - 20} more bad rows", file=sys.stderr)
    # The creators table is one row per creator: small enough to collect for CSV/JSON and a summary.
    return report, written, report.creators_table()


def run(args: argparse.Namespace) -> int:
    try:
        from classifier.spark.score import LOCAL_ROWS
    except ImportError as exc:
        print(f"genuine spark-score: error: {exc}", file=sys.stderr)
        return 2
    import json

    from classifier.scoring.budget import check_budget

    if args.budget is not None:
        check_budget(args.budget, args.currency)
    local_rows = LOCAL_ROWS if args.local_rows is None else args.local_rows
    local_count = _local_parquet_rows(args)
    if local_count is not None and 0 < local_count <= local_rows:
        report, written, creators = _score_here(args)
        if not args.quiet:
            print(
                f"genuine spark-score: {local_count} comments (--local-rows {local_rows}): "
                "scored on this machine without starting Spark",
                file=sys.stderr,
            )
    else:
        report, written, creators = _score_on_spark(args, local_rows)
    out = args.out_dir.rstrip("/")
    if "://" not in out or out.startswith("file://"):
        from classifier.io.atomic import atomic_write_text
        from classifier.scoring.output import _csv, creators_for_csv
        from classifier.scoring.report import records

        local = Path(out.removeprefix("file://"))
        _csv(creators_for_csv(creators), local / "creators.csv")
        atomic_write_text(
            local / "creators.json",
            json.dumps(records(creators), ensure_ascii=False, indent=1) + "\n",
        )
        written += [str(local / "creators.csv"), str(local / "creators.json")]
    plan = None
    if args.budget is not None:
        from classifier.scoring.budget import plan_budget

        plan = plan_budget(creators, args.budget, args.currency, report.config)
        if "://" not in out or out.startswith("file://"):
            from classifier.io.atomic import atomic_write_text
            from classifier.scoring.report import _clean

            path = Path(out.removeprefix("file://")) / "budget.json"
            atomic_write_text(
                path, json.dumps(_clean(plan.to_dict()), ensure_ascii=False, indent=1) + "\n"
            )
            written.append(str(path))
    if not args.quiet:
        from classifier.scoring.columns import missing_columns
        from classifier.scoring.report import records as creator_records
        from genuine_cli.score_cmd import print_missing

        _summary(creators)
        rows = creator_records(creators)
        named = (c for r in rows for c in (r.get("missing_columns") or []))
        print_missing(rows, missing_columns(report.signals_off, named))
        if plan is not None:
            print(f"\nbudget {plan.money(plan.amount)}: {plan.summary()}", file=sys.stdout)
            for pick in plan.picks:
                print(f"  + {pick.creator_id}: {pick.reason}", file=sys.stdout)
        print(f"\nwrote {', '.join(written)}", file=sys.stdout)
    if hasattr(report, "unpersist"):
        report.unpersist()
    return 0
