"""End-to-end predict speed: normalization, language ID, segmentation, model, reasons.

Prints comments/s in one process on two mixed-language streams of distinct comments:

- ``corpus``: every distinct text of the shipped corpus (vi, zh, en), shuffled;
- ``real``: every distinct text of ../shared/data/real/ (real YouTube, Vietnamese news and
  review, and Chinese spam comments; longer than the corpus), shuffled; skipped when that
  folder is absent.

Each trial is a fresh process that loads the model and warms up on three short comments,
then predicts the stream once, so no cache (jieba's words, token hashes) has seen the
stream before: repeated comments would only make the figure better. Each figure is the
median of ``--trials`` such processes. Also the
cold start of a fresh process (import + load, then the first prediction in each language,
which loads the language-ID model and jieba's dictionary) and the peak memory of the
measuring process. ``--write-results`` also writes the README's table to
benchmarks/results/predict_speed.md.

Run: python benchmarks/predict_speed.py [--model DIR] [--n 20000] [--trials 5] [--write-results]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.readme_results import (  # noqa: E402
    Claim,
    Results,
    add_write_flag,
    measured_line,
    model_label,
    write_results,
)

REAL_DIR = ROOT.parent / "shared" / "data" / "real"
STREAM_HOW = {
    "corpus": "`benchmarks/predict_speed.py`: the {n:,} distinct corpus comments, shuffled "
    "(vi/zh/en mixed), end to end: normalization, language ID, segmentation, features, model, "
    "reasons",
    "real": "same script: the {n:,} distinct comments of `../shared/data/real/` (YouTube, "
    "Vietnamese news and reviews, Chinese spam), shuffled",
}

COLD_START = """
import time
t0 = time.perf_counter()
import classifier
p = classifier.load({model!r})
t1 = time.perf_counter()
p.predict(["warm up", "hay quá", "好看"])
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""

MEASURE = """
import json, resource, sys, time
import classifier
texts = json.load(sys.stdin)
p = classifier.load({model!r})
p.predict(["warm up", "hay quá", "好看"])
start = time.perf_counter()
p.predict(texts, explain={explain})
elapsed = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "peak_mb": peak_mb}}))
"""


def _distinct_texts(paths: list[Path], n: int) -> list[str]:
    texts: dict[str, None] = {}
    for path in paths:
        for line in path.open(encoding="utf-8"):
            if line.strip():
                texts[json.loads(line)["text"]] = None
    shuffled = list(texts)
    random.Random(0).shuffle(shuffled)  # a mixed-language stream, not one file after another
    return shuffled[:n]


def streams(n: int) -> dict[str, list[str]]:
    out = {"corpus": _distinct_texts(sorted((ROOT / "data" / "corpus").glob("*.jsonl")), n)}
    if not out["corpus"]:
        raise SystemExit("no corpus in data/corpus")
    real = sorted(REAL_DIR.glob("*.jsonl")) if REAL_DIR.is_dir() else []
    if real:
        out["real"] = _distinct_texts(real, n)
    return out


def cold_start(model: str | None) -> tuple[float, float]:
    """Best of three fresh processes: (import + load, first prediction in vi/zh/en)."""
    best = (float("inf"), float("inf"))
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", COLD_START.format(model=model)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        load_s, first_s = (float(x) for x in out.stdout.split())
        best = min(best, (load_s, first_s))
    return best


def measure(model: str | None, texts: list[str], explain: bool, trials: int) -> dict[str, float]:
    """Median seconds over ``trials`` fresh processes (this machine is shared: one run can
    be a third slower than the next), with the fastest and slowest rates beside it."""
    runs = []
    for _ in range(trials):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE.format(model=model, explain=explain)],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(out.stdout))
    seconds = sorted(run["seconds"] for run in runs)
    return {
        "seconds": seconds[len(seconds) // 2],
        "fastest": len(texts) / seconds[0],
        "slowest": len(texts) / seconds[-1],
        "peak_mb": max(run["peak_mb"] for run in runs),
    }


def _median_chars(texts: list[str]) -> int:
    return sorted(map(len, texts))[len(texts) // 2]


def readme_table(
    rates: dict[str, dict[bool, dict[str, float]]],
    sizes: dict[str, tuple[int, int]],
    cold: tuple[float, float],
    model: str,
    trials: int,
) -> Results:
    """The README's rows: comments/s per stream (reasons on and off, median and range over the
    trial processes), cold start and peak memory."""
    lines = ["| what | figure | how |", "|---|---|---|"]
    for name, by_explain in rates.items():
        n, median_chars = sizes[name]
        figures = [
            f"{r['rate']:,.0f} comments/s ({r['slowest']:,.0f}-{r['fastest']:,.0f}) "
            f"with reasons {'on' if explain else 'off'}"
            for explain, r in by_explain.items()
        ]
        lines.append(
            f"| predict, one process, {name} comments (median {median_chars} characters) "
            f"| {', '.join(figures)} | {STREAM_HOW[name].format(n=n)} |"
        )
    peak = max(r["peak_mb"] for by in rates.values() for r in by.values())
    lines += [
        f"| cold start | {cold[0]:.1f} s import + load; +{cold[1]:.1f} s for the first vi/zh/en "
        "prediction (language-ID model, jieba dictionary) | same script, best of 3 fresh "
        "processes |",
        f"| peak memory, predicting | {peak:,.0f} MB | same script |",
    ]
    label = model_label(model)
    return Results(
        "predict_speed",
        (
            Claim(label, "predict comments/s, one process"),
            Claim(label, "cold start"),
            Claim(label, "peak memory predicting"),
        ),
        "\n".join(lines),
        measured_line(
            "python benchmarks/predict_speed.py --write-results",
            f"Model {label}; each comments/s figure is the median of {trials} fresh processes, "
            "the slowest and fastest in brackets.",
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--n", type=int, default=20000, help="most comments per stream")
    parser.add_argument("--trials", type=int, default=5, help="fresh processes per figure")
    add_write_flag(parser, "predict_speed")
    args = parser.parse_args()
    rates: dict[str, dict[bool, dict[str, float]]] = {}
    sizes: dict[str, tuple[int, int]] = {}

    load_s, first_s = cold_start(args.model)
    print(
        "| stream | comments | median chars | reasons | seconds (median) | comments/s "
        "| range over trials | peak RSS MB |\n|---|---|---|---|---|---|---|---|"
    )
    for name, texts in streams(args.n).items():
        for explain in (True, False):
            result = measure(args.model, texts, explain, args.trials)
            result["rate"] = len(texts) / result["seconds"]
            rates.setdefault(name, {})[explain] = result
            sizes[name] = (len(texts), _median_chars(texts))
            print(
                f"| {name} | {len(texts)} | {_median_chars(texts)} | {'on' if explain else 'off'} "
                f"| {result['seconds']:.2f} | {len(texts) / result['seconds']:,.0f} "
                f"| {result['slowest']:,.0f}-{result['fastest']:,.0f} | {result['peak_mb']:.0f} |"
            )
    print(
        f"\ncold start, fresh process: import + load {load_s:.2f} s; the first prediction in "
        f"vi/zh/en (loads the language-ID model and jieba's dictionary) {first_s:.2f} s more"
    )
    if args.write_results:
        model = args.model or str(ROOT / "models" / "default")
        write_results(readme_table(rates, sizes, (load_s, first_s), model, args.trials))


if __name__ == "__main__":
    main()
