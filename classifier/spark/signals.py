"""The signals that look across creators (copy-paste clusters, pods, commenter overlap) as
Spark joins and group-bys around the scorer's own functions; docs/spark.md maps each step.
Connected components run as rounds of joins, nothing collected to the driver."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from classifier.scoring import signals
from classifier.scoring.config import ScoringConfig
from classifier.scoring.signals import Cluster, Pod
from classifier.scoring.textsim import _band_keys, _signatures_by_script
from classifier.spark.report import evidence_schema
from classifier.spark.session import cut, map_batches, objects, release, schema

OVERLAP_SCHEMA = {"creator_id": "string", "r": "long", "other": "string", "shared": "long"}


def _is_star_forest(e: DataFrame) -> bool:
    """Every edge (hi, lo) hangs off a centre: no node is ``hi`` twice, no ``lo`` is a ``hi``."""
    roles = e.select("hi", F.lit(1), F.lit(0)).union(e.select("lo", F.lit(0), F.lit(1)))
    roles = roles.toDF("n", "h", "l")
    bad = roles.groupBy("n").agg(F.sum("h").alias("h"), F.sum("l").alias("l"))
    return bad.where((F.col("h") > 1) | ((F.col("h") > 0) & (F.col("l") > 0))).isEmpty()


def _ordered(df: DataFrame, a: str, b: str) -> DataFrame:
    """Distinct undirected edges (hi, lo) from columns ``a`` and ``b``, without loops."""
    hi, lo = F.greatest(a, b).alias("hi"), F.least(a, b).alias("lo")
    return df.select(hi, lo).where(F.col("hi") != F.col("lo")).distinct()


def components(edges: DataFrame, max_rounds: int = 64) -> DataFrame:
    """(node, component) for every node of an undirected graph of long ids; component = the
    smallest node id in it. Alternating large-star / small-star rounds (Kiveris et al., 2014)
    until the edges are stars around each component's smallest node: O(log n) rounds."""
    e = cut(_ordered(edges, "src", "dst"), "components: edges")
    for _ in range(max_rounds):
        if _is_star_forest(e):
            break
        # Large star: each node's larger neighbours attach to its smallest neighbour (or itself).
        both = e.unionByName(e.select(F.col("lo").alias("hi"), F.col("hi").alias("lo")))
        low = both.groupBy("hi").agg(F.least(F.min("lo"), F.col("hi")).alias("m"))
        large = both.join(low, ["hi"]).where(F.col("lo") > F.col("hi"))
        large = large.select(F.col("lo").alias("hi"), F.col("m").alias("lo")).distinct()
        # Small star: each node and its smaller neighbours attach to the smallest of them.
        m = large.groupBy("hi").agg(F.min("lo").alias("m"))
        attached = large.join(m, ["hi"]).select("lo", "m").union(m.select("hi", "m"))
        done, e = e, cut(_ordered(attached.toDF("a", "b"), "a", "b"), "components: round")
        release(done)
    else:  # pragma: no cover - O(log n) rounds; 64 covers any graph that fits a cluster
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    return e.select("hi", "lo").union(e.select("lo", "lo")).toDF("node", "component").distinct()


def _records(groups: DataFrame, key: str, cls: type, judge: Any) -> DataFrame:
    """``judge(rows)`` (a ``cls`` record, or None) on the rows of each ``key`` group: one row
    per record, the group's ``key`` first (its id and number are set once all are found)."""
    columns = {key: "long", **evidence_schema(cls, True)}

    def one(rows: pd.DataFrame) -> pd.DataFrame:
        found = judge(rows)
        if found is None:
            return pd.DataFrame(columns=list(columns))
        data = {**asdict(found), key: int(rows[key].iloc[0]), "_num": 0}
        return pd.DataFrame({name: [data[name]] for name in columns})

    return groups.groupBy(key).applyInPandas(one, schema(columns))


def _numbered(records: DataFrame, ident: str, prefix: str, *order: Column) -> DataFrame:
    """Records numbered 1..n (``_num``) in ``order``; ``ident`` is ``<prefix><n>`` (C1, P1...)."""
    num = F.row_number().over(Window.orderBy(*order))
    return records.withColumns({"_num": num, ident: F.concat(F.lit(prefix), num.cast("string"))})


def _cluster_record(rows: pd.DataFrame, has_authors: bool) -> Cluster | None:
    rows = rows.sort_values("_line", kind="stable")
    members = pd.DataFrame(
        {
            "creator": objects(rows["creator_id"]),
            "text": rows["text"].to_numpy(dtype=object),
            "comment_id": objects(rows["comment_id"]),
        }
    )
    authors = int(rows["_authors"].iloc[0]) if has_authors else 0
    return signals.cluster_record("", members, authors)


def _signature_rows(batch: pd.DataFrame, bands: int, rows: int) -> pd.DataFrame:
    signatures = _signatures_by_script(batch["_key"].astype(object).tolist(), bands * rows, 1)
    return pd.DataFrame(
        {
            "_first": batch["_first"].to_numpy(),
            "sig": list(signatures.astype(np.int64)),
            "bands": list(_band_keys(signatures, bands, rows).view(np.int64)),
        }
    )


def copy_paste(c: DataFrame, cfg: ScoringConfig, has_authors: bool) -> tuple[DataFrame, DataFrame]:
    """Per counted comment: cluster_id and its copies on the creator (``_m``); and the
    clusters' evidence. ``find_clusters`` with Spark joins (see docs/spark.md)."""
    keyed = c.where(F.col("_key").isNotNull())
    keys = keyed.groupBy("_key").agg(F.min("_line").alias("_first"))
    sig = {"_first": "long", "sig": "array<long>", "bands": "array<long>"}
    args = (cfg.minhash_bands, cfg.minhash_rows)
    signed = cut(map_batches(keys, _signature_rows, sig, *args), "copy-paste: MinHash signatures")
    banded = signed.select("_first", F.posexplode("bands").alias("band", "bkey"))
    # Inside a bucket only neighbours in input order are paired (m - 1 pairs for m keys).
    prev = F.lag("_first").over(Window.partitionBy("band", "bkey").orderBy("_first"))
    pairs = banded.select(prev.alias("src"), F.col("_first").alias("dst")).dropna().distinct()
    left = signed.select(F.col("_first").alias("src"), F.col("sig").alias("s1"))
    right = signed.select(F.col("_first").alias("dst"), F.col("sig").alias("s2"))
    # Share of equal MinHash positions (the estimated Jaccard), as near_duplicate_groups has it
    same = F.filter(F.zip_with("s1", "s2", lambda x, y: x == y), lambda equal: equal)
    edges = pairs.join(left, ["src"]).join(right, ["dst"])
    edges = edges.where(F.size(same) / F.size("s1") >= cfg.dupe_jaccard)
    found = components(edges)
    groups = keys.join(found, keys["_first"] == found["node"], "left").select(
        "_key", F.coalesce("component", "_first").alias("_group")
    )
    members = keyed.join(groups, ["_key"])
    author = F.countDistinct("author_id") if has_authors else F.count(F.lit(1))
    sizes = members.groupBy("_group").agg(author.alias("_authors"))
    big = F.broadcast(sizes.where(F.col("_authors") >= cfg.dupe_min_authors))
    rows = cut(members.join(big, ["_group"]), "copy-paste: cluster members")
    wanted = rows.select("_group", "_authors", "creator_id", "text", "comment_id", "_line")
    records = _records(wanted, "_group", Cluster, lambda r: _cluster_record(r, has_authors))
    # Most comments first, then most authors (0 without authors: then the two are one order).
    order = (F.desc("comments"), F.desc("authors"), F.asc("_group"))
    clusters = cut(_numbered(records, "cluster_id", "C", *order), "copy-paste: cluster evidence")
    copies = clusters.select(
        "_group", "cluster_id", F.explode("comments_by_creator").alias("creator_id", "_m")
    )
    per_row = rows.join(copies, ["_group", "creator_id"]).select("_line", "cluster_id", "_m")
    return per_row, clusters.drop("_group")


def _pod_record(rows: pd.DataFrame, cfg: ScoringConfig, has_times: bool) -> Pod | None:
    """One group of linked authors as ``find_pods`` judges it: every comment of its authors
    (``_cand``: the pair is a candidate) in, its pod's evidence out (none when not a pod)."""
    rows = rows.sort_values("_line", kind="stable").reset_index(drop=True)
    authors = sorted(str(a) for a in rows["author_id"].unique())
    pairs = rows.loc[rows["_cand"].notna(), ["author_id", "creator_id"]]  # True or null
    pairs = pairs.set_axis(["author", "creator"], axis=1)
    core = signals.pod_core(pairs, len(authors), cfg) if len(authors) >= cfg.pod_min_authors else []
    mine = rows.loc[rows["creator_id"].isin(core)]
    sub = pd.DataFrame(
        {
            "creator_id": objects(mine["creator_id"]),
            "comment_id": objects(mine["comment_id"]),
            "p": mine["p"].to_numpy(dtype=float),
            "delay_min": pd.to_numeric(mine["delay_min"]).to_numpy(dtype=float),
        }
    )
    return signals.pod_record("", authors, sub, cfg, has_times) if core else None


def _candidates(rows: pd.DataFrame, cfg: ScoringConfig, has_times: bool) -> pd.DataFrame:
    """The scorer's pod candidates (author, creator) for a bucket of whole authors, with the
    pair's first line (an author's node id is its smallest, as the scorer numbers authors)."""
    rows = rows.sort_values("_line", kind="stable")
    pairs = signals._pod_candidates(rows, cfg, has_times)[["author", "creator"]]
    first = rows.groupby(["author_id", "creator_id"])["_line"].min().rename("first")
    return pairs.join(first, on=["author", "creator"])


def pods(c: DataFrame, cfg: ScoringConfig, has_times: bool) -> tuple[DataFrame, DataFrame]:
    """``find_pods`` with joins: each (author, creator) of a pod with its pod_id; the evidence."""
    work = c.where(F.col("author_id").isNotNull()).select(
        "author_id", "creator_id", "comment_id", "p", "delay_min", "_line"
    )
    buckets = 2 * c.sparkSession.sparkContext.defaultParallelism
    by_author = work.groupBy(F.pmod(F.hash("author_id"), F.lit(buckets)))
    pairs = "author string, creator string, first long"
    cand = by_author.applyInPandas(lambda rows: _candidates(rows, cfg, has_times), pairs)
    cand = cut(cand, "pods: candidates")
    nodes = cand.groupBy("author").agg(F.min("first").alias("node"), F.count("*").alias("degree"))
    a, b = cand.toDF("a1", "creator", "f1"), cand.toDF("a2", "creator", "f2")
    shared = a.join(b, ["creator"]).where(F.col("a1") < F.col("a2"))
    shared = shared.groupBy("a1", "a2").agg(F.count("*").alias("shared"))
    n1, n2 = nodes.toDF("a1", "src", "d1"), nodes.toDF("a2", "dst", "d2")
    jaccard = F.col("shared") / (F.col("d1") + F.col("d2") - F.col("shared"))
    linked = (F.col("shared") >= cfg.pod_min_shared) & (jaccard >= cfg.pod_min_jaccard)
    found = components(shared.join(n1, ["a1"]).join(n2, ["a2"]).where(linked))
    members = nodes.join(found, ["node"]).select("author", "component")
    members = members.toDF("author_id", "_component")
    marks = cand.select("author", "creator", F.lit(True)).toDF("author_id", "creator_id", "_cand")
    groups = work.join(members, ["author_id"]).join(marks, ["author_id", "creator_id"], "left")
    records = _records(groups, "_component", Pod, lambda rows: _pod_record(rows, cfg, has_times))
    order = (F.desc(F.size("authors")), F.asc("_component"))
    evidence = cut(_numbered(records, "pod_id", "P", *order), "pods: evidence")
    pod_pairs = evidence.select("pod_id", F.explode("authors").alias("author_id"), "creators")
    pod_pairs = pod_pairs.select("author_id", F.explode("creators").alias("creator_id"), "pod_id")
    return pod_pairs, evidence.drop("_component")


def _top_overlap(rows: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """``creator_overlap`` for one bucket's creators (``mine``), from every (author, creator) pair
    of their authors, so counts are whole; in first-line order, so ties go as on one machine."""
    rows = rows.sort_values("order", kind="stable")
    mine = rows.loc[rows["mine"].astype(bool), "creator_id"]
    found = signals.creator_overlap(rows, top, only=set(mine))
    items = [
        (creator, rank + 1, other, shared)
        for creator, ranked in found.items()
        for rank, (other, shared, _) in enumerate(ranked)
    ]
    return pd.DataFrame(items, columns=list(OVERLAP_SCHEMA))


def overlap(c: DataFrame, top: int = 3) -> DataFrame:
    """``creator_overlap``: each creator's ``top`` by shared commenters (``r``, ``other``,
    ``shared``); a bucket of creators gets its authors' pairs, never a creator x creator table."""
    by_pair = c.where(F.col("author_id").isNotNull()).groupBy("author_id", "creator_id")
    work = by_pair.agg(F.min("_line").alias("first"))
    order = work.groupBy("creator_id").agg(F.min("first").alias("order"))
    multi = work.groupBy("author_id").count().where(F.col("count") >= 2).select("author_id")
    buckets = 2 * c.sparkSession.sparkContext.defaultParallelism
    bucket = F.pmod(F.hash("creator_id"), F.lit(buckets)).alias("_b")
    mw = work.join(multi, ["author_id"]).join(order, ["creator_id"])
    mw = mw.select("author_id", "creator_id", "order", bucket)
    targets = mw.select("author_id", F.col("_b").alias("_target")).distinct()
    rows = mw.join(targets, ["author_id"]).withColumn("mine", F.col("_b") == F.col("_target"))
    # One task per bucket: a fixed count (AQE keeps it), by range (a hash of the bucket numbers
    # would put some in one partition and leave others empty)
    ranged = rows.repartitionByRange(buckets, "_target").groupBy("_target")
    return ranged.applyInPandas(lambda frame: _top_overlap(frame, top), schema(OVERLAP_SCHEMA))
