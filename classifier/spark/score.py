""":func:`score_creators_df`: the scorer's pipeline on Spark, step by step.

inputs (checked batch by batch) -> labels (model on the executors, or label columns) ->
delays -> cross-creator signals (copy-paste, pods, overlap: joins) -> per-creator metric
(``applyInPandas`` over buckets of creators calling ``score_tables``) -> ranked tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import reduce
from pathlib import Path

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from classifier.model_dir import open_model_dir
from classifier.predictor import load
from classifier.scoring.config import ScoringConfig
from classifier.scoring.engine import SKEW_MINUTES, _signals_off, score_creators
from classifier.scoring.labels import columns_source
from classifier.scoring.report_data import COMMENT_COLUMNS, POST_COLUMNS
from classifier.scoring.signals import Burst, Cluster, Pod, RepeatAuthor, bait_source
from classifier.spark.clusters import copy_paste
from classifier.spark.creators import (
    COMMENTS_IN,
    CREATORS,
    UNION_SCHEMA,
    Context,
    evidence_schema,
    rank_creators,
    records_by_creator,
    score_bucket,
    spark_type,
)
from classifier.spark.inputs import SparkInputs, collect, prepare_inputs, problem_rows
from classifier.spark.pods import OVERLAP_SCHEMA, overlap, pods
from classifier.spark.predict import attach_labels
from classifier.spark.report import SparkCreatorReport
from classifier.spark.session import cut, model_ref, schema

BUCKET_ROWS = 200_000  # about the most comments one per-creator applyInPandas call gets
# Up to this many comments the tables are scored on the driver by score_creators itself: there
# the fixed cost of Spark's many small jobs (tens of seconds) is far above the work.
LOCAL_ROWS = 100_000


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
    delay = F.when(minutes >= -SKEW_MINUTES, F.greatest(minutes, F.lit(0.0)))
    return cut(c.join(start, ["post_id"], "left").withColumn("delay_min", delay), "delays")


def _side(
    inputs: SparkInputs, clusters: DataFrame, pod_evidence: DataFrame, near: DataFrame
) -> DataFrame:
    """What a bucket needs besides its comments, in one frame (``_side`` says which part): its
    creators, posts, the evidence records naming its creators and their overlap."""
    parts = {
        "creator": inputs.creators,
        "post": inputs.posts.withColumn("posted_at", F.unix_micros("posted_at")),
        "cluster": records_by_creator(clusters, Cluster, trim=True),
        "pod": records_by_creator(pod_evidence, Pod, trim=False),
        "overlap": near,
    }
    frames = [df.withColumn("_side", F.lit(kind)) for kind, df in parts.items()]
    return reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)


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
        report = score_creators(
            small,
            None if posts_df is None else collect(posts_df, "posts"),
            None if creators_df is None else collect(creators_df, "creators"),
            None if model is None else load(str(model)),
            exclude_authors=exclude_authors,
            text_column=text_column,
            config=cfg,
        )
        return SparkCreatorReport.from_report(spark, report)
    label_fields = [c for c in ("score", "label") if c in comments_df.columns]
    use_columns = model is None and bool(label_fields)
    label_columns = (*label_fields, "category", "lang") if use_columns else ()
    inputs = prepare_inputs(
        comments_df,
        posts_df,
        creators_df,
        text_column=text_column,
        exclude_authors=exclude_authors,
        label_columns=tuple(c for c in label_columns if c in comments_df.columns),
    )
    field = label_fields[0] if use_columns else "text"
    if use_columns:
        ref, source = None, columns_source(label_fields)
    else:
        ref = model_ref(spark, model, ship_model)
        source = f"model {open_model_dir(model, verify=False).identity.label}"
    every, bad, reason = attach_labels(inputs.comments, ref, field, cfg)
    label_problems = problem_rows(every.where(bad), F.lit(field), reason)
    labeled = every.where(~bad)
    has_category = not labeled.where(F.col("category").isNotNull()).isEmpty()
    ctx = Context(cfg, inputs.present, has_category)
    c = _delays(labeled, inputs.posts)
    union, clusters, pod_evidence = _per_creator(inputs, labeled, c, ctx)
    creator_rows = union.where(F.col("_kind") == "creator")
    creators = (
        creator_rows.drop("rank", "tier_percentile", "tier_peers")
        .groupBy(F.lit(0).alias("_all"))
        .applyInPandas(rank_creators, schema(CREATORS))
    )

    def evidence(kind: str, cls: type) -> DataFrame:
        rows = union.where(F.col("_kind") == kind)
        return rows.select(F.from_json("_json", spark_type(cls)).alias("e")).select("e.*")

    notes = (*inputs.notes, f"labels from {source}", f"bait found with {bait_source(has_category)}")
    return SparkCreatorReport(
        creators=creators,
        posts=union.where(F.col("_kind") == "post").select(*POST_COLUMNS),
        comments=union.where(F.col("_kind") == "comment").select(*COMMENT_COLUMNS),
        clusters=clusters,
        pods=pod_evidence,
        bursts=evidence("burst", Burst),
        repeat_authors=evidence("repeat", RepeatAuthor),
        problems=inputs.problems.unionByName(label_problems),
        signals_off=_signals_off(inputs.present, has_category, 0),
        notes=notes,
        label_source=source,
        config=cfg,
        _persisted=(*inputs.persisted, every, c, clusters, pod_evidence, union),
    )


def _per_creator(
    inputs: SparkInputs, labeled: DataFrame, c: DataFrame, ctx: Context
) -> tuple[DataFrame, DataFrame, DataFrame]:
    """The signals across creators, then the three tables' rows from ``score_bucket`` over
    buckets of creators (materialized); also the clusters' and pods' evidence."""
    spark = c.sparkSession
    has_authors = "author_id" in ctx.present
    copies, clusters = copy_paste(c, ctx.config, has_authors)
    if has_authors:
        pod_pairs, pod_evidence = pods(c, ctx.config, "created_at" in ctx.present)
        near = cut(overlap(c), "commenter overlap")
    else:
        pod_pairs = spark.createDataFrame([], "author_id string, creator_id string, pod_id string")
        pod_evidence = spark.createDataFrame([], evidence_schema(Pod, True))
        near = spark.createDataFrame([], OVERLAP_SCHEMA)
    enriched = (
        c.join(copies, ["_line"], "left")
        .join(pod_pairs, ["author_id", "creator_id"], "left")
        .withColumnsRenamed({"cluster_id": "_cluster", "pod_id": "_pod"})
    )
    comments = enriched.unionByName(labeled.where(~F.col("counted")), allowMissingColumns=True)
    comments = comments.withColumn("created_at", F.unix_micros("created_at"))
    side = _side(inputs, clusters, pod_evidence, near)
    # Creators in buckets, a multiple of the cores (2 per core, more when a bucket would pass
    # BUCKET_ROWS comments): one pandas pipeline per bucket, whose fixed cost is a good part of a
    # second, not one per creator; every step groups by creator, so the bucketing changes no
    # number.
    cores = spark.sparkContext.defaultParallelism
    buckets = cores * max(2, -(-inputs.rows // (BUCKET_ROWS * cores)))
    bucket = F.pmod(F.hash("creator_id"), F.lit(buckets)).alias("_bucket")
    union = (
        comments.select(*COMMENTS_IN, bucket)
        .groupBy("_bucket")
        .cogroup(side.withColumn("_bucket", bucket).groupBy("_bucket"))
        .applyInPandas(lambda left, right: score_bucket(left, right, ctx), UNION_SCHEMA)
        .transform(lambda d: cut(d, "per-creator metric"))
    )
    return union, clusters, pod_evidence
