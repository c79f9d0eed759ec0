"""Per-creator genuine-engagement scoring from comment labels.

``score_creators(comments, posts=None, creators=None, predictor=None, ...)`` returns a
:class:`CreatorReport`: a ranked per-creator table (substantive share with its interval,
expected genuine comments, engagement rates, an authenticity score 0-100 with its interval and
a verdict with reasons), a per-post table, every comment with the discounts applied to it, and
the evidence (copy-paste clusters, pods, bursts, repeat generic authors). docs/metric.md has
the formulas. With followers, likes, views, comment counts and prices it adds what genuine
engagement costs (tiers, genuine engagement rates, cost per genuine comment, percentiles within
tier) and, with ``budget=`` and ``currency=``, the budget pick (docs/economics.md).
"""

from __future__ import annotations

from classifier.scoring.budget import BudgetPlan, plan_budget
from classifier.scoring.config import ScoringConfig
from classifier.scoring.engine import score_creators
from classifier.scoring.report import CreatorReport
from classifier.scoring.signals import Burst, Cluster, Pod, RepeatAuthor

__all__ = [
    "BudgetPlan",
    "Burst",
    "Cluster",
    "CreatorReport",
    "Pod",
    "RepeatAuthor",
    "ScoringConfig",
    "plan_budget",
    "score_creators",
]
