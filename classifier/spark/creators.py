"""Everything per creator, in ``applyInPandas`` with the scorer's own function
(:func:`classifier.scoring.engine.score_tables`): a bucket of whole creators gets its comments,
posts and the cross-creator evidence that names them, and returns its rows of the three
tables as one typed union (``_kind`` says which table a row belongs to)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from classifier.scoring.config import ScoringConfig
from classifier.scoring.economics import add_tier_percentiles
from classifier.scoring.engine import CrossCreator, _rank, score_tables
from classifier.scoring.report_data import COMMENT_COLUMNS, CREATOR_COLUMNS, POST_COLUMNS
from classifier.scoring.signals import Cluster, Pod, SignalResult
from classifier.spark.inputs import CREATOR_TABLE, POST_TABLE
from classifier.spark.session import objects, schema, types, utc

# The Spark type of every column of the three tables; any column not named here is a double.
_KIND = types(
    string="creator_id post_id comment_id author_id text reply_to label category lang cluster_id "
    "pod_id bait flags _source verdict platform language top_overlap tier currency burst_kind "
    "_kind _json",
    long="_line comments posts authors early_comments copy_paste_comments pod_comments "
    "burst_posts burst_comments bait_comments repeat_authors repeat_comments sponsored_comments "
    "organic_comments comments_total creator_replies excluded_comments tier_peers rank "
    "_order_kind _order",
    boolean="counted creator_reply excluded in_burst repeat_author provisional sponsored burst",
    timestamp="created_at posted_at",
    array_string="reasons missing_signals missing_columns economics_missing",
)
_EXTRA = ("_kind", "_order_kind", "_order", "_json")
UNION = {
    name: _KIND.get(name, "double")
    for name in dict.fromkeys((*_EXTRA, *COMMENT_COLUMNS, *POST_COLUMNS, *CREATOR_COLUMNS))
    if name != "rank"
}
UNION_SCHEMA = schema(UNION)
CREATORS = {name: _KIND.get(name, "double") for name in CREATOR_COLUMNS}
POSTS = {name: UNION[name] for name in POST_COLUMNS}
COMMENTS = {name: UNION[name] for name in COMMENT_COLUMNS}
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
CREATORS_IN = CREATOR_TABLE


@dataclass(frozen=True)
class Context:
    config: ScoringConfig
    present: frozenset[str]
    has_category: bool


def spark_type(cls: type) -> str:
    """The Spark struct type of an evidence dataclass (Burst, Cluster...)."""
    kinds = {"str": "string", "int": "long", "tuple[str, ...]": "array<string>"}
    kinds["dict[str, int]"] = "map<string,long>"
    parts = [f"{f.name}: {kinds.get(str(f.type), 'double')}" for f in fields(cls)]
    return f"struct<{', '.join(parts)}>"


def evidence_schema(cls: type, numbered: bool) -> str:
    """The DDL schema of an evidence table; clusters and pods carry their order ``_num``."""
    fields = spark_type(cls)[len("struct<") : -1].split(", ")
    fields[1:1] = ["_num int"] if numbered else []  # after the id
    return ", ".join(fields)


def record(cls: type, data: dict[str, Any]) -> Any:
    """An evidence dataclass from a JSON object or a collected Spark row."""
    values = {f.name: data.get(f.name) for f in fields(cls)}
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
        elif isinstance(value, dict):
            values[name] = {str(k): int(v) for k, v in value.items()}
    return cls(**values)


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
    out = frame.reset_index(drop=True).reindex(columns=list(UNION))
    out["_kind"] = kind
    for name, spark_kind in UNION.items():
        if spark_kind == "string" or (
            name not in frame.columns and spark_kind not in ("double", "long", "boolean")
        ):
            out[name] = pd.Series(objects(out[name]), dtype=object)
    return out


def rank_creators(table: pd.DataFrame) -> pd.DataFrame:
    """The rank and the tier percentiles look at every creator: the scorer's own functions on
    the whole creators table (one row per creator), ties in input order."""
    table = _rank(table.sort_values(["_order_kind", "_order"], kind="stable").copy())
    add_tier_percentiles(table)
    return table[list(CREATOR_COLUMNS)]


def _evidence(rows: pd.DataFrame, cls: type) -> list[Any]:
    """The evidence records naming the bucket's creators, each once, in their global order
    (C1, C2... / P1, P2...). A trimmed copy-paste record carries only its own creator's count,
    so the counts of the bucket's creators that share a cluster are merged."""
    found: dict[int, dict[str, Any]] = {}
    for num, raw in sorted(zip(rows["_num"].astype(int), rows["_json"], strict=True)):
        data = json.loads(raw)
        if num in found:
            found[num]["comments_by_creator"].update(data["comments_by_creator"])
        else:
            found[num] = data
    return [record(cls, data) for data in found.values()]


def _overlaps(rows: pd.DataFrame) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for creator, other, shared in rows.sort_values("r")[
        ["creator_id", "other", "shared"]
    ].itertuples(index=False):
        out.setdefault(str(creator), []).append((str(other), int(shared)))
    return out


def score_bucket(comments: pd.DataFrame, side: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """The rows of the three tables for a bucket of creators. Every step of ``score_tables``
    groups by creator, so a bucket gives each creator the numbers the whole input would."""

    def part(kind: str) -> pd.DataFrame:
        return side.loc[side["_side"] == kind]

    creator_rows = part("creator")
    posts = _pandas(part("post"), POSTS_IN)
    creators = _pandas(creator_rows, CREATORS_IN)
    df = _pandas(comments.sort_values("_line", kind="stable"), COMMENTS_IN)
    counted = ~(df["excluded"].to_numpy() | df["creator_reply"].to_numpy())
    c = df.loc[counted].reset_index(drop=True)
    in_cluster, in_pod = c["_cluster"].notna().to_numpy(), c["_pod"].notna().to_numpy()
    cross = CrossCreator(
        SignalResult(
            np.where(in_cluster, 1.0 - 1.0 / c["_m"].to_numpy(), 0.0), objects(c["_cluster"])
        ),
        SignalResult(np.where(in_pod, 1.0, 0.0), objects(c["_pod"])),
        _evidence(part("cluster"), Cluster),
        _evidence(part("pod"), Pod),
        _overlaps(part("overlap")),
    )
    timed = posts.loc[posts["posted_at"].notna(), "post_id"]
    time_source = dict.fromkeys((str(p) for p in timed), "posted_at")
    tables = score_tables(
        c, df, posts, creators, cross, time_source, ctx.config, ctx.present, ctx.has_category
    )
    table = tables.creators
    order = creator_rows.set_index(objects(creator_rows["creator_id"]))
    for column in ("_order_kind", "_order"):
        table[column] = order[column].reindex(table["creator_id"].to_numpy()).to_numpy()
    found: dict[str, list[Any]] = {"burst": tables.bursts, "repeat": tables.repeats}
    evidence = {
        k: pd.DataFrame({"_json": [json.dumps(asdict(x)) for x in v]}) for k, v in found.items()
    }
    frames = {"creator": table, "post": tables.posts, "comment": tables.comments, **evidence}
    parts = [_typed(frame, kind) for kind, frame in frames.items()]
    return pd.concat(parts, ignore_index=True)


def records_by_creator(evidence: DataFrame, cls: type, *, trim: bool) -> DataFrame:
    """(creator_id, _num, _json): each evidence record once per creator it names.

    With ``trim`` each creator gets only its own count in ``comments_by_creator`` and no
    variants, creators or comment ids: all its reasons read from a copy-paste cluster (a
    cluster can span thousands of creators; the full record is in ``clusters``).
    """
    exploded = evidence.select("*", F.explode("comments_by_creator").alias("creator_id", "__n"))
    if trim:
        empty = F.array().cast("array<string>")
        exploded = exploded.withColumns(
            {
                "comments_by_creator": F.create_map("creator_id", "__n"),
                **dict.fromkeys(("variants", "creators", "comment_ids"), empty),
            }
        )
    record = F.to_json(F.struct(*[f.name for f in fields(cls)]))
    return exploded.select("creator_id", "_num", record.alias("_json"))
