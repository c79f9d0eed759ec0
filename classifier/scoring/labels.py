"""Per-comment labels: from ``label``/``score`` columns already in the table, or the predictor.

The metric needs one number per comment, ``p`` = P(substantive). A ``score`` column is used as
it is; a ``label`` column becomes 1 (substantive) or 0 (generic). The predictor runs once per
distinct text, since copy-paste sections repeat the same strings many times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from classifier.io.problems import RowProblem

_SUBSTANTIVE = frozenset({"substantive", "1", "true", "yes", "genuine"})
_GENERIC = frozenset({"generic", "0", "false", "no"})
# The problems of a row without a label (both paths: this one and classifier/spark/predict.py)
NO_LABEL = "no usable {} (expected a score in [0, 1] or label substantive/generic)"
UNLABELED = "the predictor could not label it"


@dataclass(frozen=True)
class Labeled:
    """Comments with ``p``, ``label``, ``category`` and ``lang``; the rows that got no label."""

    comments: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    source: str = ""
    has_category: bool = False


def has_label_columns(frame: pd.DataFrame) -> bool:
    return "score" in frame.columns or "label" in frame.columns


def _from_columns(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    p = np.full(len(frame), np.nan)
    used: list[str] = []
    if "label" in frame.columns:
        text = frame["label"].astype("string").str.strip().str.lower()
        p = np.where(text.isin(_SUBSTANTIVE).fillna(False), 1.0, p)
        p = np.where(text.isin(_GENERIC).fillna(False), 0.0, p)
        used.append("label")
    if "score" in frame.columns:
        score = pd.to_numeric(frame["score"], errors="coerce").to_numpy(dtype=float)
        valid = (score >= 0.0) & (score <= 1.0)
        p = np.where(valid, score, p)
        used.insert(0, "score")
    return p, columns_source(used)


def columns_source(used: Sequence[str]) -> str:
    """Where labels came from, for the report: "'score' and 'label' columns"."""
    return " and ".join(f"'{c}'" for c in used) + " column" + ("s" if len(used) > 1 else "")


def labels_from_columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """``p``, ``label``, ``category`` and ``lang`` from the ``score``/``label`` columns (and
    ``category``/``lang`` when given); ``p`` is NaN where neither is usable."""
    p, _ = _from_columns(frame)
    none = np.full(len(frame), None, dtype=object)
    return {
        "p": p,
        "label": np.where(p >= 0.5, "substantive", "generic"),
        "category": frame["category"].to_numpy(dtype=object) if "category" in frame else none,
        "lang": frame["lang"].to_numpy(dtype=object) if "lang" in frame else none,
    }


def _from_predictor(frame: pd.DataFrame, predictor: Any, progress: Any) -> dict[str, np.ndarray]:
    from classifier.predictor import prediction_columns

    fields = ("score", "label", "category", "lang", "error")
    if progress is None:
        columns = prediction_columns(predictor, frame["text"], fields)
    else:
        with progress(frame["text"].nunique()) as bar:
            columns = prediction_columns(predictor, frame["text"], fields, progress=bar.update)
    return {"p": columns.pop("score").astype(float), **columns}


def attach_labels(comments: pd.DataFrame, predictor: Any = None, progress: Any = None) -> Labeled:
    """Add ``p``/``label``/``category``/``lang``; rows without a usable label go to problems.

    With ``predictor=None`` the ``score``/``label`` columns are used when present, else the
    default model is loaded (``classifier.load()``). An explicit predictor always wins.
    ``progress``, when the model labels, is called with the number of distinct texts and
    returns a context manager whose ``update(n)`` follows the labeling (a tqdm bar fits).
    """
    frame = comments
    none = np.full(len(frame), None, dtype=object)
    if predictor is None and has_label_columns(frame):
        p, label, category, lang = labels_from_columns(frame).values()
        source = _from_columns(frame)[1]
        field_name = "score" if "score" in frame.columns else "label"
        errors = none
        reason = NO_LABEL.format(field_name)
    else:
        if predictor is None:
            # The predictor module, not the package: ``classifier/__init__`` imports scoring.
            from classifier.predictor import load

            predictor = load()
        predicted = _from_predictor(frame, predictor, progress)
        p, label, category, lang, errors = (
            predicted[k] for k in ("p", "label", "category", "lang", "error")
        )
        source = f"model {_model_label(predictor)}"
        field_name = "text"
        reason = UNLABELED
    bad = np.isnan(p)
    where = frame.loc[bad, ["_source", "_line"]].itertuples(index=False)
    problems = [
        RowProblem(str(s), int(n), field_name, f"{reason}: {errors[i]}" if errors[i] else reason)
        for i, (s, n) in zip(np.flatnonzero(bad), where, strict=True)
    ]
    out = frame.assign(p=p, label=label, category=category, lang=lang)
    out = out.loc[~bad].reset_index(drop=True)
    out["category"] = out["category"].where(out["category"].notna(), None)
    has_category = bool(out["category"].notna().any())
    return Labeled(out, problems, source, has_category)


def _model_label(predictor: Any) -> str:
    """Name, version and hash: reports are shared beyond this machine, so never a local path."""
    model_dir = getattr(predictor, "model_dir", None)
    return model_dir.identity.label if model_dir is not None else type(predictor).__name__
