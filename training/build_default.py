"""Rebuild the shipped models from the corpus and the real comments, in one command.

    python -m training.build_default --real ../shared/data/real --embedding-cache ~/.cache/genuine-e5

1. The teacher (``models/teacher``): frozen multilingual-e5-small embeddings concatenated with
   the n-gram features + a linear head, trained on the real training labels and the corpus;
   the corpus weight is picked from a grid by the mean macro-F1 over the real validation
   sources (never trained on).
2. The student (``models/default``): the fast n-gram model on the corpus, the real training
   labels and the teacher's labels on the unlabeled pools, with the recipe below (chosen with
   ``benchmarks/distill_recipes.py``).

Each step is an ordinary ``genuine train`` run; the commands are printed as they run.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TEACHER_CORPUS_WEIGHTS = (0.1, 0.3, 1.0)
STUDENT = (
    "--pseudo",
    "soft",
    "--pseudo-weight",
    "1",
    "--corpus-weight",
    "1",
)


def _run(args: list[str]) -> None:
    """One ``genuine`` command, run as a child process: the command line sits above training
    (docs/architecture.md), so training never imports it."""
    print("$ genuine " + " ".join(shlex.quote(a) for a in args), file=sys.stderr, flush=True)
    code = subprocess.run([sys.executable, "-m", "genuine_cli", *args], check=False).returncode
    if code != 0:
        raise SystemExit(code)


def real_validation_score(model_dir: Path) -> float:
    """Mean macro-F1 over the real validation sources that hold both labels."""
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    scores = []
    for name, block in manifest["metrics"].items():
        if name.startswith("real:") and name != "real:zh_ads":
            scores.append(block["macro_f1"])
    return float(np.mean(scores))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", required=True)
    parser.add_argument("--embedding-cache", required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    parser.add_argument("--commercial-only", action="store_true")
    parser.add_argument("--only", choices=("teacher", "student"), default=None)
    args = parser.parse_args(argv)
    common = ["--real", args.real, "--embedding-cache", args.embedding_cache, "-q"]
    if args.commercial_only:
        common.append("--commercial-only")
    teacher = args.out / "teacher"
    if args.only != "student":
        build_teacher(common, teacher)
    if args.only != "teacher":
        _run(
            ["train", "--teacher", str(teacher), *STUDENT, *common, "-o", str(args.out / "default")]
        )
        score = real_validation_score(args.out / "default")
        print(f"student: real validation mean macro-F1 {score:.3f}")
    return 0


def build_teacher(common: list[str], teacher: Path) -> None:
    best: tuple[float, Path] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for weight in TEACHER_CORPUS_WEIGHTS:
            out = Path(tmp) / f"teacher-{weight:g}"
            _run(
                [
                    "train",
                    "--backend",
                    "embedding",
                    "--corpus-weight",
                    str(weight),
                    *common,
                    "-o",
                    str(out),
                ]
            )
            score = real_validation_score(out)
            print(f"teacher, corpus weight {weight:g}: real validation mean macro-F1 {score:.3f}")
            if best is None or score > best[0]:
                best = (score, out)
        assert best is not None
        if teacher.exists():
            shutil.rmtree(teacher)
        shutil.copytree(best[1], teacher)
    print(f"teacher: {best[1].name} -> {teacher}")


if __name__ == "__main__":
    sys.exit(main())
