"""Models side by side on the real validation sets (labeled by our guide, never trained on).

Per source of ../shared/data/real (data/real_labels/*.ndjson, split ``validation``): macro-F1
with a 95% bootstrap interval, generic recall and substantive recall of

- the new default (``models/default``) and the teacher it was distilled from (``models/teacher``),
- the previous default (``models/default`` at ``--previous-rev``, read from git),
- a bare character TF-IDF + logistic regression trained on the same data as the new default
  (the corpus train split, the real training labels and the teacher's labels on the pools),
- length alone (logistic regression on log length, 5-fold cross-validated on the source).

Then the held-out Chinese ads (generic recall: the file holds spam only) and the corpus test
split per language, with the gap between corpus-test and real-validation macro-F1. These sets
guided model choices (C, corpus weight, teacher labels), so they are development numbers, not
an untouched test. Skips cleanly without the real data. ``--write-results`` also writes the
README's table (one row per source, one column per model) to benchmarks/results/real_validation.md.

Run: python benchmarks/real_validation.py [--embedding-cache DIR] [--previous-rev REV]
     [--write-results]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.readme_results import (  # noqa: E402
    SOURCE_TITLES,
    Claim,
    Results,
    add_write_flag,
    measured_line,
    model_label,
    write_results,
)
from benchmarks.real_data import REAL, _metrics  # noqa: E402  (the real-data benchmark's own)

PREVIOUS_REV = "d1263d0"  # the default before it learned from real comments
LANGS = ("vi", "zh", "en")


def bootstrap_macro_f1(
    truth: np.ndarray, predicted: np.ndarray, rounds: int = 1000, seed: int = 0
) -> tuple[float, float, float]:
    """Macro-F1 and its 95% percentile bootstrap interval (resampling comments)."""
    from sklearn.metrics import f1_score

    point = float(f1_score(truth, predicted, average="macro", zero_division=0))
    rng = np.random.default_rng(seed)
    n = len(truth)
    samples = []
    for _ in range(rounds):
        idx = rng.integers(0, n, n)
        samples.append(f1_score(truth[idx], predicted[idx], average="macro", zero_division=0))
    low, high = np.percentile(samples, [2.5, 97.5])
    return point, float(low), float(high)


def _model_from_git(rev: str, target: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "models/default"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "models" / "default"


def _tfidf_scorer(train_rows: list[Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2
    )
    x = vectorizer.fit_transform([r.text for r in train_rows])
    y = np.array([r.label == "substantive" for r in train_rows])
    weight = np.array([r.weight for r in train_rows])
    model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, solver="liblinear")
    model.fit(x, y, sample_weight=weight)
    return lambda texts: model.predict_proba(vectorizer.transform(texts))[:, 1]


def _scorer(predictor: Any) -> Any:
    return lambda texts: np.array([p.score for p in predictor.predict(texts, explain=False)])


def _length_cv(rows: list[Any]) -> np.ndarray:
    from training.evaluate import CrossValidatedLengthBaseline

    return CrossValidatedLengthBaseline(rows).scores([r.text for r in rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=REAL)
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--teacher", default=str(ROOT / "models" / "teacher"))
    parser.add_argument("--previous-rev", default=PREVIOUS_REV)
    parser.add_argument("--embedding-cache", default=None, help="e5 cache for the teacher")
    add_write_flag(parser, "real_validation")
    args = parser.parse_args()
    if not args.real.is_dir():
        print(f"skipped: {args.real} not found (real data is only on development machines)")
        return 0
    import classifier
    from training.data import corpus_paths, load_labeled
    from training.distill import pseudo_labeled, teacher_scores
    from training.real import RealReport, load_real, select_sources

    manifest = classifier.load(args.model).manifest
    recipe = {p["source"]: p for p in manifest.extra.get("real_sources", [])}
    sources = list(recipe) or select_sources()
    real = load_real(args.real, sources)
    validation = RealReport.from_data(real, [], {}).validation
    corpus = load_labeled(corpus_paths())

    with tempfile.TemporaryDirectory() as tmp:
        previous_dir = _model_from_git(args.previous_rev, Path(tmp))
        predictors = {
            "new default": classifier.load(args.model),
            f"previous default ({args.previous_rev})": classifier.load(str(previous_dir)),
        }
        scorers: dict[str, Any] = {name: _scorer(p) for name, p in predictors.items()}
        teacher_dir = Path(args.teacher)
        pseudo: list[Any] = []
        if teacher_dir.is_dir():
            scorers["teacher"] = lambda texts: np.array(
                teacher_scores(teacher_dir, texts, args.embedding_cache)
            )
            print(f"teacher labels on {len(real.pool)} pool comments...", file=sys.stderr)
            pseudo = pseudo_labeled(
                real.pool,
                teacher_scores(teacher_dir, [c.text for c in real.pool], args.embedding_cache),
            )
        scorers["TF-IDF, same data"] = _tfidf_scorer(corpus.split("train") + real.train + pseudo)
        readme_rows = _print_tables(scorers, validation, corpus.split("test"))
    if args.write_results:
        models = {"new default": args.model}
        if teacher_dir.is_dir():
            models["teacher"] = str(teacher_dir)
        command = "python benchmarks/real_validation.py --write-results"
        write_results(readme_table(readme_rows, models, args.previous_rev, command))
    return 0


def readme_table(
    rows: dict[str, dict[str, str]], models: dict[str, str], previous_rev: str, command: str
) -> Results:
    """The README's table: a row per source (its README title and n), a column per model;
    macro-F1 with its 95% interval for the new default, the point estimate for the others, and
    the generic recall on the spam-only set."""
    headers = {
        "new default": "new default",
        f"previous default ({previous_rev})": "previous default (corpus only)",
        "teacher": "teacher (e5 + n-grams)",
        "TF-IDF, same data": "TF-IDF, same data",
        "length alone (5-fold CV)": "length alone (CV)",
    }
    names = [name for name in headers if any(name in row for row in rows.values())]
    lines = [
        "| real validation set | n | " + " | ".join(headers[n] for n in names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for source, row in rows.items():
        title = SOURCE_TITLES.get(source, source) + (
            ": generic recall" if "spam only" in row else ""
        )
        lines.append(
            f"| {title} | {row['n']} | " + " | ".join(row.get(n, "-") for n in names) + " |"
        )
    claims = tuple(
        Claim(model_label(path), metric)
        for path in models.values()
        for metric in ("real validation macro-F1", "real validation zh-ads generic recall")
    )
    measured = measured_line(
        command,
        f"Models: new default {model_label(models['new default'])}; previous default: "
        f"models/default at {previous_rev}"
        + (f"; teacher {model_label(models['teacher'])}." if "teacher" in models else "."),
        on_machine=False,
    )
    return Results("real_validation", claims, "\n".join(lines), measured)


def _print_tables(
    scorers: dict[str, Any], validation: dict[str, list[Any]], test_rows: list[Any]
) -> dict[str, dict[str, str]]:
    """Print both tables; return the README's cells: source -> model (and "n") -> text."""
    print(
        "### Real validation sets (labeled by our guide, never trained on; development numbers)\n"
    )
    print(
        "| source | n | subst. share | model | macro-F1 [95% CI] | generic recall | substantive recall |"
    )
    print("|---|---|---|---|---|---|---|")
    real_f1: dict[str, dict[str, list[float]]] = {}
    readme: dict[str, dict[str, str]] = {}
    for source, rows in validation.items():
        truth = np.array([r.label == "substantive" for r in rows])
        texts = [r.text for r in rows]
        runs = {name: np.asarray(score(texts)) for name, score in scorers.items()}
        runs["length alone (5-fold CV)"] = _length_cv(rows)
        spam_only = truth.sum() < 5  # only the generic recall means something
        readme[source] = {"n": str(len(rows))} | ({"spam only": "yes"} if spam_only else {})
        for name, scores in runs.items():
            predicted = scores >= 0.5
            recalls = _metrics(truth, predicted)
            generic, substantive = recalls["generic_recall"], recalls["substantive_recall"]
            if spam_only:
                f1_text = "-"
                if not name.startswith("length alone"):  # a fit on one class says nothing
                    readme[source][name] = f"{generic:.3f}"
            else:
                f1, low, high = bootstrap_macro_f1(truth, predicted)
                f1_text = f"{f1:.3f} [{low:.3f}-{high:.3f}]"
                real_f1.setdefault(name, {}).setdefault(rows[0].lang, []).append(f1)
                first = name == next(iter(runs))
                readme[source][name] = f1_text if first else f"{f1:.3f}"
            print(
                f"| {source} | {len(rows)} | {truth.mean():.2f} | {name} | {f1_text} | "
                f"{generic:.3f} | {substantive:.3f} |"
            )
    print(
        "\n### Corpus test split, and the gap to real validation (mean over a language's sources)\n"
    )
    print("| model | lang | corpus test macro-F1 | real validation macro-F1 | gap |")
    print("|---|---|---|---|---|")
    from sklearn.metrics import f1_score

    for name, score in scorers.items():
        for lang in LANGS:
            rows = [r for r in test_rows if r.lang == lang]
            truth = np.array([r.label == "substantive" for r in rows])
            corpus_f1 = f1_score(
                truth, np.asarray(score([r.text for r in rows])) >= 0.5, average="macro"
            )
            real = real_f1.get(name, {}).get(lang)
            real_text = f"{np.mean(real):.3f}" if real else "-"
            gap = f"{corpus_f1 - np.mean(real):.3f}" if real else "-"
            print(f"| {name} | {lang} | {corpus_f1:.3f} | {real_text} | {gap} |")
    return readme


if __name__ == "__main__":
    sys.exit(main())
