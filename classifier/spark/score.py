""":func:`score_creators_df`: inputs -> labels -> delays -> cross-creator signals (joins) ->
per creator, the scorer's own ``score_tables`` in ``applyInPandas`` over buckets of whole
creators (their comments, posts and the evidence naming them in; the rows of the three tables
out, as one typed union whose ``_kind`` names the table) -> ranked tables."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, fields
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from classifier.predictor import load
from classifier.scoring import engine
from classifier.scoring.config import ScoringConfig
from classifier.scoring.economics import add_tier_percentiles
from classifier.scoring.report_data import COMMENT_COLUMNS, CREATOR_COLUMNS, POST_COLUMNS
from classifier.scoring.signals import Burst, Cluster, Pod, RepeatAuthor, SignalResult, bait_source
from classifier.spark.inputs import CREATOR_TABLE, POST_TABLE, SparkInputs, collect, prepare_inputs
from classifier.spark.predict import attach_labels, label_columns
from classifier.spark.report import CREATORS, KIND, SparkCreatorReport, evidence_schema, record
from classifier.spark.session import cut, holding, objects, schema, types, utc
from classifier.spark.signals import OVERLAP_SCHEMA, copy_paste, overlap, pods

BUCKET_ROWS = 200_000  # about the most comments one per-creator applyInPandas call gets
# Up to this many comments the tables are scored on the driver by score_creators itself: there
# the fixed cost of Spark's many small jobs (tens of seconds) is far above the work.
LOCAL_ROWS = 100_000
# What a bucket returns: every column of the three tables and what says which one a row is in.
_ALL = (*COMMENT_COLUMNS, *POST_COLUMNS, *CREATOR_COLUMNS)
UNION = {
    name: KIND.get(name, "double")
    for name in dict.fromkeys(("_kind", "_order_kind", "_order", "_json", *_ALL))
    if name != "rank"
}
# How a bucket's inputs reach pandas (times as UTC microseconds; "bool" never missing).
COMMENTS_IN = types(
    string="creator_id post_id comment_id author_id text reply_to label category lang _source "
    "_cluster _pod",
    micros="created_at",
    double="like_count p delay_min _m",
    bool="creator_reply excluded",
    long="_line",
)
POSTS_IN = {c: "micros" if t == "timestamp" else t for c, t in POST_TABLE.items()}


def _pandas(rows: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """A bucket's rows with the types the scorer holds them in."""
    convert = {
        "string": objects,
        "double": lambda v: np.asarray(pd.to_numeric(v), dtype=float),
        "long": lambda v: v.to_numpy(dtype=np.int64),
        "micros": lambda v: utc(v).array,
        "bool": lambda v: v.astype(bool).to_numpy(),
        "boolean": lambda v: v.astype("boolean").array,
    }
    return pd.DataFrame({name: convert[kind](rows[name]) for name, kind in columns.items()})


def _typed(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """``frame`` with every union column. Arrow converts the types, given text as objects (not
    pandas' Arrow-backed strings) and None, not NaN, where a column is missing."""
    out = frame.reset_index(drop=True).reindex(columns=list(UNION)).assign(_kind=kind)
    numeric = ("double", "long", "boolean")
    for name, spark_kind in UNION.items():
        if spark_kind == "string" or (name not in frame.columns and spark_kind not in numeric):
            out[name] = pd.Series(objects(out[name]), dtype=object)
    return out


def _rank_creators(table: pd.DataFrame) -> pd.DataFrame:
    """Rank and tier percentiles need every creator: the scorer's functions, ties in input order."""
    table = engine._rank(table.sort_values(["_order_kind", "_order"], kind="stable").copy())
    add_tier_percentiles(table)
    return table[list(CREATOR_COLUMNS)]


def _evidence(rows: pd.DataFrame, cls: type) -> list[Any]:
    """The records naming the bucket's creators, each once, in global order (C1, C2...); a
    trimmed cluster record holds one creator's count, so those of one cluster are merged."""
    found: dict[int, dict[str, Any]] = {}
    for num, raw in sorted(zip(rows["_num"].astype(int), rows["_json"], strict=True)):
        data = json.loads(raw)
        if num in found:
            found[num]["comments_by_creator"].update(data["comments_by_creator"])
        else:
            found[num] = data
    return [record(cls, data) for data in found.values()]


def _overlaps(rows: pd.DataFrame) -> dict[str, list[tuple[str, int]]]:
    ranked = rows.sort_values("r").groupby("creator_id", sort=False)[["other", "shared"]]
    return {str(c): [(str(o), int(n)) for o, n in g.itertuples(index=False)] for c, g in ranked}


def _score_bucket(
    comments: pd.DataFrame,
    side: pd.DataFrame,
    cfg: ScoringConfig,
    present: frozenset[str],
    has_category: bool,
) -> pd.DataFrame:
    """The rows of the three tables for a bucket of creators. Every step of ``score_tables``
    groups by creator, so a bucket gives each creator the numbers the whole input would."""
    part = {k: side[side["_side"] == k] for k in ("creator", "post", "cluster", "pod", "overlap")}
    creator_rows = part["creator"]
    posts = _pandas(part["post"], POSTS_IN)
    df = _pandas(comments.sort_values("_line", kind="stable"), COMMENTS_IN)
    c = df.loc[~(df["excluded"] | df["creator_reply"])].reset_index(drop=True)
    copied = np.where(c["_cluster"].notna(), 1.0 - 1.0 / c["_m"].to_numpy(), 0.0)
    cross = engine.CrossCreator(
        SignalResult(copied, objects(c["_cluster"])),
        SignalResult(c["_pod"].notna().to_numpy(dtype=float), objects(c["_pod"])),
        _evidence(part["cluster"], Cluster),
        _evidence(part["pod"], Pod),
        _overlaps(part["overlap"]),
    )
    timed = dict.fromkeys(posts.loc[posts["posted_at"].notna(), "post_id"].astype(str), "posted_at")
    creators = _pandas(creator_rows, CREATOR_TABLE)
    tables = engine.score_tables(c, df, posts, creators, cross, timed, cfg, present, has_category)
    table = tables.creators
    order = creator_rows.set_index(objects(creator_rows["creator_id"]))
    for column in ("_order_kind", "_order"):
        table[column] = order[column].reindex(table["creator_id"].to_numpy()).to_numpy()
    frames = {"creator": table, "post": tables.posts, "comment": tables.comments}
    for kind, found in (("burst", tables.bursts), ("repeat", tables.repeats)):
        frames[kind] = pd.DataFrame({"_json": [json.dumps(asdict(x)) for x in found]})
    return pd.concat([_typed(frame, kind) for kind, frame in frames.items()], ignore_index=True)


def _records_by_creator(evidence: DataFrame, cls: type, *, trim: bool) -> DataFrame:
    """(creator_id, _num, _json): each record once per creator it names; ``trim``: with only that
    creator's count and no lists (a cluster can span thousands of creators; see ``clusters``)."""
    exploded = evidence.select("*", F.explode("comments_by_creator").alias("creator_id", "__n"))
    if trim:
        own = F.create_map("creator_id", "__n")
        lists = dict.fromkeys(
            ("variants", "creators", "comment_ids"), F.array().cast("array<string>")
        )
        exploded = exploded.withColumns({"comments_by_creator": own, **lists})
    as_json = F.to_json(F.struct(*[f.name for f in fields(cls)]))
    return exploded.select("creator_id", "_num", as_json.alias("_json"))


def _delays(labeled: DataFrame, posts: DataFrame) -> DataFrame:
    """The counted comments with ``delay_min``: minutes from the post's time (posted_at, else
    its first counted comment), as ``engine._delays`` computes them."""
    c = labeled.where(F.col("counted"))
    posted = posts.where(F.col("posted_at").isNotNull()).select("post_id", "posted_at")
    first = c.groupBy("post_id").agg(F.min("created_at").alias("__first"))
    start = first.join(posted, ["post_id"], "left").select(
        "post_id", F.coalesce("posted_at", "__first").alias("__start")
    )
    micros = F.unix_micros("created_at") - F.unix_micros("__start")
    minutes = micros.cast("double") / 60_000_000.0
    delay = F.when(minutes >= -engine.SKEW_MINUTES, F.greatest(minutes, F.lit(0.0)))
    return cut(c.join(start, ["post_id"], "left").withColumn("delay_min", delay), "delays")


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
    local_rows: int = LOCAL_ROWS,
) -> SparkCreatorReport:
    """:func:`classifier.scoring.score_creators` on Spark DataFrames; docs/metric.md has every
    formula and docs/spark.md how this runs.

    Labels come from ``model`` when given, else from ``score``/``label`` columns, else from the
    default model (as in ``score_creators``). ``exclude_authors``: ids, a file with one per
    line, or "a,b,c". Rows are numbered in the order Spark reads them; with one input file that
    is the file's order, and every result equals the single-machine path's. Inputs of at most
    ``local_rows`` comments are collected and scored on the driver (``local_rows=0``: never).
    """
    cfg = config or ScoringConfig()
    spark = comments_df.sparkSession
    small = collect(comments_df, "comments", local_rows + 1) if local_rows > 0 else None
    if small is not None and len(small) <= local_rows:
        report = engine.score_creators(
            small,
            None if posts_df is None else collect(posts_df, "posts"),
            None if creators_df is None else collect(creators_df, "creators"),
            None if model is None else load(str(model)),
            exclude_authors=exclude_authors,
            text_column=text_column,
            config=cfg,
        )
        return SparkCreatorReport.from_report(spark, report)
    with holding() as held:  # every checkpoint, for SparkCreatorReport.unpersist
        columns = label_columns(comments_df.columns, model)
        inputs = prepare_inputs(
            comments_df,
            posts_df,
            creators_df,
            text_column=text_column,
            exclude_authors=exclude_authors,
            label_columns=columns,
        )
        every, bad, label_problems, source = attach_labels(
            inputs.comments, columns, model, ship_model, cfg
        )
        labeled = every.where(~bad)
        has_category = not labeled.where(F.col("category").isNotNull()).isEmpty()
        c = _delays(labeled, inputs.posts)
        union, clusters, pod_evidence = _per_creator(inputs, labeled, c, cfg, has_category)
        creators = (
            union.where(F.col("_kind") == "creator")
            .drop("rank", "tier_percentile", "tier_peers")
            .groupBy(F.lit(0).alias("_all"))
            .applyInPandas(_rank_creators, schema(CREATORS))
        )

        def rows(kind: str) -> DataFrame:
            return union.where(F.col("_kind") == kind)

        def evidence(kind: str, cls: type) -> DataFrame:
            as_struct = F.from_json("_json", f"struct<{schema(evidence_schema(cls))}>")
            return rows(kind).select(as_struct.alias("e")).select("e.*")

        bait = f"bait found with {bait_source(has_category)}"
        notes = (*inputs.notes, f"labels from {source}", bait)
        return SparkCreatorReport(
            creators=creators,
            posts=rows("post").select(*POST_COLUMNS),
            comments=rows("comment").select(*COMMENT_COLUMNS),
            clusters=clusters,
            pods=pod_evidence,
            bursts=evidence("burst", Burst),
            repeat_authors=evidence("repeat", RepeatAuthor),
            problems=inputs.problems.unionByName(label_problems),
            signals_off=engine._signals_off(inputs.present, has_category, 0),
            notes=notes,
            label_source=source,
            config=cfg,
            _persisted=tuple(held),
        )


def _per_creator(
    inputs: SparkInputs, labeled: DataFrame, c: DataFrame, cfg: ScoringConfig, has_category: bool
) -> tuple[DataFrame, DataFrame, DataFrame]:
    """The signals across creators, then the three tables' rows from ``_score_bucket`` over
    buckets of creators (materialized); also the clusters' and pods' evidence."""
    spark = c.sparkSession
    present = inputs.present
    copies, clusters = copy_paste(c, cfg, "author_id" in present)
    if "author_id" in present:
        pod_pairs, pod_evidence = pods(c, cfg, "created_at" in present)
        near = cut(overlap(c), "commenter overlap")
    else:
        pod_pairs = spark.createDataFrame([], "author_id string, creator_id string, pod_id string")
        pod_evidence = spark.createDataFrame([], schema(evidence_schema(Pod, True)))
        near = spark.createDataFrame([], schema(OVERLAP_SCHEMA))
    enriched = (
        c.join(copies, ["_line"], "left")
        .join(pod_pairs, ["author_id", "creator_id"], "left")
        .withColumnsRenamed({"cluster_id": "_cluster", "pod_id": "_pod"})
    )
    comments = enriched.unionByName(labeled.where(~F.col("counted")), allowMissingColumns=True)
    comments = comments.withColumn("created_at", F.unix_micros("created_at"))
    # What a bucket needs besides its comments, in one frame (``_side`` says which part).
    side = {
        "creator": inputs.creators,
        "post": inputs.posts.withColumn("posted_at", F.unix_micros("posted_at")),
        "cluster": _records_by_creator(clusters, Cluster, trim=True),
        "pod": _records_by_creator(pod_evidence, Pod, trim=False),
        "overlap": near,
    }
    parts = [df.withColumn("_side", F.lit(kind)) for kind, df in side.items()]
    sides = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), parts)
    # Buckets of creators, 2 per core (more when one would pass BUCKET_ROWS comments): one pandas
    # pipeline per bucket, not per creator; every step groups by creator, so no number changes.
    cores = spark.sparkContext.defaultParallelism
    buckets = cores * max(2, -(-inputs.rows // (BUCKET_ROWS * cores)))
    bucket = F.pmod(F.hash("creator_id"), F.lit(buckets)).alias("_bucket")
    union = (
        comments.select(*COMMENTS_IN, bucket)
        .groupBy("_bucket")
        .cogroup(sides.withColumn("_bucket", bucket).groupBy("_bucket"))
        .applyInPandas(lambda c, s: _score_bucket(c, s, cfg, present, has_category), schema(UNION))
    )
    return cut(union, "per-creator metric"), clusters, pod_evidence
