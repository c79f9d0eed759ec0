"""Brand economics: what a creator's genuine engagement costs (docs/economics.md).

Per creator, from the posts' likes, views and comment counts, the creator's followers and price,
and the genuine share of its comments (:mod:`classifier.scoring.metric`):

    L_j, C_j   likes and comments of post j (C_j: the platform's comments_count, else the
               comments we counted); only posts with likes count towards engagement
    g = G / n  genuine share of the counted comments (Jeffreys interval g_low, g_high)
    u = A / n  share of comments with evidence of bought engagement (interval u_low, u_high)
    engagement rate          ER  = mean_j (L_j + C_j) / followers
    genuine engagements      GE  = mean_j ((1 - u) L_j + g C_j)       (low: u_high, g_low)
    genuine engagement rate  GER = GE / followers
    genuine comments / post  GC  = g mean_j C_j                       (every post)
    cost per genuine comment       price / GC      (low end: price / GC_high)
    cost per 1,000 genuine eng.    1000 price / GE

Every figure that cannot be computed is NaN, never 0 or infinity, and ``economics_missing``
says why for each creator. Everything here groups by creator except the tier percentile
(:func:`add_tier_percentiles`), which compares creators of one tier on one platform.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from classifier.scoring import metric
from classifier.scoring.config import ScoringConfig

# ISO 4217 currency codes in use (funds, metals and test codes left out).
_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
"""
ISO_4217 = frozenset(_CODES.split())
CURRENCY_HINT = "use an ISO 4217 code such as USD, EUR, VND, CNY"


def currency_problem(code: str) -> str | None:
    """Why ``code`` (already stripped and upper-cased) is not a currency code, or None."""
    if code in ISO_4217:
        return None
    return (
        f"unknown currency code '{code}' ({CURRENCY_HINT}); cost figures are off for this creator"
    )


def format_money(amount: float | None, currency: str | None) -> str:
    """``USD 1,200`` / ``USD 0.52`` / ``VND 58,000``; "–" when unknown."""
    if amount is None or currency is None or not math.isfinite(amount):
        return "–"
    digits = 2 if abs(amount) < 100 else 0
    return f"{currency} {amount:,.{digits}f}"


def tiers(followers: Any, cfg: ScoringConfig) -> np.ndarray:
    """Tier name per creator (``None`` where followers are unknown)."""
    values = np.asarray(pd.to_numeric(pd.Series(followers), errors="coerce"), dtype=float)
    index = np.searchsorted(np.asarray(cfg.tier_bounds, dtype=float), values, side="right")
    names = np.asarray(cfg.tier_names, dtype=object)[np.minimum(index, len(cfg.tier_names) - 1)]
    names[~(np.isfinite(values) & (values > 0))] = None
    return names


def tier_rule(cfg: ScoringConfig) -> str:
    """The tiers in words: "nano < 10,000 <= micro < 100,000 <= ..."."""
    parts = [cfg.tier_names[0]]
    for bound, name in zip(cfg.tier_bounds, cfg.tier_names[1:], strict=True):
        parts.append(f"< {bound:,.0f} ≤ {name}")
    return " ".join(parts) + " followers"


def post_engagement(posts: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """Per post: its creator, likes L, views V, comments C (the platform's ``comments_count``,
    else the counted comments), sponsored, and engagement E = L + C (NaN without likes)."""
    counted = c.groupby("post_id").size()
    frame = posts.drop_duplicates("post_id")
    given = frame["post_id"].map(counted).fillna(0.0).to_numpy(dtype=float)
    raw_counts = (
        frame["comments_count"]
        if "comments_count" in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    platform = pd.to_numeric(raw_counts, errors="coerce")
    comments = np.where(platform.notna().to_numpy(), platform.to_numpy(dtype=float), given)
    likes = pd.to_numeric(frame["likes"], errors="coerce").to_numpy(dtype=float)
    views = pd.to_numeric(frame["views"], errors="coerce").to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "creator_id": frame["creator_id"].to_numpy(dtype=object),
            "likes": likes,
            "views": np.where(views > 0, views, np.nan),
            "comments": comments,
            "sponsored": frame["sponsored"].astype("boolean").to_numpy(),
            "engagement": likes + comments,
        }
    )


def _per_creator(per_post: pd.DataFrame) -> pd.DataFrame:
    """Sums and counts per creator behind every rate (means are taken as sum / count)."""
    p = per_post
    has_likes = np.isfinite(p["likes"].to_numpy())
    has_views = has_likes & np.isfinite(p["views"].to_numpy())
    work = pd.DataFrame(
        {
            "creator_id": p["creator_id"].to_numpy(),
            "posts": 1.0,
            "comments": p["comments"].to_numpy(),
            "liked_posts": has_likes.astype(float),
            "likes": np.where(has_likes, p["likes"], 0.0),
            "liked_comments": np.where(has_likes, p["comments"], 0.0),
            "viewed_posts": has_views.astype(float),
            "likes_per_view": np.where(has_views, p["likes"] / p["views"], 0.0),
            "comments_per_view": np.where(has_views, p["comments"] / p["views"], 0.0),
        }
    )
    return work.groupby("creator_id").sum()


def _side_stats(per_post: pd.DataFrame, sponsored: bool) -> pd.DataFrame:
    """Posts with likes on one side (sponsored or organic): count, mean and variance of E."""
    mask = (per_post["sponsored"] == sponsored).fillna(False).to_numpy(dtype=bool) & np.isfinite(
        per_post["engagement"].to_numpy()
    )
    side = per_post.loc[mask]
    return side.groupby("creator_id")["engagement"].agg(["size", "mean", "var"])


def engagement_change(
    s: tuple[np.ndarray, np.ndarray, np.ndarray],
    o: tuple[np.ndarray, np.ndarray, np.ndarray],
    confidence: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relative drop of engagement per post on sponsored posts: 1 - mean_s / mean_o.

    ``s``/``o``: (posts, mean, variance) of each side. The interval is the delta-method one on
    the log of the ratio with a Welch t quantile; it needs 2+ posts on each side and positive
    means (else NaN ends). Positive = sponsored posts get less engagement.
    """
    n_s, m_s, v_s = (np.asarray(x, dtype=float) for x in s)
    n_o, m_o, v_o = (np.asarray(x, dtype=float) for x in o)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where((n_s >= 1) & (n_o >= 1) & (m_o > 0), m_s / m_o, np.nan)
        a = v_s / (n_s * m_s**2)
        b = v_o / (n_o * m_o**2)
        se = np.sqrt(a + b)
        df = (a + b) ** 2 / (a**2 / (n_s - 1) + b**2 / (n_o - 1))
        df = np.where(se > 0, df, np.inf)
        ok = (n_s >= 2) & (n_o >= 2) & (m_s > 0) & (m_o > 0) & np.isfinite(se)
        q = student_t.ppf(0.5 + confidence / 2.0, np.where(ok, df, 1.0))
        log_ratio = np.log(np.where(ok, m_s / m_o, 1.0))
        low = np.where(ok, np.exp(log_ratio - q * se), np.nan)
        high = np.where(ok, np.exp(log_ratio + q * se), np.nan)
    return 1.0 - ratio, 1.0 - high, 1.0 - low


def share_difference(
    first: tuple[Any, Any, Any], second: tuple[Any, Any, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """first - second with Newcombe's MOVER interval built from the two shares' intervals."""
    p1, l1, u1 = (np.asarray(pd.to_numeric(pd.Series(x)), dtype=float) for x in first)
    p2, l2, u2 = (np.asarray(pd.to_numeric(pd.Series(x)), dtype=float) for x in second)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high


def add_economics(
    table: pd.DataFrame, c: pd.DataFrame, posts: pd.DataFrame, cfg: ScoringConfig
) -> None:
    """Add tier, engagement rates, genuine engagement, costs, the sponsored-vs-organic drops and
    ``economics_missing`` to the creators table (needs the columns of ``_add_metric``).

    ``c``: the counted comments; ``posts``: every post (POST_COLUMNS of the inputs).
    """
    ids = table["creator_id"]
    per_post = post_engagement(posts, c)
    agg = _per_creator(per_post).reindex(ids.to_numpy())

    def col(name: str) -> np.ndarray:
        return agg[name].to_numpy(dtype=float)

    followers = pd.to_numeric(table["followers"], errors="coerce").to_numpy(dtype=float)
    followers = np.where(followers > 0, followers, np.nan)
    table["tier"] = tiers(followers, cfg)
    n = table["comments"].to_numpy(dtype=float)
    genuine = table["genuine_comments"].to_numpy(dtype=float)
    a_sum = table["a_sum"].to_numpy(dtype=float)
    _, g_low, g_high = metric.jeffreys(genuine, n, cfg.confidence)
    table["genuine_share_low"], table["genuine_share_high"] = g_low, g_high
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(n > 0, genuine / n, np.nan)
        kept = np.where(n > 0, 1.0 - a_sum / n, np.nan)
    kept_low = 1.0 - table["inauthentic_high"].to_numpy(dtype=float)
    kept_high = 1.0 - table["inauthentic_low"].to_numpy(dtype=float)

    posts_n, liked, viewed = col("posts"), col("liked_posts"), col("viewed_posts")
    with np.errstate(invalid="ignore", divide="ignore"):
        comments_pp = np.where(posts_n > 0, col("comments") / posts_n, np.nan)
        likes_pp = np.where(liked > 0, col("likes") / liked, np.nan)
        liked_comments_pp = np.where(liked > 0, col("liked_comments") / liked, np.nan)
        lpv = np.where(viewed > 0, col("likes_per_view") / viewed, np.nan)
        cpv = np.where(viewed > 0, col("comments_per_view") / viewed, np.nan)
        table["platform_comments_per_post"] = comments_pp
        table["platform_genuine_per_post"] = g * comments_pp
        table["platform_genuine_per_post_low"] = g_low * comments_pp
        table["platform_genuine_per_post_high"] = g_high * comments_pp
        table["likes_per_post"] = likes_pp
        engagements = likes_pp + liked_comments_pp
        ge = kept * likes_pp + g * liked_comments_pp
        ge_low = kept_low * likes_pp + g_low * liked_comments_pp
        ge_high = kept_high * likes_pp + g_high * liked_comments_pp
        table["genuine_engagements_per_post"] = ge
        table["genuine_engagements_per_post_low"] = ge_low
        table["genuine_engagements_per_post_high"] = ge_high
        table["engagement_rate"] = engagements / followers
        table["genuine_engagement_rate"] = ge / followers
        table["genuine_engagement_rate_low"] = ge_low / followers
        table["genuine_engagement_rate_high"] = ge_high / followers
        table["engagement_rate_views"] = lpv + cpv
        table["genuine_engagement_rate_views"] = kept * lpv + g * cpv
        table["genuine_engagement_rate_views_low"] = kept_low * lpv + g_low * cpv
        table["genuine_engagement_rate_views_high"] = kept_high * lpv + g_high * cpv

    price = pd.to_numeric(table["price"], errors="coerce").to_numpy(dtype=float)
    currency = table["currency"]
    priced = np.isfinite(price) & currency.notna().to_numpy()
    price = np.where(priced, price, np.nan)
    gc = table["platform_genuine_per_post"].to_numpy(dtype=float)
    gc_low = table["platform_genuine_per_post_low"].to_numpy(dtype=float)
    gc_high = table["platform_genuine_per_post_high"].to_numpy(dtype=float)
    # No genuine comment (engagement) at all: no cost, not even the interval's low end.
    some = np.isfinite(gc) & (gc > 0)
    table["cost_per_genuine_comment"] = _cost(price, gc, 1.0)
    table["cost_per_genuine_comment_low"] = _cost(price, np.where(some, gc_high, np.nan), 1.0)
    table["cost_per_genuine_comment_high"] = _cost(price, np.where(some, gc_low, np.nan), 1.0)
    some = np.isfinite(ge) & (ge > 0)
    table["cost_per_1k_genuine_engagements"] = _cost(price, ge, 1000.0)
    table["cost_per_1k_genuine_engagements_low"] = _cost(
        price, np.where(some, ge_high, np.nan), 1000.0
    )
    table["cost_per_1k_genuine_engagements_high"] = _cost(
        price, np.where(some, ge_low, np.nan), 1000.0
    )

    nan = np.full(len(table), np.nan)
    if "sponsored_share" in table.columns:
        drop = share_difference(
            (table["organic_share"], table["organic_low"], table["organic_high"]),
            (table["sponsored_share"], table["sponsored_low"], table["sponsored_high"]),
        )
    else:
        drop = (nan, nan, nan)
    table["substantive_drop"], table["substantive_drop_low"], table["substantive_drop_high"] = drop
    s_side = _side_stats(per_post, True).reindex(ids.to_numpy())
    o_side = _side_stats(per_post, False).reindex(ids.to_numpy())
    change = engagement_change(
        tuple(s_side[k].fillna(0.0).to_numpy(dtype=float) for k in ("size", "mean", "var")),  # type: ignore[arg-type]
        tuple(o_side[k].fillna(0.0).to_numpy(dtype=float) for k in ("size", "mean", "var")),  # type: ignore[arg-type]
        cfg.confidence,
    )
    table["engagement_drop"], table["engagement_drop_low"], table["engagement_drop_high"] = change
    flags = per_post["sponsored"]
    sponsored_posts = (
        pd.DataFrame(
            {
                "creator_id": per_post["creator_id"].to_numpy(),
                "sponsored": (flags == True).fillna(False).to_numpy(dtype=int),  # noqa: E712
                "organic": (flags == False).fillna(False).to_numpy(dtype=int),  # noqa: E712
            }
        )
        .groupby("creator_id")
        .sum()
    )
    table["economics_missing"] = [
        _missing(row, sponsored_posts) for row in table.to_dict("records")
    ]
    table["tier_percentile"] = np.nan
    table["tier_peers"] = 0


def _cost(price: np.ndarray, amount: np.ndarray, per: float) -> np.ndarray:
    """price / amount x per; NaN (never 0 or infinity) where either is unknown or amount is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isfinite(price) & (amount > 0), per * price / amount, np.nan)


def _missing(row: Mapping[Any, Any], sponsored_posts: pd.DataFrame) -> list[str]:
    """The economics figures this creator cannot have, each with the reason."""
    out: list[str] = []

    def known(name: str) -> bool:
        value = row.get(name)
        return value is not None and isinstance(value, int | float) and math.isfinite(value)

    if not known("comments") or row["comments"] <= 0:
        out.append("genuine engagement and costs: no counted comments")
    if not known("followers"):
        out.append("tier, engagement rates and percentile within tier: no followers")
    elif not known("likes_per_post"):
        out.append("engagement rates: no likes on its posts (posts table)")
    elif not known("engagement_rate_views"):
        out.append("engagement rate per view: no views on its posts (posts table)")
    if known("followers") and not isinstance(row.get("platform"), str):
        out.append("percentile within tier: no platform")
    if not known("price"):
        out.append("cost figures: no price")
    elif not isinstance(row.get("currency"), str):
        out.append("cost figures: no currency for its price")
    else:
        if not known("likes_per_post"):
            out.append("cost per 1,000 genuine engagements: no likes on its posts")
        if known("comments") and row["comments"] > 0 and not known("cost_per_genuine_comment"):
            out.append("cost per genuine comment: no genuine comments to pay for")
        if known("cost_per_genuine_comment") and not known("cost_per_genuine_comment_high"):
            out.append(
                "cost per genuine comment, upper end: unbounded (the genuine share's interval "
                "reaches 0)"
            )
    cid = row["creator_id"]
    if cid in sponsored_posts.index:
        counts = sponsored_posts.loc[cid]
        if counts["sponsored"] == 0 and counts["organic"] > 0:
            out.append("sponsored vs organic: no sponsored posts")
        elif counts["organic"] == 0 and counts["sponsored"] > 0:
            out.append("sponsored vs organic: no organic posts")
        elif (
            counts["sponsored"] > 0
            and (counts["sponsored"] < 2 or counts["organic"] < 2)
            and known("engagement_drop")
            and not known("engagement_drop_low")
        ):
            out.append("engagement drop interval: needs 2+ sponsored and 2+ organic posts")
    return out


def add_tier_percentiles(table: pd.DataFrame) -> None:
    """``tier_percentile``: the share (in %) of the other creators of the same tier on the same
    platform (case-insensitive) in this run whose genuine engagement rate is lower, ties
    counting half; ``tier_peers``: how many such others there are (NaN percentile at 0)."""
    rate = table["genuine_engagement_rate"].to_numpy(dtype=float)
    platform = table["platform"].map(lambda p: p.lower() if isinstance(p, str) else None)
    ok = np.isfinite(rate) & table["tier"].notna().to_numpy() & platform.notna().to_numpy()
    percentile = np.full(len(table), np.nan)
    peers = np.zeros(len(table), dtype=np.int64)
    if ok.any():
        work = pd.DataFrame(
            {
                "tier": table["tier"].to_numpy(dtype=object)[ok],
                "platform": platform.to_numpy(dtype=object)[ok],
                "rate": rate[ok],
            }
        )
        group = work.groupby(["tier", "platform"])["rate"]
        below = group.rank(method="min").to_numpy(dtype=float) - 1.0
        count = group.transform("size").to_numpy(dtype=np.int64)
        ties = (
            work.groupby(["tier", "platform", "rate"])["rate"]
            .transform("size")
            .to_numpy(dtype=np.int64)
            - 1
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            percentile[ok] = np.where(count > 1, 100.0 * (below + 0.5 * ties) / (count - 1), np.nan)
        peers[ok] = count - 1
    table["tier_percentile"] = percentile
    table["tier_peers"] = peers
