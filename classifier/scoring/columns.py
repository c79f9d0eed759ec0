"""Which optional input columns turn on which signals, and which verdicts are provisional.

A signal that needs a column the input lacks cannot run, and most of them can only *discount*
comments: without them a score can only be too high, never too low. A creator's verdict is
**provisional** when such a check could not run for it and running it could move the verdict to
a worse class (docs/metric.md, "Provisional verdicts"). :data:`OPTIONAL_COLUMNS` is the one
place that says what each column turns on; the terminal summary, report.html and flags.json
all read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from classifier.scoring import metric
from classifier.scoring.config import ScoringConfig

RANKING_NOTE = (
    "ranked by the lower end of the 95% interval, then the score: a creator at 52 (43-61) "
    "ranks above one at 63 (35-71), as a score we are sure of beats a higher, less certain one"
)
PROVISIONAL = "provisional"


@dataclass(frozen=True)
class ColumnUse:
    """An optional input column and what it turns on."""

    column: str
    table: str  # "comments", "posts" or "creators"
    turns_on: str  # in words
    signals: tuple[str, ...]  # the keys of ``CreatorReport.signals_off`` it turns on
    can_lower: tuple[str, ...] = ()  # of those, the checks that can lower a verdict

    def to_dict(self) -> dict[str, object]:
        return {
            "column": self.column,
            "table": self.table,
            "turns_on": self.turns_on,
            "signals": list(self.signals),
            "can_lower_verdicts": bool(self.can_lower),
        }


OPTIONAL_COLUMNS: tuple[ColumnUse, ...] = (
    ColumnUse(
        "author_id",
        "comments",
        "pods and repeat generic accounts (can lower verdicts); distinct and genuine authors; "
        "copy-paste clusters counted by distinct authors",
        ("pods", "repeat_generic_authors", "genuine_authors", "copy_paste_authors"),
        ("pods", "repeat_generic_authors"),
    ),
    ColumnUse(
        "created_at",
        "comments",
        "bursts after posting and pod timing (can lower verdicts); the timeline",
        ("bursts", "pod_timing", "timeline"),
        ("bursts", "pod_timing"),
    ),
    ColumnUse(
        "is_creator_reply",
        "comments",
        "leaves the creator's own replies out of the counts (author_id = creator_id does too)",
        ("creator_replies",),
    ),
    ColumnUse(
        "category",
        "comments",
        "with label/score columns: the category mix, and bait from categories as well as phrases",
        ("categories",),
    ),
    ColumnUse(
        "posted_at",
        "posts",
        "each post's real time for bursts (else its first comment's)",
        ("post_time",),
    ),
    ColumnUse(
        "sponsored",
        "posts",
        "the sponsored vs organic comparison (substantive share; engagement with likes)",
        ("sponsored_split",),
    ),
    ColumnUse(
        "likes",
        "posts",
        "engagement rates ((likes + comments) per follower, per view), genuine engagements and "
        "the cost per 1,000 of them",
        ("engagement",),
    ),
    ColumnUse(
        "views",
        "posts",
        "engagement rates per view",
        ("views_rate",),
    ),
    ColumnUse(
        "comments_count",
        "posts",
        "the platform's comment count in rates and costs (else the comments given stand for all)",
        ("platform_counts",),
    ),
    ColumnUse(
        "platform",
        "creators",
        "the platform's norm for the substantive share, else 20% (can lower verdicts)",
        ("platform_norm",),
        ("platform_norm",),
    ),
    ColumnUse(
        "followers",
        "creators",
        "tiers (nano, micro, macro, mega), engagement rates, percentiles within tier, rates per "
        "1,000 followers",
        ("engagement_rate", "tiers"),
    ),
    ColumnUse(
        "price",
        "creators",
        "cost per genuine comment and per 1,000 genuine engagements; the --budget pick",
        ("costs",),
    ),
    ColumnUse(
        "currency",
        "creators",
        "with price: the currency of the cost figures (ISO 4217, e.g. USD)",
        ("currency",),
    ),
)
# The checks that can lower a verdict, and the column each needs.
LOWERING: dict[str, str] = {s: use.column for use in OPTIONAL_COLUMNS for s in use.can_lower}
_RANK = {"genuine": 2, "mixed": 1, "suspicious": 0}


def missing_columns(
    signals_off: Mapping[str, str], creator_columns: Iterable[str] = ()
) -> list[ColumnUse]:
    """The optional columns whose signals were off for the whole input, or for some creator
    (``creator_columns``: the ``missing_columns`` of the creators table), in table order."""
    wanted = set(creator_columns)
    return [
        use
        for use in OPTIONAL_COLUMNS
        if use.column in wanted or any(s in signals_off for s in use.signals)
    ]


def add_provisional(table: pd.DataFrame, counted: pd.DataFrame, cfg: ScoringConfig) -> None:
    """Add ``missing_signals``, ``missing_columns`` and ``provisional`` to the creators table.

    ``missing_signals``: the checks that could not run for this creator and could lower its
    score: pods and repeat accounts when none of its counted comments has an ``author_id``,
    bursts and pod timing when none has a ``created_at``, the platform norm when it has no
    ``platform`` and the strictest known norm would give a lower score. ``provisional``: one of them
    could move a genuine or mixed verdict to a worse class (a suspicious verdict cannot get
    worse; "insufficient data" is no verdict). Needs the columns of ``_add_metric``.
    """
    with_authors = set(counted.loc[counted["author_id"].notna(), "creator_id"])
    with_times = set(counted.loc[counted["created_at"].notna(), "creator_id"])
    strict_floor = max([cfg.default_norm, *cfg.platform_norms.values()]) * cfg.far_below_factor
    u = table["inauthentic_share"].to_numpy(dtype=float)
    share = table["substantive_share"].to_numpy(dtype=float)
    strict_score = 100.0 * (1.0 - u) * metric.quality(share, np.full(len(table), strict_floor))
    strict_verdict = metric.verdicts(strict_score, table["comments"].to_numpy(dtype=float), cfg)
    missing: list[list[str]] = []
    provisional: list[bool] = []
    rows = zip(
        table["creator_id"],
        table["verdict"],
        table["platform"],
        table["authenticity"].to_numpy(dtype=float),
        strict_score,
        strict_verdict,
        strict=True,
    )
    for creator, verdict, platform, score, strict, strict_v in rows:
        off = []
        if creator not in with_authors:
            off += ["pods", "repeat_generic_authors"]
        if creator not in with_times:
            off += ["bursts", "pod_timing"]
        # Without a platform the default norm was used; a stricter one could lower the score.
        if not isinstance(platform, str) and strict < score - 1e-9:
            off.append("platform_norm")
        could_worsen = any(name != "platform_norm" for name in off) or (
            "platform_norm" in off and _RANK.get(str(strict_v), 0) < _RANK.get(str(verdict), 0)
        )
        missing.append(off)
        provisional.append(verdict in ("genuine", "mixed") and could_worsen)
    table["provisional"] = provisional
    table["missing_signals"] = missing
    table["missing_columns"] = [list(dict.fromkeys(LOWERING[s] for s in off)) for off in missing]


def verdict_text(row: Mapping[str, Any]) -> str:
    """The verdict as shown to people: "genuine (provisional)" when more columns could lower it."""
    verdict = str(row.get("verdict"))
    return f"{verdict} ({PROVISIONAL})" if row.get("provisional") else verdict


def provisional_summary(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """One sentence on how many verdicts are provisional and why, or None when none is."""
    flagged = [r for r in rows if r.get("provisional")]
    if not flagged:
        return None
    order = [use.column for use in OPTIONAL_COLUMNS]
    columns = sorted(
        {str(c) for r in flagged for c in (r.get("missing_columns") or [])}, key=order.index
    )
    named = " or ".join([", ".join(columns[:-1]), columns[-1]] if len(columns) > 1 else columns)
    count = len(flagged)
    return (
        f"{count} of {len(rows)} verdicts are provisional: checks that can only lower a score "
        f"could not run (no {named}), so these creators may be worse than shown"
    )


def missing_columns_rows(uses: Iterable[ColumnUse]) -> list[list[str]]:
    """Rows of the "column / table / turns on" table for the terminal."""
    return [[use.column, use.table, use.turns_on] for use in uses]
