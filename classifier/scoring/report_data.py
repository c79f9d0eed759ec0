"""The data of a scoring result: tables, evidence, and their JSON form.

A leaf of ``classifier.scoring``'s report modules: the page (``html``) and the file writer
(``output``) read a :class:`ReportData`, and :class:`classifier.scoring.report.CreatorReport`
adds ``to_html``/``write`` on top of both, so no module imports one that imports it back.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Self

import numpy as np
import pandas as pd

from classifier.io.problems import RowProblem
from classifier.scoring.budget import BudgetPlan
from classifier.scoring.columns import RANKING_NOTE, ColumnUse, missing_columns
from classifier.scoring.config import ScoringConfig
from classifier.scoring.signals import Burst, Cluster, Pod, RepeatAuthor

# Columns of the per-creator table, in the order they are written.
CREATOR_COLUMNS = (
    "rank",
    "creator_id",
    "verdict",
    "provisional",
    "authenticity",
    "authenticity_low",
    "authenticity_high",
    "reasons",
    "missing_signals",
    "missing_columns",
    "comments",
    "posts",
    "substantive_share",
    "substantive_low",
    "substantive_high",
    "genuine_comments",
    "genuine_share",
    "genuine_share_low",
    "genuine_share_high",
    "inauthentic_share",
    "inauthentic_low",
    "inauthentic_high",
    "authors",
    "genuine_authors",
    "comments_per_post",
    "genuine_per_post",
    "followers",
    "tier",
    "raw_rate_per_1k",
    "genuine_rate_per_1k",
    "inflation",
    # Brand economics (classifier/scoring/economics.py, docs/economics.md)
    "likes_per_post",
    "platform_comments_per_post",
    "platform_genuine_per_post",
    "platform_genuine_per_post_low",
    "platform_genuine_per_post_high",
    "engagement_rate",
    "genuine_engagement_rate",
    "genuine_engagement_rate_low",
    "genuine_engagement_rate_high",
    "engagement_rate_views",
    "genuine_engagement_rate_views",
    "genuine_engagement_rate_views_low",
    "genuine_engagement_rate_views_high",
    "genuine_engagements_per_post",
    "genuine_engagements_per_post_low",
    "genuine_engagements_per_post_high",
    "tier_percentile",
    "tier_peers",
    "price",
    "currency",
    "cost_per_genuine_comment",
    "cost_per_genuine_comment_low",
    "cost_per_genuine_comment_high",
    "cost_per_1k_genuine_engagements",
    "cost_per_1k_genuine_engagements_low",
    "cost_per_1k_genuine_engagements_high",
    "economics_missing",
    "copy_paste_comments",
    "pod_comments",
    "burst_posts",
    "burst_comments",
    "bait_comments",
    "repeat_authors",
    "repeat_comments",
    "sponsored_share",
    "sponsored_low",
    "sponsored_high",
    "sponsored_comments",
    "organic_share",
    "organic_low",
    "organic_high",
    "organic_comments",
    "substantive_drop",
    "substantive_drop_low",
    "substantive_drop_high",
    "engagement_drop",
    "engagement_drop_low",
    "engagement_drop_high",
    "platform",
    "language",
    "norm",
    "norm_floor",
    "comments_total",
    "creator_replies",
    "excluded_comments",
    "top_overlap",
)
POST_COLUMNS = (
    "post_id",
    "creator_id",
    "posted_at",
    "sponsored",
    "views",
    "likes",
    "comments_count",
    "comments",
    "substantive_share",
    "genuine_comments",
    "early_comments",
    "early_share",
    "baseline_share",
    "burst",
    "burst_kind",
    "copy_paste_comments",
    "pod_comments",
    "bait_comments",
)
COMMENT_COLUMNS = (
    "creator_id",
    "post_id",
    "comment_id",
    "author_id",
    "created_at",
    "text",
    "like_count",
    "reply_to",
    "counted",
    "creator_reply",
    "excluded",
    "p",
    "label",
    "category",
    "lang",
    "delay_minutes",
    "cluster_id",
    "pod_id",
    "in_burst",
    "repeat_author",
    "bait",
    "a",
    "w",
    "genuine",
    "flags",
    "_source",
    "_line",
)


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/NA -> None, numpy scalars -> Python, timestamps -> ISO 8601."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 6)
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-safe records."""
    return [{str(k): _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


@dataclass(frozen=True)
class ReportData:
    """Per-creator metric, per-post table, scored comments and the evidence behind the flags.

    ``creators`` is ranked (best first, by the lower end of the authenticity interval);
    ``comments`` has every input comment that could be read, with its probability, the
    discounts applied to it and why (``flags``), so every number can be traced back.
    ``signals_off`` maps each signal that could not run to the reason (a missing field).
    A creator's ``provisional`` is true when checks that can only lower its score could not run
    for it and could move its verdict to a worse class; ``missing_signals`` names those checks
    and ``missing_columns`` the input columns that would turn them on (:meth:`missing_columns`
    says what each missing column turns on). ``budget`` is the budget pick when one was asked
    for (:meth:`plan_budget`, docs/economics.md).
    """

    creators: pd.DataFrame
    posts: pd.DataFrame
    comments: pd.DataFrame
    clusters: tuple[Cluster, ...] = ()
    pods: tuple[Pod, ...] = ()
    bursts: tuple[Burst, ...] = ()
    repeat_authors: tuple[RepeatAuthor, ...] = ()
    problems: tuple[RowProblem, ...] = ()
    signals_off: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    label_source: str = ""
    config: ScoringConfig = field(default_factory=ScoringConfig)
    budget: BudgetPlan | None = None

    def creator(self, creator_id: str) -> dict[str, Any]:
        """One creator's row as a dict (KeyError when unknown)."""
        rows = self.creators.loc[self.creators["creator_id"] == creator_id]
        if rows.empty:
            raise KeyError(f"creator '{creator_id}' is not in the report")
        return records(rows)[0]

    def missing_columns(self) -> list[ColumnUse]:
        """The optional input columns that were missing (for all creators or some), each with
        the signals it would turn on."""
        named = (
            c
            for columns in self.creators.get("missing_columns", pd.Series(dtype=object))
            if isinstance(columns, list | tuple | np.ndarray)
            for c in columns
        )
        return missing_columns(self.signals_off, named)

    def flags(self) -> dict[str, Any]:
        """Everything flagged, with evidence, plus bad rows and the signals that were off."""
        provisional = self.creators.get("provisional", pd.Series(dtype=bool))
        return _clean(
            {
                "ranking": RANKING_NOTE,
                "provisional_verdicts": int(provisional.fillna(False).astype(bool).sum()),
                "missing_columns": [use.to_dict() for use in self.missing_columns()],
                "signals_off": self.signals_off,
                "notes": list(self.notes),
                "labels_from": self.label_source,
                "copy_paste_clusters": [asdict(c) for c in self.clusters],
                "pods": [asdict(p) for p in self.pods],
                "bursts": [asdict(b) for b in self.bursts],
                "repeat_generic_authors": [asdict(r) for r in self.repeat_authors],
                "problems": [p.to_dict() for p in self.problems],
                "config": self.config.to_dict(),
            }
        )

    def creator_records(self) -> list[dict[str, Any]]:
        return records(self.creators)

    def plan_budget(self, amount: float, currency: str | None) -> Self:
        """This report with the budget pick for ``amount`` in ``currency`` (ISO 4217) in
        ``budget``: see :func:`classifier.scoring.budget.plan_budget`."""
        from classifier.scoring.budget import plan_budget

        return replace(self, budget=plan_budget(self.creators, amount, currency, self.config))
