"""The model on real, human-labeled comments it never saw (../shared/data/real/).

Two tables, each beside a length-only baseline trained on the corpus train split:

1. **Datasets' own labels**, per file: macro-F1, generic recall and substantive recall. Those
   labels agree with our guide on only 58-75% of comments (see that folder's README), so read
   this table through its errors; spam recall on the spam-only Chinese file is the clean number.
2. **Labeled by our guide**: the real validation sets, random samples of each source labeled by
   data/LABELING.md without looking at the datasets' labels or any model, never trained on.
   Only our labels ship (``data/real_labels/*.ndjson``: the text's SHA-256, label, category,
   split); the texts stay in ../shared. Model choices were made on them, so they are a
   development set, not an untouched test set (benchmarks/real_validation.py has the full
   side-by-side table).

Then the model's most confident errors per file, to read by hand. Skips cleanly when the
folder is absent: those files are copies of the public datasets listed in docs/real_data.md,
kept beside the project on development machines, never shipped.

**Your own labeled comments** instead: ``--labeled FILE...`` reads CSV / TSV / JSONL / JSON /
Parquet with the column options of ``genuine evaluate`` (``--text-column``, ``--label-column``,
``--label-map``, ``--lang-column``...), and prints the same table and errors per file and
language (a row without a language gets the model's own language ID). Use comments the model
never trained on (``--split test`` keeps one split of a file you also trained on).

Run: python benchmarks/real_data.py [--model DIR] [--errors 8]
     python benchmarks/real_data.py --labeled mine.csv --text-column CONTENT \
         --label-column CLASS --label-map 1=generic,0=substantive [--split test]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real"


@dataclass(frozen=True)
class RealSet:
    """Texts and truth (True = substantive) of one real file, with the labels' origin."""

    name: str
    lang: str
    texts: list[str]
    truth: np.ndarray
    labels: str  # "dataset", "our guide" or "yours"


def load_real_sets(real_dir: Path = REAL) -> list[RealSet]:
    """Every real file with the dataset's labels; empty when the folder is absent."""
    sets = []
    for path in sorted(real_dir.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        sets.append(
            RealSet(
                path.name,
                rows[0].get("lang", "?"),
                [r["text"] for r in rows],
                np.array([r["label"] == "substantive" for r in rows]),
                "dataset",
            )
        )
    return sets


def load_relabeled_sets(real_dir: Path = REAL) -> list[RealSet]:
    """The real validation sets labeled by our guide (data/real_labels/, split validation),
    one per source, joined to their texts by SHA-256."""
    from training.real import SOURCES, join_labels, load_label_files

    labels = [label for label in load_label_files() if label.split == "validation"]
    sets = []
    for name in SOURCES:
        joined = join_labels(real_dir, [label for label in labels if label.source == name], [name])
        if joined:
            sets.append(
                RealSet(
                    name,
                    SOURCES[name].lang,
                    [j.comment.text for j in joined],
                    np.array([j.label.label == "substantive" for j in joined]),
                    "our guide",
                )
            )
    return sets


def load_user_sets(
    paths: list[str], mapping: Any, split: str | None = None, **read: Any
) -> tuple[list[RealSet], list[Any]]:
    """The user's labeled comments (training/data.py's loaders and column options), one set per
    file and language (the model's language ID for rows without one); the rows' problems come
    back for the caller to report."""
    from classifier.text.language import detect_language
    from classifier.text.normalize import normalize
    from training.data import load_labeled

    sets, problems = [], []
    for path in paths:
        data = load_labeled(path, mapping, **read)
        problems += data.problems
        groups: dict[tuple[str, bool], list[Any]] = {}
        for row in data.rows:
            if split is None or row.split == split:
                key = (
                    (row.lang, False)
                    if row.lang
                    else (detect_language(normalize(row.text).text), True)
                )
                groups.setdefault(key, []).append(row)
        for (lang, detected), rows in sorted(groups.items()):
            sets.append(
                RealSet(
                    f"{Path(path).name}" + (" (language detected)" if detected else ""),
                    lang,
                    [r.text for r in rows],
                    np.array([r.label == "substantive" for r in rows]),
                    "yours",
                )
            )
    return sets, problems


def _metrics(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score

    out = {
        "generic_recall": float((~predicted[~truth]).mean()) if (~truth).any() else float("nan"),
        "substantive_recall": float(predicted[truth].mean()) if truth.any() else float("nan"),
    }
    out["macro_f1"] = (
        float(f1_score(truth, predicted, average="macro"))
        if truth.any() and (~truth).any()
        else float("nan")
    )
    return out


def _table(
    sets: list[RealSet], predictor: Any, baseline: Any, n_errors: int
) -> tuple[list[str], list[str]]:
    lines = [
        "| file | labels | lang | n | subst. share | model macro-F1 | length-only macro-F1 | "
        "model generic recall | length generic recall | model subst. recall | length subst. recall |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    errors = []
    for real in sets:
        predictions = predictor.predict(
            real.texts, langs=[real.lang] * len(real.texts), explain=False
        )
        scores = np.array([p.score for p in predictions])
        predicted = scores >= predictor.threshold_for(real.lang)
        m = _metrics(real.truth, predicted)
        b = _metrics(real.truth, baseline.scores(real.texts) >= 0.5)
        lines.append(
            f"| {real.name} | {real.labels} | {real.lang} | {len(real.texts)} | {real.truth.mean():.2f} | "
            f"{m['macro_f1']:.3f} | {b['macro_f1']:.3f} | {m['generic_recall']:.3f} | "
            f"{b['generic_recall']:.3f} | {m['substantive_recall']:.3f} | {b['substantive_recall']:.3f} |"
        )
        wrong = np.flatnonzero(predicted != real.truth)
        worst = wrong[np.argsort(-np.abs(scores[wrong] - 0.5))][:n_errors]
        if n_errors:
            errors.append(_error_block(real, worst, scores))
    return lines, errors


def _error_block(real: RealSet, worst: np.ndarray, scores: np.ndarray) -> str:
    block = [f"\n{real.name} ({real.lang}), labels: {real.labels}: most confident errors"]
    if not len(worst):
        block.append("  (none)")
    for i in worst:
        truth = "substantive" if real.truth[i] else "generic"
        block.append(f"  truth={truth:<11} score={scores[i]:.2f}  {real.texts[i][:110]!r}")
    return "\n".join(block)


def main(argv: list[str] | None = None) -> int:
    from genuine_cli.data_cmd import _add_mapping_arguments, mapping_from_args

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default=None)
    parser.add_argument("--errors", type=int, default=6, help="confident errors to print per file")
    parser.add_argument(
        "--labeled",
        nargs="+",
        metavar="FILE",
        help="your labeled comments instead of ../shared/data/real (column options below)",
    )
    parser.add_argument(
        "--split", default=None, help="with --labeled: only rows of this split (e.g. test)"
    )
    _add_mapping_arguments(parser)
    args = parser.parse_args(argv)
    if not args.labeled and not REAL.is_dir():
        print(
            f"skipped: {REAL} not found. It holds copies of the public datasets listed in "
            "docs/real_data.md, kept beside the project on development machines. To run this "
            "benchmark on your own labeled comments: python benchmarks/real_data.py --labeled "
            "FILE --text-column TEXT --label-column LABEL [--label-map 1=generic,0=substantive]"
        )
        return 0
    import classifier
    from classifier.io.problems import InputError
    from genuine_cli.common import report_problems
    from training.data import corpus_paths, load_labeled
    from training.evaluate import LengthBaseline

    if args.labeled:
        try:
            read = {"format": args.format, "encoding": args.encoding, "sep": args.sep}
            user_sets, problems = load_user_sets(
                args.labeled, mapping_from_args(args), args.split, **read
            )
        except InputError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        report_problems(problems, "real_data")
        if not any(len(s.texts) for s in user_sets):
            print("error: no labeled rows to measure", file=sys.stderr)
            return 2
        tables = [("Your labeled comments", user_sets)]
    else:
        tables = [
            ("Datasets' own labels", load_real_sets()),
            ("Real validation sets labeled by our guide", load_relabeled_sets()),
        ]
    predictor = classifier.load(args.model)
    baseline = LengthBaseline.fit(load_labeled(corpus_paths()).split("train"))
    print(f"model: {predictor.model_dir.path}\n")
    blocks = []
    for title, sets in tables:
        lines, errors = _table(sets, predictor, baseline, args.errors)
        print(f"### {title}\n")
        print("\n".join(lines) + "\n")
        blocks += errors
    print("\n".join(blocks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
