"""The shipped example data: its shape, and that the scorer finds what was planted in it.

The ground truth (data/examples/ground_truth.json, described in data/examples/README.md) lists
which creators are genuine, bought or mixed, the pod's accounts, the copy-paste templates and the
posts with bursts. Labels come from the hand-written texts (substantive lists) unless the
shipped model exists, in which case a second test runs the real predictor end to end.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from classifier.scoring import CreatorReport, score_creators

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
MODEL = ROOT / "models" / "default" / "manifest.json"


def _texts_module(lang: str):
    spec = importlib.util.spec_from_file_location(
        f"examples_texts_{lang}", EXAMPLES / f"texts_{lang}.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((EXAMPLES / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def comments() -> pd.DataFrame:
    return pd.read_csv(EXAMPLES / "comments.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def labeled(comments: pd.DataFrame) -> pd.DataFrame:
    """The examples with the label each text was written as (substantive lists and replies)."""
    substantive: set[str] = set()
    for lang in ("vi", "zh", "en"):
        for posts in _texts_module(lang).POSTS.values():
            for post in posts:
                substantive.update(post["substantive"], post.get("replies", []))
    return comments.assign(
        label=["substantive" if t in substantive else "generic" for t in comments["text"]]
    )


def _score(frame: pd.DataFrame, predictor=None) -> CreatorReport:
    return score_creators(frame, EXAMPLES / "posts.csv", EXAMPLES / "creators.csv", predictor)


@pytest.fixture(scope="module")
def report(labeled: pd.DataFrame) -> CreatorReport:
    return _score(labeled)


def test_example_tables_have_the_promised_shape(comments: pd.DataFrame) -> None:
    creators = pd.read_csv(EXAMPLES / "creators.csv")
    posts = pd.read_csv(EXAMPLES / "posts.csv")
    assert list(comments.columns) == [
        "creator_id",
        "post_id",
        "comment_id",
        "author_id",
        "created_at",
        "text",
        "like_count",
        "reply_to",
        "is_creator_reply",
    ]
    assert list(posts.columns) == [
        "post_id",
        "creator_id",
        "posted_at",
        "sponsored",
        "views",
        "likes",
        "comments_count",
    ]
    assert list(creators.columns) == [
        "creator_id",
        "followers",
        "platform",
        "language",
        "price",
        "currency",
    ]
    assert creators["language"].value_counts().to_dict() == {"vi": 4, "zh": 4, "en": 4}
    # Every tier (nano < 10k <= micro < 100k <= macro < 1M <= mega), prices in three currencies
    # and in every language, and one creator without a price.
    tiers = pd.cut(creators["followers"], [0, 1e4, 1e5, 1e6, 1e9], right=False).cat.codes
    assert set(tiers) == {0, 1, 2, 3}
    assert set(creators["currency"].dropna()) == {"USD", "VND", "CNY"}
    assert set(creators.dropna(subset=["price"])["language"]) == {"vi", "zh", "en"}
    assert creators["price"].isna().sum() == 1
    assert posts.groupby("creator_id").size().between(4, 8).all()
    # The platform's comment count is never below the comments given for the post.
    given = comments.groupby("post_id").size()
    assert (
        posts.set_index("post_id")["comments_count"] >= given.reindex(posts["post_id"]).to_numpy()
    ).all()
    per_post = comments.groupby("post_id").size()
    assert per_post.between(15, 80).all() and set(per_post.index) == set(posts["post_id"])
    assert comments["comment_id"].is_unique
    assert pd.to_datetime(comments["created_at"], utc=True, format="ISO8601").notna().all()


def test_genuine_creators_rank_above_bought_ones(report: CreatorReport, truth: dict) -> None:
    ranks = report.creators.set_index("creator_id")["rank"]
    kinds = truth["creators"]
    genuine = [c for c, k in kinds.items() if k == "genuine"]
    bought = [c for c, k in kinds.items() if k == "bought"]
    mixed = [c for c, k in kinds.items() if k == "mixed"]
    assert max(ranks[genuine]) < min(ranks[mixed]) <= max(ranks[mixed]) < min(ranks[bought])
    verdicts = report.creators.set_index("creator_id")["verdict"]
    assert set(verdicts[genuine]) == {"genuine"}
    assert set(verdicts[mixed]) == {"mixed"}
    assert set(verdicts[bought]) == {"suspicious"}


def test_the_planted_pod_is_named(report: CreatorReport, truth: dict) -> None:
    assert len(report.pods) == 1
    pod = report.pods[0]
    assert set(pod.authors) == set(truth["pod_authors"])
    planted = {c for c, k in truth["creators"].items() if k == "bought"} | {
        "vi_ha.outfit",
        "en_jess.fitlife",
    }
    assert set(pod.creators) == planted


def test_the_planted_copy_paste_clusters_are_found(report: CreatorReport, truth: dict) -> None:
    comments = report.comments
    for planted in truth["clusters"]:
        members = comments.loc[comments["text"].isin(planted["variants"]) & comments["counted"]]
        assert len(members) >= 10
        found = members["cluster_id"].value_counts()
        assert found.iloc[0] >= 0.9 * len(members), planted["variants"][0]
    genuine = [c for c, k in truth["creators"].items() if k == "genuine"]
    rows = report.creators.set_index("creator_id")
    assert (rows.loc[genuine, "copy_paste_comments"] == 0).all()


def test_the_planted_bursts_are_found(report: CreatorReport, truth: dict) -> None:
    assert {b.post_id for b in report.bursts} == set(truth["burst_posts"])


def test_repeat_generic_accounts_and_bait(report: CreatorReport, truth: dict) -> None:
    for creator, authors in truth["repeat_generic_authors"].items():
        found = {r.author_id for r in report.repeat_authors if r.creator_id == creator}
        assert set(authors) <= found
    bait = report.comments.loc[report.comments["bait"].notna(), "text"]
    assert set(truth["bait_texts"]) <= set(bait)


def test_report_page_names_every_creator_and_the_evidence(
    report: CreatorReport, truth: dict
) -> None:
    html = report.to_html()
    for creator in truth["creators"]:
        assert creator in html
    assert "Pod P1" in html and "Bursts after posting" in html and "Copy-paste C1" in html
    for verdict in ("genuine", "mixed", "suspicious"):
        assert f'class="badge {verdict}"' in html


@pytest.mark.skipif(not MODEL.exists(), reason="models/default/manifest.json does not exist yet")
def test_real_predictor_end_to_end(comments: pd.DataFrame, truth: dict) -> None:
    import classifier

    report = _score(comments, classifier.load())
    ranks = report.creators.set_index("creator_id")["rank"]
    kinds = truth["creators"]
    genuine = [c for c, k in kinds.items() if k == "genuine"]
    bought = [c for c, k in kinds.items() if k == "bought"]
    assert max(ranks[genuine]) < min(ranks[bought])
    verdicts = report.creators.set_index("creator_id")["verdict"]
    assert set(verdicts[bought]) == {"suspicious"}
    assert "categories" not in report.signals_off
    assert len(report.pods) == 1 and set(report.pods[0].authors) == set(truth["pod_authors"])
    assert {b.post_id for b in report.bursts} == set(truth["burst_posts"])
    bait = report.comments.loc[report.comments["bait"].notna(), "text"]
    assert set(truth["bait_texts"]) <= set(bait)
