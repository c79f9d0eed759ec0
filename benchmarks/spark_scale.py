"""Throughput of the Spark path (classifier.spark) against the single-process path.

Synthetic comments from ``synth_comments.py`` (labels given, so "score" times the metric alone;
"predict" times the model alone on every row's text) are written to Parquet first (not timed).
Then each configuration runs in a fresh process:

* ``single``: ``Predictor.predict`` on every text, then ``score_creators`` on the Parquet files;
* ``spark local[1]``, the same pinned to one CPU (``sched_setaffinity``: on a small machine
  an unpinned local[1] run also uses the other cores for the JVM's own threads and the Python
  worker beside its task thread), and ``spark local[2]``: ``predict_df`` (written to Spark's
  no-op sink) and ``score_creators_df`` (every output table materialized), after a warm-up job
  on every core so that JVM start-up, Python-worker start-up and the model load are not
  counted (start-up is reported apart).

With several ``--rows`` sizes the table also gives the marginal rate between the two largest
(the extra comments over the extra seconds), which separates Spark's fixed cost per job from
its cost per comment; the cost per million comments is given as a formula of executor-hours.

    python benchmarks/spark_scale.py                          # 20,000 and 100,000 comments
    python benchmarks/spark_scale.py --rows 50000 --write benchmarks/RESULTS_spark.md
    python benchmarks/spark_scale.py --rows 1000000 --repeat 3 --write-results  # the README's

With ``--repeat N`` every path runs N times (each in a fresh process) and the table gives the
median of each figure, plus every run's local[2] speed-up, so one noisy run does not decide it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from benchmarks.readme_results import Claim, Results, measured_line, write_results  # noqa: E402


def _single(folder: Path, model: str | None) -> dict[str, float]:
    import pandas as pd

    import classifier
    from classifier.scoring import score_creators

    texts = pd.read_parquet(folder / "comments.parquet", columns=["text"])["text"].tolist()
    predictor = classifier.load(model)
    start = time.perf_counter()
    predictor.predict(texts, explain=False)
    predict = time.perf_counter() - start
    start = time.perf_counter()
    report = score_creators(
        folder / "comments.parquet", folder / "posts.parquet", folder / "creators.parquet"
    )
    score = time.perf_counter() - start
    return {
        "rows": len(texts),
        "predict_s": predict,
        "score_s": score,
        "creators": len(report.creators),
    }


def _spark(folder: Path, model: str | None, master: str) -> dict[str, float]:
    from classifier.spark import predict_df, score_creators_df, spark_session

    start = time.perf_counter()
    cores = int(master[master.index("[") + 1 : -1]) if "[" in master else os.cpu_count() or 1
    spark = spark_session(
        master,
        "genuine-bench",
        shuffle_partitions=max(4, 2 * cores),
        driver_memory="2g",
        conf={"spark.ui.enabled": "false"},
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1000).selectExpr("sum(id)").collect()  # warm-up: JVM and first job
    startup = time.perf_counter() - start

    comments = spark.read.parquet(str(folder / "comments.parquet"))
    rows = comments.count()
    texts = comments.select("text").repartition(2 * cores).localCheckpoint()
    # Python workers start (and load the model) on their first UDF call: do that on every core
    # outside the timed part (workers are reused, and the model is cached in each of them).
    warm = spark.createDataFrame([(f"warm-up comment {i}",) for i in range(64)], "text string")
    for _ in range(2):
        predict_df(warm.repartition(cores), model=model).write.format("noop").mode(
            "overwrite"
        ).save()
    start = time.perf_counter()
    predict_df(texts, model=model).write.format("noop").mode("overwrite").save()
    predict = time.perf_counter() - start

    start = time.perf_counter()
    report = score_creators_df(
        comments,
        spark.read.parquet(str(folder / "posts.parquet")),
        spark.read.parquet(str(folder / "creators.parquet")),
        local_rows=0,  # the distributed path (small inputs would be scored on the driver)
    )
    for table in (report.creators, report.posts, report.comments, report.clusters, report.pods):
        table.write.format("noop").mode("overwrite").save()
    creators = report.creators.count()
    score = time.perf_counter() - start
    spark.stop()
    return {
        "rows": rows,
        "startup_s": startup,
        "predict_s": predict,
        "score_s": score,
        "creators": creators,
    }


def _run(
    kind: str, folder: Path, model: str | None, master: str = "", pin: bool = False
) -> dict[str, float]:
    """One path in a fresh process; ``pin``: the process and all it starts (the JVM, the Python
    workers) on CPU 0 alone (Linux), a true one-core run."""
    command = [sys.executable, __file__, "--worker", kind, "--folder", str(folder)]
    if model:
        command += ["--model", model]
    if master:
        command += ["--master", master]
    pinned = (lambda: os.sched_setaffinity(0, {0})) if pin else None
    out = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=ROOT, preexec_fn=pinned
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} {master} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


PINNED = "spark local[1], one CPU"
PATHS = ("single process", "spark local[1]", PINNED, "spark local[2]")


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _table(
    results: dict[int, dict[str, dict[str, float]]],
    runs: dict[int, dict[str, list[dict[str, float]]]],
) -> str:
    """One Markdown row per (size, path), then marginal rates between the two largest sizes."""
    lines = [
        "| comments | path | cores | predict (s) | predict comments/s | score (s) "
        "| score comments/s | start-up (s) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for rows, by_path in sorted(results.items()):
        for name in PATHS:
            r = by_path[name]
            cores = "1" if name == "single process" else name[name.index("[") + 1]
            startup = f"{r['startup_s']:.1f}" if "startup_s" in r else "-"
            lines.append(
                f"| {rows:,} | {name} | {cores} | {r['predict_s']:.1f} | "
                f"{rows / r['predict_s']:,.0f} | {r['score_s']:.1f} | {rows / r['score_s']:,.0f} "
                f"| {startup} |"
            )
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, big = sizes[-2], sizes[-1]
        lines += [
            "",
            f"Marginal rate from {small:,} to {big:,} comments (extra comments / extra seconds: "
            "the cost per comment without the fixed cost per job):",
            "",
            "| path | predict comments/s | score comments/s |",
            "|---|---:|---:|",
        ]
        for name in PATHS:
            a, b = results[small][name], results[big][name]
            rates = []
            for key in ("predict_s", "score_s"):
                extra = b[key] - a[key]
                rates.append(f"{(big - small) / extra:,.0f}" if extra > 0 else "n/a")
            lines.append(f"| {name} | {rates[0]} | {rates[1]} |")
    lines += [
        "",
        "Speed-up of local[2] (seconds of the other run / seconds of local[2]):",
        "",
        "| comments | against | predict | score |",
        "|---:|---|---:|---:|",
    ]
    for rows, by_path in sorted(results.items()):
        two = by_path["spark local[2]"]
        for name in ("spark local[1]", PINNED):
            one = by_path[name]
            lines.append(
                f"| {rows:,} | {name} | {one['predict_s'] / two['predict_s']:.2f}x "
                f"| {one['score_s'] / two['score_s']:.2f}x |"
            )
    repeats = {len(by_path[PINNED]) for by_path in runs.values()}
    if max(repeats) > 1:
        lines += [
            "",
            f"Medians of {max(repeats)} runs per path. Score speed-up run by run "
            "(the i-th local[2] run against the i-th run it is compared with):",
            "",
        ]
        for rows, path_runs in sorted(runs.items()):
            for name in ("spark local[1]", PINNED):
                pairs = zip(path_runs[name], path_runs["spark local[2]"], strict=True)
                each = ", ".join(f"{a['score_s'] / b['score_s']:.2f}x" for a, b in pairs)
                lines.append(f"- {rows:,}, against {name}: {each}")
    lines += [
        "",
        "Cost per million comments, for a per-core rate r (comments/s per executor core) and a "
        "price P per executor-core-hour: executor-core-hours = 10^6 / (3600 r), cost = "
        "10^6 P / (3600 r) (r = predict rate, score rate, or 1 / (1/r_predict + 1/r_score) "
        "for both).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, nargs="+", default=[20_000, 100_000], help="one or more sizes"
    )
    parser.add_argument("--creators", type=int, default=None, help="default: rows / 100")
    parser.add_argument("--model", default=None, help="model directory (default: the shipped one)")
    parser.add_argument("--write", type=Path, default=None, help="also write the table here")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of every path; the table gives medians"
    )
    parser.add_argument(
        "--write-results", action="store_true", help="also benchmarks/results/spark_scale.md"
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--master", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker == "single":
        print(json.dumps(_single(args.folder, args.model)))
        return
    if args.worker == "spark":
        print(json.dumps(_spark(args.folder, args.model, args.master)))
        return

    sys.path.insert(0, str(HERE))
    from synth_comments import synth

    results: dict[int, dict[str, dict[str, float]]] = {}
    runs: dict[int, dict[str, list[dict[str, float]]]] = {}
    for rows in args.rows:
        creators = args.creators or max(rows // 100, 10)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            comments, posts, creator_table = synth(rows, creators, seed=0)
            comments.to_parquet(folder / "comments.parquet")
            posts.to_parquet(folder / "posts.parquet")
            creator_table.to_parquet(folder / "creators.parquet")
            runs[rows] = {name: [] for name in PATHS}
            for _ in range(args.repeat):  # paths interleaved, so a slow spell hits them alike
                for name in PATHS:
                    kind = "single" if name == "single process" else "spark"
                    master = name[len("spark ") :].split(",")[0] if kind == "spark" else ""
                    found = _run(kind, folder, args.model, master, pin=name == PINNED)
                    runs[rows][name].append(found)
                    print(f"{rows:,} {name}:", found, file=sys.stderr)
            results[rows] = {name: _median(found) for name, found in runs[rows].items()}
    table = _table(results, runs)
    print(table)
    if args.write_results:
        write_results(
            Results(
                "spark_scale",
                (Claim("spark", "predict_df and score_creators_df comments/s by cores"),),
                table,
                measured_line(
                    "python benchmarks/spark_scale.py --write-results --rows "
                    + " ".join(str(r) for r in args.rows)
                    + (f" --repeat {args.repeat}" if args.repeat > 1 else ""),
                    "Synthetic comments from `benchmarks/synth_comments.py` (rows / 100 "
                    "creators, labels given: score is the metric alone, predict the model alone "
                    "on every text); each path in a fresh process, Spark's start-up kept out.",
                ),
            )
        )
    if args.write:
        header = (
            f"Synthetic comments (rows / 100 creators), {platform.machine()} "
            f"{os.cpu_count()} cores, Python {platform.python_version()}\n\n"
        )
        args.write.write_text(header + table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
