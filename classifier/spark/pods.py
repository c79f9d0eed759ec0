"""Pods (authors who comment together on the same creators) and commenter overlap across
creators, with joins and group-bys; the evidence of each pod is computed as ``find_pods``
computes it, and the overlap as ``creator_overlap`` ranks it."""

from __future__ import annotations

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from classifier.scoring.config import ScoringConfig
from classifier.scoring.signals import Pod, _pod_candidates, creator_overlap, pod_core, pod_record
from classifier.spark.clusters import components, evidence_row, numbered, record_schema
from classifier.spark.session import cut, objects


def _pod_record(rows: pd.DataFrame, cfg: ScoringConfig, has_times: bool) -> pd.DataFrame:
    """One group of linked authors as ``find_pods`` judges it: every comment of its authors
    (``_cand``: the pair is a candidate) in, its pod's evidence out (none when not a pod)."""
    rows = rows.sort_values("_line", kind="stable").reset_index(drop=True)
    authors = sorted(str(a) for a in rows["author_id"].unique())
    pairs = rows.loc[rows["_cand"].notna(), ["author_id", "creator_id"]]  # True or null
    pairs = pairs.set_axis(["author", "creator"], axis=1)
    core = pod_core(pairs, len(authors), cfg) if len(authors) >= cfg.pod_min_authors else []
    mine = rows.loc[rows["creator_id"].isin(core)]
    sub = pd.DataFrame(
        {
            "creator_id": objects(mine["creator_id"]),
            "comment_id": objects(mine["comment_id"]),
            "p": mine["p"].to_numpy(dtype=float),
            "delay_min": pd.to_numeric(mine["delay_min"]).to_numpy(dtype=float),
        }
    )
    pod = pod_record("", authors, sub, cfg, has_times) if core else None
    return evidence_row(rows, pod, Pod, "_component")


_CANDIDATES = "author string, creator string, first long"


def _candidates(rows: pd.DataFrame, cfg: ScoringConfig, has_times: bool) -> pd.DataFrame:
    """The scorer's pod candidates (author, creator) for a bucket of whole authors, with the
    pair's first line (an author's node id is its smallest, as the scorer numbers authors)."""
    rows = rows.sort_values("_line", kind="stable")
    pairs = _pod_candidates(rows, cfg, has_times)[["author", "creator"]]
    first = rows.groupby(["author_id", "creator_id"])["_line"].min().rename("first")
    return pairs.join(first, on=["author", "creator"])


def pods(c: DataFrame, cfg: ScoringConfig, has_times: bool) -> tuple[DataFrame, DataFrame]:
    """Per (author, creator) of a flagged pod: its pod_id; and the pods' evidence.
    ``find_pods`` with Spark joins and group-bys."""
    work = c.where(F.col("author_id").isNotNull()).select(
        "author_id", "creator_id", "comment_id", "p", "delay_min", "_line"
    )
    buckets = 2 * c.sparkSession.sparkContext.defaultParallelism
    cand = (
        work.groupBy(F.pmod(F.hash("author_id"), F.lit(buckets)))
        .applyInPandas(lambda g: _candidates(g, cfg, has_times), _CANDIDATES)
        .transform(lambda d: cut(d, "pods: candidates"))
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
    found = components(edges)
    members = nodes.join(found, ["node"]).select(
        F.col("author").alias("author_id"), F.col("component").alias("_component")
    )
    marks = cand.select(
        F.col("author").alias("author_id"),
        F.col("creator").alias("creator_id"),
        F.lit(True).alias("_cand"),
    )
    records = (
        work.join(members, ["author_id"])
        .join(marks, ["author_id", "creator_id"], "left")
        .groupBy("_component")
        .applyInPandas(
            lambda frame: _pod_record(frame, cfg, has_times), record_schema(Pod, "_component")
        )
    )
    evidence = numbered(
        records, "pod_id", "P", F.desc(F.size("authors")), F.asc("_component")
    ).transform(lambda d: cut(d, "pods: evidence"))
    pod_pairs = evidence.select("pod_id", F.explode("authors").alias("author_id"), "creators")
    return pod_pairs.select(
        "author_id", F.explode("creators").alias("creator_id"), "pod_id"
    ), evidence.drop("_component")


def _top_overlap(rows: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """``creator_overlap`` for the creators of one bucket (``mine``): ``rows`` holds every
    (author, creator) pair of the authors who comment on one of them, so their counts are
    whole; sorted by each creator's first line, ties go as in the single-machine path."""
    rows = rows.sort_values("order", kind="stable")
    mine = rows.loc[rows["mine"].astype(bool), "creator_id"]
    found = creator_overlap(rows, top, only=set(mine))
    items = [
        (creator, rank + 1, other, shared)
        for creator, ranked in found.items()
        for rank, (other, shared, _) in enumerate(ranked)
    ]
    return pd.DataFrame(items, columns=["creator_id", "r", "other", "shared"])


OVERLAP_SCHEMA = "creator_id string, r long, other string, shared long"


def overlap(c: DataFrame, top: int = 3) -> DataFrame:
    """``creator_overlap``: per creator, the ``top`` creators sharing most commenters (rank
    ``r``, ``other``, ``shared``).

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
        # One task per bucket: a fixed count (AQE keeps it), by range (a hash of the bucket
        # numbers would put some in one partition and leave others empty)
        rows.repartitionByRange(buckets, "_target")
        .groupBy("_target")
        .applyInPandas(lambda frame: _top_overlap(frame, top), OVERLAP_SCHEMA)
    )
