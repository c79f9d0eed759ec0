"""The budget pick: which creators give the most genuine engagement for a budget.

One post from each picked creator at its price; the pick maximizes the **lower end** of the
creators' genuine engagements per post (their 95% intervals), so a creator we know little about
is not favored over one we are sure of, under ``sum of prices <= budget``: a 0/1 knapsack,
solved exactly with SciPy's MILP solver (HiGHS). Only creators priced in the budget's currency
are considered (currencies are never converted), and only those whose verdict is in
``ScoringConfig.budget_verdicts`` (genuine or mixed by default). docs/economics.md has the rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from classifier.io.problems import InputError
from classifier.scoring.config import ScoringConfig
from classifier.scoring.economics import CURRENCY_HINT, ISO_4217, format_money

ENGAGEMENTS = "genuine engagements"
COMMENTS = "genuine comments"
MAX_EXPLAINED = 20  # left-out candidates whose best pick with them is worked out
_VALUE_COLUMNS = {
    ENGAGEMENTS: "genuine_engagements_per_post",
    COMMENTS: "platform_genuine_per_post",
}


@dataclass(frozen=True)
class BudgetLine:
    """A picked creator: its price, what one post gives (low end, expected, high end) and why."""

    creator_id: str
    price: float
    value_low: float
    value: float
    value_high: float
    reason: str


@dataclass(frozen=True)
class BudgetSkip:
    """A creator the pick left out, and why."""

    creator_id: str
    reason: str


@dataclass(frozen=True)
class BudgetPlan:
    """The creators to book for ``amount`` in ``currency``, with a reason for each decision.

    ``unit`` is what ``value_*`` count: genuine engagements per post (likes discounted by the
    bought-engagement evidence plus genuine comments), or genuine comments per post when some
    candidate has no likes. ``value_low`` sums the picks' lower ends: what the budget buys at
    least, if each creator's interval holds.
    """

    amount: float
    currency: str
    unit: str
    picks: tuple[BudgetLine, ...]
    skipped: tuple[BudgetSkip, ...]
    spent: float
    value_low: float
    value: float
    note: str

    def money(self, amount: float | None) -> str:
        return format_money(amount, self.currency)

    def summary(self) -> str:
        """One line: how many creators, for how much, giving how much."""
        if not self.picks:
            return f"no creator fits a budget of {self.money(self.amount)}: {self.note}"
        return (
            f"{len(self.picks)} creator(s) for {self.money(self.spent)} of "
            f"{self.money(self.amount)}: at least {self.value_low:,.0f} {self.unit} per post "
            f"together (expected {self.value:,.0f}; {self.money(self.spent / self.value_low)} "
            f"per {self.unit[:-1]} at the low end)"
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["summary"] = self.summary()
        data["left"] = self.amount - self.spent
        return data


def check_budget(amount: Any, currency: Any) -> tuple[float, str]:
    """The budget as (amount, ISO 4217 code), or InputError saying what is wrong."""
    try:
        value = float(amount)
    except (TypeError, ValueError):
        raise InputError(f"the budget must be a number, got {amount!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"the budget must be a positive amount, got {amount!r}")
    if not isinstance(currency, str) or not currency.strip():
        raise InputError(f"a budget needs its currency ({CURRENCY_HINT}), e.g. --currency USD")
    code = currency.strip().upper()
    if code not in ISO_4217:
        raise InputError(f"unknown currency code '{currency}' for the budget ({CURRENCY_HINT})")
    return value, code


def _finite(value: Any) -> bool:
    return _number(value) is not None


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _skip_reason(row: Mapping[str, Any], currency: str, cfg: ScoringConfig) -> str | None:
    """Why a creator cannot be a candidate at all (None: it can)."""
    if not _finite(row.get("price")):
        return "no price"
    if not isinstance(row.get("currency"), str):
        return "no currency for its price"
    if row["currency"] != currency:
        return f"priced in {row['currency']}, the budget is in {currency}: currencies are never converted"
    verdict = str(row.get("verdict"))
    if verdict not in cfg.budget_verdicts:
        allowed = " or ".join(cfg.budget_verdicts)
        return f"{verdict} verdict: only {allowed} creators are considered"
    return None


def _milp(prices: np.ndarray, values: np.ndarray, amount: float) -> np.ndarray:
    from scipy.optimize import Bounds, LinearConstraint, milp

    if not len(prices):
        return np.zeros(0, dtype=bool)
    result = milp(
        c=-values,
        constraints=LinearConstraint(prices[np.newaxis, :], -np.inf, amount),
        integrality=np.ones(len(prices)),
        bounds=Bounds(0, 1),
    )
    if result.x is None:  # pragma: no cover - the empty pick is always feasible
        return np.zeros(len(prices), dtype=bool)
    return np.round(result.x).astype(bool)


def _solve(prices: np.ndarray, values: np.ndarray, amount: float) -> np.ndarray:
    """0/1 knapsack: the subset with the largest sum of values whose prices fit ``amount``.

    Exact. Before the MILP solver sees it, the Dembo-Hammer reduction fixes every creator whose
    choice cannot change: with r the value per unit of money of the item the LP relaxation
    splits, U the LP bound and L a greedy pick's value, forcing item j against its LP choice
    bounds the best pick by U - |v_j - r p_j|; where that is below L, j keeps its LP choice.
    Thousands of candidates leave a few dozen for the solver.
    """
    n = len(prices)
    chosen = np.zeros(n, dtype=bool)
    if not n:
        return chosen
    if prices.sum() <= amount:
        return np.ones(n, dtype=bool)
    free_price = prices <= 0  # free posts are always taken
    chosen[free_price] = True
    order = np.argsort(-(values / np.where(free_price, 1.0, prices)), kind="stable")
    order = order[~free_price[order]]
    cumulative = np.cumsum(prices[order])
    split = int(np.searchsorted(cumulative, amount, side="right"))  # first item that does not fit
    critical = order[split]
    rate = values[critical] / prices[critical]
    taken = cumulative[split - 1] if split else 0.0
    upper = values[order[:split]].sum() + (amount - taken) * rate
    greedy = np.zeros(n, dtype=bool)  # greedy with skipping: a feasible pick, a lower bound
    left = amount
    for i in order:
        if prices[i] <= left:
            greedy[i] = True
            left -= prices[i]
    lower = values[greedy].sum()
    reduced = values - rate * prices
    slack = 1e-9 * max(abs(upper), 1.0)
    fixed = (upper - np.abs(reduced) < lower - slack) & ~free_price
    fixed_in = fixed & (reduced > 0)
    free = ~fixed & ~free_price
    room = amount - prices[fixed_in].sum()
    chosen[fixed_in] = True
    chosen[free] = _milp(prices[free], values[free], room)
    while prices[chosen].sum() > amount and chosen.any():  # pragma: no cover - solver tolerance
        chosen[np.flatnonzero(chosen)[np.argmin(values[chosen])]] = False
    return chosen


def _pick_reason(row: Mapping[str, Any], line: BudgetLine, unit: str, currency: str) -> str:
    parts = [
        f"{format_money(line.price, currency)} for at least {line.value_low:,.0f} {unit} per post "
        f"(expected {line.value:,.0f}; {format_money(line.price / line.value_low, currency)} "
        f"each at the low end)",
        f"{row.get('verdict')} {row['authenticity']:.0f} "
        f"({row['authenticity_low']:.0f}-{row['authenticity_high']:.0f})",
    ]
    tier, platform = row.get("tier"), row.get("platform")
    if isinstance(tier, str):
        where = f"{tier}" + (f" on {platform}" if isinstance(platform, str) else "")
        if _finite(row.get("tier_percentile")):
            peers = int(row["tier_peers"])
            where += (
                f": genuine engagement rate at percentile {row['tier_percentile']:.0f} of its tier "
                f"there ({peers} other {tier} creator{'s' if peers != 1 else ''})"
            )
        parts.append(where)
    drop, low, high = (_number(row.get(f"substantive_drop{s}")) for s in ("", "_low", "_high"))
    if drop is not None and low is not None and high is not None:
        if low > 0:
            parts.append(
                f"its audience says less on sponsored posts (substantive share down "
                f"{100 * drop:.0f} points, {100 * low:.0f} to {100 * high:.0f})"
            )
        else:
            parts.append(
                f"no clear drop in substantive share on sponsored posts (change "
                f"{-100 * drop:+.0f} points, {-100 * high:+.0f} to {-100 * low:+.0f})"
            )
    return "; ".join(parts)


def plan_budget(
    creators: pd.DataFrame, amount: Any, currency: str | None, cfg: ScoringConfig | None = None
) -> BudgetPlan:
    """The budget pick over a scored creators table (``CreatorReport.creators``)."""
    cfg = cfg or ScoringConfig()
    budget, code = check_budget(amount, currency)
    rows = [{str(k): v for k, v in r.items()} for r in creators.to_dict("records")]
    skipped: list[BudgetSkip] = []
    candidates: list[dict[str, Any]] = []
    for row in rows:
        reason = _skip_reason(row, code, cfg)
        if reason:
            skipped.append(BudgetSkip(str(row["creator_id"]), reason))
        else:
            candidates.append(row)
    column = _VALUE_COLUMNS[ENGAGEMENTS]
    if all(_finite(r.get(f"{column}_low")) for r in candidates):
        unit = ENGAGEMENTS
        note = "value: genuine engagements per post, lower end of the 95% interval"
    else:
        unit, column = COMMENTS, _VALUE_COLUMNS[COMMENTS]
        note = (
            "value: genuine comments per post, lower end of the 95% interval (some candidates "
            "have no likes, so engagements cannot be compared)"
        )
    usable: list[dict[str, Any]] = []
    for row in candidates:
        low = _number(row.get(f"{column}_low"))
        if low is None or low <= 0:
            skipped.append(BudgetSkip(str(row["creator_id"]), f"no {unit} to count at the low end"))
        elif row["price"] > budget:
            skipped.append(
                BudgetSkip(
                    str(row["creator_id"]),
                    f"its price ({format_money(row['price'], code)}) is over the budget on its own",
                )
            )
        else:
            usable.append(row)
    prices = np.array([float(r["price"]) for r in usable], dtype=float)
    values = np.array([float(r[f"{column}_low"]) for r in usable], dtype=float)
    chosen = _solve(prices, values, budget)
    picks: list[BudgetLine] = []
    for row, take in zip(usable, chosen, strict=True):
        line = BudgetLine(
            str(row["creator_id"]),
            float(row["price"]),
            float(row[f"{column}_low"]),
            float(row[column]),
            float(row[f"{column}_high"]),
            "",
        )
        if take:
            picks.append(
                BudgetLine(**{**asdict(line), "reason": _pick_reason(row, line, unit, code)})
            )
    spent = float(sum(p.price for p in picks))
    best = float(values[chosen].sum())
    # The best pick *with* a left-out creator, for the most surprising ones (best value per
    # unit of money first): what taking it would cost.
    left_out = [i for i in range(len(usable)) if not chosen[i]]
    surprising = set(
        sorted(left_out, key=lambda i: -values[i] / max(prices[i], 1e-12))[:MAX_EXPLAINED]
    )
    for i in left_out:
        row = usable[i]
        each = format_money(float(row["price"]) / values[i], code)
        reason = f"left out: {each} per {unit[:-1]} at the low end"
        if i in surprising:
            others = np.arange(len(usable)) != i
            rest = _solve(prices[others], values[others], budget - prices[i])
            forced = values[i] + float(values[others][rest].sum())
            reason += (
                f"; the best pick with it gives at least {forced:,.0f} {unit} per post, "
                f"against {best:,.0f} without it"
            )
        skipped.append(BudgetSkip(str(row["creator_id"]), reason))
    order = {str(r["creator_id"]): i for i, r in enumerate(rows)}
    skipped.sort(key=lambda s: order.get(s.creator_id, len(order)))
    return BudgetPlan(
        amount=budget,
        currency=code,
        unit=unit,
        picks=tuple(picks),
        skipped=tuple(skipped),
        spent=spent,
        value_low=float(sum(p.value_low for p in picks)),
        value=float(sum(p.value for p in picks)),
        note=note,
    )
