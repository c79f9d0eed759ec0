"""Copy-paste clusters across creators with joins: the scorer's MinHash signatures and LSH
bands (classifier.scoring.textsim), pairs checked on their signatures, connected components
without collecting anything to the driver."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from classifier.scoring.config import ScoringConfig
from classifier.scoring.signals import Cluster, cluster_record
from classifier.scoring.textsim import _band_keys, _signatures_by_script
from classifier.spark.creators import evidence_schema
from classifier.spark.session import cut, map_batches, names, objects


def _is_star_forest(e: DataFrame) -> bool:
    """Every edge (hi, lo) hangs off a centre: no node is ``hi`` twice, no ``lo`` is a ``hi``."""
    roles = e.select(F.col("hi").alias("n"), F.lit(1).alias("h"), F.lit(0).alias("l")).unionByName(
        e.select(F.col("lo").alias("n"), F.lit(0).alias("h"), F.lit(1).alias("l"))
    )
    bad = roles.groupBy("n").agg(F.sum("h").alias("h"), F.sum("l").alias("l"))
    return bad.where((F.col("h") > 1) | ((F.col("h") > 0) & (F.col("l") > 0))).isEmpty()


def components(edges: DataFrame, max_rounds: int = 64) -> DataFrame:
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
        .transform(lambda d: cut(d, "components: edges"))
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
            .transform(lambda d: cut(d, "components: round"))
        )
    else:  # pragma: no cover - O(log n) rounds; 64 covers any graph that fits a cluster
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    return (
        e.select(F.col("hi").alias("node"), F.col("lo").alias("component"))
        .unionByName(e.select(F.col("lo").alias("node"), F.col("lo").alias("component")))
        .distinct()
    )


def evidence_row(rows: pd.DataFrame, found: Any, cls: type, key: str) -> pd.DataFrame:
    """One group's evidence record (a ``cls``: Cluster or Pod; or None) as a row of
    ``record_schema(cls, key)``; its id and number are set once all are found."""
    columns = names(record_schema(cls, key))
    if found is None:
        return pd.DataFrame(columns=columns)
    data = {**asdict(found), key: int(rows[key].iloc[0]), "_num": 0}
    return pd.DataFrame({name: [data[name]] for name in columns})


def record_schema(cls: type, key: str) -> str:
    """The DDL schema of a group's evidence row: the group's ``key``, then the record."""
    return f"{key} long, {evidence_schema(cls, True)}"


def numbered(records: DataFrame, ident: str, prefix: str, *order: Column) -> DataFrame:
    """Records numbered 1..n (``_num``) in ``order``, their ``ident`` column set to
    ``<prefix><number>`` (C1, P1...)."""
    num = F.row_number().over(Window.orderBy(*order))
    return records.withColumns({"_num": num, ident: F.concat(F.lit(prefix), num.cast("string"))})


def _cluster_record(rows: pd.DataFrame, has_authors: bool) -> pd.DataFrame:
    rows = rows.sort_values("_line", kind="stable")
    members = pd.DataFrame(
        {
            "creator": objects(rows["creator_id"]),
            "text": rows["text"].to_numpy(dtype=object),
            "comment_id": objects(rows["comment_id"]),
        }
    )
    authors = int(rows["_authors"].iloc[0]) if has_authors else 0
    return evidence_row(rows, cluster_record("", members, authors), Cluster, "_group")


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


def copy_paste(c: DataFrame, cfg: ScoringConfig, has_authors: bool) -> tuple[DataFrame, DataFrame]:
    """Per counted comment: cluster_id, its copies on the creator (m) and the cluster's text;
    and the clusters' evidence. ``find_clusters`` with Spark joins (see docs/spark.md)."""
    keyed = c.where(F.col("_key").isNotNull())
    keys = keyed.groupBy("_key").agg(F.min("_line").alias("_first"))
    signed = map_batches(
        keys,
        _signature_rows,
        "_first long, sig binary, bands array<long>",
        cfg.minhash_bands,
        cfg.minhash_rows,
    ).transform(lambda d: cut(d, "copy-paste: MinHash signatures"))
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
    found = components(edges)
    groups = keys.join(found, keys["_first"] == found["node"], "left").select(
        "_key", F.coalesce("component", "_first").alias("_group")
    )
    members = keyed.join(groups, ["_key"])
    author = F.countDistinct("author_id") if has_authors else F.count(F.lit(1))
    sizes = members.groupBy("_group").agg(author.alias("_authors"))
    rows = members.join(
        F.broadcast(sizes.where(F.col("_authors") >= cfg.dupe_min_authors)), ["_group"]
    ).transform(lambda d: cut(d, "copy-paste: cluster members"))
    records = (
        rows.select("_group", "_authors", "creator_id", "text", "comment_id", "_line")
        .groupBy("_group")
        .applyInPandas(lambda r: _cluster_record(r, has_authors), record_schema(Cluster, "_group"))
    )
    # Most comments first, then most authors (0 without authors: then the two are one order).
    order = (F.desc("comments"), F.desc("authors"), F.asc("_group"))
    clusters = numbered(records, "cluster_id", "C", *order).transform(
        lambda d: cut(d, "copy-paste: cluster evidence")
    )
    copies = clusters.select(
        "_group", "cluster_id", F.explode("comments_by_creator").alias("creator_id", "_m")
    )
    per_row = rows.join(copies, ["_group", "creator_id"]).select("_line", "cluster_id", "_m")
    return per_row, clusters.drop("_group")
