"""Brand economics: tiers, engagement rates, genuine engagement, costs, percentiles within tier,
sponsored vs organic drops and the budget pick (docs/economics.md), on hand-computed cases; what
missing or bad inputs give; and the CLI, report page and HTTP service end to end."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta
from scipy.stats import t as student_t

from classifier.io.problems import InputError
from classifier.scoring import ScoringConfig, score_creators
from classifier.scoring.budget import plan_budget
from classifier.scoring.economics import (
    add_tier_percentiles,
    engagement_change,
    share_difference,
    tiers,
)
from genuine_cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
TOPICS = ("flour", "starter", "oven", "crumb", "salt", "rye", "steam", "banneton", "proof", "crust")
# Distinct questions (near-identical long texts would be a copy-paste cluster and discounted).
QUESTIONS = (
    "what hydration is this loaf?",
    "did you cold proof it overnight",
    "which flour brand do you like",
    "mine spread flat in the oven, why?",
    "how long does the starter need after feeding",
    "is a dutch oven really necessary",
    "the scoring pattern at 1:20 is so clean, what blade?",
    "can I swap half for whole wheat",
    "why does my crust go soft after an hour",
    "tried it with rye and it was dense",
    "what temp for the second bake",
    "how do you get that open crumb",
    "my dough tears when I stretch it",
    "does salt go in with the flour or later",
    "used your timing and it overproofed in my warm kitchen",
    "any tips for high altitude",
    "what size banneton is that",
    "the steam trick with ice cubes worked for me",
    "why rice flour for dusting",
    "can this be frozen after shaping",
)


def comments_for(creator: str, posts: int, per_post: int, substantive: int) -> list[dict]:
    """``per_post`` distinct comments on each post; the first ``substantive`` of the creator's
    comments are labeled substantive. No authors or times: nothing is discounted."""
    rows = []
    k = 0
    for post in range(posts):
        for _ in range(per_post):
            label = "substantive" if k < substantive else "generic"
            topic = TOPICS[k % len(TOPICS)]
            text = (
                f"{QUESTIONS[k % len(QUESTIONS)]} ({creator})"
                if label == "substantive"
                else f"nice {topic} {k}"
            )
            rows.append(
                {
                    "creator_id": creator,
                    "post_id": f"{creator}-p{post}",
                    "text": text,
                    "label": label,
                }
            )
            k += 1
    return rows


def jeffreys(k: float, n: float) -> tuple[float, float]:
    low = 0.0 if k <= 0 else beta.ppf(0.025, k + 0.5, n - k + 0.5)
    high = 1.0 if k >= n else beta.isf(0.025, k + 0.5, n - k + 0.5)
    return float(low), float(high)


@pytest.fixture(scope="module")
def hand_case():
    """Creator a: 10,000 followers, USD 500 per post, 2 posts of 10 comments (5 substantive of
    20, nothing discounted). p1: 400 likes, 8,000 views, the platform counts 30 comments; p2:
    600 likes, 12,000 views, no count (the 10 given stand for all)."""
    comments = pd.DataFrame(comments_for("a", 2, 10, 5))
    posts = pd.DataFrame(
        [
            {
                "post_id": "a-p0",
                "creator_id": "a",
                "likes": 400,
                "views": 8000,
                "comments_count": 30,
            },
            {"post_id": "a-p1", "creator_id": "a", "likes": 600, "views": 12000},
        ]
    )
    creators = pd.DataFrame(
        [
            {
                "creator_id": "a",
                "followers": 10_000,
                "platform": "instagram",
                "price": 500,
                "currency": "usd",
            }
        ]
    )
    return score_creators(comments, posts, creators)


def test_formulas_on_a_hand_computed_case(hand_case) -> None:
    row = hand_case.creators.set_index("creator_id").loc["a"]  # unrounded, unlike creator()
    assert row["tier"] == "micro"  # 10,000 is where micro starts
    assert row["currency"] == "USD"  # codes are upper-cased
    # ER: posts (400 + 30) and (600 + 10) -> mean 520 over 10,000 followers.
    assert row["engagement_rate"] == pytest.approx(0.052)
    assert row["engagement_rate_views"] == pytest.approx((430 / 8000 + 610 / 12000) / 2)
    assert row["likes_per_post"] == pytest.approx(500)
    assert row["platform_comments_per_post"] == pytest.approx(20)
    # g = 5/20, u = 0: genuine engagements = 500 likes + 0.25 x 20 comments = 505.
    assert row["genuine_share"] == pytest.approx(0.25)
    assert row["genuine_engagements_per_post"] == pytest.approx(505)
    assert row["genuine_engagement_rate"] == pytest.approx(0.0505)
    assert row["genuine_engagement_rate_views"] == pytest.approx(
        (400 / 8000 + 600 / 12000) / 2 + 0.25 * (30 / 8000 + 10 / 12000) / 2
    )
    # Genuine comments per post 0.25 x 20 = 5: USD 100 each; 1,000 x 500 / 505 per 1k.
    assert row["platform_genuine_per_post"] == pytest.approx(5)
    assert row["cost_per_genuine_comment"] == pytest.approx(100)
    assert row["cost_per_1k_genuine_engagements"] == pytest.approx(1000 * 500 / 505)
    # The intervals: Jeffreys on g (5 of 20) and on u (0 of 20), carried through.
    g_low, g_high = jeffreys(5, 20)
    _, u_high = jeffreys(0, 20)
    assert row["genuine_share_low"] == pytest.approx(g_low)
    assert row["genuine_engagements_per_post_low"] == pytest.approx((1 - u_high) * 500 + g_low * 20)
    assert row["genuine_engagements_per_post_high"] == pytest.approx(500 + g_high * 20)
    assert row["genuine_engagement_rate_low"] == pytest.approx(
        ((1 - u_high) * 500 + g_low * 20) / 10_000
    )
    assert row["cost_per_genuine_comment_low"] == pytest.approx(500 / (g_high * 20))
    assert row["cost_per_genuine_comment_high"] == pytest.approx(500 / (g_low * 20))
    assert row["cost_per_1k_genuine_engagements_high"] == pytest.approx(
        1000 * 500 / ((1 - u_high) * 500 + g_low * 20)
    )
    # Alone on its platform and tier: no percentile, and no sponsored column: no drops.
    assert math.isnan(row["tier_percentile"]) and row["tier_peers"] == 0
    assert math.isnan(row["substantive_drop"]) and math.isnan(row["engagement_drop"])
    assert row["economics_missing"] == []
    assert not {"engagement", "views_rate", "platform_counts", "costs"} & set(hand_case.signals_off)


def test_tiers_follow_the_configured_bounds() -> None:
    default = ScoringConfig()
    followers = [9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000, None, 0]
    assert list(tiers(followers, default)) == [
        "nano",
        "micro",
        "micro",
        "macro",
        "macro",
        "mega",
        None,
        None,
    ]
    custom = ScoringConfig(tier_bounds=(5_000, 50_000, 500_000))
    assert list(tiers([4_999, 5_000, 60_000, 600_000], custom)) == [
        "nano",
        "micro",
        "macro",
        "mega",
    ]
    with pytest.raises(ValueError, match="increasing"):
        ScoringConfig(tier_bounds=(10_000, 5_000, 1_000_000))
    with pytest.raises(ValueError, match="tier_names"):
        ScoringConfig(tier_names=("small", "big"))


def test_percentile_within_tier_and_platform_counts_ties_half() -> None:
    table = pd.DataFrame(
        {
            "creator_id": ["low", "tie1", "tie2", "other_platform", "no_rate", "macro"],
            "tier": ["micro", "micro", "micro", "micro", "micro", "macro"],
            "platform": ["TikTok", "tiktok", "tiktok", "youtube", "tiktok", "tiktok"],
            "genuine_engagement_rate": [0.01, 0.03, 0.03, 0.05, np.nan, 0.09],
        }
    )
    add_tier_percentiles(table)
    got = table.set_index("creator_id")
    # low beats none of its 2 peers; each tie beats low and half-beats the other: (1 + 0.5) / 2.
    assert got.loc["low", "tier_percentile"] == 0.0
    assert got.loc["tie1", "tier_percentile"] == 75.0 == got.loc["tie2", "tier_percentile"]
    assert list(got.loc[["low", "tie1", "tie2"], "tier_peers"]) == [2, 2, 2]
    for alone in ("other_platform", "no_rate", "macro"):
        assert math.isnan(got.loc[alone, "tier_percentile"]) and got.loc[alone, "tier_peers"] == 0


def test_sponsored_drops_with_intervals_on_hand_computed_numbers() -> None:
    # Substantive share 40% (30-50) organic, 20% (10-35) sponsored: drop 20 points, MOVER ends.
    d, low, high = share_difference(([0.4], [0.3], [0.5]), ([0.2], [0.1], [0.35]))
    assert d[0] == pytest.approx(0.2)
    assert low[0] == pytest.approx(0.2 - math.sqrt(0.1**2 + 0.15**2))
    assert high[0] == pytest.approx(0.2 + math.sqrt(0.1**2 + 0.1**2))
    # Engagement per post: sponsored 100, 120; organic 200, 220, 240 -> ratio 0.5, drop 50%.
    s = np.array([100.0, 120.0])
    o = np.array([200.0, 220.0, 240.0])
    drop, d_low, d_high = engagement_change(
        ([2], [s.mean()], [s.var(ddof=1)]), ([3], [o.mean()], [o.var(ddof=1)]), 0.95
    )
    a = s.var(ddof=1) / (2 * s.mean() ** 2)
    b = o.var(ddof=1) / (3 * o.mean() ** 2)
    df = (a + b) ** 2 / (a**2 / 1 + b**2 / 2)
    q = student_t.ppf(0.975, df)
    assert drop[0] == pytest.approx(0.5)
    assert d_low[0] == pytest.approx(1 - 0.5 * math.exp(q * math.sqrt(a + b)))
    assert d_high[0] == pytest.approx(1 - 0.5 * math.exp(-q * math.sqrt(a + b)))
    # One sponsored post: a point estimate, no interval.
    one = engagement_change(([1], [100.0], [np.nan]), ([3], [220.0], [400.0]), 0.95)
    assert one[0][0] == pytest.approx(1 - 100 / 220) and math.isnan(one[1][0])


def test_sponsored_and_organic_posts_through_the_scorer() -> None:
    rows = []
    for post, substantive in (
        ("p0", 6),
        ("p1", 6),
        ("p2", 1),
        ("p3", 1),
    ):
        batch = comments_for("s", 1, 20, substantive)
        for r in batch:
            r["post_id"] = f"s-{post}"
            r["text"] = f"{post} {r['text']}"
        rows += batch
    posts = pd.DataFrame(
        {
            "post_id": ["s-p0", "s-p1", "s-p2", "s-p3"],
            "creator_id": "s",
            "sponsored": ["false", "false", "true", "true"],
            "likes": [1000, 1200, 500, 700],
        }
    )
    row = score_creators(pd.DataFrame(rows), posts).creator("s")
    assert row["organic_share"] > row["sponsored_share"]
    assert row["substantive_drop"] == pytest.approx(row["organic_share"] - row["sponsored_share"])
    assert row["substantive_drop_low"] < row["substantive_drop"] < row["substantive_drop_high"]
    assert row["engagement_drop"] == pytest.approx(1 - (620 / 1120))
    assert row["engagement_drop_low"] < row["engagement_drop"] < row["engagement_drop_high"]


def _all_finite_or_none(record: dict) -> bool:
    return all(v is None or not isinstance(v, float) or math.isfinite(v) for v in record.values())


def test_missing_inputs_give_what_can_be_computed_and_say_why() -> None:
    comments = pd.DataFrame(
        comments_for("no_price", 2, 15, 5)
        + comments_for("no_likes", 2, 15, 5)
        + comments_for("no_followers", 2, 15, 5)
        + comments_for("all_generic", 2, 15, 0)
    )
    posts = pd.DataFrame(
        [
            {"post_id": f"{c}-p{i}", "creator_id": c, "likes": 300 if c != "no_likes" else None}
            for c in ("no_price", "no_likes", "no_followers", "all_generic")
            for i in range(2)
        ]
    )
    creators = pd.DataFrame(
        [
            {"creator_id": "no_price", "followers": 20_000, "platform": "tiktok"},
            {"creator_id": "no_likes", "followers": 20_000, "price": 300, "currency": "EUR"},
            {"creator_id": "no_followers", "price": 300, "currency": "EUR"},
            {"creator_id": "all_generic", "followers": 20_000, "price": 300, "currency": "EUR"},
        ]
    )
    report = score_creators(comments, posts, creators)
    records = {r["creator_id"]: r for r in report.creator_records()}
    assert all(_all_finite_or_none(r) for r in records.values())  # never an infinity or NaN

    no_price = records["no_price"]
    assert no_price["engagement_rate"] is not None and no_price["tier"] == "micro"
    for cost in ("cost_per_genuine_comment", "cost_per_1k_genuine_engagements"):
        assert no_price[cost] is None and no_price[f"{cost}_low"] is None  # not 0, not inf
    assert "cost figures: no price" in no_price["economics_missing"]

    no_likes = records["no_likes"]
    assert no_likes["engagement_rate"] is None and no_likes["genuine_engagement_rate"] is None
    assert no_likes["cost_per_genuine_comment"] == pytest.approx(300 / (5 / 30 * 15))
    assert no_likes["cost_per_1k_genuine_engagements"] is None
    assert "engagement rates: no likes on its posts (posts table)" in no_likes["economics_missing"]
    assert (
        "cost per 1,000 genuine engagements: no likes on its posts" in no_likes["economics_missing"]
    )

    no_followers = records["no_followers"]
    assert no_followers["tier"] is None and no_followers["engagement_rate"] is None
    assert no_followers["genuine_engagements_per_post"] is not None  # needs no followers
    assert no_followers["cost_per_1k_genuine_engagements"] is not None
    assert any("no followers" in m for m in no_followers["economics_missing"])

    generic = records["all_generic"]
    assert generic["cost_per_genuine_comment"] is None
    assert generic["cost_per_genuine_comment_low"] is None
    assert (
        "cost per genuine comment: no genuine comments to pay for" in generic["economics_missing"]
    )
    # Whole-run notes: views and the platform's counts are missing everywhere.
    assert {"views_rate", "platform_counts"} <= set(report.signals_off)
    assert {"views", "comments_count"} <= {u.column for u in report.missing_columns()}


def test_nothing_but_comments_turns_every_economics_figure_off() -> None:
    report = score_creators(pd.DataFrame(comments_for("x", 2, 20, 5)))
    assert {"tiers", "engagement", "costs", "views_rate", "platform_counts"} <= set(
        report.signals_off
    )
    row = report.creator("x")
    assert row["tier"] is None and row["cost_per_genuine_comment"] is None
    assert row["platform_genuine_per_post"] == pytest.approx(row["genuine_per_post"])


def test_bad_values_are_reported_per_row_and_the_rest_is_scored(tmp_path) -> None:
    comments = pd.DataFrame(
        comments_for("ok", 2, 10, 3)
        + comments_for("neg", 2, 10, 3)
        + comments_for("text_price", 2, 10, 3)
        + comments_for("bad_code", 2, 10, 3)
        + comments_for("no_code", 2, 10, 3)
    )
    comments_path = tmp_path / "comments.csv"
    comments.to_csv(comments_path, index=False)
    creators_path = tmp_path / "creators.csv"
    creators_path.write_text(
        "creator_id,followers,platform,price,currency\n"
        "ok,20000,tiktok,400,USD\n"
        "neg,-500,tiktok,400,USD\n"
        'text_price,20000,tiktok,"$1,200",USD\n'
        "bad_code,20000,tiktok,400,US$\n"
        "no_code,20000,tiktok,400,\n",
        encoding="utf-8",
    )
    posts_path = tmp_path / "posts.csv"
    lines = ["post_id,creator_id,likes,views,comments_count"]
    for creator in ("ok", "neg", "text_price", "bad_code", "no_code"):
        lines += [f"{creator}-p0,{creator},300,5000,12", f"{creator}-p1,{creator},350,6000,11"]
    lines[2] = "ok-p1,ok,many,6000,-3"  # likes as text, a negative comment count
    posts_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = score_creators(comments_path, posts_path, creators_path)
    # Lines count the header as line 1 (the file's own line numbers).
    found = {(Path(p.source).stem, p.line, p.field): p.problem for p in report.problems}
    assert found[("posts", 3, "likes")] == (
        "likes is not a number ('many'); the post is left out of the engagement figures"
    )
    assert found[("posts", 3, "comments_count")].startswith(
        "comments_count must be at least 0, got -3"
    )
    assert found[("creators", 3, "followers")] == (
        "followers must be above 0, got -500; tier and engagement rates are off for this creator"
    )
    assert found[("creators", 4, "price")] == (
        "price is not a number ('$1,200'); cost figures are off for this creator"
    )
    assert found[("creators", 5, "currency")].startswith(
        "unknown currency code 'US$' (use an ISO 4217 code"
    )
    assert found[("creators", 6, "currency")].startswith("price without a currency")
    assert len(found) == 6
    rows = {r["creator_id"]: r for r in report.creator_records()}
    assert len(rows) == 5 and all(r["verdict"] for r in rows.values())  # all scored
    assert rows["ok"]["cost_per_genuine_comment"] is not None
    assert rows["ok"]["likes_per_post"] == pytest.approx(300)  # the bad post is left out
    assert rows["neg"]["followers"] is None and rows["neg"]["tier"] is None
    assert rows["neg"]["cost_per_genuine_comment"] is not None  # the rest of it still counts
    for creator in ("text_price", "bad_code", "no_code"):
        assert rows[creator]["cost_per_genuine_comment"] is None
        assert rows[creator]["engagement_rate"] is not None


def budget_table(rows: list[tuple]) -> pd.DataFrame:
    """A creators table with what the pick reads: id, price, currency, verdict, low/value/high."""
    return pd.DataFrame(
        [
            {
                "creator_id": cid,
                "price": price,
                "currency": currency,
                "verdict": verdict,
                "authenticity": 90.0,
                "authenticity_low": 85.0,
                "authenticity_high": 95.0,
                "genuine_engagements_per_post_low": low,
                "genuine_engagements_per_post": value,
                "genuine_engagements_per_post_high": value * 1.2,
                "platform_genuine_per_post_low": low / 10,
                "platform_genuine_per_post": value / 10,
                "platform_genuine_per_post_high": value / 8,
            }
            for cid, price, currency, verdict, low, value in rows
        ]
    )


def test_budget_pick_is_the_best_set_not_the_greedy_one() -> None:
    # Greedy by value per dollar takes A (10/unit) and then nothing fits: 60. B + C give 90.
    table = budget_table(
        [
            ("A", 6, "USD", "genuine", 60, 70),
            ("B", 5, "USD", "genuine", 45, 50),
            ("C", 5, "USD", "mixed", 45, 50),
            ("D", 1, "EUR", "genuine", 500, 600),
            ("E", 1, "USD", "suspicious", 500, 600),
            ("F", 11, "USD", "genuine", 900, 950),
            ("G", None, None, "genuine", 900, 950),
        ]
    )
    plan = plan_budget(table, 10, "usd")
    assert plan.currency == "USD"
    assert [p.creator_id for p in plan.picks] == ["B", "C"]
    assert plan.spent == 10 and plan.value_low == 90 and plan.value == 100
    reasons = {s.creator_id: s.reason for s in plan.skipped}
    assert reasons["D"] == "priced in EUR, the budget is in USD: currencies are never converted"
    assert reasons["E"].startswith("suspicious verdict: only genuine or mixed")
    assert reasons["F"] == "its price (USD 11.00) is over the budget on its own"
    assert reasons["G"] == "no price"
    assert "the best pick with it gives at least 60" in reasons["A"]
    assert "against 90 without it" in reasons["A"]
    assert plan.picks[0].reason.startswith("USD 5.00 for at least 45 genuine engagements per post")


def test_knapsack_is_exact_against_brute_force() -> None:
    """The reduction before the MILP solver never changes the best value (random small cases,
    equal prices and equal values included; 0-priced posts are always taken)."""
    import itertools

    from classifier.scoring.budget import _solve

    rng = np.random.default_rng(7)
    for trial in range(200):
        n = int(rng.integers(1, 11))
        prices = np.round(rng.uniform(0, 50, n))
        values = np.round(rng.uniform(1, 100, n))
        if trial % 3 == 0:
            prices[:] = 10
        if trial % 5 == 0:
            values[:] = 7
        amount = float(rng.uniform(1, prices.sum() + 5))
        best = max(
            values[list(c)].sum()
            for k in range(n + 1)
            for c in itertools.combinations(range(n), k)
            if prices[list(c)].sum() <= amount
        )
        chosen = _solve(prices, values, amount)
        assert prices[chosen].sum() <= amount
        assert values[chosen].sum() == pytest.approx(best), (prices, values, amount)


def test_budget_pick_uses_the_lower_end_so_uncertain_creators_are_not_favored() -> None:
    # Same price; "sure" has the higher lower end, "unsure" the higher expected value.
    table = budget_table(
        [("unsure", 100, "USD", "genuine", 50, 400), ("sure", 100, "USD", "genuine", 150, 200)]
    )
    plan = plan_budget(table, 150, "USD")
    assert [p.creator_id for p in plan.picks] == ["sure"]


def test_budget_falls_back_to_genuine_comments_when_a_candidate_has_no_likes() -> None:
    table = budget_table(
        [("a", 10, "USD", "genuine", 100, 120), ("b", 10, "USD", "genuine", 90, 100)]
    )
    table.loc[1, "genuine_engagements_per_post_low"] = np.nan
    plan = plan_budget(table, 10, "USD")
    assert plan.unit == "genuine comments" and "some candidates have no likes" in plan.note
    assert [p.creator_id for p in plan.picks] == ["a"] and plan.value_low == 10


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (-5, "USD", "positive amount"),
        ("lots", "USD", "must be a number"),
        (5000, "XYZ", "unknown currency code 'XYZ'"),
        (5000, None, "needs its currency"),
    ],
)
def test_a_bad_budget_is_a_clear_error(amount, currency, message) -> None:
    with pytest.raises(InputError, match=message):
        plan_budget(budget_table([("a", 1, "USD", "genuine", 1, 1)]), amount, currency)


def _texts_module(lang: str):
    spec = importlib.util.spec_from_file_location(
        f"econ_texts_{lang}", EXAMPLES / f"texts_{lang}.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def labeled_examples(tmp_path_factory) -> Path:
    """The example comments with the label each text was written as (no model needed)."""
    comments = pd.read_csv(EXAMPLES / "comments.csv", dtype=str, keep_default_na=False)
    substantive: set[str] = set()
    for lang in ("vi", "zh", "en"):
        for posts in _texts_module(lang).POSTS.values():
            for post in posts:
                substantive.update(post["substantive"], post.get("replies", []))
    comments["label"] = ["substantive" if t in substantive else "generic" for t in comments["text"]]
    path = tmp_path_factory.mktemp("labeled") / "comments.csv"
    comments.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cli_budget(labeled_examples, tmp_path_factory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("out")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(
            [
                "score",
                str(labeled_examples),
                "--posts",
                str(EXAMPLES / "posts.csv"),
                "--creators",
                str(EXAMPLES / "creators.csv"),
                "--budget",
                "5000",
                "--currency",
                "USD",
                "-o",
                str(out),
            ]
        )
    assert code == 0
    return buffer.getvalue(), out


def test_cli_budget_on_the_example_data(cli_budget) -> None:
    stdout, out = cli_budget
    budget = json.loads((out / "budget.json").read_text(encoding="utf-8"))
    picks = [p["creator_id"] for p in budget["picks"]]
    assert picks == ["vi_linh.makeup", "zh_xiaoyu.trip", "en_maya.plants"]
    assert budget["spent"] == 4700 and budget["currency"] == "USD"
    assert budget["unit"] == "genuine engagements"
    skipped = {s["creator_id"]: s["reason"] for s in budget["skipped"]}
    assert skipped["en_tyler.wealth"].startswith("suspicious verdict")
    assert skipped["vi_tuan.techreview"].startswith("priced in VND")
    assert skipped["en_jess.fitlife"] == "no price"
    assert "budget USD 5,000: 3 creator(s) for USD 4,700 of USD 5,000" in stdout
    assert "what genuine engagement costs" in stdout

    creators = {r["creator_id"]: r for r in json.loads((out / "creators.json").read_text("utf-8"))}
    tiers_seen = {r["creator_id"]: r["tier"] for r in creators.values()}
    assert tiers_seen["vi_bepcuame"] == "nano" and tiers_seen["zh_meimei.skincare"] == "mega"
    assert tiers_seen["en_tyler.wealth"] == "macro" and tiers_seen["en_sambakes"] == "micro"
    # Three micro creators on instagram: a percentile each; the bought macro one inflates least.
    assert creators["zh_akuan.coffee"]["tier_percentile"] == 100
    assert creators["en_sambakes"]["tier_percentile"] == 50
    assert creators["vi_ha.outfit"]["tier_percentile"] == 0
    bought = creators["en_tyler.wealth"]
    assert bought["genuine_engagement_rate"] < bought["engagement_rate"] / 3
    # The mixed creators' audiences say less on sponsored posts: the whole interval is a drop.
    for mixed in ("vi_ha.outfit", "en_jess.fitlife", "zh_laowang.fit"):
        assert creators[mixed]["substantive_drop_low"] > 0
    assert "cost figures: no price" in creators["en_jess.fitlife"]["economics_missing"]

    html = (out / "report.html").read_text(encoding="utf-8")
    for anchor in ("id='economics'", "id='budget'", "id='tier-table'", "id='sponsored-chart'"):
        assert anchor in html
    assert "Price (USD) against genuine engagements per post" in html
    assert "Price (VND)" in html and "Price (CNY)" in html  # one chart per currency
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_cli_rejects_a_bad_budget_before_scoring(labeled_examples, tmp_path, capsys) -> None:
    code = main(
        [
            "score",
            str(labeled_examples),
            "--budget",
            "5000",
            "--currency",
            "dollars",
            "-o",
            str(tmp_path),
        ]
    )
    assert code != 0
    assert "unknown currency code 'dollars'" in capsys.readouterr().err
    assert not (tmp_path / "creators.csv").exists()


def test_cli_tiers_option(labeled_examples, tmp_path) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(
            [
                "score",
                str(labeled_examples),
                "--creators",
                str(EXAMPLES / "creators.csv"),
                "--tiers",
                "20k,200k,2M",
                "-o",
                str(tmp_path),
                "-q",
            ]
        )
    assert code == 0
    rows = {r["creator_id"]: r for r in json.loads((tmp_path / "creators.json").read_text("utf-8"))}
    assert rows["en_jess.fitlife"]["tier"] == "nano"  # 15,200 < 20k
    assert rows["zh_meimei.skincare"]["tier"] == "mega"  # 2.3M >= 2M
    assert rows["vi_tuan.techreview"]["tier"] == "macro"  # 1.24M < 2M


def test_http_score_with_a_budget(tiny_model_dir) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from classifier.service import create_app

    comments = [dict(r, post_id=r["post_id"]) for r in comments_for("a", 2, 12, 4)]
    comments += comments_for("b", 2, 12, 2)
    for row in comments:
        row.pop("label")
    body = {
        "comments": comments,
        "posts": [
            {"post_id": f"{c}-p{i}", "creator_id": c, "likes": 200, "comments_count": 40}
            for c in ("a", "b")
            for i in range(2)
        ],
        "creators": [
            {"creator_id": "a", "followers": 20000, "price": 300, "currency": "EUR"},
            {"creator_id": "b", "followers": 20000, "price": 250, "currency": "XYZ"},
        ],
        "budget": {"amount": 1000, "currency": "EUR"},
    }
    with TestClient(create_app(str(tiny_model_dir))) as client:
        response = client.post("/v1/score", json=body)
        assert response.status_code == 200
        result = response.json()
        assert result["budget"]["currency"] == "EUR"
        rows = {r["creator_id"]: r for r in result["creators"]}
        assert rows["a"]["tier"] == "micro" and rows["a"]["platform_comments_per_post"] == 40
        assert rows["b"]["cost_per_genuine_comment"] is None  # its currency code was unknown
        assert any(
            p["field"] == "currency" and "unknown currency code 'XYZ'" in p["problem"]
            for p in result["flags"]["problems"]
        )
        bad = client.post(
            "/v1/score", json={**body, "budget": {"amount": 1000, "currency": "EURO"}}
        )
        assert bad.status_code == 422 and "unknown currency code 'EURO'" in bad.text
