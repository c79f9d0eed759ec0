"""The three tables read and checked on Spark: every Arrow batch goes through the scorer's own
``normalize_comments/posts/creators``, so a row gets the same values and problems as on one
machine; what needs the whole table (the last row of an id, creators filled from posts, posts
and creators only seen in comments, which fields hold a value) runs as joins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from classifier.scoring import inputs as scoring
from classifier.scoring.labels import labels_from_columns
from classifier.spark.session import cut, map_batches, number_lines, schema, types, utc

_COMMENT_INPUT = (*scoring.ID_COLUMNS, "text", "created_at", "like_count", "is_creator_reply")
PROBLEMS = {"source": "string", "line": "long", "field": "string", "problem": "string"}
_LABELS = types(double="p", string="label category lang")


def _types(normalize: Any, columns: Iterable[str]) -> dict[str, str]:
    """The Spark type of each column the scorer's ``normalize`` returns for a batch of
    ``columns`` (found by running it on an empty one): the schema follows the scorer."""
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in (*columns, "_source")})
    out = normalize(empty.assign(_line=pd.Series([], dtype="int64")))
    kinds = {"f": "double", "i": "long", "b": "boolean", "M": "timestamp"}
    return {str(c): kinds.get(dtype.kind, "string") for c, dtype in out.dtypes.items()}


_COMMENT_TYPES = _types(scoring.normalize_comments, _COMMENT_INPUT)
_POST_TYPES = _types(scoring.normalize_posts, scoring.POST_COLUMNS)
_CREATOR_TYPES = _types(scoring.normalize_creators, scoring.CREATOR_COLUMNS)
POST_TABLE = {c: _POST_TYPES[c] for c in scoring.POST_COLUMNS}  # SparkInputs.posts
CREATOR_TABLE = {c: _CREATOR_TYPES[c] for c in scoring.CREATOR_COLUMNS}  # SparkInputs.creators


@dataclass
class SparkInputs:
    """:class:`classifier.scoring.inputs.Inputs` as DataFrames (the three tables materialized)."""

    comments: DataFrame  # usable rows: ids, text, times, creator_reply, excluded, maybe labels
    posts: DataFrame  # scoring.POST_COLUMNS
    creators: DataFrame  # scoring.CREATOR_COLUMNS + _order_kind, _order (ranking ties: input order)
    problems: DataFrame  # PROBLEMS
    present: frozenset[str]
    notes: list[str]
    rows: int  # usable comments


def _select(
    df: DataFrame, what: str, columns: Iterable[str], limit: int | None = None, spread: bool = False
) -> tuple[DataFrame, list[str]]:
    """The ``columns`` the batch functions read (the first ``limit`` rows), numbered in read
    order, with their source. Typed times travel as UTC microseconds (their names are returned);
    naive ones as text, which ``parse_times`` reads as UTC."""
    selected, micros = [], []
    for column in (c for c in columns if c in df.columns):
        kind = df.schema[column].dataType
        if isinstance(kind, T.TimestampType | T.DateType):
            selected.append(F.unix_micros(df[column].cast("timestamp")).alias(column))
            micros.append(column)
        elif isinstance(kind, T.TimestampNTZType):
            selected.append(df[column].cast("string").alias(column))
        else:
            selected.append(df[column])
    # The source before the limit: past a limit's shuffle Spark no longer knows the file.
    file = F.input_file_name()
    source = F.when(file == "", F.lit(f"<{what} DataFrame>")).otherwise(file)
    picked = df.select(*selected, source.alias("_source"))
    return number_lines(picked if limit is None else picked.limit(limit), spread=spread), micros


def collect(df: DataFrame, what: str, limit: int | None = None) -> pd.DataFrame:
    """``df`` (its first ``limit`` rows) on the driver as the single-machine scorer reads it:
    numbered rows with their source, times tz-aware UTC whatever the session's time zone."""
    src, micros = _select(df, what, df.columns, limit)
    return _batch(src.toPandas(), lambda frame: frame, micros)


def _batch(
    batch: pd.DataFrame, normalize: Any, micros: list[str], labels: tuple[str, ...] = ()
) -> pd.DataFrame:
    """One Arrow batch through the scorer's ``normalize`` (and its labels read, if any)."""
    for column in micros:
        batch[column] = utc(batch[column])
    out = normalize(batch)
    return out.assign(**labels_from_columns(batch[list(labels)])) if labels else out


def problem_rows(df: DataFrame, field: Column, problem: Column) -> DataFrame:
    """The rows of ``df`` with a problem, as ``PROBLEMS`` rows."""
    return df.where(problem.isNotNull()).select("_source", "_line", field, problem).toDF(*PROBLEMS)


def _field_problems(norm: DataFrame, fields: tuple[str, ...]) -> DataFrame:
    """The ``_p_<field>`` problems of normalized posts or creators, as ``field_problems``
    reports them: a row without its id (the first field) reports only that."""
    has_id = F.col(f"_p_{fields[0]}").isNull()
    items = [F.struct(F.lit(f).alias("f"), F.col(f"_p_{f}").alias("p")) for f in fields]
    rows = norm.select("_source", "_line", has_id.alias("_ok"), F.explode(F.array(*items)))
    rows = rows.where(F.col("_ok") | (F.col("col.f") == fields[0]))
    return problem_rows(rows, F.col("col.f"), F.col("col.p"))


_TABLES = {  # a posts or creators table: its fields (the id first), the scorer's check, types
    "posts": (scoring.POST_FIELDS, scoring.normalize_posts, _POST_TYPES),
    "creators": (scoring.CREATOR_FIELDS, scoring.normalize_creators, _CREATOR_TYPES),
}


def _table(spark: SparkSession, df: DataFrame | None, what: str) -> tuple[DataFrame, DataFrame]:
    """A posts or creators table, checked batch by batch, and its problems; the row read last
    wins for an id. Without one: an empty table of the same columns."""
    fields, normalize, columns = _TABLES[what]
    kept = {c: kind for c, kind in columns.items() if not c.startswith("_p_")}
    if df is None:
        return spark.createDataFrame([], schema(kept)), spark.createDataFrame([], schema(PROBLEMS))
    key = fields[0]
    scoring.require_column(
        df.columns, key, f"the {what} DataFrame", f"the {what} table needs a {key} column"
    )
    src, micros = _select(df, what, [c for c in columns if not c.startswith("_")])
    norm = map_batches(src, _batch, columns, normalize, micros)
    named = norm.where(F.col(key).isNotNull())
    last = named.groupBy(key).agg(F.max("_line").alias("__last"))
    table = named.join(last, [key]).where(F.col("_line") == F.col("__last"))
    return table.select(*kept), _field_problems(norm, fields)


def prepare_inputs(
    comments_df: DataFrame,
    posts_df: DataFrame | None,
    creators_df: DataFrame | None,
    *,
    text_column: str,
    exclude_authors: Iterable[str] | str | Path | None,
    label_columns: tuple[str, ...],
) -> SparkInputs:
    """:func:`classifier.scoring.inputs.prepare_inputs` on Spark; ``label_columns`` names the
    ``label``/``score``/``category``/``lang`` columns to read labels from (empty: the model's)."""
    spark, source = comments_df.sparkSession, "the comments DataFrame"
    scoring.require_text_column(comments_df.columns, text_column, source)
    frame = comments_df
    if text_column != "text":
        frame = frame.drop("text").withColumnRenamed(text_column, "text")
    scoring.require_comment_columns(frame.columns, source, posts_df is not None)
    src, micros = _select(frame, "comments", [*_COMMENT_INPUT, *label_columns], spread=True)
    columns = {**_COMMENT_TYPES, **(_LABELS if label_columns else {})}
    norm = map_batches(src, _batch, columns, scoring.normalize_comments, micros, label_columns)
    posts, post_problems = _table(spark, posts_df, "posts")
    creators, creator_problems = _table(spark, creators_df, "creators")
    if posts_df is not None:  # a comment without a creator takes its post's
        owners = posts.select("post_id", F.col("creator_id").alias("__owner")).dropna()
        norm = norm.join(owners, ["post_id"], "left")
        norm = norm.withColumn("creator_id", F.coalesce("creator_id", "__owner"))
    bad = {"creator_id": F.col("creator_id").isNull()}
    bad |= {column: F.col(f"_bad_{column}") for column, _ in scoring.COMMENT_CHECKS[1:]}
    failed = F.coalesce(*[F.when(bad[c], F.lit(c)) for c, _ in scoring.COMMENT_CHECKS])
    message = F.coalesce(*[F.when(bad[c], F.lit(m)) for c, m in scoring.COMMENT_CHECKS])

    excluded = scoring.read_exclusions(exclude_authors)
    own = F.col("author_id").isNotNull() & (F.col("author_id") == F.col("creator_id"))
    on_list = F.col("author_id").isin(sorted(excluded)) if excluded else F.lit(False)
    valid = norm.where(failed.isNull()).select(
        *[c for c in columns if not c.startswith("_bad_") and c != "is_creator_reply"],
        (own | F.coalesce("is_creator_reply", F.lit(False))).alias("creator_reply"),
        F.coalesce(on_list, F.lit(False)).alias("excluded"),
        F.col("is_creator_reply").isNotNull().alias("__reply_given"),
    )
    valid = cut(valid, "read and check comments")
    optional = scoring.OPTIONAL["comments"]
    found = valid.agg(
        *[F.max(F.col(c).isNotNull().cast("int")).alias(c) for c in optional],
        F.max(F.col("__reply_given").cast("int")).alias("is_creator_reply"),
        F.sum(F.col("excluded").cast("int")).alias("__excluded"),
        F.count("*").alias("__rows"),
    ).first()
    assert found is not None  # an aggregate without grouping has one row
    present = {c for c in (*optional, "is_creator_reply") if found[c] == 1}
    comments = valid.drop("__reply_given")
    if "comment_id" not in present:
        line_id = F.concat_ws(":", F.col("_source"), F.col("_line").cast("string"))
        comments = comments.withColumn("comment_id", line_id)
    posts, creators = _merge_posts(posts, comments), _merge_creators(creators, comments)
    for what, table in (("posts", posts), ("creators", creators)):
        present |= _present(table, scoring.OPTIONAL[what])
    notes = scoring.exclusion_notes(excluded, found["__excluded"] or 0)
    problems = problem_rows(norm, failed, message).unionByName(post_problems)
    problems = problems.unionByName(creator_problems)
    rows = int(found["__rows"])
    return SparkInputs(comments, posts, creators, problems, frozenset(present), notes, rows)


def _merge_posts(posts: DataFrame, comments: DataFrame) -> DataFrame:
    """The posts table plus posts only seen in comments (creator: their first comment's)."""
    seen = comments.groupBy("post_id").agg(F.min_by("creator_id", "_line").alias("__seen"))
    merged = posts.join(seen, ["post_id"], "full").withColumn(
        "creator_id", F.coalesce("creator_id", "__seen")
    )
    return cut(
        merged.where(F.col("creator_id").isNotNull()).select(*scoring.POST_COLUMNS), "posts table"
    )


def _merge_creators(creators: DataFrame, comments: DataFrame) -> DataFrame:
    """The creators table plus creators only seen in comments; ``_order_kind``/``_order`` keep
    the single-machine order (table rows by line, then the others by first comment)."""
    seen = comments.groupBy("creator_id").agg(F.min("_line").alias("__seen"))
    merged = creators.join(seen, ["creator_id"], "full").select(
        *scoring.CREATOR_COLUMNS,
        F.when(F.col("_line").isNull(), 1).otherwise(0).cast("long").alias("_order_kind"),
        F.coalesce("_line", "__seen").alias("_order"),
    )
    return cut(merged, "creators table")


def _present(df: DataFrame, columns: Iterable[str]) -> set[str]:
    """The columns of ``df`` that hold at least one value (one small action)."""
    names = list(columns)
    row = df.agg(*[F.max(F.col(c).isNotNull().cast("int")).alias(c) for c in names]).first()
    return {c for c in names if row is not None and row[c] == 1}
