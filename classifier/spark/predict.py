"""Labels on the executors: :func:`predict_df`, and the labels the scorer needs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from classifier.model_dir import open_model_dir
from classifier.predictor import prediction_columns
from classifier.scoring.config import ScoringConfig
from classifier.scoring.inputs import require_column
from classifier.scoring.labels import NO_LABEL, UNLABELED, columns_source
from classifier.scoring.textsim import key_units, text_keys
from classifier.spark.inputs import problem_rows
from classifier.spark.session import ModelRef, cut, model_ref, schema, worker_predictor

PREDICTION_COLUMNS = ("label", "score", "lang")
# Each label column the scorer reads, and the prediction field it comes from
_FROM_MODEL = dict(label="label", category="category", lang="lang", p="score", __error="error")


def prediction_udf(ref: ModelRef, *, reasons: bool, extra: bool) -> Any:
    """The model's predictions for a column of texts, one model call per distinct text of an
    Arrow batch; ``extra``: also ``category`` and ``error``."""
    fields = {"label": "string", "score": "double", "lang": "string"}
    fields |= {"reasons": "array<string>"} if reasons else {}
    fields |= {"category": "string", "error": "string"} if extra else {}

    def predict(batches: Iterator[pd.Series]) -> Iterator[pd.DataFrame]:
        predictor = worker_predictor(ref)
        for texts in batches:
            frame = pd.DataFrame(
                prediction_columns(predictor, texts, list(fields), explain=reasons)
            )
            frame["score"] = frame["score"].astype(float)
            if reasons:
                frame["reasons"] = frame["reasons"].map(list)
            yield frame

    return F.pandas_udf(predict, schema(fields))  # type: ignore[call-overload]


def predict_df(
    df: DataFrame,
    text_col: str = "text",
    model: str | os.PathLike[str] | None = None,
    reasons: bool = False,
    *,
    ship_model: bool = True,
) -> DataFrame:
    """``df`` with ``label``, ``score`` and ``lang`` (and ``reasons``) for the text in ``text_col``.

    The same predictions as ``classifier.load(model).predict(texts)``: a row that is not
    usable text gets a null label and score. ``model`` is a model directory (default:
    $GENUINE_MODEL, else the shipped model), checked on the driver; with ``ship_model`` it is
    sent to every executor with ``SparkContext.addFile``, else it must be readable at the same
    path everywhere (shared storage). Columns of ``df`` with these names are replaced.
    """
    fix = "pass text_col=<the column holding the comment>"
    require_column(df.columns, text_col, "the DataFrame", fix)
    ref = model_ref(df.sparkSession, model, ship_model)
    added = [*PREDICTION_COLUMNS, *(["reasons"] if reasons else [])]
    # One UDF call per row: Spark evaluates the same UDF expression once for all its fields.
    predicted = prediction_udf(ref, reasons=reasons, extra=False)(df[text_col])
    kept = [df[c] for c in df.columns if c not in added]
    return df.select(*kept, *[predicted[name].alias(name) for name in added])


def _keys_udf(min_units: float) -> Any:
    """The scorer's comparison key of each text, or null when it is too short to compare."""

    def keys(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for texts in batches:
            key = text_keys(texts.astype(object))
            yield key.where(pd.Series(key_units(key) >= min_units, index=key.index), None)

    return F.pandas_udf(keys, "string")  # type: ignore[call-overload]


def label_columns(columns: list[str], model: object) -> tuple[str, ...]:
    """The columns labels are read from, as ``score_creators`` picks them: ``score``/``label``
    (with ``category``/``lang``) when no ``model`` is given; none: labels from a model."""
    if model is not None or not {"score", "label"} & set(columns):
        return ()
    return tuple(c for c in ("score", "label", "category", "lang") if c in columns)


def attach_labels(
    valid: DataFrame, columns: tuple[str, ...], model: Any, ship: bool, cfg: ScoringConfig
) -> tuple[DataFrame, Column, DataFrame, str]:
    """:func:`classifier.scoring.labels.attach_labels` in Spark: ``p``, ``label``, ``category``,
    ``lang`` from the label ``columns`` (already read) or from ``model``; ``counted`` and the
    copy-paste ``_key``. Returns the rows (materialized), which have no usable label, their
    problems and where the labels came from."""
    fields = [c for c in columns if c in ("score", "label")]
    if fields:
        field, source = fields[0], columns_source(fields)
        labeled = valid
        reason = F.lit(NO_LABEL.format(field))
    else:
        ref = model_ref(valid.sparkSession, model, ship)
        field, source = "text", f"model {open_model_dir(model, verify=False).identity.label}"
        predicted = prediction_udf(ref, reasons=False, extra=True)(F.col("text"))
        labeled = valid.select("*", *[predicted[f].alias(c) for c, f in _FROM_MODEL.items()])
        reason = F.concat_ws(": ", F.lit(UNLABELED), F.col("__error"))
    counted = ~(F.col("excluded") | F.col("creator_reply"))
    keys = _keys_udf(cfg.dupe_min_units)(F.col("text"))
    labeled = labeled.withColumns({"counted": counted, "_key": F.when(counted, keys)})
    labeled, bad = cut(labeled, "labels"), F.col("p").isNull() | F.isnan("p")
    return labeled, bad, problem_rows(labeled.where(bad), F.lit(field), reason), source
