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
measuring process.

Run: python benchmarks/predict_speed.py [--model DIR] [--n 20000] [--trials 5]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_DIR = ROOT.parent / "shared" / "data" / "real"

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--n", type=int, default=20000, help="most comments per stream")
    parser.add_argument("--trials", type=int, default=5, help="fresh processes per figure")
    args = parser.parse_args()

    load_s, first_s = cold_start(args.model)
    print(
        "| stream | comments | median chars | reasons | seconds (median) | comments/s "
        "| range over trials | peak RSS MB |\n|---|---|---|---|---|---|---|---|"
    )
    for name, texts in streams(args.n).items():
        for explain in (True, False):
            result = measure(args.model, texts, explain, args.trials)
            print(
                f"| {name} | {len(texts)} | {_median_chars(texts)} | {'on' if explain else 'off'} "
                f"| {result['seconds']:.2f} | {len(texts) / result['seconds']:,.0f} "
                f"| {result['slowest']:,.0f}-{result['fastest']:,.0f} | {result['peak_mb']:.0f} |"
            )
    print(
        f"\ncold start, fresh process: import + load {load_s:.2f} s; the first prediction in "
        f"vi/zh/en (loads the language-ID model and jieba's dictionary) {first_s:.2f} s more"
    )


if __name__ == "__main__":
    main()
