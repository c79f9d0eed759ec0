"""The per-creator metric: intervals, ranking by the lower bound, verdicts, rates, exclusions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from classifier.scoring import ScoringConfig, score_creators
from classifier.scoring.metric import jeffreys

T0 = pd.Timestamp("2025-03-01T12:00:00Z")


def section(
    creator: str, n: int, substantive: float, *, posts: int = 5, seed: int = 0
) -> list[dict]:
    """n distinct, slow comments from distinct authors, a given share substantive."""
    rng = np.random.default_rng(seed)
    k = round(n * substantive)
    labels = ["substantive"] * k + ["generic"] * (n - k)
    rng.shuffle(labels)
    return [
        {
            "creator_id": creator,
            "post_id": f"{creator}-p{i % posts}",
            "author_id": f"{creator}-fan{i}",
            "created_at": (
                T0 + pd.Timedelta(days=3 * (i % posts), minutes=float(rng.uniform(30, 4000)))
            ).isoformat(),
            "text": f"{creator} comment {i}",
            "label": label,
        }
        for i, label in enumerate(labels)
    ]


def test_jeffreys_interval_narrows_with_n_and_pins_the_ends() -> None:
    mean, low, high = jeffreys(
        np.array([1.0, 100.0, 0.0, 5.0]), np.array([3.0, 300.0, 10.0, 5.0]), 0.95
    )
    assert high[0] - low[0] > 0.6  # 1 of 3: almost anything is possible
    assert high[1] - low[1] < 0.12  # 100 of 300: tight
    assert low[2] == 0.0 and high[3] == 1.0
    assert 0.3 < mean[1] < 0.36
    empty = jeffreys(np.array([0.0]), np.array([0.0]), 0.95)
    assert all(np.isnan(part[0]) for part in empty)


def test_tiny_creator_gets_insufficient_data_and_a_wide_interval() -> None:
    rows = section("big", 300, 0.3) + section("tiny", 3, 1.0, posts=1)
    report = score_creators(pd.DataFrame(rows))
    tiny = report.creator("tiny")
    assert tiny["verdict"] == "insufficient data"
    assert tiny["substantive_high"] - tiny["substantive_low"] > 0.4
    assert tiny["authenticity_high"] - tiny["authenticity_low"] > 40
    assert any("a verdict needs at least" in reason for reason in tiny["reasons"])


def test_three_lucky_comments_never_outrank_three_thousand_good_ones() -> None:
    rows = section("lucky", 3, 1.0, posts=1) + section("steady", 3000, 0.3, seed=1)
    report = score_creators(pd.DataFrame(rows))
    ranked = list(report.creators["creator_id"])
    assert ranked.index("steady") < ranked.index("lucky")
    steady, lucky = report.creator("steady"), report.creator("lucky")
    assert (
        lucky["substantive_share"] > steady["substantive_share"]
    )  # the point estimate alone would lie
    assert steady["authenticity_low"] > lucky["authenticity_low"]


def test_mostly_generic_but_clean_audience_is_not_suspicious() -> None:
    """Real audiences write mostly short reactions (41-90% generic): that alone is no evidence."""
    rows = section("music", 2000, 0.12)
    creators = pd.DataFrame([{"creator_id": "music", "followers": 50_000, "platform": "youtube"}])
    row = score_creators(pd.DataFrame(rows), creators=creators).creator("music")
    assert row["verdict"] == "genuine"


def test_substantive_share_far_below_the_norm_is_suspicious() -> None:
    rows = section("hollow", 2000, 0.01)
    row = score_creators(pd.DataFrame(rows)).creator("hollow")
    assert row["verdict"] == "suspicious"
    assert any("far below" in reason for reason in row["reasons"])


def test_engagement_rates_and_inflation() -> None:
    rows = section("x", 200, 0.25, posts=4)
    creators = pd.DataFrame([{"creator_id": "x", "followers": 20_000}])
    row = score_creators(pd.DataFrame(rows), creators=creators).creator("x")
    assert row["posts"] == 4
    assert row["comments_per_post"] == pytest.approx(50)
    assert row["genuine_comments"] == pytest.approx(50)  # nothing discounted: 25% of 200
    assert row["raw_rate_per_1k"] == pytest.approx(50 / 20)
    assert row["genuine_rate_per_1k"] == pytest.approx(12.5 / 20)
    assert row["inflation"] == pytest.approx(4.0)
    assert row["genuine_authors"] == pytest.approx(50)


def test_without_followers_rates_are_off_and_reported() -> None:
    report = score_creators(pd.DataFrame(section("x", 50, 0.3)))
    row = report.creator("x")
    assert row["raw_rate_per_1k"] is None and row["genuine_rate_per_1k"] is None
    assert "engagement_rate" in report.signals_off


def test_exclude_authors_and_creator_replies_are_left_out() -> None:
    rows = section("x", 100, 0.2)
    rows += [
        {
            "creator_id": "x",
            "post_id": "x-p0",
            "author_id": "brand_official",
            "created_at": T0.isoformat(),
            "text": f"official answer {k}",
            "label": "substantive",
        }
        for k in range(20)
    ]
    rows += [
        {
            "creator_id": "x",
            "post_id": "x-p0",
            "author_id": "x",
            "created_at": T0.isoformat(),
            "text": f"thanks {k}!",
            "label": "substantive",
        }
        for k in range(10)
    ]
    plain = score_creators(pd.DataFrame(rows)).creator("x")
    assert plain["comments"] == 120 and plain["creator_replies"] == 10
    report = score_creators(pd.DataFrame(rows), exclude_authors=["brand_official"])
    row = report.creator("x")
    assert (
        row["comments"] == 100 and row["excluded_comments"] == 20 and row["comments_total"] == 130
    )
    assert row["substantive_share"] == pytest.approx((20 + 0.5) / 101, rel=1e-4)
    comments = report.comments
    assert set(comments.loc[~comments["counted"], "flags"]) == {"excluded author", "creator reply"}


def test_exclude_authors_from_a_file(tmp_path) -> None:
    rows = [
        *section("x", 60, 0.2),
        {
            "creator_id": "x",
            "post_id": "x-p0",
            "author_id": "team1",
            "created_at": T0.isoformat(),
            "text": "hi",
            "label": "generic",
        },
    ]
    path = tmp_path / "team.txt"
    path.write_text("# our team\nteam1\n\n", encoding="utf-8")
    assert (
        score_creators(pd.DataFrame(rows), exclude_authors=str(path)).creator("x")["comments"] == 60
    )


def test_sponsored_and_organic_shares() -> None:
    rows = section("x", 200, 0.3, posts=4)
    for r in rows:
        if r["post_id"] == "x-p3":
            r["label"] = "generic"
    posts = pd.DataFrame(
        [{"post_id": f"x-p{i}", "creator_id": "x", "sponsored": i == 3} for i in range(4)]
    )
    row = score_creators(pd.DataFrame(rows), posts).creator("x")
    assert row["sponsored_comments"] == 50 and row["organic_comments"] == 150
    assert row["sponsored_share"] < 0.02 < row["organic_low"]
    assert (
        any("sponsored posts draw fewer" in reason for reason in row["reasons"])
        or row["verdict"] == "genuine"
    )


def test_verdict_thresholds_come_from_the_config() -> None:
    rows = section("x", 500, 0.3)
    strict = ScoringConfig(genuine_threshold=100, suspicious_threshold=10)
    assert score_creators(pd.DataFrame(rows), config=strict).creator("x")["verdict"] == "mixed"
    with pytest.raises(ValueError, match="genuine_threshold"):
        ScoringConfig(genuine_threshold=30, suspicious_threshold=40)


def test_soft_scores_are_summed_not_thresholded() -> None:
    rows = section("x", 100, 0.0)
    frame = pd.DataFrame(rows).drop(columns=["label"]).assign(score=0.4)
    row = score_creators(frame).creator("x")
    assert row["genuine_comments"] == pytest.approx(40)
