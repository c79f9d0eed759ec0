"""``score_creators``: comments (+ posts, creators) -> :class:`CreatorReport`.

One pass of plain steps: validate the tables, label the comments, run each signal on the
counted comments, take for each comment the largest discount any signal gives it, and
aggregate per creator and per post with group-bys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifier.io.problems import RowProblem
from classifier.scoring import metric
from classifier.scoring.budget import check_budget
from classifier.scoring.columns import add_provisional
from classifier.scoring.config import ScoringConfig
from classifier.scoring.economics import add_economics, add_tier_percentiles
from classifier.scoring.inputs import TableLike, prepare_inputs
from classifier.scoring.labels import attach_labels
from classifier.scoring.reasons import Evidence, reasons_for
from classifier.scoring.report import (
    COMMENT_COLUMNS,
    CREATOR_COLUMNS,
    POST_COLUMNS,
    CreatorReport,
)
from classifier.scoring.signals import (
    Burst,
    Cluster,
    Pod,
    RepeatAuthor,
    SignalResult,
    bait_source,
    creator_overlap,
    find_bait,
    find_bursts,
    find_clusters,
    find_pods,
    find_repeat_authors,
    row_dicts,
)

SKEW_MINUTES = 60.0  # comments up to an hour "before" their post are clock skew (delay 0)
SIGNALS = ("copy_paste", "pod", "burst", "repeat", "bait")


def _delays(c: pd.DataFrame, posts: pd.DataFrame) -> tuple[pd.Series, dict[str, str]]:
    """Minutes from the post's time (posted_at, else its first comment) to each comment."""
    posted = (
        posts.dropna(subset=["posted_at"])
        .drop_duplicates("post_id")
        .set_index("post_id")["posted_at"]
    )
    start = posted.reindex(c["post_id"].to_numpy()).set_axis(c.index)
    first = c.groupby("post_id")["created_at"].transform("min")
    start = start.where(start.notna(), first)
    delay = (c["created_at"] - start).dt.total_seconds() / 60.0
    delay = delay.where(delay >= -SKEW_MINUTES).clip(lower=0.0)
    source = dict.fromkeys((str(p) for p in posted.index), "posted_at")
    return delay, source


def _signals_off(present: frozenset[str], has_category: bool, n_counted: int) -> dict[str, str]:
    off: dict[str, str] = {}
    if "author_id" not in present:
        off["pods"] = "no author_id: pods need to know who wrote each comment"
        off["repeat_generic_authors"] = "no author_id"
        off["genuine_authors"] = "no author_id: distinct genuine authors cannot be counted"
        off["copy_paste_authors"] = (
            "no author_id: copy-paste clusters count comments, not distinct authors"
        )
    if "author_id" not in present and "is_creator_reply" not in present:
        off["creator_replies"] = (
            "no is_creator_reply or author_id: the creator's own replies count as audience comments"
        )
    if "created_at" not in present:
        off["bursts"] = "no created_at: bursts need comment times"
        off["pod_timing"] = (
            "no created_at: pods are found from shared creators and generic share only"
        )
        off["timeline"] = "no created_at"
    elif "posted_at" not in present:
        off["post_time"] = (
            "no posted_at (posts table): each post's time is taken as its first comment's"
        )
    if "followers" not in present:
        off["engagement_rate"] = "no followers (creators table): rates per 1,000 followers are off"
    if "followers" not in present:
        off["tiers"] = (
            "no followers (creators table): no tiers, engagement rates or percentiles within tier"
        )
    if "sponsored" not in present:
        off["sponsored_split"] = "no sponsored (posts table): no sponsored vs organic comparison"
    if "likes" not in present:
        off["engagement"] = (
            "no likes (posts table): no engagement rates, genuine engagements or cost per 1,000 "
            "genuine engagements"
        )
    if "views" not in present:
        off["views_rate"] = "no views (posts table): no engagement rates per view"
    if "comments_count" not in present:
        off["platform_counts"] = (
            "no comments_count (posts table): the comments given stand for each post's comments"
        )
    if "price" not in present:
        off["costs"] = "no price (creators table): no cost figures and no budget pick"
    elif "currency" not in present:
        off["currency"] = "no currency (creators table): prices without one give no cost figures"
    if not has_category:
        off["categories"] = (
            "no category (label/score column without category): category mix is off and bait is found with a phrase list"
        )
    if "platform" not in present:
        off["platform_norm"] = (
            "no platform (creators table): the default substantive-share norm is used"
        )
    return off


def _combine(c: pd.DataFrame, results: dict[str, SignalResult]) -> pd.DataFrame:
    """Per-comment discount a = max over signals; w = 1 - a; genuine = w p; flags in words."""
    a = np.zeros(len(c))
    for name, result in results.items():
        c[f"a_{name}"] = result.a
        a = np.maximum(a, result.a)
    c["a"] = a
    c["w"] = 1.0 - a
    c["genuine"] = c["w"] * c["p"]
    c["cluster_id"] = results["copy_paste"].column
    # A cluster with a single copy on this creator is not copy-paste *here* (weight 0).
    c["copy_paste"] = c["a_copy_paste"] > 0
    c["pod_id"] = results["pod"].column
    c["in_burst"] = results["burst"].column if results["burst"].column is not None else False
    c["repeat_author"] = results["repeat"].column if results["repeat"].column is not None else False
    c["bait"] = results["bait"].column
    c["flags"] = _flag_words(c)
    return c


def _flag_words(c: pd.DataFrame) -> np.ndarray:
    """Why each comment was discounted, in words ("copy-paste C3; pod P1; burst"), or ""."""
    out = np.full(len(c), "", dtype=object)
    any_flag = (
        c["cluster_id"].notna()
        | c["pod_id"].notna()
        | c["in_burst"].astype(bool)
        | c["repeat_author"].astype(bool)
        | c["bait"].notna()
    ).to_numpy()
    rows = np.flatnonzero(any_flag)
    if not len(rows):
        return out
    sub = c.iloc[rows]
    columns = zip(
        sub["cluster_id"],
        sub["copy_paste"],
        sub["pod_id"],
        sub["in_burst"],
        sub["repeat_author"],
        sub["bait"],
        strict=True,
    )
    out[rows] = [
        "; ".join(
            part
            for part in (
                (
                    ""
                    if pd.isna(cluster)
                    else f"copy-paste {cluster}"
                    if here
                    else f"same text as {cluster} elsewhere"
                ),
                "" if pd.isna(pod) else f"pod {pod}",
                "burst" if burst else "",
                "repeat generic author" if repeat else "",
                "" if pd.isna(bait) else str(bait).replace("_", " "),
            )
            if part
        )
        for cluster, here, pod, burst, repeat, bait in columns
    ]
    return out


def _creator_stats(
    c: pd.DataFrame, df: pd.DataFrame, posts: pd.DataFrame, creators: pd.DataFrame
) -> pd.DataFrame:
    g = c.groupby("creator_id")
    stats = pd.DataFrame(
        {
            "comments": g.size(),
            "substantive": g["p"].sum(),
            "a_sum": g["a"].sum(),
            "genuine_comments": g["genuine"].sum(),
            "authors": g["author_id"].nunique(),
            "copy_paste_comments": g["copy_paste"].sum(),
            "pod_comments": g["pod_id"].count(),
            "burst_comments": g["in_burst"].sum(),
            "bait_comments": g["bait"].count(),
            "repeat_comments": g["repeat_author"].sum(),
        }
    )
    totals = df.groupby("creator_id").agg(
        comments_total=("p", "size"),
        creator_replies=("creator_reply", "sum"),
        excluded_comments=("excluded", "sum"),
    )
    post_counts = posts.groupby("creator_id")["post_id"].nunique().rename("posts")
    table = (
        creators.set_index("creator_id")
        .join([totals, post_counts], how="left")
        .join(stats, how="left")
    )
    fill = [
        "comments",
        "substantive",
        "a_sum",
        "genuine_comments",
        "authors",
        "copy_paste_comments",
        "pod_comments",
        "burst_comments",
        "bait_comments",
        "repeat_comments",
        "comments_total",
        "creator_replies",
        "excluded_comments",
        "posts",
    ]
    table[fill] = table[fill].fillna(0)
    return table.reset_index()


def _add_metric(
    table: pd.DataFrame, cfg: ScoringConfig, has_authors: bool, genuine_authors: pd.Series
) -> None:
    n = table["comments"].to_numpy(dtype=float)
    s = metric.jeffreys(table["substantive"].to_numpy(dtype=float), n, cfg.confidence)
    u = metric.jeffreys(table["a_sum"].to_numpy(dtype=float), n, cfg.confidence)
    table["substantive_share"], table["substantive_low"], table["substantive_high"] = s
    table["inauthentic_share"], table["inauthentic_low"], table["inauthentic_high"] = u
    table["norm"] = [cfg.norm_for(p) for p in table["platform"]]
    table["norm_floor"] = table["norm"] * cfg.far_below_factor
    score, low, high = metric.authenticity(s, u, table["norm_floor"].to_numpy(dtype=float))
    table["authenticity"], table["authenticity_low"], table["authenticity_high"] = score, low, high
    table["verdict"] = metric.verdicts(score, n, cfg)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["genuine_share"] = table["genuine_comments"] / table["comments"].where(
            table["comments"] > 0
        )
        posts = table["posts"].where(table["posts"] > 0)
        table["comments_per_post"] = table["comments"] / posts
        table["genuine_per_post"] = table["genuine_comments"] / posts
        followers = pd.to_numeric(table["followers"], errors="coerce").where(lambda f: f > 0)
        table["raw_rate_per_1k"] = table["comments_per_post"] / followers * 1000.0
        table["genuine_rate_per_1k"] = table["genuine_per_post"] / followers * 1000.0
        table["inflation"] = table["comments_per_post"] / table["genuine_per_post"].where(
            table["genuine_per_post"] > 0
        )
    table["genuine_authors"] = (
        table["creator_id"].map(genuine_authors).fillna(0.0) if has_authors else np.nan
    )
    if not has_authors:
        table["authors"] = np.nan


def _add_sponsored(
    table: pd.DataFrame, c: pd.DataFrame, posts: pd.DataFrame, cfg: ScoringConfig
) -> None:
    sponsored = c["post_id"].map(posts.drop_duplicates("post_id").set_index("post_id")["sponsored"])
    for name, mask in (("sponsored", sponsored == True), ("organic", sponsored == False)):  # noqa: E712
        split = metric.share_split(c, mask.fillna(False).to_numpy(dtype=bool), cfg.confidence)
        for column, source in (
            ("share", "share"),
            ("low", "low"),
            ("high", "high"),
            ("comments", "n"),
        ):
            table[f"{name}_{column}"] = table["creator_id"].map(split[source])


def _evidence_index(
    clusters: Sequence[Cluster],
    pods: Sequence[Pod],
    bursts: Sequence[Burst],
    repeats: Sequence[RepeatAuthor],
    c: pd.DataFrame,
) -> dict[str, Evidence]:
    by: dict[str, dict[str, list[Any]]] = {}

    def add(creator: str, kind: str, item: Any) -> None:
        by.setdefault(creator, {"clusters": [], "pods": [], "bursts": [], "repeats": []})[
            kind
        ].append(item)

    for cl in clusters:
        for creator, count in cl.comments_by_creator.items():
            if count >= 2:
                add(creator, "clusters", cl)
    for pod in pods:
        for creator in pod.comments_by_creator:
            add(creator, "pods", pod)
    for burst in bursts:
        add(burst.creator_id, "bursts", burst)
    for repeat in repeats:
        add(repeat.creator_id, "repeats", repeat)
    bait = c.loc[c["bait"].notna()].groupby("creator_id")["text"].apply(lambda s: list(s.head(3)))
    out: dict[str, Evidence] = {}
    for creator in set(by) | set(bait.index):
        parts = by.get(creator, {"clusters": [], "pods": [], "bursts": [], "repeats": []})
        out[str(creator)] = Evidence(
            parts["clusters"],
            parts["pods"],
            parts["bursts"],
            parts["repeats"],
            bait.get(creator, []),
        )
    return out


def _rank(table: pd.DataFrame) -> pd.DataFrame:
    ordered = table.sort_values(
        ["authenticity_low", "authenticity", "comments"],
        ascending=False,
        na_position="last",
        kind="stable",
    )
    ordered = ordered.reset_index(drop=True)
    ordered["rank"] = np.arange(1, len(ordered) + 1)
    return ordered


def _post_table(c: pd.DataFrame, posts: pd.DataFrame, timing: pd.DataFrame | None) -> pd.DataFrame:
    g = c.groupby("post_id")
    stats = pd.DataFrame(
        {
            "comments": g.size(),
            "substantive_share": g["p"].mean(),
            "genuine_comments": g["genuine"].sum(),
            "copy_paste_comments": g["copy_paste"].sum(),
            "pod_comments": g["pod_id"].count(),
            "bait_comments": g["bait"].count(),
        }
    )
    table = posts.set_index("post_id").join(stats, how="left")
    if timing is not None and not timing.empty:
        t = (
            timing.drop_duplicates("post")
            .set_index("post")
            .rename(
                columns={
                    "early": "early_comments",
                    "share": "early_share",
                    "baseline": "baseline_share",
                    "kind": "burst_kind",
                }
            )
        )
        table = table.join(
            t[["early_comments", "early_share", "baseline_share", "burst", "burst_kind"]],
            how="left",
        )
    for column in (
        "comments",
        "genuine_comments",
        "copy_paste_comments",
        "pod_comments",
        "bait_comments",
    ):
        table[column] = table[column].fillna(0)
    table["burst"] = table["burst"].fillna(False).astype(bool) if "burst" in table else False
    table = table.reset_index()
    for column in POST_COLUMNS:
        if column not in table.columns:
            table[column] = None
    return (
        table[list(POST_COLUMNS)]
        .sort_values(["creator_id", "posted_at", "post_id"])
        .reset_index(drop=True)
    )


def _comment_table(df: pd.DataFrame, c: pd.DataFrame, counted: np.ndarray) -> pd.DataFrame:
    out = df.copy()
    out["counted"] = counted
    extra = [
        "delay_min",
        "cluster_id",
        "pod_id",
        "in_burst",
        "repeat_author",
        "bait",
        "a",
        "w",
        "genuine",
        "flags",
    ]
    for column in extra:
        values = c[column].to_numpy()
        full = (
            np.full(len(out), None, dtype=object)
            if values.dtype == object
            else np.full(len(out), np.nan)
        )
        if values.dtype == bool:
            full = np.zeros(len(out), dtype=bool)
        full[counted] = values
        out[column] = full
    out = out.rename(columns={"delay_min": "delay_minutes"})
    out.loc[~counted, "flags"] = np.where(
        out.loc[~counted, "excluded"], "excluded author", "creator reply"
    )
    return out[[col for col in COMMENT_COLUMNS if col in out.columns]]


@dataclass(frozen=True)
class CrossCreator:
    """What the signals that look across creators found: per counted comment (copy-paste and
    pod discounts) and as evidence; ``overlaps`` maps a creator to the creators sharing most of
    its commenters, as (creator, shared commenters), best first."""

    copy_paste: SignalResult
    pod: SignalResult
    clusters: Sequence[Cluster]
    pods: Sequence[Pod]
    overlaps: dict[str, list[tuple[str, int]]]


@dataclass(frozen=True)
class CreatorTables:
    creators: pd.DataFrame  # not yet ranked, no tier percentiles (both look at every creator)
    posts: pd.DataFrame
    comments: pd.DataFrame
    bursts: list[Burst]
    repeats: list[RepeatAuthor]


def score_tables(
    c: pd.DataFrame,
    df: pd.DataFrame,
    posts: pd.DataFrame,
    creators: pd.DataFrame,
    cross: CrossCreator,
    time_source: dict[str, str],
    cfg: ScoringConfig,
    present: frozenset[str],
    has_category: bool,
) -> CreatorTables:
    """Everything that groups by creator or post: the per-creator signals (bursts, repeat
    authors, bait), the discounts, the metric, economics and reasons, and the three tables.

    ``df`` holds every labeled comment, ``c`` the counted ones with ``delay_min``. Any subset
    of whole creators gives each of them the numbers the whole input would (Spark scores
    buckets of creators with it)."""
    has_authors, has_times = "author_id" in present, "created_at" in present
    n = len(c)
    zeros = SignalResult(np.zeros(n), np.zeros(n, dtype=bool))
    results = {"copy_paste": cross.copy_paste, "pod": cross.pod, "burst": zeros, "repeat": zeros}
    timing: pd.DataFrame | None = None
    bursts: list[Burst] = []
    repeats: list[RepeatAuthor] = []
    if has_times and n:
        results["burst"], bursts, timing = find_bursts(c, cfg, time_source)
    if has_authors and n:
        results["repeat"], repeats = find_repeat_authors(c, cfg)
    if n:
        results["bait"], _ = find_bait(c, cfg, has_category)
    else:
        results["bait"] = SignalResult(np.zeros(0), np.full(0, None, dtype=object))
    c = _combine(c, results)
    table = _creator_stats(c, df, posts, creators)
    genuine_authors = (
        metric.genuine_authors(c, c["genuine"].to_numpy())
        if has_authors
        else pd.Series(dtype=float)
    )
    _add_metric(table, cfg, has_authors, genuine_authors)
    add_provisional(table, c, cfg)
    for column, found in (("repeat_authors", repeats), ("burst_posts", bursts)):
        ids = pd.Series([r.creator_id for r in found], dtype=object)
        table[column] = table["creator_id"].map(ids.value_counts()).fillna(0).astype(int)
    if "sponsored" in present:
        _add_sponsored(table, c, posts, cfg)
    add_economics(table, c, posts, cfg)
    table["top_overlap"] = [
        "; ".join(
            f"{other} ({shared} shared commenters)"
            for other, shared in cross.overlaps.get(str(cid), [])
            if shared >= 2
        )
        for cid in table["creator_id"]
    ]
    evidence = _evidence_index(cross.clusters, cross.pods, bursts, repeats, c)
    empty = Evidence([], [], [], [], [])
    table["reasons"] = [
        reasons_for(row, evidence.get(str(row["creator_id"]), empty), cfg)
        for row in row_dicts(table)
    ]
    counted = ~(df["excluded"].to_numpy(dtype=bool) | df["creator_reply"].to_numpy(dtype=bool))
    return CreatorTables(
        table, _post_table(c, posts, timing), _comment_table(df, c, counted), bursts, repeats
    )


def score_creators(
    comments: TableLike,
    posts: TableLike | None = None,
    creators: TableLike | None = None,
    predictor: Any = None,
    *,
    exclude_authors: Iterable[str] | str | Path | None = None,
    text_column: str = "text",
    config: ScoringConfig | None = None,
    problems: Sequence[RowProblem] = (),
    notes: Sequence[str] = (),
    label_progress: Any = None,
    budget: float | None = None,
    currency: str | None = None,
) -> CreatorReport:
    """Score each creator's comment section; see docs/metric.md for every formula.

    ``comments`` is a DataFrame or a CSV/JSONL/JSON/Parquet path (or several); ``posts`` and
    ``creators`` likewise. Labels come from ``predictor`` when given, else from ``score`` /
    ``label`` columns, else from ``classifier.load()``. ``exclude_authors`` (ids, a file with
    one per line, or "a,b,c") are left out of every count, as are the creator's own replies.
    ``problems``/``notes`` from an upstream reader are carried into the report.
    ``label_progress`` shows the model's labeling: see :func:`attach_labels`.
    ``budget`` with ``currency`` (an ISO 4217 code) adds the budget pick (``report.budget``;
    see :mod:`classifier.scoring.budget` and docs/economics.md).
    """
    cfg = config or ScoringConfig()
    if budget is not None:
        check_budget(budget, currency)  # a bad budget fails before the scoring, not after
    inputs = prepare_inputs(
        comments, posts, creators, text_column=text_column, exclude_authors=exclude_authors
    )
    labeled = attach_labels(inputs.comments, predictor, label_progress)
    df = labeled.comments
    present = inputs.present
    has_authors, has_times = "author_id" in present, "created_at" in present
    counted = ~(df["excluded"].to_numpy(dtype=bool) | df["creator_reply"].to_numpy(dtype=bool))
    c = df.loc[counted].reset_index(drop=True)
    c["delay_min"], time_source = _delays(c, inputs.posts)
    zeros = SignalResult(np.zeros(len(c)), np.full(len(c), None, dtype=object))
    copy_paste, clusters = find_clusters(c, cfg, has_authors)
    pod, pods = find_pods(c, cfg, has_times) if has_authors else (zeros, [])
    overlaps = creator_overlap(c) if has_authors else {}
    cross = CrossCreator(
        copy_paste,
        pod,
        clusters,
        pods,
        {creator: [(o, n) for o, n, _ in rows] for creator, rows in overlaps.items()},
    )
    tables = score_tables(
        c, df, inputs.posts, inputs.creators, cross, time_source, cfg, present, labeled.has_category
    )
    table = _rank(tables.creators)
    add_tier_percentiles(table)
    for column in CREATOR_COLUMNS:
        if column not in table.columns:
            table[column] = np.nan
    off = _signals_off(present, labeled.has_category, len(c))
    all_notes = [
        *notes,
        *inputs.notes,
        f"labels from {labeled.source}",
        f"bait found with {bait_source(labeled.has_category)}",
    ]
    report = CreatorReport(
        creators=table[list(CREATOR_COLUMNS)],
        posts=tables.posts,
        comments=tables.comments,
        clusters=tuple(clusters),
        pods=tuple(pods),
        bursts=tuple(tables.bursts),
        repeat_authors=tuple(tables.repeats),
        problems=(*problems, *inputs.problems, *labeled.problems),
        signals_off=off,
        notes=tuple(all_notes),
        label_source=labeled.source,
        config=cfg,
    )
    return report.plan_budget(budget, currency) if budget is not None else report
