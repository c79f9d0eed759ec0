"""Macro-F1 with a 95% bootstrap interval, and when there are too few labels to say anything.

Resampling comments with replacement is the same as drawing the four cells of the confusion
matrix from a multinomial with the observed shares, so the bootstrap draws 4 numbers per round
instead of re-scoring n comments: thousands of rounds take milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_LABELS = 30  # fewer random-sample labels than this give an interval too wide to use
MIN_PER_CLASS = 5
BOOTSTRAP_ROUNDS = 2000


@dataclass(frozen=True)
class F1Estimate:
    """Macro-F1 of predictions against labels, with its 95% percentile bootstrap interval."""

    macro_f1: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        return f"{self.macro_f1:.3f} (95% interval {self.low:.3f}-{self.high:.3f}, n={self.n})"


def too_few_labels(truth: np.ndarray) -> str | None:
    """Why ``truth`` (True = substantive) is too small to estimate macro-F1 from, or None.

    The message says how many more random-sample labels are needed.
    """
    truth = np.asarray(truth, dtype=bool)
    n = len(truth)
    per_class = {"substantive": int(truth.sum()), "generic": int(n - truth.sum())}
    if n < MIN_LABELS:
        return f"need {MIN_LABELS - n} more random labels (have {n}, need {MIN_LABELS})"
    short = [f"{name} ({count})" for name, count in per_class.items() if count < MIN_PER_CLASS]
    if short:
        return (
            f"need more random labels of {' and '.join(short)}: at least {MIN_PER_CLASS} of "
            f"each class"
        )
    return None


def macro_f1_interval(
    truth: np.ndarray, predicted: np.ndarray, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0
) -> F1Estimate:
    """Macro-F1 over the two classes (True = substantive) and its 95% bootstrap interval."""
    truth = np.asarray(truth, dtype=bool)
    predicted = np.asarray(predicted, dtype=bool)
    if truth.shape != predicted.shape:
        raise ValueError(f"{len(truth)} labels but {len(predicted)} predictions")
    n = len(truth)
    cells = np.array(
        [
            np.sum(truth & predicted),
            np.sum(~truth & predicted),
            np.sum(truth & ~predicted),
            np.sum(~truth & ~predicted),
        ],
        dtype=float,
    )
    point = float(_macro_f1(cells[None, :])[0])
    if n == 0:
        return F1Estimate(point, 0.0, 0.0, 0)
    draws = np.random.default_rng(seed).multinomial(n, cells / n, size=rounds).astype(float)
    low, high = np.percentile(_macro_f1(draws), [2.5, 97.5])
    return F1Estimate(point, float(low), float(high), n)


def _macro_f1(cells: np.ndarray) -> np.ndarray:
    """Macro-F1 per row of (tp, fp, fn, tn) counts; a class with no support and no prediction
    scores 0, like scikit-learn's ``zero_division=0`` with both labels given."""
    tp, fp, fn, tn = cells.T
    with np.errstate(invalid="ignore", divide="ignore"):
        positive = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        negative = np.where(2 * tn + fp + fn > 0, 2 * tn / (2 * tn + fp + fn), 0.0)
    return np.asarray((positive + negative) / 2)
