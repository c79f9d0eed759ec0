"""The same model and the same creator metric on Apache Spark DataFrames.

* :func:`predict_df` adds ``label``, ``score``, ``lang`` (and ``reasons``) to a DataFrame with an
  Arrow pandas UDF. Each Python worker loads the model once (a module-level cache keyed by the
  model's path); the model directory travels with ``SparkContext.addFile(dir, recursive=True)``,
  or is read in place from shared storage with ``ship_model=False``.
* :func:`score_creators_df` computes the metric of :func:`classifier.scoring.score_creators`
  with Spark. The signals that look across creators (copy-paste clusters, pods, commenter
  overlap) run as joins and group-bys, with the scorer's own MinHash signatures and LSH banding;
  everything per creator runs in ``applyInPandas`` calling the scorer's own functions (bursts,
  repeat authors, bait, the metric, the reasons), so the numbers are the same by construction.

docs/spark.md explains how to submit it to a cluster and what (little) differs from the
single-machine path.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

try:
    from pyspark import SparkFiles
    from pyspark.sql import Column, DataFrame, SparkSession, Window
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "classifier.spark needs pyspark (and Java 17+): pip install 'genuine[spark]'"
    ) from exc

from classifier.io.problems import InputError
from classifier.model_dir import open_model_dir
from classifier.scoring import engine
from classifier.scoring import metric as metric_mod
from classifier.scoring.columns import RANKING_NOTE, add_provisional, missing_columns
from classifier.scoring.config import ScoringConfig
from classifier.scoring.economics import add_economics
from classifier.scoring.inputs import (
    POST_COUNTS,
    as_id,
    checked_currency,
    checked_numbers,
    parse_bool,
    parse_times,
    read_exclusions,
)
from classifier.scoring.labels import _from_columns
from classifier.scoring.reasons import Evidence, reasons_for
from classifier.scoring.report import (
    COMMENT_COLUMNS,
    CREATOR_COLUMNS,
    POST_COLUMNS,
    CreatorReport,
)
from classifier.scoring.signals import (
    MAX_IDS,
    Burst,
    Cluster,
    Pod,
    RepeatAuthor,
    SignalResult,
    find_bait,
    find_bursts,
    find_repeat_authors,
    row_dicts,
)
from classifier.scoring.textsim import _band_keys, _signatures_by_script, key_units, text_keys

# pyspark 4.x warns on every Arrow conversion that pandas 3 is "not yet fully supported";
# the conversions used here are tested (tests/test_spark.py), so the warning is noise.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)

__all__ = [
    "SparkCreatorReport",
    "predict_df",
    "score_creators_df",
    "spark_session",
]

PREDICTION_COLUMNS = ("label", "score", "lang")
_BUCKET_ROWS = 200_000  # about the most comments one per-creator applyInPandas call gets


# --- session ----------------------------------------------------------------------------------


def spark_session(
    master: str | None = None,
    app_name: str = "genuine",
    *,
    shuffle_partitions: int | None = None,
    driver_memory: str | None = None,
    conf: dict[str, str] | None = None,
) -> SparkSession:
    """A SparkSession for genuine: UTC session time, Arrow on, this Python on the workers.

    ``master=None`` keeps whatever ``spark-submit`` configured (or local[*]). Settings already
    made (by spark-submit or an existing session) win over these defaults.
    """
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    defaults = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.showConsoleProgress": "false",
    }
    if shuffle_partitions:
        defaults["spark.sql.shuffle.partitions"] = str(shuffle_partitions)
    if driver_memory:
        defaults["spark.driver.memory"] = driver_memory
    if not os.environ.get("PYSPARK_PYTHON") and "spark.pyspark.python" not in (conf or {}):
        # Workers run this interpreter (the one genuine is installed in) unless told otherwise
        # (spark-submit --conf spark.pyspark.python=... sets PYSPARK_PYTHON for the driver).
        os.environ["PYSPARK_PYTHON"] = sys.executable
    for key, value in {**defaults, **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


# --- the model on the executors ---------------------------------------------------------------


@dataclass(frozen=True)
class _ModelRef:
    """Where a worker finds the model: a name under SparkFiles, else a path it can read."""

    path: str
    shipped: str | None = None

    def local_path(self) -> str:
        if self.shipped:
            local = SparkFiles.get(self.shipped)
            if os.path.isdir(local):
                return local
        return self.path


_SHIPPED: dict[tuple[str, str], str] = {}  # driver side: (application id, model path) -> name
_PREDICTORS: dict[str, Any] = {}  # worker side: local model path -> Predictor
_LOADS: dict[str, int] = {}  # worker side: how many times each path was loaded (tests)
_LOCK = threading.Lock()


def _model_ref(spark: SparkSession, model: str | os.PathLike[str] | None, ship: bool) -> _ModelRef:
    """Check the model directory on the driver (fail before any job runs) and ship it."""
    model_dir = open_model_dir(model)
    path = str(Path(model_dir.path).resolve())
    if not ship:
        return _ModelRef(path)
    sc = spark.sparkContext
    name = Path(path).name
    with _LOCK:
        taken = {shipped: p for (app, p), shipped in _SHIPPED.items() if app == sc.applicationId}
        if (sc.applicationId, path) not in _SHIPPED:
            if name in taken:
                raise ValueError(
                    f"a different model directory named '{name}' ({taken[name]}) was already shipped "
                    f"to this Spark application; give '{path}' another directory name, or pass "
                    "ship_model=False with a path every executor can read"
                )
            sc.addFile(path, recursive=True)
            _SHIPPED[(sc.applicationId, path)] = name
    return _ModelRef(path, name)


def _worker_predictor(ref: _ModelRef) -> Any:
    """The predictor of this Python worker process, loaded on first use (thread-safe)."""
    path = ref.local_path()
    with _LOCK:
        predictor = _PREDICTORS.get(path)
        if predictor is None:
            from classifier.predictor import load

            predictor = load(path)
            _PREDICTORS[path] = predictor
            _LOADS[path] = _LOADS.get(path, 0) + 1
    return predictor


def _predict_texts(predictor: Any, texts: pd.Series, *, reasons: bool, extra: bool) -> pd.DataFrame:
    """Predictions for one Arrow batch, one model call per distinct text."""
    values = texts.astype(object).where(texts.notna(), None).to_numpy(dtype=object)
    codes, uniques = pd.factorize(values)
    predictions = predictor.predict([*list(uniques), None], explain=reasons)
    take = np.where(codes < 0, len(uniques), codes)
    columns: dict[str, Any] = {
        "label": np.array([p.label for p in predictions], dtype=object)[take],
        "score": np.array([p.score for p in predictions], dtype=float)[take],
        "lang": np.array([p.lang for p in predictions], dtype=object)[take],
    }
    if reasons:
        columns["reasons"] = np.array(
            [list(p.reasons) for p in predictions] + [None], dtype=object
        )[:-1][take]
    if extra:
        columns["category"] = np.array([p.category for p in predictions], dtype=object)[take]
        columns["error"] = np.array([p.error for p in predictions], dtype=object)[take]
    return pd.DataFrame(columns)


def _prediction_udf(ref: _ModelRef, *, reasons: bool, extra: bool) -> Any:
    fields = ["label string", "score double", "lang string"]
    if reasons:
        fields.append("reasons array<string>")
    if extra:
        fields += ["category string", "error string"]

    def predict(batches: Iterator[pd.Series]) -> Iterator[pd.DataFrame]:
        predictor = _worker_predictor(ref)
        for texts in batches:
            yield _predict_texts(predictor, texts, reasons=reasons, extra=extra)

    return F.pandas_udf(predict, ", ".join(fields))  # type: ignore[call-overload]


def _column(df: DataFrame, name: str) -> Column:
    if name not in df.columns:
        raise InputError(
            f"column '{name}' not found in the DataFrame; columns are {df.columns}; "
            "pass text_col=<the column holding the comment>"
        )
    return df[name]


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
    text = _column(df, text_col)
    ref = _model_ref(df.sparkSession, model, ship_model)
    added = [*PREDICTION_COLUMNS, *(["reasons"] if reasons else [])]
    keep = [df[c] for c in df.columns if c not in added]
    tmp = "__genuine_prediction"
    with_prediction = df.select(
        *keep, _prediction_udf(ref, reasons=reasons, extra=False)(text).alias(tmp)
    )
    return with_prediction.select(
        *[with_prediction[c] for c in with_prediction.columns if c != tmp],
        *[F.col(f"{tmp}.{name}").alias(name) for name in added],
    )


# --- small helpers ----------------------------------------------------------------------------


def _lines(df: DataFrame, name: str = "_line") -> DataFrame:
    """Number rows 1..n in the order Spark reads them (file order for one file)."""
    mid = "__mid"
    with_id = df.withColumn(mid, F.monotonically_increasing_id())
    if df.rdd.getNumPartitions() == 1:  # ids are already 0..n-1: no job needed
        return with_id.withColumn(name, F.col(mid) + 1).drop(mid)
    part = F.shiftright(F.col(mid), 33)
    counts = sorted(
        (int(r["p"]), int(r["n"]))
        for r in with_id.groupBy(part.alias("p")).agg(F.count(F.lit(1)).alias("n")).collect()
    )
    offsets: list[tuple[int, int]] = []
    total = 0
    for p, n in counts:
        offsets.append((p, total))
        total += n
    spark = df.sparkSession
    table = spark.createDataFrame(offsets or [(0, 0)], "__p long, __offset long")
    return (
        with_id.join(F.broadcast(table), part == F.col("__p"), "left")
        .withColumn(name, F.col("__offset") + F.col(mid).bitwiseAND((1 << 33) - 1) + 1)
        .drop(mid, "__p", "__offset")
    )


def _cut(df: DataFrame, what: str) -> DataFrame:
    """Materialize ``df`` on the executors (an eager local checkpoint: later steps read it
    instead of recomputing it, and its query plan stays small); the job is named in the UI."""
    sc = df.sparkSession.sparkContext
    sc.setJobDescription(f"genuine: {what}")
    try:
        return df.localCheckpoint()
    finally:
        sc.setJobDescription(None)  # type: ignore[arg-type]


def _spread(df: DataFrame) -> DataFrame:
    """Round-robin over at least ``defaultParallelism`` partitions: one big Parquet file is
    read as one partition, and the model and the per-row steps should use every core."""
    target = df.sparkSession.sparkContext.defaultParallelism
    return df.repartition(target) if df.rdd.getNumPartitions() < target else df


def _source(what: str) -> Column:
    name = F.input_file_name()
    return F.when(name == "", F.lit(f"<{what} DataFrame>")).otherwise(name)


def _time_input(df: DataFrame, column: str) -> tuple[Column | None, str]:
    """How a time column reaches pandas: as UTC microseconds, or raw for ``parse_times``."""
    if column not in df.columns:
        return None, "none"
    kind = df.schema[column].dataType
    if isinstance(kind, T.TimestampType | T.DateType):
        return F.unix_micros(df[column].cast("timestamp")), "micros"
    if isinstance(kind, T.TimestampNTZType):
        return df[column].cast("string"), "raw"  # naive times are UTC, as parse_times reads them
    return df[column], "raw"


def _times(series: pd.Series, how: str) -> tuple[pd.Series, np.ndarray]:
    if how == "micros":
        return pd.to_datetime(series, unit="us", utc=True), np.zeros(len(series), dtype=bool)
    if how == "none":
        empty = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us, UTC]")
        return empty, np.zeros(len(series), dtype=bool)
    parsed, bad = parse_times(series)
    return parsed, bad


def _utc(micros: pd.Series) -> pd.Series:
    return pd.to_datetime(pd.to_numeric(micros), unit="us", utc=True)


def _objects(series: pd.Series) -> np.ndarray:
    """Values as an object array with None for missing (the scorer's id columns)."""
    values = np.array(series.astype(object).to_numpy(dtype=object), dtype=object, copy=True)
    values[pd.isna(values)] = None
    return values


def _problems_df(df: DataFrame, mask: Column, field: str, text: Column | str) -> DataFrame:
    return df.where(mask).select(
        F.col("_source").alias("source"),
        F.col("_line").alias("line"),
        F.lit(field).alias("field"),
        (F.lit(text) if isinstance(text, str) else text).alias("problem"),
    )


def _any(df: DataFrame, columns: Iterable[str]) -> set[str]:
    """The columns of ``df`` that hold at least one non-null value (one small action)."""
    names = [c for c in columns if c in df.columns]
    if not names:
        return set()
    row = df.agg(*[F.max(F.col(c).isNotNull().cast("int")).alias(c) for c in names]).first()
    return {c for c in names if row is not None and row[c] == 1}


# --- inputs: the scorer's validation, per batch and with joins --------------------------------

_ID_COLUMNS = ("post_id", "creator_id", "comment_id", "author_id", "reply_to")
_NORMALIZED = (
    "creator_id string, post_id string, comment_id string, author_id string, reply_to string, "
    "text string, created_at timestamp, like_count double, is_creator_reply boolean, "
    "_bad_text boolean, _bad_time boolean, _line long, _source string"
)
_LABELED_EXTRA = "p double, label string, category string, lang string"


def _normalize_comments(
    batch: pd.DataFrame, time_how: str, label_columns: tuple[str, ...]
) -> pd.DataFrame:
    """``prepare_inputs`` for one batch: ids, text, times, counts, flags (per row)."""
    out = pd.DataFrame(index=batch.index)
    for column in _ID_COLUMNS:
        out[column] = as_id(batch[column]) if column in batch.columns else None
    text = batch["text"]
    text = text.where(text.isna(), text.astype("string"))
    bad_text = (
        (text.isna() | (text.astype("string").str.strip() == "")).fillna(True).to_numpy(dtype=bool)
    )
    out["text"] = _objects(text.astype("string"))
    out["created_at"], bad_time = _times(
        batch["created_at"] if "created_at" in batch.columns else pd.Series(index=batch.index),
        time_how,
    )
    out["like_count"] = (
        pd.to_numeric(batch["like_count"], errors="coerce")
        if "like_count" in batch.columns
        else np.nan
    )
    out["is_creator_reply"] = (
        parse_bool(batch["is_creator_reply"])
        if "is_creator_reply" in batch.columns
        else pd.Series(pd.NA, index=batch.index, dtype="boolean")
    )
    out["_bad_text"] = bad_text
    out["_bad_time"] = bad_time
    out["_line"] = batch["_line"].to_numpy()
    out["_source"] = batch["_source"].to_numpy()
    if label_columns:
        frame = pd.DataFrame({c: batch[c] for c in label_columns if c in ("label", "score")})
        p, _ = _from_columns(frame)
        out["p"] = p
        out["label"] = np.where(p >= 0.5, "substantive", "generic")
        for column in ("category", "lang"):
            out[column] = (
                _objects(batch[column].astype("string")) if column in batch.columns else None
            )
    return out


def _normalize_posts(batch: pd.DataFrame, time_how: str) -> pd.DataFrame:
    out = pd.DataFrame(index=batch.index)
    out["post_id"] = as_id(batch["post_id"])
    out["creator_id"] = as_id(batch["creator_id"]) if "creator_id" in batch.columns else None
    out["posted_at"], out["_bad_time"] = _times(
        batch["posted_at"] if "posted_at" in batch.columns else pd.Series(index=batch.index),
        time_how,
    )
    out["sponsored"] = (
        parse_bool(batch["sponsored"])
        if "sponsored" in batch.columns
        else pd.Series(pd.NA, index=batch.index, dtype="boolean")
    )
    for column, consequence in POST_COUNTS.items():
        raw = batch[column] if column in batch.columns else pd.Series(None, index=batch.index)
        out[column], texts = checked_numbers(raw, column, consequence)
        out[f"_p_{column}"] = texts
    out["_line"] = batch["_line"].to_numpy()
    out["_source"] = batch["_source"].to_numpy()
    return out


def _normalize_creators(batch: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=batch.index)
    out["creator_id"] = as_id(batch["creator_id"])

    def raw(column: str) -> pd.Series:
        return batch[column] if column in batch.columns else pd.Series(None, index=batch.index)

    out["followers"], out["_p_followers"] = checked_numbers(
        raw("followers"),
        "followers",
        "tier and engagement rates are off for this creator",
        positive=True,
    )
    out["price"], out["_p_price"] = checked_numbers(
        raw("price"), "price", "cost figures are off for this creator"
    )
    out["currency"], out["_p_currency"] = checked_currency(raw("currency"), out["price"])
    for column in ("platform", "language"):
        out[column] = as_id(batch[column]) if column in batch.columns else None
    out["_line"] = batch["_line"].to_numpy()
    out["_source"] = batch["_source"].to_numpy()
    return out


def _map_batches(df: DataFrame, fn: Any, schema: str, *args: Any) -> DataFrame:
    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield fn(batch, *args)

    return df.mapInPandas(run, schema)


def _keep_last(df: DataFrame, key: str) -> DataFrame:
    """``drop_duplicates(key, keep="last")``: the row read last wins."""
    latest = df.groupBy(key).agg(F.max("_line").alias("__last"))
    return df.join(latest, [key]).where(F.col("_line") == F.col("__last")).drop("__last")


@dataclass
class _Inputs:
    comments: DataFrame  # valid rows: ids, text, times, creator_reply, excluded, labels maybe
    posts: DataFrame  # merged posts table (POST_COLUMNS)
    creators: DataFrame  # merged creators table (+ _order_kind, _order for ranking ties)
    problems: DataFrame
    present: frozenset[str]
    notes: list[str]
    label_columns: tuple[str, ...]  # the label/score columns used for p (empty: the model)
    persisted: tuple[DataFrame, ...]


def _prepare_posts(posts_df: DataFrame | None) -> tuple[DataFrame | None, DataFrame | None]:
    if posts_df is None:
        return None, None
    if "post_id" not in posts_df.columns:
        raise InputError(
            f"column 'post_id' not found in the posts DataFrame; columns are {posts_df.columns}; "
            "the posts table needs a post_id column"
        )
    cols = [
        c for c in ("post_id", "creator_id", "sponsored", *POST_COUNTS) if c in posts_df.columns
    ]
    time_col, how = _time_input(posts_df, "posted_at")
    src = _lines(
        posts_df.select(
            *cols,
            *([time_col.alias("posted_at")] if time_col is not None else []),
            _source("posts").alias("_source"),
        )
    )
    schema = (
        "post_id string, creator_id string, posted_at timestamp, _bad_time boolean, "
        "sponsored boolean, views double, _p_views string, likes double, _p_likes string, "
        "comments_count double, _p_comments_count string, _line long, _source string"
    )
    norm = _map_batches(src, _normalize_posts, schema, how)
    problems = _problems_df(
        norm, F.col("post_id").isNull(), "post_id", "missing post_id; the post row was skipped"
    ).unionByName(
        _problems_df(
            norm,
            F.col("post_id").isNotNull() & F.col("_bad_time"),
            "posted_at",
            "unparsable timestamp (use ISO 8601, e.g. 2025-03-01T12:00:00Z); post time taken "
            "from its first comment",
        )
    )
    for column in POST_COUNTS:
        problems = problems.unionByName(
            _problems_df(
                norm.where(F.col("post_id").isNotNull()),
                F.col(f"_p_{column}").isNotNull(),
                column,
                F.col(f"_p_{column}"),
            )
        )
    posts = _keep_last(norm.where(F.col("post_id").isNotNull()), "post_id")
    return posts, problems


def _prepare_creators(creators_df: DataFrame | None) -> tuple[DataFrame | None, DataFrame | None]:
    if creators_df is None:
        return None, None
    if "creator_id" not in creators_df.columns:
        raise InputError(
            f"column 'creator_id' not found in the creators DataFrame; columns are "
            f"{creators_df.columns}; the creators table needs a creator_id column"
        )
    cols = [
        c
        for c in ("creator_id", "followers", "platform", "language", "price", "currency")
        if c in creators_df.columns
    ]
    src = _lines(creators_df.select(*cols, _source("creators").alias("_source")))
    schema = (
        "creator_id string, followers double, _p_followers string, price double, "
        "_p_price string, currency string, _p_currency string, platform string, "
        "language string, _line long, _source string"
    )
    norm = _map_batches(src, _normalize_creators, schema)
    problems = _problems_df(
        norm, F.col("creator_id").isNull(), "creator_id", "missing creator_id; the row was skipped"
    )
    for column in ("followers", "price", "currency"):
        problems = problems.unionByName(
            _problems_df(
                norm.where(F.col("creator_id").isNotNull()),
                F.col(f"_p_{column}").isNotNull(),
                column,
                F.col(f"_p_{column}"),
            )
        )
    creators = _keep_last(norm.where(F.col("creator_id").isNotNull()), "creator_id")
    return creators, problems


def _prepare_inputs(
    comments_df: DataFrame,
    posts_df: DataFrame | None,
    creators_df: DataFrame | None,
    *,
    text_column: str,
    exclude_authors: Iterable[str] | str | Path | None,
    use_label_columns: bool,
) -> _Inputs:
    """:func:`classifier.scoring.inputs.prepare_inputs` in Spark (see that function)."""
    frame = comments_df
    if text_column != "text":
        if text_column not in frame.columns:
            raise InputError(
                f"column '{text_column}' not found in the comments DataFrame; columns are "
                f"{frame.columns}; pass the text column's name with --text-column (given: {text_column})"
            )
        frame = frame.drop("text").withColumnRenamed(text_column, "text")
    for column, fix in (
        ("text", "pass --text-column <name> (text_column=...) with the column holding the comment"),
        ("post_id", "every comment needs the id of the post it is under"),
    ):
        if column not in frame.columns:
            raise InputError(
                f"column '{column}' not found in the comments DataFrame; columns are "
                f"{frame.columns}; {fix}"
            )
    if "creator_id" not in frame.columns and posts_df is None:
        raise InputError(
            f"column 'creator_id' not found in the comments DataFrame; columns are "
            f"{frame.columns}; add it, or pass a posts table with post_id and creator_id"
        )
    label_columns = (
        tuple(c for c in ("label", "score", "category", "lang") if c in frame.columns)
        if use_label_columns
        else ()
    )
    time_col, how = _time_input(frame, "created_at")
    wanted = [
        c
        for c in (*_ID_COLUMNS, "text", "like_count", "is_creator_reply", *label_columns)
        if c in frame.columns
    ]
    src = frame.select(
        *wanted,
        *([time_col.alias("created_at")] if time_col is not None else []),
        _source("comments").alias("_source"),
    )
    src = _spread(_lines(src))
    schema = _NORMALIZED + (", " + _LABELED_EXTRA if label_columns else "")
    norm = _map_batches(src, _normalize_comments, schema, how, label_columns)

    posts, post_problems = _prepare_posts(posts_df)
    creators, creator_problems = _prepare_creators(creators_df)
    if posts is not None:
        owners = posts.where(F.col("creator_id").isNotNull()).select(
            "post_id", F.col("creator_id").alias("__owner")
        )
        gap = norm.where(F.col("creator_id").isNull() & F.col("post_id").isNotNull())
        filled = (
            gap.join(owners, ["post_id"], "left")
            .withColumn("creator_id", F.col("__owner"))
            .drop("__owner")
        )
        norm = norm.where(
            ~(F.col("creator_id").isNull() & F.col("post_id").isNotNull())
        ).unionByName(filled)
    bad_creator = F.col("creator_id").isNull()
    bad_post = F.col("post_id").isNull()
    keep = ~(F.col("_bad_text") | bad_creator | bad_post)
    problems = [
        _problems_df(
            norm,
            bad_creator,
            "creator_id",
            "missing creator_id (and no posts row names the post's creator)",
        ),
        _problems_df(norm, bad_post & ~bad_creator, "post_id", "missing post_id"),
        _problems_df(
            norm, F.col("_bad_text") & ~bad_creator & ~bad_post, "text", "missing or empty text"
        ),
        _problems_df(
            norm,
            F.col("_bad_time") & keep,
            "created_at",
            "unparsable timestamp (use ISO 8601, e.g. 2025-03-01T12:00:00Z); the comment was skipped",
        ),
    ]
    valid = norm.where(keep & ~F.col("_bad_time")).drop("_bad_text", "_bad_time")
    valid = valid_cached = _cut(valid, "read and check comments")

    present = _any(
        valid,
        ("comment_id", "author_id", "created_at", "like_count", "reply_to", "is_creator_reply"),
    )
    if "comment_id" not in present:
        valid = valid.withColumn(
            "comment_id", F.concat_ws(":", F.col("_source"), F.col("_line").cast("string"))
        )
    excluded = read_exclusions(exclude_authors)
    own = F.col("author_id").isNotNull() & (F.col("author_id") == F.col("creator_id"))
    valid = valid.withColumn(
        "creator_reply", own | F.coalesce(F.col("is_creator_reply"), F.lit(False))
    ).withColumn(
        "excluded",
        F.col("author_id").isin(sorted(excluded)) & F.col("author_id").isNotNull()
        if excluded
        else F.lit(False),
    )
    valid = valid.withColumn("excluded", F.coalesce(F.col("excluded"), F.lit(False)))

    # The posts table plus posts only seen in comments (creator from the post's first comment).
    first_seen = valid.groupBy("post_id").agg(
        F.min_by("creator_id", "_line").alias("__seen_creator")
    )
    if posts is None:
        merged_posts = first_seen.select(
            "post_id",
            F.col("__seen_creator").alias("creator_id"),
            F.lit(None).cast("timestamp").alias("posted_at"),
            F.lit(None).cast("boolean").alias("sponsored"),
            F.lit(None).cast("double").alias("views"),
            F.lit(None).cast("double").alias("likes"),
            F.lit(None).cast("double").alias("comments_count"),
        )
    else:
        base = posts.join(first_seen, ["post_id"], "left").select(
            "post_id",
            F.coalesce(F.col("creator_id"), F.col("__seen_creator")).alias("creator_id"),
            "posted_at",
            "sponsored",
            "views",
            "likes",
            "comments_count",
        )
        extra = first_seen.join(posts.select("post_id"), ["post_id"], "left_anti").select(
            "post_id",
            F.col("__seen_creator").alias("creator_id"),
            F.lit(None).cast("timestamp").alias("posted_at"),
            F.lit(None).cast("boolean").alias("sponsored"),
            F.lit(None).cast("double").alias("views"),
            F.lit(None).cast("double").alias("likes"),
            F.lit(None).cast("double").alias("comments_count"),
        )
        merged_posts = base.unionByName(extra)
    merged_posts = merged_posts.where(F.col("creator_id").isNotNull())

    seen_creators = valid.groupBy("creator_id").agg(F.min("_line").alias("_order"))
    if creators is None:
        merged_creators = seen_creators.select(
            # A fresh column (alias), not the comments' own creator_id: both later meet in one
            # cogroup, where Spark would take them for an ambiguous self-join.
            F.col("creator_id").alias("creator_id"),
            F.lit(None).cast("double").alias("followers"),
            F.lit(None).cast("string").alias("platform"),
            F.lit(None).cast("string").alias("language"),
            F.lit(None).cast("double").alias("price"),
            F.lit(None).cast("string").alias("currency"),
            F.lit(1).cast("long").alias("_order_kind"),
            "_order",
        )
    else:
        table = creators.select(
            "creator_id",
            "followers",
            "platform",
            "language",
            "price",
            "currency",
            F.lit(0).cast("long").alias("_order_kind"),
            F.col("_line").alias("_order"),
        )
        extra_creators = seen_creators.join(
            creators.select("creator_id"), ["creator_id"], "left_anti"
        ).select(
            "creator_id",
            F.lit(None).cast("double").alias("followers"),
            F.lit(None).cast("string").alias("platform"),
            F.lit(None).cast("string").alias("language"),
            F.lit(None).cast("double").alias("price"),
            F.lit(None).cast("string").alias("currency"),
            F.lit(1).cast("long").alias("_order_kind"),
            "_order",
        )
        merged_creators = table.unionByName(extra_creators)
    merged_posts = _cut(merged_posts, "posts table")
    merged_creators = _cut(merged_creators, "creators table")
    present |= _any(merged_posts, ("posted_at", "sponsored", *POST_COUNTS))
    present |= _any(merged_creators, ("followers", "platform", "price", "currency"))
    notes: list[str] = []
    if excluded:
        hits = valid.where(F.col("excluded")).count()
        notes.append(
            f"{len(excluded)} author id(s) on the exclusion list; {hits} of their comments left out"
        )
    all_problems = problems + [p for p in (post_problems, creator_problems) if p is not None]
    problem_df = all_problems[0]
    for extra_problems in all_problems[1:]:
        problem_df = problem_df.unionByName(extra_problems)
    return _Inputs(
        valid,
        merged_posts,
        merged_creators,
        problem_df,
        frozenset(present),
        notes,
        tuple(c for c in ("score", "label") if c in label_columns),
        (valid_cached, merged_posts, merged_creators),
    )


# --- labels -----------------------------------------------------------------------------------


def _keys_udf(min_units: float) -> Any:
    """The scorer's comparison key of each text, or null when it is too short to compare."""

    def keys(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for texts in batches:
            key = text_keys(texts.astype(object))
            units = key_units(key)
            yield key.where(pd.Series(units >= min_units, index=key.index), None)

    return F.pandas_udf(keys, "string")  # type: ignore[call-overload]


def _attach_labels(
    inputs: _Inputs, ref: _ModelRef | None, model_label: str, cfg: ScoringConfig
) -> tuple[DataFrame, DataFrame, str, DataFrame]:
    """:func:`classifier.scoring.labels.attach_labels`: labeled rows, problems, source."""
    valid = inputs.comments
    if ref is None:
        labeled = valid
        field = "score" if "score" in inputs.label_columns else "label"
        reason = F.lit(
            f"no usable {field} (expected a score in [0, 1] or label substantive/generic)"
        )
        source = "label/score columns"
    else:
        prediction = _prediction_udf(ref, reasons=False, extra=True)(F.col("text"))
        labeled = valid.withColumn("__pred", prediction).select(
            *valid.columns,
            F.col("__pred.score").alias("p"),
            F.col("__pred.label").alias("label"),
            F.col("__pred.category").alias("category"),
            F.col("__pred.lang").alias("lang"),
            F.col("__pred.error").alias("__error"),
        )
        field = "text"
        reason = F.when(
            F.col("__error").isNotNull(),
            F.concat(F.lit("the predictor could not label it: "), F.col("__error")),
        ).otherwise(F.lit("the predictor could not label it"))
        source = f"model {model_label}"
    counted = ~(F.col("excluded") | F.col("creator_reply"))
    labeled = labeled.withColumn("counted", counted).withColumn(
        "_key", F.when(counted, _keys_udf(cfg.dupe_min_units)(F.col("text")))
    )
    labeled = _cut(labeled, "labels")
    bad = F.col("p").isNull() | F.isnan("p")
    problems = _problems_df(labeled, bad, field, reason)
    good = labeled.where(~bad).drop("__error")
    return good, problems, source, labeled


# --- connected components without collecting --------------------------------------------------


def _is_star_forest(e: DataFrame) -> bool:
    """Every edge (hi, lo) hangs off a centre: no node is ``hi`` twice, no ``lo`` is a ``hi``."""
    roles = e.select(F.col("hi").alias("n"), F.lit(1).alias("h"), F.lit(0).alias("l")).unionByName(
        e.select(F.col("lo").alias("n"), F.lit(0).alias("h"), F.lit(1).alias("l"))
    )
    bad = roles.groupBy("n").agg(F.sum("h").alias("h"), F.sum("l").alias("l"))
    return bad.where((F.col("h") > 1) | ((F.col("h") > 0) & (F.col("l") > 0))).isEmpty()


def _components(edges: DataFrame, max_rounds: int = 64) -> DataFrame:
    """(node, component) for every node of an undirected graph of long ids; component = the
    smallest node id in it. Alternating large-star / small-star rounds (Kiveris et al., 2014):
    O(log n) rounds of joins and group-bys, nothing collected. Each round keeps the components
    and only ever lowers a node's smallest neighbour; it stops when the graph is a forest of
    stars around each component's smallest node.
    """
    e = (
        edges.select(F.greatest("src", "dst").alias("hi"), F.least("src", "dst").alias("lo"))
        .where(F.col("hi") != F.col("lo"))
        .distinct()
        .transform(lambda d: _cut(d, "components: edges"))
    )
    for _ in range(max_rounds):
        if _is_star_forest(e):
            break
        # Large star: each node's larger neighbours attach to its smallest neighbour (or itself).
        both = e.select(F.col("hi").alias("u"), F.col("lo").alias("v")).unionByName(
            e.select(F.col("lo").alias("u"), F.col("hi").alias("v"))
        )
        low = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
        large = (
            both.join(low, ["u"])
            .where(F.col("v") > F.col("u"))
            .select(F.col("v").alias("hi"), F.col("m").alias("lo"))
            .distinct()
        )
        # Small star: each node and its smaller neighbours attach to the smallest of them.
        m = large.groupBy("hi").agg(F.min("lo").alias("m"))
        e = (
            large.join(m, ["hi"])
            .select(F.col("lo").alias("a"), F.col("m").alias("b"))
            .unionByName(m.select(F.col("hi").alias("a"), F.col("m").alias("b")))
            .where(F.col("a") != F.col("b"))
            .select(F.greatest("a", "b").alias("hi"), F.least("a", "b").alias("lo"))
            .distinct()
            .transform(lambda d: _cut(d, "components: round"))
        )
    else:  # pragma: no cover - O(log n) rounds; 64 covers any graph that fits a cluster
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    return (
        e.select(F.col("hi").alias("node"), F.col("lo").alias("component"))
        .unionByName(e.select(F.col("lo").alias("node"), F.col("lo").alias("component")))
        .distinct()
    )


# --- copy-paste clusters ----------------------------------------------------------------------

_CLUSTER_ROWS = (
    "_group long, text string, variants array<string>, comments long, creators array<string>, "
    "creator_counts array<long>, comment_ids array<string>"
)


def _cluster_record(rows: pd.DataFrame) -> pd.DataFrame:
    """One cluster's evidence, as in ``find_clusters`` (its rows in input order)."""
    rows = rows.sort_values("_line", kind="stable")
    members = pd.DataFrame(
        {
            "creator": _objects(rows["creator_id"]),
            "text": rows["text"].to_numpy(dtype=object),
            "comment_id": _objects(rows["comment_id"]),
        }
    )
    variants = members["text"].value_counts()
    by_creator = members["creator"].value_counts()
    return pd.DataFrame(
        {
            "_group": [int(rows["_group"].iloc[0])],
            "text": [str(variants.index[0])],
            "variants": [[str(v) for v in variants.index[:6]]],
            "comments": [len(members)],
            "creators": [[str(x) for x in by_creator.index]],
            "creator_counts": [[int(v) for v in by_creator.to_numpy()]],
            "comment_ids": [[str(x) for x in members["comment_id"].head(MAX_IDS)]],
        }
    )


def _signature_rows(batch: pd.DataFrame, bands: int, rows: int) -> pd.DataFrame:
    keys = batch["_key"].astype(object).tolist()
    signatures = _signatures_by_script(keys, bands * rows, 1)
    band_keys = _band_keys(signatures, bands, rows).view(np.int64)
    return pd.DataFrame(
        {
            "_first": batch["_first"].to_numpy(),
            "sig": [row.tobytes() for row in signatures.astype("<u4")],
            "bands": list(band_keys),
        }
    )


def _agreement(left: pd.Series, right: pd.Series) -> pd.Series:
    """Share of equal MinHash positions of two signatures (the estimated Jaccard), computed
    as ``near_duplicate_groups`` computes it."""
    if not len(left):
        return pd.Series([], dtype=float)
    a = np.frombuffer(b"".join(left), dtype="<u4").reshape(len(left), -1)
    b = np.frombuffer(b"".join(right), dtype="<u4").reshape(len(right), -1)
    return pd.Series((a == b).mean(axis=1))


def _copy_paste(c: DataFrame, cfg: ScoringConfig, has_authors: bool) -> tuple[DataFrame, DataFrame]:
    """Per counted comment: cluster_id, its copies on the creator (m) and the cluster's text;
    and the clusters' evidence. ``find_clusters`` with Spark joins (see docs/spark.md)."""
    keyed = c.where(F.col("_key").isNotNull())
    keys = keyed.groupBy("_key").agg(F.min("_line").alias("_first"))
    signed = _map_batches(
        keys,
        _signature_rows,
        "_first long, sig binary, bands array<long>",
        cfg.minhash_bands,
        cfg.minhash_rows,
    ).transform(lambda d: _cut(d, "copy-paste: MinHash signatures"))
    banded = signed.select("_first", F.posexplode("bands").alias("band", "bkey"))
    # Inside a bucket only neighbours in input order are paired (m - 1 pairs for m keys).
    bucket = Window.partitionBy("band", "bkey").orderBy("_first")
    pairs = (
        banded.withColumn("prev", F.lag("_first").over(bucket))
        .where(F.col("prev").isNotNull())
        .select(F.col("prev").alias("src"), F.col("_first").alias("dst"))
        .distinct()
    )
    left = signed.select(F.col("_first").alias("src"), F.col("sig").alias("s1"))
    right = signed.select(F.col("_first").alias("dst"), F.col("sig").alias("s2"))
    agree = F.pandas_udf(_agreement, "double")  # type: ignore[call-overload]
    edges = (
        pairs.join(left, ["src"])
        .join(right, ["dst"])
        .where(agree("s1", "s2") >= cfg.dupe_jaccard)
        .select("src", "dst")
    )
    components = _components(edges)
    groups = keys.join(components, keys["_first"] == components["node"], "left").select(
        "_key", F.coalesce("component", "_first").alias("_group")
    )
    members = keyed.join(groups, ["_key"])
    author = F.countDistinct("author_id") if has_authors else F.count(F.lit(1))
    sizes = members.groupBy("_group").agg(
        F.count(F.lit(1)).alias("comments"), author.alias("authors")
    )
    ordered = Window.orderBy(F.desc("comments"), F.desc("authors"), F.asc("_group"))
    valid = (
        sizes.where(F.col("authors") >= cfg.dupe_min_authors)
        .withColumn("_num", F.row_number().over(ordered))
        .withColumn("cluster_id", F.concat(F.lit("C"), F.col("_num").cast("string")))
        .select("_group", "_num", "cluster_id", "authors")
    )
    rows = members.join(F.broadcast(valid), ["_group"]).transform(
        lambda d: _cut(d, "copy-paste: cluster members")
    )
    records = (
        rows.select("_group", "creator_id", "text", "comment_id", "_line")
        .groupBy("_group")
        .applyInPandas(_cluster_record, _CLUSTER_ROWS)
    )
    clusters = (
        records.join(valid, ["_group"])
        .select(
            "cluster_id",
            "_num",
            "text",
            "variants",
            "comments",
            (F.col("authors") if has_authors else F.lit(0).cast("long")).alias("authors"),
            "creators",
            F.map_from_arrays("creators", "creator_counts").alias("comments_by_creator"),
            "comment_ids",
        )
        .transform(lambda d: _cut(d, "copy-paste: cluster evidence"))
    )
    copies = rows.groupBy("cluster_id", "creator_id").agg(F.count(F.lit(1)).alias("_m"))
    per_row = (
        rows.select("_line", "cluster_id", "creator_id")
        .join(copies, ["cluster_id", "creator_id"])
        .select("_line", "cluster_id", "_m")
    )
    return per_row, clusters


# --- pods -------------------------------------------------------------------------------------

_POD_ROWS = (
    "_component long, flagged boolean, creators array<string>, creator_counts array<long>, "
    "comments long, fast_share double, median_delay_minutes double, generic_share double, "
    "why string, comment_ids array<string>"
)


def _pod_record(rows: pd.DataFrame, cfg: ScoringConfig, has_times: bool) -> pd.DataFrame:
    """One pod's evidence and whether it is flagged, as in ``find_pods`` (rows in input order)."""
    sub = rows.sort_values("_line", kind="stable").reset_index(drop=True)
    sub = pd.DataFrame(
        {
            "creator_id": _objects(sub["creator_id"]),
            "comment_id": _objects(sub["comment_id"]),
            "p": sub["p"].to_numpy(dtype=float),
            "delay_min": pd.to_numeric(sub["delay_min"]).to_numpy(dtype=float),
        }
    )
    delays = sub["delay_min"].dropna() if has_times else pd.Series(dtype=float)
    fast_share = float((delays <= cfg.pod_fast_minutes).mean()) if len(delays) else None
    generic_share = float((sub["p"] < 0.5).mean()) if len(sub) else 0.0
    reasons = []
    if fast_share is not None and fast_share >= cfg.pod_fast_share:
        reasons.append(
            f"{fast_share:.0%} of their comments arrive within {cfg.pod_fast_minutes:g} minutes of posting"
        )
    if generic_share >= cfg.pod_generic_share:
        reasons.append(f"{generic_share:.0%} of their comments are generic")
    by_creator = sub.groupby("creator_id").size().sort_values(ascending=False)
    return pd.DataFrame(
        {
            "_component": [int(rows["_component"].iloc[0])],
            "flagged": [bool(reasons)],
            "creators": [[str(x) for x in by_creator.index]],
            "creator_counts": [[int(v) for v in by_creator.to_numpy()]],
            "comments": [len(sub)],
            "fast_share": [fast_share],
            "median_delay_minutes": [float(delays.median()) if len(delays) else None],
            "generic_share": [generic_share],
            "why": ["; ".join(reasons)],
            "comment_ids": [[str(x) for x in sub["comment_id"].head(MAX_IDS)]],
        }
    )


def _pods(c: DataFrame, cfg: ScoringConfig, has_times: bool) -> tuple[DataFrame, DataFrame]:
    """Per (author, creator) of a flagged pod: its pod_id; and the pods' evidence.
    ``find_pods`` with Spark joins and group-bys."""
    fast = (F.col("delay_min") <= cfg.pod_fast_minutes) if has_times else F.lit(False)
    timed = F.col("delay_min").isNotNull() if has_times else F.lit(False)
    work = c.where(F.col("author_id").isNotNull()).select(
        F.col("author_id").alias("author"),
        F.col("creator_id").alias("creator"),
        F.coalesce(fast, F.lit(False)).cast("long").alias("fast"),
        timed.cast("long").alias("timed"),
        (F.col("p") < 0.5).cast("long").alias("generic"),
        "_line",
    )
    pairs = work.groupBy("author", "creator").agg(
        F.count(F.lit(1)).alias("n"),
        F.sum("fast").alias("fast"),
        F.sum("timed").alias("timed"),
        F.sum("generic").alias("generic"),
        F.min("_line").alias("first"),
    )
    per_author = pairs.groupBy("author").agg(
        F.count(F.lit(1)).alias("creators"),
        F.sum("n").alias("n"),
        F.sum("fast").alias("fast"),
        F.sum("timed").alias("timed"),
        F.sum("generic").alias("generic"),
    )
    if has_times:
        pairs = pairs.where(F.col("fast") > 0)
        fast_creators = pairs.groupBy("author").agg(F.count(F.lit(1)).alias("fast_creators"))
        share = F.when(
            F.col("timed") > 0, F.col("fast").cast("double") / F.col("timed").cast("double")
        )
        like = per_author.join(fast_creators, ["author"]).where(
            (F.col("fast_creators") >= cfg.pod_min_creators)
            & F.coalesce(share >= cfg.pod_fast_share, F.lit(False))
        )
    else:
        like = per_author.where(
            (F.col("creators") >= cfg.pod_min_creators)
            & (F.col("generic").cast("double") / F.col("n").cast("double") >= cfg.pod_generic_share)
        )
    cand = pairs.join(like.select("author"), ["author"]).transform(
        lambda d: _cut(d, "pods: candidates")
    )
    nodes = cand.groupBy("author").agg(
        F.min("first").alias("node"), F.count(F.lit(1)).alias("degree")
    )
    a = cand.select(F.col("author").alias("a1"), "creator")
    b = cand.select(F.col("author").alias("a2"), "creator")
    shared = (
        a.join(b, ["creator"])
        .where(F.col("a1") < F.col("a2"))
        .groupBy("a1", "a2")
        .agg(F.count(F.lit(1)).alias("shared"))
    )
    n1 = nodes.select(
        F.col("author").alias("a1"), F.col("node").alias("src"), F.col("degree").alias("d1")
    )
    n2 = nodes.select(
        F.col("author").alias("a2"), F.col("node").alias("dst"), F.col("degree").alias("d2")
    )
    jaccard = F.col("shared").cast("double") / (F.col("d1") + F.col("d2") - F.col("shared")).cast(
        "double"
    )
    edges = (
        shared.join(n1, ["a1"])
        .join(n2, ["a2"])
        .where((F.col("shared") >= cfg.pod_min_shared) & (jaccard >= cfg.pod_min_jaccard))
        .select("src", "dst")
    )
    components = _components(edges)
    members = nodes.join(components, ["node"]).select(
        "author", F.col("component").alias("_component")
    )
    sizes = (
        members.groupBy("_component")
        .agg(
            F.count(F.lit(1)).alias("size"), F.sort_array(F.collect_list("author")).alias("authors")
        )
        .where(F.col("size") >= cfg.pod_min_authors)
    )
    in_pod = members.join(sizes.select("_component", "size"), ["_component"])
    need = F.greatest(F.lit(2), F.ceil(F.col("size") * 0.5))
    core = (
        cand.join(in_pod, ["author"])
        .groupBy("_component", "size", "creator")
        .agg(F.count(F.lit(1)).alias("k"))
        .where(F.col("k") >= need)
    )
    found = (
        core.groupBy("_component")
        .agg(F.count(F.lit(1)).alias("cores"))
        .where(F.col("cores") >= cfg.pod_min_shared)
    )
    member_pairs = (
        in_pod.join(found.select("_component"), ["_component"])
        .join(core.select("_component", "creator"), ["_component"])
        .select(
            F.col("author").alias("author_id"), F.col("creator").alias("creator_id"), "_component"
        )
    )
    rows = c.join(F.broadcast(member_pairs), ["author_id", "creator_id"]).select(
        "_component", "creator_id", "comment_id", "p", "delay_min", "_line"
    )
    records = rows.groupBy("_component").applyInPandas(
        lambda frame: _pod_record(frame, cfg, has_times), _POD_ROWS
    )
    flagged = records.where(F.col("flagged")).join(sizes, ["_component"])
    ordered = Window.orderBy(F.desc("size"), F.asc("_component"))
    pods = (
        flagged.withColumn("_num", F.row_number().over(ordered))
        .select(
            F.concat(F.lit("P"), F.col("_num").cast("string")).alias("pod_id"),
            "_num",
            "_component",
            "authors",
            "creators",
            "comments",
            F.map_from_arrays("creators", "creator_counts").alias("comments_by_creator"),
            "fast_share",
            "median_delay_minutes",
            "generic_share",
            "why",
            "comment_ids",
        )
        .transform(lambda d: _cut(d, "pods: evidence"))
    )
    pod_pairs = member_pairs.join(pods.select("_component", "pod_id"), ["_component"]).select(
        "author_id", "creator_id", "pod_id"
    )
    return pod_pairs, pods.drop("_component")


# --- commenter overlap ------------------------------------------------------------------------


def _top_overlap(rows: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """For the creators of one bucket (``mine``), the ``top`` creators sharing most commenters.

    ``rows`` holds every (author, creator) pair of the authors who comment on a creator of the
    bucket, so one sparse product gives the bucket's rows of the creator x creator overlap;
    ties go to the creator seen first in the input, as in ``creator_overlap``.
    """
    from scipy import sparse

    author_codes, _ = pd.factorize(rows["author_id"])
    creator_codes, creators = pd.factorize(rows["creator_id"])
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int64), (author_codes, creator_codes)),
        shape=(int(author_codes.max()) + 1, len(creators)),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1
    mine = np.unique(creator_codes[rows["mine"].to_numpy(dtype=bool)])
    shared = (matrix[:, mine].T @ matrix).tocoo()
    row, col, count = mine[shared.row], shared.col, shared.data
    keep = row != col
    row, col, count = row[keep], col[keep], count[keep]
    order = (
        pd.Series(rows["order"].to_numpy(), index=creator_codes)
        .groupby(level=0)
        .min()
        .reindex(np.arange(len(creators)))
        .to_numpy()
    )
    ranked = np.lexsort((order[col], -count, row))
    row, col, count = row[ranked], col[ranked], count[ranked]
    start = np.r_[True, row[1:] != row[:-1]]
    rank = np.arange(len(row)) - np.maximum.accumulate(np.where(start, np.arange(len(row)), 0))
    best = rank < top
    names = np.asarray(creators, dtype=object)
    return pd.DataFrame(
        {
            "creator_id": pd.Series(names[row[best]], dtype=object),
            "r": rank[best].astype(np.int64) + 1,
            "other": pd.Series(names[col[best]], dtype=object),
            "shared": count[best].astype(np.int64),
        }
    )


def _overlap(c: DataFrame, top: int = 3) -> DataFrame:
    """``creator_overlap``: per creator, the ``top`` creators sharing most commenters (JSON).

    Creators go to buckets; each bucket receives the full creator list of every author who
    comments on one of its creators (an author is copied to at most one bucket per creator),
    and computes its rows of the overlap with one sparse product: no creator x creator table
    is ever shuffled.
    """
    work = (
        c.where(F.col("author_id").isNotNull())
        .groupBy("author_id", "creator_id")
        .agg(F.min("_line").alias("first"))
    )
    order = work.groupBy("creator_id").agg(F.min("first").alias("order"))
    multi = work.groupBy("author_id").agg(F.count(F.lit(1)).alias("k")).where(F.col("k") >= 2)
    buckets = 2 * c.sparkSession.sparkContext.defaultParallelism
    mw = (
        work.join(multi.select("author_id"), ["author_id"])
        .join(order, ["creator_id"])
        .select(
            "author_id",
            "creator_id",
            "order",
            F.pmod(F.hash("creator_id"), F.lit(buckets)).alias("_b"),
        )
    )
    targets = mw.select("author_id", F.col("_b").alias("_target")).distinct()
    rows = mw.join(targets, ["author_id"]).withColumn("mine", F.col("_b") == F.col("_target"))
    return (
        rows.repartition(buckets, "_target")  # a fixed count: AQE keeps one task per bucket
        .groupBy("_target")
        .applyInPandas(
            lambda frame: _top_overlap(frame, top),
            "creator_id string, r long, other string, shared long",
        )
        .groupBy("creator_id")
        .agg(
            F.to_json(F.sort_array(F.collect_list(F.struct("r", "other", "shared")))).alias(
                "_overlap"
            )
        )
    )


# --- per creator: the scorer's own functions in applyInPandas ---------------------------------

_COMMENT_TYPES = {
    "creator_id": "string",
    "post_id": "string",
    "comment_id": "string",
    "author_id": "string",
    "created_at": "timestamp",
    "text": "string",
    "like_count": "double",
    "reply_to": "string",
    "counted": "boolean",
    "creator_reply": "boolean",
    "excluded": "boolean",
    "p": "double",
    "label": "string",
    "category": "string",
    "lang": "string",
    "delay_minutes": "double",
    "cluster_id": "string",
    "pod_id": "string",
    "in_burst": "boolean",
    "repeat_author": "boolean",
    "bait": "string",
    "a": "double",
    "w": "double",
    "genuine": "double",
    "flags": "string",
    "_source": "string",
    "_line": "long",
}
_POST_TYPES = {
    "post_id": "string",
    "creator_id": "string",
    "posted_at": "timestamp",
    "sponsored": "boolean",
    "views": "double",
    "likes": "double",
    "comments_count": "double",
    "comments": "long",
    "substantive_share": "double",
    "genuine_comments": "double",
    "early_comments": "long",
    "early_share": "double",
    "baseline_share": "double",
    "burst": "boolean",
    "burst_kind": "string",
    "copy_paste_comments": "long",
    "pod_comments": "long",
    "bait_comments": "long",
}
_LONG_CREATOR = {
    "comments",
    "posts",
    "authors",
    "copy_paste_comments",
    "pod_comments",
    "burst_posts",
    "burst_comments",
    "bait_comments",
    "repeat_authors",
    "repeat_comments",
    "sponsored_comments",
    "organic_comments",
    "comments_total",
    "creator_replies",
    "excluded_comments",
    "tier_peers",
}
_STRING_CREATOR = {
    "creator_id",
    "verdict",
    "platform",
    "language",
    "top_overlap",
    "tier",
    "currency",
}
_LIST_CREATOR = {"reasons", "missing_signals", "missing_columns", "economics_missing"}
_CREATOR_TYPES = {
    name: (
        "array<string>"
        if name in _LIST_CREATOR
        else "boolean"
        if name == "provisional"
        else "long"
        if name in _LONG_CREATOR
        else "string"
        if name in _STRING_CREATOR
        else "double"
    )
    for name in CREATOR_COLUMNS
    if name != "rank"
}
_CREATOR_TYPES.update(
    {"_order_kind": "long", "_order": "long", "_bursts": "string", "_repeats": "string"}
)
_UNION_TYPES: dict[str, str] = {"_kind": "string"}
for _table in (_COMMENT_TYPES, _POST_TYPES, _CREATOR_TYPES):
    for _name, _kind in _table.items():
        if _UNION_TYPES.setdefault(_name, _kind) != _kind:  # pragma: no cover - a typo guard
            raise TypeError(f"column {_name} has two types: {_UNION_TYPES[_name]} and {_kind}")
_UNION_SCHEMA = ", ".join(f"`{name}` {kind}" for name, kind in _UNION_TYPES.items())

_BURST_SCHEMA = (
    "array<struct<post_id: string, creator_id: string, kind: string, comments: long, "
    "early_comments: long, early_share: double, baseline_share: double, p_value: double, "
    "window_minutes: double, post_time_from: string, comment_ids: array<string>>>"
)
_REPEAT_SCHEMA = (
    "array<struct<creator_id: string, author_id: string, posts: long, creator_posts: long, "
    "comments: long, generic_comments: long, examples: array<string>>>"
)


def _empty(spark_type: str, n: int) -> Any:
    """``n`` missing values of a union column's type."""
    if spark_type == "long":
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    if spark_type == "double":
        return np.full(n, np.nan)
    if spark_type == "boolean":
        return pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    if spark_type == "timestamp":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
    return pd.Series(np.full(n, None, dtype=object), dtype=object)


def _typed(frame: pd.DataFrame, kind: str, n: int) -> dict[str, Any]:
    """Every union column for ``n`` rows of ``frame`` (missing columns typed and empty)."""
    out: dict[str, Any] = {"_kind": pd.Series(np.full(n, kind, dtype=object), dtype=object)}
    for name, spark_type in _UNION_TYPES.items():
        if name == "_kind":
            continue
        if name not in frame.columns:
            out[name] = _empty(spark_type, n)
            continue
        values = frame[name].reset_index(drop=True)
        if spark_type == "long":
            numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
            missing = np.isnan(numbers)
            out[name] = pd.arrays.IntegerArray(
                np.where(missing, 0, np.round(numbers)).astype(np.int64), missing
            )
        elif spark_type == "double":
            out[name] = pd.to_numeric(values, errors="coerce").astype(float)
        elif spark_type == "boolean":
            out[name] = values.astype("boolean")
        elif spark_type == "timestamp":
            out[name] = pd.to_datetime(values, utc=True).astype("datetime64[us, UTC]")
        elif spark_type == "string":
            out[name] = pd.Series(_objects(values.astype("string")), dtype=object)
        else:
            out[name] = pd.Series(values.to_numpy(dtype=object), dtype=object)
    return out


@dataclass(frozen=True)
class _Context:
    config: ScoringConfig
    present: frozenset[str]
    has_category: bool


def _evidence_records(column: pd.Series) -> list[dict[str, Any]]:
    """The evidence records named in the creators' JSON lists, each once, in their global
    order (C1, C2... / P1, P2...).

    A trimmed copy-paste record carries only its own creator's count, so when several creators
    of one bucket share a cluster their ``comments_by_creator`` are merged (for full records
    the copies are equal and the merge changes nothing).
    """
    found: dict[int, dict[str, Any]] = {}
    for raw in column:
        if not isinstance(raw, str):
            continue
        for item in json.loads(raw):
            record = json.loads(item["_json"])
            num = int(item["_num"])
            if num in found:
                found[num]["comments_by_creator"].update(record["comments_by_creator"])
            else:
                found[num] = record
    return [found[num] for num in sorted(found)]


def _counts(data: dict[str, Any]) -> dict[str, int]:
    return {str(k): int(v) for k, v in data["comments_by_creator"].items()}


def _evidence_objects(side: pd.DataFrame) -> tuple[list[Cluster], list[Pod]]:
    clusters = [
        Cluster(
            cluster_id=d["cluster_id"],
            text=d["text"],
            variants=tuple(d["variants"]),
            comments=int(d["comments"]),
            authors=int(d["authors"]),
            creators=tuple(d["creators"]),
            comments_by_creator=_counts(d),
            comment_ids=tuple(d["comment_ids"]),
        )
        for d in _evidence_records(side["_clusters"])
    ]
    pods = [
        Pod(
            pod_id=d["pod_id"],
            authors=tuple(d["authors"]),
            creators=tuple(d["creators"]),
            comments=int(d["comments"]),
            comments_by_creator=_counts(d),
            fast_share=d.get("fast_share"),
            median_delay_minutes=d.get("median_delay_minutes"),
            generic_share=float(d["generic_share"]),
            why=d["why"],
            comment_ids=tuple(d["comment_ids"]),
        )
        for d in _evidence_records(side["_pods"])
    ]
    return clusters, pods


def _comment_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The comment rows of one creator as the scorer holds them (types, input order)."""
    df = rows.sort_values("_line", kind="stable").reset_index(drop=True)
    out = pd.DataFrame(
        {
            "creator_id": _objects(df["creator_id"]),
            "post_id": _objects(df["post_id"]),
            "comment_id": _objects(df["comment_id"]),
            "author_id": _objects(df["author_id"]),
            "created_at": _utc(df["_created_us"]).astype("datetime64[us, UTC]"),
            "text": df["text"].astype(str),
            "like_count": pd.to_numeric(df["like_count"]).astype(float),
            "reply_to": _objects(df["reply_to"]),
            "creator_reply": df["creator_reply"].astype(bool).to_numpy(),
            "excluded": df["excluded"].astype(bool).to_numpy(),
            "p": df["p"].to_numpy(dtype=float),
            "label": _objects(df["label"]),
            "category": _objects(df["category"]),
            "lang": _objects(df["lang"]),
            "_source": _objects(df["_source"]),
            "_line": df["_line"].to_numpy(dtype=np.int64),
            "_delay": pd.to_numeric(df["_delay"]).to_numpy(dtype=float),
            "_cluster": _objects(df["_cluster"]),
            "_m": pd.to_numeric(df["_m"]).to_numpy(dtype=float),
            "_pod": _objects(df["_pod"]),
        }
    )
    return out


def _by_creator(records: list[Any], creator_ids: pd.Series) -> list[str]:
    """Evidence records (with a ``creator_id``) as one JSON list per creator."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        grouped.setdefault(str(record.creator_id), []).append(asdict(record))
    return [json.dumps(grouped.get(str(c), []), ensure_ascii=False) for c in creator_ids]


def _score_bucket(comments: pd.DataFrame, side: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    """The rows of the three tables for a bucket of creators, computed as ``score_creators``
    computes them: every step below groups by creator, so a bucket gives each creator the
    numbers the whole table would."""
    cfg, present = ctx.config, ctx.present
    has_authors, has_times = "author_id" in present, "created_at" in present
    creator_rows = side.loc[side["_side"] == "creator"]
    post_rows = side.loc[side["_side"] == "post"]
    posts = pd.DataFrame(
        {
            "post_id": _objects(post_rows["post_id"]),
            "creator_id": _objects(post_rows["creator_id"]),
            "posted_at": _utc(post_rows["_posted_us"]).astype("datetime64[us, UTC]"),
            "sponsored": post_rows["sponsored"].astype("boolean").to_numpy(),
            "views": pd.to_numeric(post_rows["views"]).astype(float).to_numpy(),
            "likes": pd.to_numeric(post_rows["likes"]).astype(float).to_numpy(),
            "comments_count": pd.to_numeric(post_rows["comments_count"]).astype(float).to_numpy(),
        }
    )
    creators = pd.DataFrame(
        {
            "creator_id": _objects(creator_rows["creator_id"]),
            "followers": pd.to_numeric(creator_rows["followers"]).astype(float).to_numpy(),
            "platform": _objects(creator_rows["platform"]),
            "language": _objects(creator_rows["language"]),
            "price": pd.to_numeric(creator_rows["price"]).astype(float).to_numpy(),
            "currency": _objects(creator_rows["currency"]),
        }
    )
    df = _comment_frame(comments)
    counted = ~(df["excluded"].to_numpy(dtype=bool) | df["creator_reply"].to_numpy(dtype=bool))
    c = df.loc[counted].reset_index(drop=True)
    n = len(c)
    c["delay_min"] = c["_delay"]
    time_source = dict.fromkeys(
        (str(p) for p in posts.loc[posts["posted_at"].notna(), "post_id"]), "posted_at"
    )
    m = c["_m"].to_numpy(dtype=float)
    a_copy = np.where(c["_cluster"].notna().to_numpy(), 1.0 - 1.0 / m, 0.0)
    a_pod = np.where(c["_pod"].notna().to_numpy(), 1.0, 0.0)
    zeros = SignalResult(np.zeros(n), np.zeros(n, dtype=bool))
    results: dict[str, SignalResult] = {
        "copy_paste": SignalResult(a_copy, _objects(c["_cluster"])),
        "pod": SignalResult(a_pod, _objects(c["_pod"]))
        if has_authors
        else SignalResult(np.zeros(n), np.full(n, None, dtype=object)),
    }
    timing: pd.DataFrame | None = None
    bursts: list[Burst] = []
    repeats: list[RepeatAuthor] = []
    if has_times and n:
        results["burst"], bursts, timing = find_bursts(c, cfg, time_source)
    else:
        results["burst"] = zeros
    if has_authors and n:
        results["repeat"], repeats = find_repeat_authors(c, cfg)
    else:
        results["repeat"] = zeros
    results["bait"], _ = (
        find_bait(c, cfg, ctx.has_category)
        if n
        else (SignalResult(np.zeros(0), np.full(0, None, dtype=object)), "")
    )
    c = engine._combine(c, results)
    tables: list[dict[str, Any]] = []
    if len(creators):
        table = engine._creator_stats(c, df, posts, creators)
        engine._add_metric(
            table,
            cfg,
            has_authors,
            metric_mod.genuine_authors(c, c["genuine"].to_numpy())
            if has_authors
            else pd.Series(dtype=float),
        )
        add_provisional(table, c, cfg)
        for column, found in (("repeat_authors", repeats), ("burst_posts", bursts)):
            table[column] = (
                table["creator_id"]
                .map(pd.Series([r.creator_id for r in found], dtype=object).value_counts())
                .fillna(0)
                .astype(int)
            )
        if "sponsored" in present:
            engine._add_sponsored(table, c, posts, cfg)
        add_economics(table, c, posts, cfg)
        by_id = creator_rows.set_index(_objects(creator_rows["creator_id"]))
        overlaps = by_id["_overlap"].reindex(table["creator_id"].to_numpy())
        table["top_overlap"] = [
            "; ".join(
                f"{o['other']} ({o['shared']} shared commenters)"
                for o in sorted(json.loads(raw), key=lambda o: o["r"])
                if o["shared"] >= 2
            )
            if isinstance(raw, str)
            else ""
            for raw in overlaps
        ]
        clusters, pods = _evidence_objects(creator_rows)
        evidence = engine._evidence_index(clusters, pods, bursts, repeats, c)
        empty = Evidence([], [], [], [], [])
        table["reasons"] = [
            reasons_for(row, evidence.get(str(row["creator_id"]), empty), cfg)
            for row in row_dicts(table)
        ]
        for column in ("_order_kind", "_order"):
            table[column] = by_id[column].reindex(table["creator_id"].to_numpy()).to_numpy()
        table["_bursts"] = _by_creator(bursts, table["creator_id"])
        table["_repeats"] = _by_creator(repeats, table["creator_id"])
        tables.append(_typed(table, "creator", len(table)))
    if len(posts):
        post_table = engine._post_table(c, posts, timing)
        tables.append(_typed(post_table, "post", len(post_table)))
    if len(df):
        comment_table = engine._comment_table(df, c, counted)
        tables.append(_typed(comment_table, "comment", len(comment_table)))
    if not tables:
        return pd.DataFrame(_typed(pd.DataFrame(), "none", 0))
    return pd.concat([pd.DataFrame(t) for t in tables], ignore_index=True)


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SparkCreatorReport:
    """:class:`classifier.scoring.CreatorReport` as Spark DataFrames.

    ``creators``, ``posts`` and ``comments`` have the columns of the single-machine tables;
    ``clusters``, ``pods``, ``bursts`` and ``repeat_authors`` one row per evidence record (the
    fields of :class:`~classifier.scoring.Cluster` etc.); ``problems`` one row per bad input
    row (source, line, field, problem). The DataFrames are persisted; call :meth:`unpersist`
    when done.
    """

    creators: DataFrame
    posts: DataFrame
    comments: DataFrame
    clusters: DataFrame
    pods: DataFrame
    bursts: DataFrame
    repeat_authors: DataFrame
    problems: DataFrame
    signals_off: dict[str, str]
    notes: tuple[str, ...]
    label_source: str
    config: ScoringConfig
    _persisted: tuple[DataFrame, ...] = ()

    def flags(self) -> dict[str, Any]:
        """Signals off, notes, labels, config and evidence counts (small; no data collected)."""
        return {
            "ranking": RANKING_NOTE,
            "missing_columns": [use.to_dict() for use in missing_columns(self.signals_off)],
            "signals_off": self.signals_off,
            "notes": list(self.notes),
            "labels_from": self.label_source,
            "config": self.config.to_dict(),
        }

    def write(self, out_dir: str | os.PathLike[str], *, mode: str = "overwrite") -> list[str]:
        """Every table as a Parquet folder under ``out_dir`` (``creators/``, ``comments/``...),
        plus ``flags.json`` (written on the driver; local or mounted paths only)."""
        out = str(out_dir).rstrip("/")
        written = []
        for name in (
            "creators",
            "posts",
            "comments",
            "clusters",
            "pods",
            "bursts",
            "repeat_authors",
            "problems",
        ):
            path = f"{out}/{name}"
            getattr(self, name).write.mode(mode).parquet(path)
            written.append(path)
        if "://" not in out or out.startswith("file://"):
            from classifier.io.atomic import atomic_write_text

            local = Path(out.removeprefix("file://"))
            local.mkdir(parents=True, exist_ok=True)
            atomic_write_text(
                local / "flags.json",
                json.dumps(self.flags(), ensure_ascii=False, indent=1) + "\n",
            )
            written.append(str(local / "flags.json"))
        return written

    def to_report(self) -> CreatorReport:
        """Collect everything into a :class:`CreatorReport` (small inputs only: it brings every
        comment to the driver), e.g. for ``report.html``."""
        from classifier.io.problems import RowProblem

        def frame(df: DataFrame) -> pd.DataFrame:
            return df.toPandas()

        creators = frame(self.creators.orderBy("rank"))
        for column in _LIST_CREATOR:
            creators[column] = creators[column].map(
                lambda r: [str(x) for x in r] if r is not None else []
            )
        creators["provisional"] = creators["provisional"].astype(bool)
        posts = frame(self.posts.orderBy("creator_id", "posted_at", "post_id"))
        comments = frame(self.comments.orderBy("_line"))
        for table in (posts, comments):
            for column in ("posted_at", "created_at"):
                if column in table.columns:
                    table[column] = pd.to_datetime(table[column], utc=True)

        def records(df: DataFrame) -> list[dict[str, Any]]:
            return [row.asDict(recursive=True) for row in df.collect()]

        clusters = [
            Cluster(**{**r, **_tuples(r, ("variants", "creators", "comment_ids"))})
            for r in records(self.clusters.orderBy("_num").drop("_num"))
        ]
        pods = [
            Pod(**{**r, **_tuples(r, ("authors", "creators", "comment_ids"))})
            for r in records(self.pods.orderBy("_num").drop("_num"))
        ]
        bursts = [
            Burst(**{**r, **_tuples(r, ("comment_ids",))})
            for r in records(self.bursts.orderBy(F.desc("early_share"), "post_id"))
        ]
        repeats = [
            RepeatAuthor(**{**r, **_tuples(r, ("examples",))})
            for r in records(self.repeat_authors.orderBy(F.desc("generic_comments"), "creator_id"))
        ]
        problems = tuple(
            RowProblem(str(r["source"]), int(r["line"]), str(r["field"]), str(r["problem"]))
            for r in records(self.problems)
        )
        return CreatorReport(
            creators=creators[list(CREATOR_COLUMNS)],
            posts=posts[list(POST_COLUMNS)],
            comments=comments[[c for c in COMMENT_COLUMNS if c in comments.columns]],
            clusters=tuple(clusters),
            pods=tuple(pods),
            bursts=tuple(bursts),
            repeat_authors=tuple(repeats),
            problems=problems,
            signals_off=dict(self.signals_off),
            notes=self.notes,
            label_source=self.label_source,
            config=self.config,
        )

    def unpersist(self) -> None:
        for df in self._persisted:
            df.unpersist()


def _tuples(record: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: tuple(record[name] or ()) for name in names}


def _evidence_json(evidence: DataFrame, columns: list[str], *, trim: bool) -> DataFrame:
    """Per creator: a JSON list of {_num, _json} for the evidence records that name it.

    With ``trim`` each creator gets only its own count in ``comments_by_creator`` and no
    variants, creators or comment ids: all its reasons read from a copy-paste cluster (a
    cluster can span thousands of creators; the full record is in ``clusters``).
    """
    exploded = evidence.select("*", F.explode("comments_by_creator").alias("creator_id", "__count"))
    if trim:
        empty = F.array().cast("array<string>")
        exploded = exploded.withColumns(
            {
                "comments_by_creator": F.create_map("creator_id", "__count"),
                "variants": empty,
                "creators": empty,
                "comment_ids": empty,
            }
        )
    return (
        exploded.select("creator_id", "_num", F.to_json(F.struct(*columns)).alias("_json"))
        .groupBy("creator_id")
        .agg(F.to_json(F.collect_list(F.struct("_num", "_json"))).alias("_evidence"))
    )


def _tier_percentiles(creators: DataFrame) -> DataFrame:
    """:func:`classifier.scoring.economics.add_tier_percentiles` with windows: per tier and
    platform (lower case), the share of the other creators with a lower genuine engagement
    rate, ties counting half."""
    rate = F.col("genuine_engagement_rate")
    platform = F.lower(F.col("platform"))
    ok = rate.isNotNull() & ~F.isnan(rate) & F.col("tier").isNotNull() & platform.isNotNull()
    group = Window.partitionBy("tier", "__platform")
    below = F.rank().over(group.orderBy(rate)) - F.lit(1)
    ties = F.count(F.lit(1)).over(Window.partitionBy("tier", "__platform", rate)) - F.lit(1)
    count = F.count(F.lit(1)).over(group)
    scored = (
        creators.where(ok)
        .withColumn("__platform", platform)
        .withColumn(
            "tier_percentile",
            F.when(
                count > 1,
                F.lit(100.0)
                * (below.cast("double") + F.lit(0.5) * ties.cast("double"))
                / (count - F.lit(1)).cast("double"),
            ).otherwise(F.lit(float("nan"))),
        )
        .withColumn("tier_peers", (count - F.lit(1)).cast("long"))
        .drop("__platform")
    )
    rest = (
        creators.where(~ok | ok.isNull())
        .withColumn("tier_percentile", F.lit(float("nan")))
        .withColumn("tier_peers", F.lit(0).cast("long"))
    )
    return scored.unionByName(rest)


def score_creators_df(
    comments_df: DataFrame,
    posts_df: DataFrame | None = None,
    creators_df: DataFrame | None = None,
    model: str | os.PathLike[str] | None = None,
    *,
    exclude_authors: Iterable[str] | str | Path | None = None,
    text_column: str = "text",
    config: ScoringConfig | None = None,
    ship_model: bool = True,
) -> SparkCreatorReport:
    """:func:`classifier.scoring.score_creators` on Spark DataFrames; docs/metric.md has every
    formula and docs/spark.md how this runs.

    Labels come from ``model`` when given, else from ``score``/``label`` columns, else from the
    default model (as in ``score_creators``). ``exclude_authors``: ids, a file with one per
    line, or "a,b,c". Rows are numbered in the order Spark reads them; with one input file that
    is the file's order, and every result equals the single-machine path's.
    """
    cfg = config or ScoringConfig()
    spark = comments_df.sparkSession
    has_label_columns = "score" in comments_df.columns or "label" in comments_df.columns
    use_columns = model is None and has_label_columns
    inputs = _prepare_inputs(
        comments_df,
        posts_df,
        creators_df,
        text_column=text_column,
        exclude_authors=exclude_authors,
        use_label_columns=use_columns,
    )
    ref: _ModelRef | None = None
    model_label = ""
    if not use_columns:
        ref = _model_ref(spark, model, ship_model)
        model_label = open_model_dir(model, verify=False).identity.label
    labeled, label_problems, source, cached = _attach_labels(inputs, ref, model_label, cfg)
    label_source = source
    if use_columns:
        used = [c for c in ("score", "label") if c in comments_df.columns]
        label_source = (
            " and ".join(f"'{c}'" for c in used) + " column" + ("s" if len(used) > 1 else "")
        )
    present = inputs.present
    has_authors, has_times = "author_id" in present, "created_at" in present
    has_category = labeled.where(F.col("category").isNotNull()).limit(1).count() > 0
    persisted: list[DataFrame] = [*inputs.persisted, cached]

    # Delays: minutes from the post's time (posted_at, else its first counted comment).
    c = labeled.where(F.col("counted"))
    posted = inputs.posts.where(F.col("posted_at").isNotNull()).select(
        "post_id", F.col("posted_at").alias("__posted")
    )
    first = c.groupBy("post_id").agg(F.min("created_at").alias("__first"))
    start = first.join(posted, ["post_id"], "left").select(
        "post_id", F.coalesce("__posted", "__first").alias("__start")
    )
    minutes = (
        (F.unix_micros("created_at") - F.unix_micros("__start")).cast("double") / 1_000_000.0
    ) / 60.0
    c = (
        c.join(start, ["post_id"], "left")
        .withColumn(
            "delay_min",
            F.when(minutes >= -engine.SKEW_MINUTES, F.greatest(minutes, F.lit(0.0))),
        )
        .drop("__start")
    )
    c = _cut(c, "comment delays")
    persisted.append(c)

    copy_rows, clusters = _copy_paste(c, cfg, has_authors)
    empty_pods = spark.createDataFrame([], "author_id string, creator_id string, pod_id string")
    if has_authors:
        pod_pairs, pods = _pods(c, cfg, has_times)
        overlap = _overlap(c)
    else:
        pod_pairs = empty_pods
        pods = spark.createDataFrame(
            [],
            "pod_id string, _num int, authors array<string>, creators array<string>, "
            "comments long, comments_by_creator map<string,long>, fast_share double, "
            "median_delay_minutes double, generic_share double, why string, "
            "comment_ids array<string>",
        )
        overlap = spark.createDataFrame([], "creator_id string, _overlap string")
    persisted += [clusters, pods]

    enriched = (
        c.join(copy_rows, ["_line"], "left")
        .join(pod_pairs, ["author_id", "creator_id"], "left")
        .select(
            "creator_id",
            "post_id",
            "comment_id",
            "author_id",
            F.unix_micros("created_at").alias("_created_us"),
            "text",
            "like_count",
            "reply_to",
            "creator_reply",
            "excluded",
            "p",
            "label",
            "category",
            "lang",
            "_source",
            "_line",
            F.col("delay_min").alias("_delay"),
            F.col("cluster_id").alias("_cluster"),
            "_m",
            F.col("pod_id").alias("_pod"),
        )
    )
    uncounted = labeled.where(~F.col("counted")).select(
        "creator_id",
        "post_id",
        "comment_id",
        "author_id",
        F.unix_micros("created_at").alias("_created_us"),
        "text",
        "like_count",
        "reply_to",
        "creator_reply",
        "excluded",
        "p",
        "label",
        "category",
        "lang",
        "_source",
        "_line",
        F.lit(None).cast("double").alias("_delay"),
        F.lit(None).cast("string").alias("_cluster"),
        F.lit(None).cast("long").alias("_m"),
        F.lit(None).cast("string").alias("_pod"),
    )
    all_comments = enriched.unionByName(uncounted)

    cluster_fields = [
        "cluster_id",
        "text",
        "variants",
        "comments",
        "authors",
        "creators",
        "comments_by_creator",
        "comment_ids",
    ]
    pod_fields = [
        "pod_id",
        "authors",
        "creators",
        "comments",
        "comments_by_creator",
        "fast_share",
        "median_delay_minutes",
        "generic_share",
        "why",
        "comment_ids",
    ]
    side_creators = (
        inputs.creators.join(overlap, ["creator_id"], "left")
        .join(
            _evidence_json(clusters, cluster_fields, trim=True).withColumnRenamed(
                "_evidence", "_clusters"
            ),
            ["creator_id"],
            "left",
        )
        .join(
            _evidence_json(pods, pod_fields, trim=False).withColumnRenamed("_evidence", "_pods"),
            ["creator_id"],
            "left",
        )
        .withColumn("_side", F.lit("creator"))
    )
    side_posts = inputs.posts.select(
        "post_id",
        "creator_id",
        F.unix_micros("posted_at").alias("_posted_us"),
        "sponsored",
        "views",
        "likes",
        "comments_count",
    ).withColumn("_side", F.lit("post"))
    side = side_creators.unionByName(side_posts, allowMissingColumns=True)

    ctx = _Context(cfg, present, has_category)
    # Creators in buckets of ~_BUCKET_ROWS comments: one pandas pipeline per bucket, not per
    # creator (every step groups by creator, so the numbers do not depend on the bucketing).
    buckets = max(
        int(spark.conf.get("spark.sql.shuffle.partitions") or 1),
        -(-labeled.count() // _BUCKET_ROWS),
    )
    bucket = F.pmod(F.hash("creator_id"), F.lit(buckets)).alias("_bucket")
    union = (
        all_comments.withColumn("_bucket", bucket)
        .groupBy("_bucket")
        .cogroup(side.withColumn("_bucket", bucket).groupBy("_bucket"))
        .applyInPandas(lambda left, right: _score_bucket(left, right, ctx), _UNION_SCHEMA)
        .transform(lambda d: _cut(d, "per-creator metric"))
    )
    persisted.append(union)

    kind = F.col("_kind")
    ranked = Window.orderBy(
        F.desc_nulls_last("authenticity_low"),
        F.desc_nulls_last("authenticity"),
        F.desc_nulls_last("comments"),
        F.asc("_order_kind"),
        F.asc("_order"),
    )
    creator_rows = union.where(kind == "creator")
    creators = _tier_percentiles(
        creator_rows.withColumn("rank", F.row_number().over(ranked).cast("long"))
    ).select(*CREATOR_COLUMNS)
    posts = union.where(kind == "post").select(*POST_COLUMNS)
    comments = union.where(kind == "comment").select(*COMMENT_COLUMNS)
    bursts = creator_rows.select(
        F.explode(F.from_json("_bursts", _BURST_SCHEMA)).alias("b")
    ).select("b.*")
    repeats = creator_rows.select(
        F.explode(F.from_json("_repeats", _REPEAT_SCHEMA)).alias("r")
    ).select("r.*")
    problems = inputs.problems.unionByName(label_problems)

    off = engine._signals_off(present, has_category, 0)
    bait_source = (
        "the predictor's categories and a phrase list"
        if has_category
        else "a phrase list (no category column was given)"
    )
    notes = (*inputs.notes, f"labels from {label_source}", f"bait found with {bait_source}")
    return SparkCreatorReport(
        creators=creators,
        posts=posts,
        comments=comments,
        clusters=clusters,
        pods=pods,
        bursts=bursts,
        repeat_authors=repeats,
        problems=problems,
        signals_off=off,
        notes=notes,
        label_source=label_source,
        config=cfg,
        _persisted=tuple(persisted),
    )
