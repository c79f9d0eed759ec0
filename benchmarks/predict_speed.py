"""End-to-end predict speed: normalization, language ID, segmentation, model, reasons.

Prints comments/s on a mixed-language stream of realistic comments (the shipped corpus,
shuffled and repeated), the cold start of a fresh process (import + load, then the first
prediction in each language, which loads the language-ID model and jieba's dictionary) and
peak memory. Run: python benchmarks/predict_speed.py [--model DIR] [--n 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def load_texts(n: int) -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "corpus").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    if not texts:
        raise SystemExit("no corpus in data/corpus")
    random.Random(0).shuffle(texts)  # a mixed-language stream, not one file after another
    return (texts * (n // len(texts) + 1))[:n]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    import classifier

    texts = load_texts(args.n)
    load_s, first_s = cold_start(args.model)
    predictor = classifier.load(args.model)
    predictor.predict(texts[:500])
    rows = []
    for explain in (True, False):
        start = time.perf_counter()
        predictor.predict(texts, explain=explain)
        elapsed = time.perf_counter() - start
        rows.append(
            (f"predict (reasons {'on' if explain else 'off'})", args.n, elapsed, args.n / elapsed)
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| step | comments | seconds | comments/s |\n|---|---|---|---|")
    for name, n, elapsed, rate in rows:
        print(f"| {name} | {n} | {elapsed:.2f} | {rate:,.0f} |")
    print(
        f"\ncold start, fresh process: import + load {load_s:.2f} s; the first prediction in "
        f"vi/zh/en (loads the language-ID model and jieba's dictionary) {first_s:.2f} s more"
    )
    print(f"peak memory (RSS) of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
