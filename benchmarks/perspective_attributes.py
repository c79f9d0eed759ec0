"""How good are the Perspective-compatible SPAM and UNSUBSTANTIAL probabilities?

For each set: the corpus test split per language (our own writing; the category head's C was
chosen on the validation split, so the test split is clean) and the real validation sets of
``../shared/data/real`` labeled by our guide (``data/real_labels``, never trained on), we score
every comment through :func:`classifier.attributes.score_attributes` (what
``/v1alpha1/comments:analyze`` answers) and report, per attribute:

- AUC (ranking; "-" where the set holds one class only),
- Brier score and ECE (10 equal-width bins): is a 0.8 right 80% of the time?

beside a trivial baseline: logistic regression on log length, fit on the corpus train split
(the length baseline the rest of the project reports). Truth: ``UNSUBSTANTIAL`` = labeled
generic; ``SPAM`` = labeled category in :data:`classifier.attributes.SPAM_CATEGORIES`
(self_promo, contact_bait, follow_bait, off_topic). Several real sets hold almost no spam
(one or none): read their SPAM rows as "how low does SPAM stay on clean comments" (Brier, ECE,
mean), not as ranking figures. The Chinese ads hold spam only.

Run: python benchmarks/perspective_attributes.py [--model DIR] [--real DIR]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real"
LANGS = ("vi", "zh", "en")
ATTRIBUTES = ("SPAM", "UNSUBSTANTIAL")


@dataclass(frozen=True)
class EvalSet:
    name: str
    lang: str
    texts: list[str]
    generic: np.ndarray  # truth of UNSUBSTANTIAL
    spam: np.ndarray  # truth of SPAM


def expected_calibration_error(truth: np.ndarray, probability: np.ndarray, bins: int = 10) -> float:
    """Mean |observed rate - mean probability| over equal-width bins, weighted by bin size."""
    index = np.clip((probability * bins).astype(int), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        inside = index == b
        if inside.any():
            total += inside.mean() * abs(truth[inside].mean() - probability[inside].mean())
    return float(total)


def metrics(truth: np.ndarray, probability: np.ndarray) -> tuple[float, float, float]:
    from sklearn.metrics import roc_auc_score

    truth = truth.astype(float)
    auc = float(roc_auc_score(truth, probability)) if 0 < truth.sum() < len(truth) else float("nan")
    brier = float(np.mean((probability - truth) ** 2))
    return auc, brier, expected_calibration_error(truth, probability)


def corpus_sets() -> tuple[list[EvalSet], list]:
    from classifier.attributes import SPAM_CATEGORIES
    from training.data import corpus_paths, load_labeled

    rows = load_labeled(corpus_paths()).rows
    sets = []
    for lang in LANGS:
        test = [r for r in rows if r.split == "test" and r.lang == lang]
        sets.append(
            EvalSet(
                f"corpus test {lang}",
                lang,
                [r.text for r in test],
                np.array([r.label == "generic" for r in test]),
                np.array([r.category in SPAM_CATEGORIES for r in test]),
            )
        )
    return sets, [r for r in rows if r.split == "train"]


def real_sets(real_dir: Path) -> list[EvalSet]:
    from classifier.attributes import SPAM_CATEGORIES
    from training.real import SOURCES, join_labels, load_label_files

    if not real_dir.is_dir():
        print(f"(no real data at {real_dir}: real rows skipped)", file=sys.stderr)
        return []
    labels = [label for label in load_label_files() if label.split == "validation"]
    sets = []
    for name, source in SOURCES.items():
        joined = join_labels(real_dir, [label for label in labels if label.source == name], [name])
        if joined:
            sets.append(
                EvalSet(
                    f"real {name}",
                    source.lang,
                    [j.comment.text for j in joined],
                    np.array([j.label.label == "generic" for j in joined]),
                    np.array([j.label.category in SPAM_CATEGORIES for j in joined]),
                )
            )
    return sets


class LengthBaseline:
    """P(attribute | log length): one logistic regression per attribute on the corpus train split."""

    def __init__(self, train_rows: list) -> None:
        from sklearn.linear_model import LogisticRegression

        from classifier.attributes import SPAM_CATEGORIES

        x = self._features([r.text for r in train_rows])
        self.models = {
            "UNSUBSTANTIAL": LogisticRegression().fit(
                x, [r.label == "generic" for r in train_rows]
            ),
            "SPAM": LogisticRegression().fit(
                x, [r.category in SPAM_CATEGORIES for r in train_rows]
            ),
        }

    @staticmethod
    def _features(texts: list[str]) -> np.ndarray:
        return np.log1p(np.array([len(t) for t in texts], dtype=float))[:, None]

    def probability(self, attribute: str, texts: list[str]) -> np.ndarray:
        return self.models[attribute].predict_proba(self._features(texts))[:, 1]


def _fmt(value: float) -> str:
    return "-" if np.isnan(value) else f"{value:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="model directory (default: the shipped one)")
    parser.add_argument("--real", default=str(REAL), help="real-data directory")
    args = parser.parse_args()

    import classifier
    from classifier.attributes import score_attributes

    predictor = classifier.load(args.model)
    corpus, train_rows = corpus_sets()
    sets = corpus + real_sets(Path(args.real))
    baseline = LengthBaseline(train_rows)
    print(f"model: {predictor.model_dir.path}")
    print(
        "| set | lang | n | attribute | positives | mean prob. | AUC | Brier | ECE | "
        "length-only AUC | length-only Brier | length-only ECE |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for eval_set in sets:
        results = score_attributes(predictor, eval_set.texts, [eval_set.lang] * len(eval_set.texts))
        for attribute in ATTRIBUTES:
            if not results or attribute not in results[0].values:
                print(
                    f"| {eval_set.name} | {eval_set.lang} | {len(eval_set.texts)} | {attribute} | (the model has no category head) |"
                )
                continue
            truth = eval_set.spam if attribute == "SPAM" else eval_set.generic
            probability = np.array([r.values[attribute] for r in results])
            auc, brier, ece = metrics(truth, probability)
            b_auc, b_brier, b_ece = metrics(truth, baseline.probability(attribute, eval_set.texts))
            print(
                f"| {eval_set.name} | {eval_set.lang} | {len(eval_set.texts)} | {attribute} | "
                f"{int(truth.sum())} | {probability.mean():.3f} | {_fmt(auc)} | {brier:.3f} | {ece:.3f} | "
                f"{_fmt(b_auc)} | {b_brier:.3f} | {b_ece:.3f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
