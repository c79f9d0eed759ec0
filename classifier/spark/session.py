"""The Spark session, the model on the executors, and small plan helpers the other modules share."""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

try:
    from pyspark import SparkFiles
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import functions as F
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "classifier.spark needs pyspark (and Java 17+): pip install 'genuine[spark]'"
    ) from exc

from classifier.model_dir import open_model_dir
from classifier.predictor import load

# pyspark 4.x warns on every Arrow conversion that pandas 3 is "not yet fully supported";
# the conversions used here are tested (tests/test_spark.py), so the warning is noise.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)

DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.ui.showConsoleProgress": "false",
}


def spark_session(
    master: str | None = None,
    app_name: str = "genuine",
    *,
    shuffle_partitions: int | None = None,
    driver_memory: str | None = None,
    conf: dict[str, str] | None = None,
) -> SparkSession:
    """A SparkSession for genuine: UTC session time, Arrow on, this Python on the workers, then
    ``conf``. These are set over what spark-submit or an existing session set (their other
    settings stay); ``master=None`` keeps spark-submit's master (or local[*])."""
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    sized = {
        "spark.sql.shuffle.partitions": shuffle_partitions,
        "spark.driver.memory": driver_memory,
    }
    if not os.environ.get("PYSPARK_PYTHON") and "spark.pyspark.python" not in (conf or {}):
        # Workers run this interpreter (the one genuine is installed in) unless told otherwise
        # (spark-submit --conf spark.pyspark.python=... sets PYSPARK_PYTHON for the driver).
        os.environ["PYSPARK_PYTHON"] = sys.executable
    given = {key: str(value) for key, value in sized.items() if value}
    return builder.config(map={**DEFAULTS, **given, **(conf or {})}).getOrCreate()


@dataclass(frozen=True)
class ModelRef:
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


def model_ref(spark: SparkSession, model: str | os.PathLike[str] | None, ship: bool) -> ModelRef:
    """Check the model directory on the driver (fail before any job runs) and ship it."""
    path = str(Path(open_model_dir(model).path).resolve())
    if not ship:
        return ModelRef(path)
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
    return ModelRef(path, name)


def worker_predictor(ref: ModelRef) -> Any:
    """The predictor of this Python worker process, loaded on first use (thread-safe)."""
    path = ref.local_path()
    with _LOCK:
        if path not in _PREDICTORS:
            _PREDICTORS[path] = load(path)
            _LOADS[path] = _LOADS.get(path, 0) + 1
        return _PREDICTORS[path]


_CUTS: ContextVar[list[DataFrame] | None] = ContextVar("genuine_cuts", default=None)


def cut(df: DataFrame, what: str) -> DataFrame:
    """``df`` as an eager local checkpoint on the executors (read, not recomputed, later; a short
    plan), its job named in the UI; inside :func:`holding` also added to the block's list."""
    sc = df.sparkSession.sparkContext
    sc.setJobDescription(f"genuine: {what}")
    try:
        done = df.localCheckpoint()
    finally:
        sc.setJobDescription(None)  # type: ignore[arg-type]
    if (held := _CUTS.get()) is not None:
        held.append(done)
    return done


@contextmanager
def holding() -> Iterator[list[DataFrame]]:
    """The checkpoints ``cut`` makes in this block (this thread), to :func:`release` later."""
    held: list[DataFrame] = []
    token = _CUTS.set(held)
    try:
        yield held
    finally:
        _CUTS.reset(token)


def release(df: DataFrame) -> None:
    """Free a ``cut``'s blocks on the executors now. ``DataFrame.unpersist`` only drops cached
    queries and leaves a local checkpoint's blocks until the driver's garbage collector runs."""
    plan = df._jdf.queryExecution().analyzed()
    if plan.getClass().getSimpleName() == "LogicalRDD":
        plan.rdd().unpersist(False)


def number_lines(df: DataFrame, name: str = "_line", *, spread: bool = False) -> DataFrame:
    """Number rows 1..n in the order Spark reads them (file order for one file). ``spread``: deal
    them over ``defaultParallelism`` partitions when one holds over 1.5 times its share (a file
    or row group is read as one partition; the model and per-row steps should use every core)."""
    mid = "__mid"
    target = df.sparkSession.sparkContext.defaultParallelism
    with_id = df.withColumn(mid, F.monotonically_increasing_id())
    if df.rdd.getNumPartitions() == 1:  # ids are already 0..n-1: no job needed
        numbered = with_id.withColumn(name, F.col(mid) + 1).drop(mid)
        return numbered.repartition(target) if spread and target > 1 else numbered
    part = F.shiftright(F.col(mid), 33)
    counts = sorted(
        (int(r["p"]), int(r["n"]))
        for r in with_id.groupBy(part.alias("p")).agg(F.count(F.lit(1)).alias("n")).collect()
    )
    offsets, total = [], 0
    for p, n in counts:
        offsets.append((p, total))
        total += n
    table = df.sparkSession.createDataFrame(offsets or [(0, 0)], "__p long, __offset long")
    numbered = (
        with_id.join(F.broadcast(table), part == F.col("__p"), "left")
        .withColumn(name, F.col("__offset") + F.col(mid).bitwiseAND((1 << 33) - 1) + 1)
        .drop(mid, "__p", "__offset")
    )
    skewed = max((n for _, n in counts), default=0) > 1.5 * total / target
    return numbered.repartition(target) if spread and skewed else numbered


def types(**columns: str) -> dict[str, str]:
    """``{column: Spark type}`` from ``type="column column ..."`` (``array_string``: an array)."""
    return {
        name: kind.replace("_", "<", 1) + ">" if "_" in kind else kind
        for kind, names in columns.items()
        for name in names.split()
    }


def schema(columns: dict[str, str]) -> str:
    """The DDL schema of ``{column: Spark type}`` (also valid inside ``struct<...>``)."""
    return ", ".join(f"`{name}` {kind}" for name, kind in columns.items())


def map_batches(df: DataFrame, fn: Any, columns: dict[str, str], *args: Any) -> DataFrame:
    """``fn(batch, *args)`` on every Arrow batch, keeping ``columns``."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield fn(batch, *args)[list(columns)]

    return df.mapInPandas(run, schema(columns))


def objects(series: pd.Series) -> np.ndarray:
    """Values as an object array with None for missing (the scorer's id columns)."""
    values = np.array(series.astype(object).to_numpy(dtype=object), dtype=object, copy=True)
    values[pd.isna(values)] = None
    return values


def utc(micros: pd.Series) -> pd.Series:
    """UTC times from the microseconds since the epoch that Spark hands over."""
    return pd.to_datetime(pd.to_numeric(micros), unit="us", utc=True).astype("datetime64[us, UTC]")
