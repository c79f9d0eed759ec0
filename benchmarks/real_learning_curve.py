"""Learning curve: macro-F1 on the real validation sets against the number of real labels used.

For each language, the n-gram model (the default's features, C fixed at 4, no calibration or
category head) is trained on the corpus train split plus the first N of that language's real
training labels (data/real_labels/, split ``train``; shuffled per seed), for N in 0, 100, 200,
400 and all, and scored on each real validation source of that language (never trained on).
No teacher labels: the curve isolates what hand labels add. IDF is fit once on the corpus and
every real training text (unsupervised). Mean and spread over seeds. Skips without real data.

Run: python benchmarks/real_learning_curve.py [--seeds 3] [--write-results]
(``--write-results``: also the README's table, benchmarks/results/real_learning_curve.md)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real"
SIZES = (0, 100, 200, 400, None)  # None: all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=REAL)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--c", type=float, default=4.0)
    parser.add_argument(
        "--write-results",
        action="store_true",
        help="also write the README's table to benchmarks/results/real_learning_curve.md",
    )
    args = parser.parse_args()
    curve: dict[str, dict[str, float]] = {}  # lang -> "0" / "100" / ... / "all (N)" -> mean
    if not args.real.is_dir():
        print(f"skipped: {args.real} not found (real data is only on development machines)")
        return 0
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    from classifier.backends.ngram import Featurizer, NgramConfig
    from training.data import corpus_paths, load_labeled
    from training.ngram import analyze_rows
    from training.real import RealReport, load_real, select_sources

    real = load_real(args.real, select_sources(), max_pool=0)
    validation = RealReport.from_data(real, [], {}).validation
    corpus = load_labeled(corpus_paths()).split("train")
    featurizer = Featurizer(NgramConfig())
    corpus_docs = analyze_rows([r.text for r in corpus], "syllable", True)
    real_docs = analyze_rows([r.text for r in real.train], "syllable", True)
    featurizer.fit_idf(corpus_docs + real_docs)
    x_corpus = featurizer.transform(corpus_docs)[0]
    x_real = featurizer.transform(real_docs)[0]
    y_corpus = np.array([r.label == "substantive" for r in corpus])
    y_real = np.array([r.label == "substantive" for r in real.train])
    x_val = {
        name: featurizer.transform(analyze_rows([r.text for r in rows], "syllable", True))[0]
        for name, rows in validation.items()
    }
    y_val = {
        name: np.array([r.label == "substantive" for r in rows])
        for name, rows in validation.items()
    }
    print(
        "| lang | real labels used | "
        + " | ".join(name for name in validation if y_val[name].sum() >= 5)
        + " | mean macro-F1 (sd over seeds) |"
    )
    print("|---|---|" + "---|" * (sum(y_val[n].sum() >= 5 for n in validation) + 1))
    for lang in ("vi", "zh", "en"):
        own = np.array([i for i, r in enumerate(real.train) if r.lang == lang])
        targets = [n for n in validation if validation[n][0].lang == lang and y_val[n].sum() >= 5]
        for size in SIZES:
            n = len(own) if size is None else min(size, len(own))
            per_seed: list[list[float]] = []
            for seed in range(args.seeds):
                chosen = np.random.default_rng(seed).permutation(own)[:n]
                x = sp.vstack([x_corpus, x_real[chosen]]).tocsr()
                y = np.concatenate([y_corpus, y_real[chosen]])
                model = LogisticRegression(
                    C=args.c, class_weight="balanced", max_iter=3000, solver="liblinear"
                ).fit(x, y)
                per_seed.append(
                    [f1_score(y_val[t], model.predict(x_val[t]), average="macro") for t in targets]
                )
                if n in (0, len(own)):  # the same subset every seed
                    break
            scores = np.array(per_seed)
            cells = " | ".join(f"{scores[:, j].mean():.3f}" for j in range(len(targets)))
            means = scores.mean(axis=1)
            label = f"{n} (all)" if size is None else str(n)
            # Columns are per language; other languages' cells stay empty.
            row = {t: c for t, c in zip(targets, cells.split(" | "), strict=True)}
            filled = " | ".join(row.get(name, "") for name in validation if y_val[name].sum() >= 5)
            print(f"| {lang} | {label} | {filled} | {means.mean():.3f} ({means.std():.3f}) |")
            curve.setdefault(lang, {})[f"all ({n:,})" if size is None else str(n)] = means.mean()
    if args.write_results:
        _write_readme_table(curve, args.seeds)
    return 0


def _write_readme_table(curve: dict[str, dict[str, float]], seeds: int) -> None:
    """The README's table: a row per language, mean macro-F1 per number of real labels."""
    from benchmarks.readme_results import Claim, Results, measured_line, write_results

    sizes = [str(s) for s in SIZES if s is not None] + ["all"]
    lines = ["| real labels | " + " | ".join(sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
    for lang, by_size in curve.items():
        all_key = next(k for k in by_size if k.startswith("all"))
        cells = [f"{by_size[s]:.3f}" if s in by_size else "-" for s in sizes[:-1]]
        cells.append(f"{by_size[all_key]:.3f}")
        lines.append(
            f"| {lang} ({all_key.replace('(', '= ').rstrip(')')}) | " + " | ".join(cells) + " |"
        )
    write_results(
        Results(
            "real_learning_curve",
            (
                Claim(
                    "n-gram, corpus + N real labels",
                    "learning curve: real validation macro-F1 per language",
                ),
            ),
            "\n".join(lines),
            measured_line(
                "python benchmarks/real_learning_curve.py --write-results",
                f"{seeds} draws; the n-gram model trained here on the corpus plus N of a "
                "language's real training labels, no teacher; mean macro-F1 over that "
                "language's real validation sets, mean of the draws.",
            ),
        )
    )


if __name__ == "__main__":
    sys.exit(main())
