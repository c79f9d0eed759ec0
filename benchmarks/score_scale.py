"""How long ``score_creators`` takes, and how much memory it needs, at 10k / 100k / 1M comments.

Labels are given (a ``label`` column), so this times the scorer alone, not the model. Each size
runs in a fresh process (so peak RSS is that size's own): the synthetic tables from
``synth_comments.py`` are written to Parquet first (not timed), then one process reads them and
scores (timed: reading + validation + every signal + the metric), then writes all outputs
(timed separately; report.html has cards for the top 200 creators).

    python benchmarks/score_scale.py                 # 10k, 100k, 1M over 2,000 creators
    python benchmarks/score_scale.py --sizes 10000 100000
    python benchmarks/score_scale.py --write-results  # also benchmarks/results/score_scale.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from benchmarks.readme_results import (  # noqa: E402
    Claim,
    Results,
    add_write_flag,
    measured_line,
    write_results,
)

TABLE_HEADER = (
    "| comments | creators | score (s) | write outputs (s) | peak RSS (MB) | clusters | pods "
    "| burst posts |\n|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def _one(folder: Path, write: bool) -> dict[str, float]:
    """Score the tables in ``folder`` in this process; return timings and peak RSS."""
    sys.path.insert(0, str(HERE.parent))
    from classifier.scoring import score_creators
    from classifier.scoring.output import write_report

    start = time.perf_counter()
    report = score_creators(
        folder / "comments.parquet", folder / "posts.parquet", folder / "creators.parquet"
    )
    scored = time.perf_counter() - start
    written = 0.0
    if write:
        start = time.perf_counter()
        write_report(report, folder / "out")
        written = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": float(len(report.comments)),
        "creators": float(len(report.creators)),
        "seconds": scored,
        "write_seconds": written,
        "peak_rss_mb": peak_kb / 1024,
        "clusters": float(len(report.clusters)),
        "pods": float(len(report.pods)),
        "bursts": float(len(report.bursts)),
    }


def _generate(rows: int, creators: int, folder: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(HERE / "synth_comments.py"),
            str(rows),
            "--creators",
            str(creators),
            "-o",
            str(folder),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--creators", type=int, default=2000)
    parser.add_argument(
        "--no-write", action="store_true", help="do not time writing the output files"
    )
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    add_write_flag(parser, "score_scale")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_one(args.one, not args.no_write)))
        return
    print(
        f"# score_creators at scale ({platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})"
    )
    print(TABLE_HEADER)
    lines = [TABLE_HEADER]
    for rows in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            _generate(rows, args.creators, folder)
            command = [sys.executable, __file__, "--one", str(folder)] + (
                ["--no-write"] if args.no_write else []
            )
            result = json.loads(
                subprocess.run(command, check=True, capture_output=True, text=True).stdout
            )
        lines.append(
            f"| {int(result['rows']):,} | {int(result['creators']):,} | {result['seconds']:.1f} | "
            f"{result['write_seconds']:.1f} | {result['peak_rss_mb']:,.0f} | {int(result['clusters']):,} | "
            f"{int(result['pods'])} | {int(result['bursts']):,} |"
        )
        print(lines[-1], flush=True)
    if args.write_results:
        write_results(
            Results(
                "score_scale",
                (Claim("scorer", "score_creators seconds and peak memory, labels given"),),
                "\n".join(lines),
                measured_line(
                    "python benchmarks/score_scale.py --write-results",
                    "Synthetic comments from `benchmarks/synth_comments.py`, labels given (the "
                    "scorer alone, not the model); each size in a fresh process; details in "
                    "[benchmarks/RESULTS_score.md](benchmarks/RESULTS_score.md).",
                ),
            )
        )


if __name__ == "__main__":
    main()
