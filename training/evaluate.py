"""Evaluation per language, beside a length-only baseline, with a length-matched slice.

Length alone separates substantive from generic comments surprisingly well in published
corpora, so every report shows (a) a length-only logistic regression trained on the same
training rows and (b) both models on a *length-matched* slice: substantive/generic pairs of
near-equal length, where length carries no signal.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    confusion_matrix,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
)

from classifier.backends.ngram import expected_calibration_error
from training.data import LANGS, LabeledComment

POSITIVE = "substantive"


@dataclass
class LengthBaseline:
    """Logistic regression on log(1 + characters): the trivial baseline every number sits beside.

    ``basis`` says what it was fit on; reports print it, since a baseline fit on other data
    than the model (say the shipped corpus, for a model trained on news comments) can make a
    model that learned little beyond length look good.
    """

    model: LogisticRegression
    basis: str = "fit on the training split"

    @classmethod
    def fit(
        cls, rows: Sequence[LabeledComment], basis: str = "fit on the training split"
    ) -> LengthBaseline:
        features = _log_length([r.text for r in rows])
        truth = [r.label == POSITIVE for r in rows]
        return cls(LogisticRegression(class_weight="balanced").fit(features, truth), basis)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return np.asarray(self.model.predict_proba(_log_length(texts))[:, 1])


def _log_length(texts: Sequence[str]) -> np.ndarray:
    return np.log1p([[len(t)] for t in texts])


class CrossValidatedLengthBaseline:
    """Length alone, scored on the evaluated rows by k-fold cross-validation on those rows.

    For data that comes without the model's training rows: each row's baseline score comes from
    a length-only model fit on the other folds, so the baseline knows the evaluated data's own
    length distribution (as a model trained on that kind of data would).
    """

    def __init__(self, rows: Sequence[LabeledComment], folds: int = 5, seed: int = 0):
        from sklearn.model_selection import StratifiedKFold

        texts = [r.text for r in rows]
        truth = np.array([r.label == POSITIVE for r in rows])
        scores = np.full(len(rows), 0.5)
        smallest = min(int(truth.sum()), int((~truth).sum()))
        folds = min(folds, smallest)
        self.basis = f"{folds}-fold cross-validation on the evaluated rows"
        if folds >= 2:
            features = _log_length(texts)
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
            for fit_idx, held_idx in splitter.split(features, truth):
                model = LogisticRegression(class_weight="balanced").fit(
                    features[fit_idx], truth[fit_idx]
                )
                scores[held_idx] = model.predict_proba(features[held_idx])[:, 1]
        else:
            self.basis = "none (the evaluated rows hold fewer than 2 of one label): always 0.5"
        self._by_text = dict(zip(texts, scores, strict=True))

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self._by_text[t] for t in texts], dtype=float)


def baseline_for(
    rows: Sequence[LabeledComment], train_rows: Sequence[LabeledComment] = ()
) -> LengthBaseline | CrossValidatedLengthBaseline:
    """The length-only baseline for evaluating ``rows``: fit on ``train_rows`` (the same data's
    training split) when they hold both labels, else cross-validated on ``rows`` themselves."""
    if len({r.label for r in train_rows}) == 2:
        return LengthBaseline.fit(train_rows, "fit on the train split of the evaluated data")
    return CrossValidatedLengthBaseline(rows)


def _binary_metrics(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    if truth.size == 0:
        return {"n": 0}
    return {
        "n": int(truth.size),
        "precision": float(precision_score(truth, predicted, zero_division=0)),
        "recall": float(recall_score(truth, predicted, zero_division=0)),
        "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0)),
        "mcc": float(matthews_corrcoef(truth, predicted)) if len(set(truth)) > 1 else 0.0,
        "accuracy": float((truth == predicted).mean()),
    }


def length_matched_pairs(rows: Sequence[LabeledComment], tolerance: float = 0.1) -> list[int]:
    """Indices of substantive/generic pairs whose lengths differ by < ``tolerance`` in log space."""
    chosen: list[int] = []
    by_lang: dict[str | None, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_lang[row.lang].append(index)
    for indices in by_lang.values():
        generic = sorted(
            (math.log1p(len(rows[i].text)), i) for i in indices if rows[i].label != POSITIVE
        )
        used = [False] * len(generic)
        for i in sorted(indices, key=lambda k: len(rows[k].text)):
            if rows[i].label != POSITIVE:
                continue
            length = math.log1p(len(rows[i].text))
            best, best_gap = -1, tolerance
            for j, (g_len, _) in enumerate(generic):
                if not used[j] and abs(g_len - length) < best_gap:
                    best, best_gap = j, abs(g_len - length)
            if best >= 0:
                used[best] = True
                chosen.extend([i, generic[best][1]])
    return sorted(chosen)


def reliability_table(
    scores: np.ndarray, truth: np.ndarray, bins: int = 10
) -> list[dict[str, Any]]:
    table = []
    edges = np.linspace(0, 1, bins + 1)
    for low, high in itertools.pairwise(edges):
        mask = (scores >= low) & ((scores < high) if high < 1 else (scores <= high))
        if mask.any():
            table.append(
                {
                    "bin": f"{low:.1f}-{high:.1f}",
                    "n": int(mask.sum()),
                    "mean_score": float(scores[mask].mean()),
                    "share_substantive": float(truth[mask].mean()),
                }
            )
    return table


def evaluate(
    rows: Sequence[LabeledComment],
    scores: np.ndarray,
    predicted_langs: Sequence[str],
    baseline: LengthBaseline | CrossValidatedLengthBaseline,
    *,
    threshold: float = 0.5,
    thresholds_by_lang: dict[str, float] | None = None,
    categories: Sequence[str | None] | None = None,
) -> dict[str, Any]:
    """All numbers of an evaluation report, as plain JSON-able data.

    ``categories`` are the model's category guesses, when it has a category head: the report
    then says how often the head names the labeled category.
    """
    thresholds_by_lang = thresholds_by_lang or {}
    truth = np.array([r.label == POSITIVE for r in rows])
    langs = [r.lang or predicted_langs[i] for i, r in enumerate(rows)]
    cut = np.array([thresholds_by_lang.get(lang, threshold) for lang in langs])
    predicted = scores >= cut
    base_scores = baseline.scores([r.text for r in rows])
    base_predicted = base_scores >= 0.5
    report: dict[str, Any] = {
        "n": len(rows),
        "threshold": threshold,
        "length_baseline_basis": baseline.basis,
        "per_language": {},
        "length_matched": {},
    }
    report["overall"] = _binary_metrics(truth, predicted)
    report["overall_length_baseline"] = _binary_metrics(truth, base_predicted)
    matched = length_matched_pairs(rows)
    for lang in (*LANGS, None):
        mask = np.array([(lng == lang) if lang else True for lng in langs])
        key = lang or "all"
        if lang:
            report["per_language"][lang] = {
                "model": _binary_metrics(truth[mask], predicted[mask]),
                "length_baseline": _binary_metrics(truth[mask], base_predicted[mask]),
            }
        matched_mask = np.zeros(len(rows), dtype=bool)
        matched_mask[matched] = True
        matched_mask &= mask
        report["length_matched"][key] = {
            "model": _binary_metrics(truth[matched_mask], predicted[matched_mask]),
            "length_baseline": _binary_metrics(truth[matched_mask], base_predicted[matched_mask]),
        }
    labeled_categories = Counter(r.category for r in rows if r.category)
    report["per_category_recall"] = {}
    for category in sorted(labeled_categories):
        mask = np.array([r.category == category for r in rows])
        wanted = truth[mask][0]
        report["per_category_recall"][category] = {
            "n": int(mask.sum()),
            "recall": float((predicted[mask] == wanted).mean()),
        }
    matrix = confusion_matrix(truth, predicted, labels=[False, True])
    report["confusion"] = {"labels": ["generic", "substantive"], "matrix": matrix.tolist()}
    report["calibration"] = {
        "ece": float(expected_calibration_error(scores, truth.astype(float))),
        "reliability": reliability_table(scores, truth.astype(float)),
    }
    if categories is not None:
        head = category_head_report(rows, categories, predicted)
        if head:
            report["category_head"] = head
        elif not any(categories):
            report["category_head_note"] = (
                "the model has no category head, so it names no category (the n-gram backend "
                "learns one)"
            )
        else:
            report["category_head_note"] = (
                "the model guessed a category for each comment, but these rows carry no "
                "category to check the guesses against; `genuine evaluate --model DIR` with no "
                "DATA measures the head on the shipped corpus's test split"
            )
    lang_truth = [r.lang for r in rows]
    if all(lang_truth):
        report["language_id_accuracy"] = {
            lang: float(
                np.mean(
                    [
                        p == lang
                        for p, t in zip(predicted_langs, lang_truth, strict=True)
                        if t == lang
                    ]
                )
            )
            for lang in LANGS
            if lang in lang_truth
        }
    return report


def category_head_report(
    rows: Sequence[LabeledComment],
    guessed: Sequence[str | None],
    predicted_substantive: np.ndarray,
) -> dict[str, Any]:
    """How often the category head names the labeled category, beside a trivial baseline.

    The head chooses among the categories of the predicted label, so it is also scored on
    the rows whose label is right. The baseline guesses, for each row, the most frequent
    labeled category of its predicted label's side.
    """
    from classifier.model_dir import CATEGORIES

    labeled = [i for i, r in enumerate(rows) if r.category and guessed[i]]
    if not labeled:
        return {}
    truth = [rows[i].category for i in labeled]
    guess = [guessed[i] for i in labeled]
    side_of = {c: side for side, names in CATEGORIES.items() for c in names}
    hit = np.array([t == g for t, g in zip(truth, guess, strict=True)])
    label_right = np.array(
        [
            (side_of.get(rows[i].category or "") == "substantive") == bool(predicted_substantive[i])
            for i in labeled
        ]
    )
    most_common = {
        side: Counter(t for t in truth if side_of.get(t or "") == side).most_common(1)
        for side in ("substantive", "generic")
    }
    baseline_guess = [
        (most_common["substantive" if predicted_substantive[i] else "generic"] or [(None, 0)])[0][0]
        for i in labeled
    ]
    per_category = {}
    for category in sorted({t for t in truth if t}):
        is_true = np.array([t == category for t in truth])
        is_guess = np.array([g == category for g in guess])
        per_category[category] = {
            "n": int(is_true.sum()),
            "recall": float(hit[is_true].mean()),
            "precision": float(hit[is_guess].mean()) if is_guess.any() else float("nan"),
        }
    return {
        "n": len(labeled),
        "accuracy": float(hit.mean()),
        "accuracy_when_label_right": float(hit[label_right].mean()) if label_right.any() else 0.0,
        "most_frequent_baseline_accuracy": float(
            np.mean([t == b for t, b in zip(truth, baseline_guess, strict=True)])
        ),
        "per_category": per_category,
    }


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render_markdown(report: dict[str, Any], title: str = "Evaluation") -> str:
    """A Markdown rendering of :func:`evaluate`'s report."""
    basis = report.get("length_baseline_basis", "fit on the training split")
    lines = [
        f"### {title}",
        "",
        f"{report['n']} comments, threshold {report['threshold']}. Length-only baseline: {basis}.",
        "",
    ]
    lines += [
        "| language | n | macro-F1 | precision | recall | MCC | length-only macro-F1 | length-matched n | length-matched macro-F1 | length-only on matched |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [(lang, report["per_language"][lang]) for lang in report["per_language"]]
    rows.append(
        ("all", {"model": report["overall"], "length_baseline": report["overall_length_baseline"]})
    )
    for lang, block in rows:
        model, base = block["model"], block["length_baseline"]
        matched = report["length_matched"].get(lang, {})
        if not model.get("n"):
            continue
        lines.append(
            f"| {lang} | {model['n']} | {_fmt(model['macro_f1'])} | {_fmt(model['precision'])} | {_fmt(model['recall'])} | "
            f"{_fmt(model['mcc'])} | {_fmt(base['macro_f1'])} | {matched.get('model', {}).get('n', 0)} | "
            f"{_fmt(matched.get('model', {}).get('macro_f1', float('nan')))} | {_fmt(matched.get('length_baseline', {}).get('macro_f1', float('nan')))} |"
        )
    if report["per_category_recall"]:
        lines += [
            "",
            "Per-category recall (share of each category given its correct label):",
            "",
            "| category | n | recall |",
            "|---|---|---|",
        ]
        for category, block in report["per_category_recall"].items():
            lines.append(f"| {category} | {block['n']} | {_fmt(block['recall'])} |")
    else:
        lines += [
            "",
            "Per-category recall: none of these rows has a category (no category column, or "
            "--category-column names another), so there is no per-category breakdown.",
        ]
    matrix = report["confusion"]["matrix"]
    lines += [
        "",
        "Confusion (rows = truth, columns = predicted; generic, substantive):",
        "",
        "| | generic | substantive |",
        "|---|---|---|",
        f"| generic | {matrix[0][0]} | {matrix[0][1]} |",
        f"| substantive | {matrix[1][0]} | {matrix[1][1]} |",
        "",
        f"Calibration: ECE {report['calibration']['ece']:.3f}.",
        "",
        "| score bin | n | mean score | share substantive |",
        "|---|---|---|---|",
    ]
    for row in report["calibration"]["reliability"]:
        lines.append(
            f"| {row['bin']} | {row['n']} | {row['mean_score']:.3f} | {row['share_substantive']:.3f} |"
        )
    head = report.get("category_head")
    if head:
        lines += [
            "",
            f"Category head: names the labeled category of {_fmt(head['accuracy'])} of "
            f"{head['n']} comments ({_fmt(head['accuracy_when_label_right'])} where the label "
            f"is right; always guessing the most frequent category of the predicted label: "
            f"{_fmt(head['most_frequent_baseline_accuracy'])}).",
            "",
            "| category | n | recall | precision |",
            "|---|---|---|---|",
        ]
        for category, block in head["per_category"].items():
            lines.append(
                f"| {category} | {block['n']} | {_fmt(block['recall'])} | {_fmt(block['precision'])} |"
            )
    elif report.get("category_head_note"):
        lines += ["", f"Category head: {report['category_head_note']}."]
    if "language_id_accuracy" in report:
        accuracy = ", ".join(f"{k} {v:.3f}" for k, v in report["language_id_accuracy"].items())
        lines += ["", f"Language ID accuracy: {accuracy}."]
    return "\n".join(lines) + "\n"
