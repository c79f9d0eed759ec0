"""From per-comment probabilities and discounts to per-creator numbers, a score and a verdict.

Formulas (docs/metric.md has the reasoning): for creator c with counted comments i,

    n   = number of comments           k = sum p_i        (expected substantive comments)
    a_i = max over signals of the inauthentic weight;     w_i = 1 - a_i
    G   = sum w_i p_i                  (expected genuine comments)
    s ~ Beta(k + 1/2, n - k + 1/2)     (substantive share, Jeffreys posterior)
    u ~ Beta(sum a_i + 1/2, n - sum a_i + 1/2)   (inauthentic share)
    q(s) = min(1, s / floor),  floor = far_below_factor x platform norm
    score = 100 (1 - u) q(s);  low = 100 (1 - u_high) q(s_low);  high = 100 (1 - u_low) q(s_high)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import beta

from classifier.scoring.config import ScoringConfig


def jeffreys(
    k: np.ndarray, n: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and equal-tailed interval of a share from (possibly fractional) counts.

    Jeffreys prior Beta(1/2, 1/2); the interval's end is 0 (or 1) when k is 0 (or n), as usual
    for the Jeffreys interval. NaN where n == 0.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    k = np.clip(k, 0.0, n)
    a, b = k + 0.5, n - k + 0.5
    tail = (1.0 - confidence) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = a / (a + b)
        low = np.where(k <= 0, 0.0, beta.ppf(tail, a, b))
        high = np.where(k >= n, 1.0, beta.isf(tail, a, b))
    empty = n <= 0
    return (
        np.where(empty, np.nan, mean),
        np.where(empty, np.nan, low),
        np.where(empty, np.nan, high),
    )


def quality(share: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """1 when the substantive share reaches the floor (far-below line), falling linearly to 0."""
    return np.clip(np.asarray(share, dtype=float) / floor, 0.0, 1.0)


def authenticity(
    s: tuple[np.ndarray, np.ndarray, np.ndarray],
    u: tuple[np.ndarray, np.ndarray, np.ndarray],
    floor: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score, low and high (0-100). Monotone in s (up) and u (down), so the interval's ends
    come from the ends of the two intervals."""
    score = 100.0 * (1.0 - u[0]) * quality(s[0], floor)
    low = 100.0 * (1.0 - u[2]) * quality(s[1], floor)
    high = 100.0 * (1.0 - u[1]) * quality(s[2], floor)
    return score, low, high


def verdicts(score: np.ndarray, n: np.ndarray, cfg: ScoringConfig) -> np.ndarray:
    """genuine / mixed / suspicious by the score; insufficient data below ``min_comments``."""
    out = np.where(
        score >= cfg.genuine_threshold,
        "genuine",
        np.where(score < cfg.suspicious_threshold, "suspicious", "mixed"),
    ).astype(object)
    out[(np.asarray(n) < cfg.min_comments) | np.isnan(score)] = "insufficient data"
    return out


def genuine_authors(c: pd.DataFrame, genuine: np.ndarray) -> pd.Series:
    """Expected distinct authors with at least one genuine comment, per creator:
    sum over authors of 1 - prod(1 - w_i p_i)."""
    work = pd.DataFrame(
        {
            "creator": c["creator_id"].to_numpy(),
            "author": c["author_id"].to_numpy(),
            "log_miss": np.log1p(-np.clip(genuine, 0.0, 1.0 - 1e-12)),
        }
    ).dropna(subset=["author"])
    per_author = work.groupby(["creator", "author"])["log_miss"].sum()
    return (1.0 - np.exp(per_author)).groupby(level=0).sum()


def share_split(c: pd.DataFrame, mask: np.ndarray, confidence: float) -> pd.DataFrame:
    """Substantive share (mean, low, high, n) per creator over the comments in ``mask``."""
    work = pd.DataFrame({"creator": c["creator_id"].to_numpy()[mask], "p": c["p"].to_numpy()[mask]})
    grouped = work.groupby("creator")["p"].agg(["sum", "size"])
    mean, low, high = jeffreys(grouped["sum"].to_numpy(), grouped["size"].to_numpy(), confidence)
    return pd.DataFrame(
        {"share": mean, "low": low, "high": high, "n": grouped["size"].to_numpy()},
        index=grouped.index,
    )
