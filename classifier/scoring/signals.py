"""The inauthenticity signals: copy-paste clusters, pods, bursts, repeat generic authors, bait.

Each signal works on the counted comments (creator replies and excluded authors removed) and
returns an array ``a`` with one value per comment in [0, 1]: how much of that comment the
signal attributes to inauthentic engagement (1 = all of it), plus the evidence records that
explain it. Everything is vectorized with numpy/pandas group-bys; nothing compares all pairs.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import binom

from classifier.scoring.config import ScoringConfig
from classifier.scoring.textsim import key_units, near_duplicate_groups, text_keys

MAX_IDS = 25  # comment ids kept per evidence record; the comments table has all of them


@dataclass(frozen=True)
class Cluster:
    """Near-duplicate comments posted by different authors (copy-paste)."""

    cluster_id: str
    text: str
    variants: tuple[str, ...]
    comments: int
    authors: int
    creators: tuple[str, ...]
    comments_by_creator: dict[str, int]
    comment_ids: tuple[str, ...]


@dataclass(frozen=True)
class Pod:
    """Authors who comment on the same creators, fast after posting or almost only generically."""

    pod_id: str
    authors: tuple[str, ...]
    creators: tuple[str, ...]
    comments: int
    comments_by_creator: dict[str, int]
    fast_share: float | None
    median_delay_minutes: float | None
    generic_share: float
    why: str
    comment_ids: tuple[str, ...]


@dataclass(frozen=True)
class Burst:
    """A post with an unusual share of its comments in the first minutes after posting."""

    post_id: str
    creator_id: str
    kind: str  # "relative" (vs the creator's other posts) or "absolute"
    comments: int
    early_comments: int
    early_share: float
    baseline_share: float
    p_value: float
    window_minutes: float
    post_time_from: str  # "posted_at" or "first comment"
    comment_ids: tuple[str, ...]


@dataclass(frozen=True)
class RepeatAuthor:
    """An account leaving generic comments on most of one creator's posts."""

    creator_id: str
    author_id: str
    posts: int
    creator_posts: int
    comments: int
    generic_comments: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class SignalResult:
    a: np.ndarray
    column: np.ndarray | None = None  # a per-comment label (cluster id, pod id...)


def row_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with string keys (typed for mypy)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


# --- copy-paste clusters ------------------------------------------------------------------


def cluster_record(cluster_id: str, rows: pd.DataFrame, authors: int) -> Cluster:
    """A cluster's evidence from its comments (``creator``, ``text``, ``comment_id``) in input
    order."""
    variants = rows["text"].value_counts()
    by_creator = rows["creator"].value_counts()
    return Cluster(
        cluster_id=cluster_id,
        text=str(variants.index[0]),
        variants=tuple(str(v) for v in variants.index[:6]),
        comments=len(rows),
        authors=authors,
        creators=tuple(str(x) for x in by_creator.index),
        comments_by_creator={str(k): int(v) for k, v in by_creator.items()},
        comment_ids=tuple(str(x) for x in rows["comment_id"].head(MAX_IDS)),
    )


def find_clusters(
    c: pd.DataFrame, cfg: ScoringConfig, has_authors: bool
) -> tuple[SignalResult, list[Cluster]]:
    """Near-duplicate groups with at least ``dupe_min_authors`` authors; each counts once per creator.

    Only keys of at least ``dupe_min_units`` are compared: short reactions ("đẹp quá", "好看",
    "so cute") repeat naturally in genuine audiences and are not evidence.
    """
    n = len(c)
    none = SignalResult(np.zeros(n), np.full(n, None, dtype=object))
    if n == 0:
        return none, []
    keys = text_keys(c["text"])
    key_codes, key_index = pd.factorize(keys)
    key_uniques = np.asarray(key_index, dtype=object)
    units = key_units(pd.Series(key_uniques, dtype=object))
    eligible = np.flatnonzero(units >= cfg.dupe_min_units)
    if not len(eligible):
        return none, []
    groups = near_duplicate_groups(
        [key_uniques[i] for i in eligible],
        bands=cfg.minhash_bands,
        rows=cfg.minhash_rows,
        min_jaccard=cfg.dupe_jaccard,
    )
    group_of_key = np.full(len(key_uniques), -1, dtype=np.int64)
    group_of_key[eligible] = groups
    group = group_of_key[key_codes]
    member = group >= 0
    work = pd.DataFrame({"group": group[member], "creator": c["creator_id"].to_numpy()[member]})
    work["author"] = c["author_id"].to_numpy()[member] if has_authors else np.arange(member.sum())
    sizes = work.groupby("group").agg(comments=("creator", "size"), authors=("author", "nunique"))
    valid = sizes.index[sizes["authors"] >= cfg.dupe_min_authors]
    if not len(valid):
        return none, []
    ordered = sizes.loc[valid].sort_values(["comments", "authors"], ascending=False)
    names = {g: f"C{k + 1}" for k, g in enumerate(ordered.index)}
    in_cluster = member & np.isin(group, ordered.index.to_numpy())
    cluster_col = np.full(n, None, dtype=object)
    cluster_col[in_cluster] = [names[g] for g in group[in_cluster]]
    members = pd.DataFrame(
        {
            "cluster": cluster_col[in_cluster],
            "creator": c["creator_id"].to_numpy()[in_cluster],
            "text": c["text"].to_numpy()[in_cluster],
            "comment_id": c["comment_id"].to_numpy()[in_cluster],
        }
    )
    m = members.groupby(["cluster", "creator"])["text"].transform("size").to_numpy(dtype=float)
    a = np.zeros(n)
    a[in_cluster] = 1.0 - 1.0 / m
    authors_of = {names[g]: int(v) for g, v in ordered["authors"].items()}
    clusters = [
        cluster_record(str(name), rows, authors_of[str(name)] if has_authors else 0)
        for name, rows in members.groupby("cluster", sort=False)
    ]
    clusters.sort(key=lambda cl: int(cl.cluster_id[1:]))
    return SignalResult(a, cluster_col), clusters


# --- pods ---------------------------------------------------------------------------------


def _pod_candidates(c: pd.DataFrame, cfg: ScoringConfig, has_times: bool) -> pd.DataFrame:
    """(author, creator) pairs of authors who comment on several creators in a pod-like way."""
    fast = (
        (c["delay_min"] <= cfg.pod_fast_minutes).to_numpy() if has_times else np.zeros(len(c), bool)
    )
    timed = c["delay_min"].notna().to_numpy() if has_times else np.zeros(len(c), bool)
    work = pd.DataFrame(
        {
            "author": c["author_id"].to_numpy(),
            "creator": c["creator_id"].to_numpy(),
            "fast": fast,
            "timed": timed,
            "generic": (c["p"] < 0.5).to_numpy(),
        }
    ).dropna(subset=["author"])
    pairs = (
        work.groupby(["author", "creator"], sort=False)
        .agg(
            n=("fast", "size"),
            fast=("fast", "sum"),
            timed=("timed", "sum"),
            generic=("generic", "sum"),
        )
        .reset_index()
    )
    per_author = pairs.groupby("author").agg(
        creators=("creator", "size"),
        n=("n", "sum"),
        fast=("fast", "sum"),
        timed=("timed", "sum"),
        generic=("generic", "sum"),
    )
    # With comment times a pod account must be fast (most of its comments within minutes of
    # posting) on several creators, and only the creators where it was fast link it to others:
    # generic comments alone are how most real audiences write. Without times, generic it is.
    if has_times:
        pairs = pairs.loc[pairs["fast"] > 0]
        fast_share = per_author["fast"] / per_author["timed"].where(per_author["timed"] > 0)
        fast_creators = pairs.groupby("author").size().reindex(per_author.index, fill_value=0)
        pod_like = (fast_creators >= cfg.pod_min_creators) & (
            fast_share >= cfg.pod_fast_share
        ).fillna(False)
    else:
        pod_like = (per_author["creators"] >= cfg.pod_min_creators) & (
            per_author["generic"] / per_author["n"] >= cfg.pod_generic_share
        )
    keep = per_author.index[pod_like]
    return pairs.loc[pairs["author"].isin(keep)]


def _author_components(pairs: pd.DataFrame, cfg: ScoringConfig) -> tuple[np.ndarray, np.ndarray]:
    """Authors linked when they share enough creators; returns (author names, component ids)."""
    author_codes, authors = pd.factorize(pairs["author"])
    creator_codes, _ = pd.factorize(pairs["creator"])
    matrix = sparse.csr_matrix(
        (np.ones(len(pairs), dtype=np.int32), (author_codes, creator_codes)),
        shape=(len(authors), int(creator_codes.max()) + 1),
    )
    degree = np.asarray(matrix.sum(axis=1)).ravel()
    shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    jaccard = shared.data / (degree[shared.row] + degree[shared.col] - shared.data)
    keep = (shared.data >= cfg.pod_min_shared) & (jaccard >= cfg.pod_min_jaccard)
    graph = sparse.coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (shared.row[keep], shared.col[keep])),
        shape=(len(authors), len(authors)),
    )
    _, labels = connected_components(graph, directed=False)
    return np.asarray(authors, dtype=object), labels


def pod_core(pairs: pd.DataFrame, members: int, cfg: ScoringConfig) -> list[str]:
    """The creators that at least half of a group's ``members`` authors are candidates on
    (``pairs``: author, creator); none when there are fewer than ``pod_min_shared``."""
    counts = pairs.groupby("creator")["author"].nunique()
    core = counts.index[counts >= max(2, math.ceil(0.5 * members))]
    return [str(x) for x in core] if len(core) >= cfg.pod_min_shared else []


def pod_record(
    pod_id: str, authors: Sequence[str], sub: pd.DataFrame, cfg: ScoringConfig, has_times: bool
) -> Pod | None:
    """A pod's evidence from its members' comments on its core creators (``creator_id``,
    ``comment_id``, ``p``, ``delay_min``) in input order; None when it is not flagged."""
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
    if not reasons:
        return None
    by_creator = sub.groupby("creator_id").size().sort_values(ascending=False)
    return Pod(
        pod_id=pod_id,
        authors=tuple(authors),
        creators=tuple(str(x) for x in by_creator.index),
        comments=len(sub),
        comments_by_creator={str(k): int(v) for k, v in by_creator.items()},
        fast_share=fast_share,
        median_delay_minutes=float(delays.median()) if len(delays) else None,
        generic_share=generic_share,
        why="; ".join(reasons),
        comment_ids=tuple(str(x) for x in sub["comment_id"].head(MAX_IDS)),
    )


def find_pods(
    c: pd.DataFrame, cfg: ScoringConfig, has_times: bool
) -> tuple[SignalResult, list[Pod]]:
    """Groups of at least ``pod_min_authors`` accounts that each comment on at least
    ``pod_min_shared`` of the same creators, flagged when most of their comments there arrive
    within ``pod_fast_minutes`` of posting or almost all are generic.
    """
    n = len(c)
    pod_col = np.full(n, None, dtype=object)
    a = np.zeros(n)
    pairs = _pod_candidates(c, cfg, has_times)
    if pairs.empty:
        return SignalResult(a, pod_col), []
    authors, labels = _author_components(pairs, cfg)
    sizes = np.bincount(labels)
    found: list[tuple[list[str], list[str]]] = []
    for label in np.flatnonzero(sizes >= cfg.pod_min_authors):
        members = authors[labels == label]
        core = pod_core(pairs.loc[pairs["author"].isin(set(members))], len(members), cfg)
        if core:
            found.append((sorted(str(m) for m in members), core))
    found.sort(key=lambda item: -len(item[0]))
    # One pass over the comments: which pod (if any) each comment's author belongs to, and
    # whether the comment is on one of that pod's core creators.
    pod_of_author = {author: k for k, (members, _) in enumerate(found) for author in members}
    cores = [set(core) for _, core in found]
    index = c["author_id"].map(pod_of_author)
    candidates = np.flatnonzero(index.notna().to_numpy())
    keep = [
        i
        for i, k, creator in zip(
            candidates,
            index.to_numpy()[candidates],
            c["creator_id"].to_numpy()[candidates],
            strict=True,
        )
        if creator in cores[int(k)]
    ]
    member_rows = np.asarray(keep, dtype=np.int64)
    pod_index = index.to_numpy()[member_rows].astype(int)
    columns = ["creator_id", "comment_id", "p", *(["delay_min"] if has_times else [])]
    member_frame = c[columns].iloc[member_rows].assign(_row=member_rows, _pod=pod_index)
    by_pod = {int(str(k)): frame for k, frame in member_frame.groupby("_pod")}
    pods: list[Pod] = []
    for k, (member_ids, _) in enumerate(found):
        sub = by_pod.get(k, member_frame.iloc[0:0])
        rows = sub["_row"].to_numpy()
        pod = pod_record(f"P{len(pods) + 1}", member_ids, sub, cfg, has_times)
        if pod is not None:
            pod_col[rows] = pod.pod_id
            a[rows] = 1.0
            pods.append(pod)
    return SignalResult(a, pod_col), pods


def creator_overlap(
    c: pd.DataFrame, top: int = 3, only: Collection[str] | None = None
) -> dict[str, list[tuple[str, int, float]]]:
    """For each creator (of ``only``, when given), the creators sharing most commenters:
    (creator, shared, Jaccard); ties go to the creator seen first in ``c``."""
    work = c[["author_id", "creator_id"]].dropna().drop_duplicates()
    if work.empty:
        return {}
    author_codes, _ = pd.factorize(work["author_id"])
    creator_codes, creators = pd.factorize(work["creator_id"])
    matrix = sparse.csr_matrix(
        (np.ones(len(work), dtype=np.int32), (author_codes, creator_codes)),
        shape=(int(author_codes.max()) + 1, len(creators)),
    )
    size = np.asarray(matrix.sum(axis=0)).ravel()
    multi = matrix[np.asarray(matrix.sum(axis=1)).ravel() >= 2]
    rows = np.arange(len(creators)) if only is None else np.flatnonzero(creators.isin(list(only)))
    shared = (multi[:, rows].T @ multi).tocsr()
    out: dict[str, list[tuple[str, int, float]]] = {}
    for k, i in enumerate(rows.tolist()):
        lo, hi = shared.indptr[k], shared.indptr[k + 1]
        counts, columns = shared.data[lo:hi], shared.indices[lo:hi]
        counts, columns = counts[columns != i], columns[columns != i]
        if not len(counts):
            continue
        best = np.argsort(-counts, kind="stable")[:top]
        out[str(creators[i])] = [
            (str(creators[j]), int(n), float(n / (size[i] + size[j] - n)))
            for j, n in zip(columns[best], counts[best], strict=True)
        ]
    return out


# --- bursts -------------------------------------------------------------------------------


def find_bursts(
    c: pd.DataFrame, cfg: ScoringConfig, time_source: dict[str, str]
) -> tuple[SignalResult, list[Burst], pd.DataFrame]:
    """Posts whose first ``burst_window_minutes`` hold an unusual share of their comments.

    Relative: share at least ``burst_relative_factor`` x the creator's own other posts (shrunk
    toward ``burst_reference_share``) and a one-sided binomial p-value below ``burst_p_value``.
    Absolute: share at least ``burst_absolute_share`` whatever the other posts do (a creator who
    buys every post has no clean baseline). Returns per-post timing stats too.
    """
    n = len(c)
    a = np.zeros(n)
    timed = c["delay_min"].notna().to_numpy()
    early = timed & (c["delay_min"] <= cfg.burst_window_minutes).to_numpy()
    work = pd.DataFrame(
        {
            "post": c["post_id"].to_numpy(),
            "creator": c["creator_id"].to_numpy(),
            "timed": timed,
            "early": early,
        }
    )
    posts = (
        work.groupby(["creator", "post"], sort=False)
        .agg(timed=("timed", "sum"), early=("early", "sum"))
        .reset_index()
    )
    totals = posts.groupby("creator")[["timed", "early"]].transform("sum")
    other_n = (totals["timed"] - posts["timed"]).to_numpy(dtype=float)
    other_e = (totals["early"] - posts["early"]).to_numpy(dtype=float)
    k = cfg.burst_prior_weight
    baseline = (other_e + k * cfg.burst_reference_share) / (other_n + k)
    n_post = posts["timed"].to_numpy(dtype=float)
    e_post = posts["early"].to_numpy(dtype=float)
    share = np.divide(e_post, n_post, out=np.zeros_like(e_post), where=n_post > 0)
    p_value = binom.sf(e_post - 1, n_post, np.clip(baseline, 1e-6, 1 - 1e-6))
    enough = n_post >= cfg.burst_min_comments
    relative = (
        enough
        & (share >= cfg.burst_relative_factor * baseline)
        & (share >= cfg.burst_relative_min_share)
        & (p_value < cfg.burst_p_value)
    )
    absolute = enough & (share >= cfg.burst_absolute_share)
    posts = posts.assign(
        share=share,
        baseline=baseline,
        p_value=p_value,
        burst=relative | absolute,
        kind=np.where(relative, "relative", np.where(absolute, "absolute", "")),
    )
    expected = np.minimum(baseline, cfg.burst_reference_share) * n_post
    expected = np.where(relative, baseline * n_post, expected)
    keep_share = np.divide(expected, e_post, out=np.ones_like(e_post), where=e_post > 0)
    posts["early_weight"] = np.where(posts["burst"], np.clip(keep_share, 0.0, 1.0), 1.0)
    weight_of_post = posts.set_index("post")["early_weight"]
    in_burst = early & c["post_id"].map(posts.set_index("post")["burst"]).fillna(False).to_numpy(
        dtype=bool
    )
    a[in_burst] = 1.0 - c.loc[in_burst, "post_id"].map(weight_of_post).to_numpy(dtype=float)
    ids = (
        c.loc[in_burst]
        .groupby("post_id")["comment_id"]
        .apply(lambda x: tuple(str(i) for i in x.head(MAX_IDS)))
    )
    bursts = [
        Burst(
            post_id=str(row["post"]),
            creator_id=str(row["creator"]),
            kind=str(row["kind"]),
            comments=int(row["timed"]),
            early_comments=int(row["early"]),
            early_share=float(row["share"]),
            baseline_share=float(row["baseline"]),
            p_value=float(row["p_value"]),
            window_minutes=cfg.burst_window_minutes,
            post_time_from=time_source.get(str(row["post"]), "first comment"),
            comment_ids=ids.get(row["post"], ()),
        )
        for row in row_dicts(posts.loc[posts["burst"]].sort_values("share", ascending=False))
    ]
    return SignalResult(a, in_burst), bursts, posts


# --- repeat generic authors ---------------------------------------------------------------


def find_repeat_authors(
    c: pd.DataFrame, cfg: ScoringConfig
) -> tuple[SignalResult, list[RepeatAuthor]]:
    """Accounts with generic comments on at least ``repeat_post_share`` of a creator's posts
    (and at least ``repeat_min_posts``), nearly all of their comments there generic. Weaker
    evidence than the others (loyal fans do this too), so it counts ``repeat_weight``.
    """
    n = len(c)
    a = np.zeros(n)
    flag = np.zeros(n, dtype=bool)
    generic = (c["p"] < 0.5).to_numpy()
    work = pd.DataFrame(
        {
            "creator": c["creator_id"].to_numpy(),
            "author": c["author_id"].to_numpy(),
            "post": c["post_id"].to_numpy(),
            "generic": generic,
        }
    )
    creator_posts = work.groupby("creator")["post"].nunique()
    work = work.dropna(subset=["author"])
    if work.empty:
        return SignalResult(a, flag), []
    stats = work.groupby(["creator", "author"]).agg(
        comments=("generic", "size"), generic=("generic", "sum")
    )
    generic_posts = work.loc[work["generic"]].groupby(["creator", "author"])["post"].nunique()
    stats["posts"] = generic_posts.reindex(stats.index).fillna(0).astype(int)
    stats["creator_posts"] = creator_posts.reindex(stats.index.get_level_values(0)).to_numpy()
    need = np.maximum(cfg.repeat_min_posts, np.ceil(cfg.repeat_post_share * stats["creator_posts"]))
    hit = stats.loc[
        (stats["creator_posts"] >= cfg.repeat_min_posts)
        & (stats["posts"] >= need)
        & (stats["generic"] >= cfg.repeat_generic_share * stats["comments"])
    ]
    if hit.empty:
        return SignalResult(a, flag), []
    keys = pd.MultiIndex.from_arrays([c["creator_id"], c["author_id"]])
    flag = keys.isin(hit.index) & generic
    a[flag] = cfg.repeat_weight
    texts = (
        c.loc[flag].groupby(["creator_id", "author_id"])["text"].apply(lambda s: tuple(s.head(3)))
    )
    found = [
        RepeatAuthor(
            str(cr),
            str(au),
            int(r.posts),
            int(r.creator_posts),
            int(r.comments),
            int(r.generic),
            tuple(str(t) for t in texts.get((cr, au), ())),
        )
        for (cr, au), r in hit.sort_values("generic", ascending=False).iterrows()
    ]
    return SignalResult(a, flag), found


# --- contact, follow and promo bait -------------------------------------------------------

# RE2 syntax (pyarrow's regex engine: linear time, no lookarounds); matched case-insensitively.
_BAIT_PATTERNS = {
    "contact_bait": (
        r"(^|[^a-z])(zalo|za lo|zal0|kb zl|wechat|weixin|whatsapp|telegram|tele|t\.me|wa\.me|line id|vx)([^a-z]|$)"
        r"|微信|薇信|威信|徽信|v信|加v|加薇|加微|➕v|\+v([^a-z]|$)|扣扣|加q|私信我|私我"
        r"|(^|[^0-9.])\+?[0-9]([ .\-]?[0-9]){8,12}([^0-9]|$)"
        r"|dm me|inbox me|ib (em|mình|minh|e)([^a-z]|$)|nhắn tin (cho )?(em|mình)"
    ),
    "follow_bait": (
        r"f4f|l4l|sub ?4 ?sub|follow ?(for|4) ?follow|follow back|followed you|follow (chéo|cheo|lại|lai)"
        r"|(fl|like|sub|tương tác|tuong tac) (chéo|cheo)|互关|互粉|回关|求关注|互赞|有关必回|关注我"
    ),
    "self_promo": (
        r"check (out )?my (channel|page|profile|shop)|visit my (channel|page)|ghé (kênh|shop|page|trang)"
        r"|ghe (kenh|shop|page)|sub kênh|kênh (của )?mình|看我主页|我的主页|主页有|兼职|日结|刷单|点赞员"
    ),
}


def lexical_bait(texts: pd.Series) -> np.ndarray:
    """A bait category (or None) per text from a small phrase list; used when no category is given.

    Runs once per distinct text with pyarrow's RE2 engine, so a million rows take a second.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(texts)
    array = pa.array(np.asarray(uniques, dtype=object), type=pa.large_string())
    kinds = np.full(len(uniques), None, dtype=object)
    for name, pattern in _BAIT_PATTERNS.items():
        hit = pc.match_substring_regex(array, pattern, ignore_case=True).to_numpy(
            zero_copy_only=False
        )
        kinds[hit.astype(bool) & pd.isna(kinds)] = name
    return kinds[codes]


def find_bait(c: pd.DataFrame, cfg: ScoringConfig, has_category: bool) -> tuple[SignalResult, str]:
    """Contact/follow bait and self-promotion count as inauthentic, whoever wrote them.

    A comment is bait when its category says so, or when it is generic and matches the phrase
    list (contact handles, phone numbers, follow-for-follow, "check my channel"): explicit
    handles are evidence even where a model's category head is weak.
    """
    lexical = lexical_bait(c["text"])
    lexical[(c["p"] >= 0.5).to_numpy()] = None
    if has_category:
        category = c["category"].to_numpy(dtype=object)
        from_model = np.isin(category, list(cfg.bait_categories))
        kind = np.where(from_model, category, lexical)
    else:
        kind = lexical
    a = np.where(pd.notna(kind), 1.0, 0.0)
    return SignalResult(a, kind), bait_source(has_category)


def bait_source(has_category: bool) -> str:
    """How bait was found, for the report's notes."""
    if has_category:
        return "the predictor's categories and a phrase list"
    return "a phrase list (no category column was given)"
