"""End-to-end time of a small Spark job, and where it goes.

Runs ``genuine spark-score --master local[2]`` on N synthetic comments (default 10,000, labels
from the shipped model as raw comments need them; posts and creators tables given) in a fresh
process, timed from the command's start to its exit, three times: on local Parquet files (the
default: files this small are scored by ``score_creators`` and written by pyarrow, no Spark
started), on the same files as file:// URIs (Spark reads them, the tables are collected and
scored on the driver) and with ``--local-rows 0`` (every step distributed). Then the distributed path once more inside this
benchmark, with its Spark jobs grouped by the step genuine names them after (``cut``'s job
descriptions, read from Spark's REST API): where the time goes.

    python benchmarks/spark_small_job.py                  # 10,000 comments
    python benchmarks/spark_small_job.py --write-results  # also benchmarks/results/spark_small_job.md
    python benchmarks/spark_small_job.py --repeat 3       # each end-to-end time the median of 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from benchmarks.readme_results import Claim, Results, measured_line, write_results  # noqa: E402


def _end_to_end(folder: Path, out: Path, local_rows: int | None, uri: bool = False) -> float:
    """Seconds from start to exit; ``uri``: the inputs named as file:// URIs, which Spark
    reads (plain local Parquet files this small are scored without starting Spark)."""

    def name(table: str) -> str:
        path = folder / f"{table}.parquet"
        return path.as_uri() if uri else str(path)

    command = [sys.executable, "-m", "genuine_cli", "spark-score", name("comments"), str(out)]
    command += ["--posts", name("posts"), "--creators", name("creators"), "-q"]
    command += ["--master", "local[2]", "--model", "models/default"]
    command += [] if local_rows is None else ["--local-rows", str(local_rows)]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def _when(text: str) -> datetime:
    return datetime.strptime(text.removesuffix("GMT"), "%Y-%m-%dT%H:%M:%S.%f")


def _steps(folder: Path, out: Path) -> tuple[dict[str, float], dict[str, tuple[int, float]]]:
    """Phases in one process (the small-input path, then the distributed one), and the
    distributed run's Spark jobs' seconds grouped by step."""
    start = time.perf_counter()
    from classifier.spark import score_creators_df, spark_session

    spark = spark_session("local[2]", "genuine-small-job")
    spark.range(1000).selectExpr("sum(id)").collect()  # the first job warms the JVM up
    phases = {"import, session start and a first job": time.perf_counter() - start}
    names = ("comments", "posts", "creators")
    tables = [spark.read.parquet(str(folder / f"{name}.parquet")) for name in names]
    model = str(ROOT / "models" / "default")
    start = time.perf_counter()
    score_creators_df(*tables, model=model).write(f"{out}-small")
    phases["small-input path, session running: score and write"] = time.perf_counter() - start
    before = {job["jobId"] for job in _jobs(spark)}
    start = time.perf_counter()
    report = score_creators_df(*tables, model=model, local_rows=0)
    phases["distributed: score_creators_df"] = time.perf_counter() - start
    start = time.perf_counter()
    report.write(str(out))
    phases["distributed: write"] = time.perf_counter() - start
    steps: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for job in _jobs(spark):
        if job["jobId"] in before or not job.get("completionTime"):
            continue
        name = (job.get("description") or "").removeprefix("genuine: ").split(": ")[0]
        step = steps[name or "other actions (counts, writes, checks)"]
        step[0] += 1
        step[1] += (_when(job["completionTime"]) - _when(job["submissionTime"])).total_seconds()
    spark.stop()
    return phases, {k: (int(n), s) for k, (n, s) in steps.items()}


def _jobs(spark: Any) -> list[dict[str, Any]]:
    """The application's Spark jobs, from the UI's REST API."""
    sc = spark.sparkContext
    url = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}/jobs"
    return list(json.load(urllib.request.urlopen(url)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=1, help="end-to-end runs of each path; medians are shown"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from synth_comments import synth

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tables = synth(args.rows, max(args.rows // 100, 10), 0)
        for name, frame in zip(("comments", "posts", "creators"), tables, strict=True):
            frame.drop(columns=["label", "score"], errors="ignore").to_parquet(
                folder / f"{name}.parquet"
            )
        runs: dict[str, list[float]] = {"here": [], "small": [], "distributed": []}
        for _ in range(args.repeat):  # interleaved, so a slow spell hits the paths alike
            runs["here"].append(_end_to_end(folder, folder / "out-here", None))
            runs["small"].append(_end_to_end(folder, folder / "out-small", None, uri=True))
            runs["distributed"].append(_end_to_end(folder, folder / "out-distributed", 0))
        here, small, distributed = (statistics.median(runs[k]) for k in runs)
        phases, steps = _steps(folder, folder / "out-steps")
    each = "; ".join(f"{k}: " + ", ".join(f"{s:.1f}" for s in v) for k, v in runs.items())
    median = f" (median of {args.repeat} runs; each run: {each})" if args.repeat > 1 else ""
    lines = [
        f"`genuine spark-score --master local[2]` on {args.rows:,} comments, start to exit"
        f"{median}:",
        "",
        "| path | seconds |",
        "|---|---:|",
        f"| local Parquet files (default up to 100,000 comments): no Spark | {here:.1f} |",
        f"| file:// URIs: Spark reads, the driver scores (small-input path) | {small:.1f} |",
        f"| distributed (`--local-rows 0`) | {distributed:.1f} |",
        "",
        "Inside one process: the phases, and the distributed run's Spark jobs by step (seconds "
        "of the step's jobs; jobs of one step can overlap, and the work of other steps they "
        "need counts to them):",
        "",
        "| phase or step | Spark jobs | seconds |",
        "|---|---:|---:|",
        *[f"| {name} | - | {seconds:.1f} |" for name, seconds in phases.items()],
        *[
            f"| step: {name} | {n} | {seconds:.1f} |"
            for name, (n, seconds) in sorted(steps.items(), key=lambda kv: -kv[1][1])
        ],
    ]
    print("\n".join(lines))
    if args.write_results:
        write_results(
            Results(
                "spark_small_job",
                (Claim("spark", "spark-score seconds end to end, small job"),),
                "\n".join(lines),
                measured_line(
                    "python benchmarks/spark_small_job.py --write-results"
                    + (f" --repeat {args.repeat}" if args.repeat > 1 else ""),
                    f"Synthetic comments from `benchmarks/synth_comments.py` ({args.rows:,} "
                    "comments, rows / 100 creators, labels from the shipped model), posts and "
                    "creators tables given; each run in a fresh process.",
                ),
            )
        )


if __name__ == "__main__":
    main()
