"""Agreement between two labelers' files: Cohen's kappa and the disagreements to settle."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

from classifier.io.problems import InputError
from classifier.labeling.store import LabelRecord


@dataclass(frozen=True)
class Disagreement:
    text_hash: str
    first: LabelRecord
    second: LabelRecord

    @property
    def on_label(self) -> bool:
        """They disagree on the label itself, not only on the category."""
        return self.first.label != self.second.label


@dataclass(frozen=True)
class Agreement:
    both: int  # comments labeled in both files
    only_first: int
    only_second: int
    label_agreement: float
    label_kappa: float
    category_both: int  # of ``both``, how many got a category from each labeler
    category_agreement: float
    category_kappa: float
    disagreements: list[Disagreement] = field(default_factory=list)  # label ones first


def _kappa(first: list[str], second: list[str]) -> float:
    """Cohen's kappa; NaN when it is undefined (one class only on both sides)."""
    from sklearn.metrics import cohen_kappa_score

    if not first:
        return math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(cohen_kappa_score(first, second))


def compare(first: dict[str, LabelRecord], second: dict[str, LabelRecord]) -> Agreement:
    """Compare the standing labels of two files (see :func:`read_labels`) on their shared comments."""
    shared = [h for h in first if h in second]
    if not shared:
        raise InputError(
            "the two label files share no labeled comment; the second labeler labels the "
            "first one's comments with: genuine label INPUT --second-labeler FIRST -o SECOND"
        )
    first_labels = [str(first[h].label) for h in shared]
    second_labels = [str(second[h].label) for h in shared]
    with_category = [h for h in shared if first[h].category and second[h].category]
    first_cats = [str(first[h].category) for h in with_category]
    second_cats = [str(second[h].category) for h in with_category]
    disagreements = [
        Disagreement(h, first[h], second[h])
        for h in shared
        if (first[h].label, first[h].category) != (second[h].label, second[h].category)
    ]
    disagreements.sort(key=lambda d: (not d.on_label, d.first.row))
    return Agreement(
        both=len(shared),
        only_first=sum(h not in second for h in first),
        only_second=sum(h not in first for h in second),
        label_agreement=sum(a == b for a, b in zip(first_labels, second_labels, strict=True))
        / len(shared),
        label_kappa=_kappa(first_labels, second_labels),
        category_both=len(with_category),
        category_agreement=(
            sum(a == b for a, b in zip(first_cats, second_cats, strict=True)) / len(with_category)
            if with_category
            else math.nan
        ),
        category_kappa=_kappa(first_cats, second_cats),
        disagreements=disagreements,
    )
