"""Each inauthenticity signal on a small hand-made case: pods, copy-paste, bursts, repeats, bait."""

from __future__ import annotations

import random
import time

import numpy as np
import pandas as pd
import pytest

from classifier.scoring import ScoringConfig, score_creators
from classifier.scoring.signals import lexical_bait
from classifier.scoring.textsim import near_duplicate_groups, text_keys

T0 = pd.Timestamp("2025-03-01T12:00:00Z")
WORDS = [
    "light",
    "second",
    "shot",
    "dough",
    "rest",
    "lens",
    "cat",
    "tried",
    "colour",
    "ordered",
    "same",
    "recipe",
    "says",
    "safe",
    "kids",
    "sound",
    "mix",
    "cafe",
    "where",
    "long",
    "which",
    "bake",
    "oven",
    "flour",
    "water",
    "salt",
    "yeast",
    "crumb",
    "crust",
    "proof",
    "fold",
    "shape",
    "score",
    "steam",
    "tray",
    "rack",
    "cool",
    "slice",
    "butter",
    "jam",
    "toast",
    "starter",
    "rye",
    "wheat",
    "spelt",
    "honey",
    "milk",
    "egg",
    "sugar",
]


def sentence(rng: random.Random) -> str:
    """Seven random words: distinct comments that share no long substrings."""
    return " ".join(rng.choice(WORDS) for _ in range(7))


def organic(
    creator: str,
    posts: int,
    per_post: int,
    rng: random.Random,
    *,
    substantive: float = 0.3,
    authors: str = "fan",
) -> list[dict]:
    """Slow, varied comments from many distinct accounts: how a real audience looks."""
    rows = []
    for p in range(posts):
        posted = T0 + pd.Timedelta(days=3 * p)
        for _k in range(per_post):
            delay = min(rng.lognormvariate(np.log(300), 1.0), 5 * 1440)
            rows.append(
                {
                    "creator_id": creator,
                    "post_id": f"{creator}-p{p}",
                    "author_id": f"{authors}{rng.randint(0, 10**6)}",
                    "created_at": (posted + pd.Timedelta(minutes=delay)).isoformat(),
                    "text": sentence(rng),
                    "label": "substantive" if rng.random() < substantive else "generic",
                }
            )
    return rows


def posts_for(creators: list[str], posts: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "post_id": f"{c}-p{p}",
                "creator_id": c,
                "posted_at": (T0 + pd.Timedelta(days=3 * p)).isoformat(),
            }
            for c in creators
            for p in range(posts)
        ]
    )


def test_pod_of_five_authors_across_four_creators_is_named() -> None:
    rng = random.Random(1)
    creators = ["a", "b", "c", "d"]
    rows = [r for c in creators for r in organic(c, 3, 30, rng)]
    pod = [f"pod{k}" for k in range(5)]
    for c in creators:
        for p in range(3):
            for author in pod:
                rows.append(
                    {
                        "creator_id": c,
                        "post_id": f"{c}-p{p}",
                        "author_id": author,
                        "created_at": (
                            T0 + pd.Timedelta(days=3 * p, minutes=rng.uniform(1, 6))
                        ).isoformat(),
                        "text": rng.choice(["so good!!", "love it", "🔥🔥", "amazing"]),
                        "label": "generic",
                    }
                )
    report = score_creators(pd.DataFrame(rows), posts_for(creators, 3))
    assert len(report.pods) == 1
    found = report.pods[0]
    assert set(found.authors) == set(pod)
    assert set(found.creators) == set(creators)
    assert found.fast_share == 1.0
    flagged = report.comments.loc[report.comments["pod_id"].notna(), "author_id"]
    assert set(flagged) == set(pod)
    assert all(row["pod_comments"] == 15 for row in report.creator_records())


def test_fans_shared_by_similar_creators_are_not_a_pod() -> None:
    """The same slow, mostly substantive fans on several creators are an audience, not a pod."""
    rng = random.Random(2)
    creators = ["a", "b", "c", "d"]
    rows = [r for c in creators for r in organic(c, 3, 25, rng)]
    for c in creators:
        for p in range(3):
            for k in range(5):
                rows.append(
                    {
                        "creator_id": c,
                        "post_id": f"{c}-p{p}",
                        "author_id": f"superfan{k}",
                        "created_at": (
                            T0 + pd.Timedelta(days=3 * p, hours=rng.uniform(3, 40))
                        ).isoformat(),
                        "text": sentence(rng),
                        "label": "substantive",
                    }
                )
    report = score_creators(pd.DataFrame(rows), posts_for(creators, 3))
    assert report.pods == ()


def test_copy_paste_cluster_with_small_edits_counts_once() -> None:
    rng = random.Random(3)
    rows = organic("x", 2, 40, rng)
    variants = [
        "Video rất hay và ý nghĩa, cảm ơn anh đã chia sẻ, chúc kênh ngày càng phát triển ạ",
        "Video rất hay và ý nghĩa, cảm ơn anh đã chia sẻ, chúc kênh ngày càng phát triển ạ 👍👍",
        "video rat hay va y nghia cam on anh da chia se chuc kenh ngay cang phat trien",
        "Video rất hay và bổ ích, cảm ơn anh đã chia sẻ, chúc kênh ngày càng phát triển ạ!!",
        "VIDEO RẤT HAY VÀ Ý NGHĨA, cảm ơn a đã chia sẻ, chúc kênh ngày càng phát triển",
        "Video rất hay và ý nghĩa, cảm ơn anh đã chia sẻ, chúc kênh ngày một phát triển ạ",
    ]
    for k in range(12):
        rows.append(
            {
                "creator_id": "x",
                "post_id": "x-p0",
                "author_id": f"bot{k}",
                "created_at": (T0 + pd.Timedelta(hours=k)).isoformat(),
                "text": variants[k % 6],
                "label": "generic",
            }
        )
    for k in range(10):  # short reactions repeat naturally: never a cluster
        rows.append(
            {
                "creator_id": "x",
                "post_id": "x-p1",
                "author_id": f"fan-short{k}",
                "created_at": (T0 + pd.Timedelta(days=3, hours=k)).isoformat(),
                "text": "đẹp quá 😍",
                "label": "generic",
            }
        )
    report = score_creators(pd.DataFrame(rows), posts_for(["x"], 2))
    assert len(report.clusters) == 1
    cluster = report.clusters[0]
    assert cluster.comments == 12 and cluster.authors == 12
    members = report.comments.loc[report.comments["cluster_id"] == cluster.cluster_id]
    assert set(members["author_id"]) == {f"bot{k}" for k in range(12)}
    assert np.allclose(members["a"], 1 - 1 / 12)  # the cluster counts once
    assert report.creator("x")["copy_paste_comments"] == 12


def test_cross_creator_copy_is_not_copy_paste_for_a_creator_with_one_copy() -> None:
    rng = random.Random(4)
    rows = organic("x", 1, 30, rng) + organic("y", 1, 30, rng)
    text = "This is exactly what I needed to see today, thank you for the motivation king"
    for k in range(5):
        rows.append(
            {
                "creator_id": "x",
                "post_id": "x-p0",
                "author_id": f"bot{k}",
                "created_at": T0.isoformat(),
                "text": text,
                "label": "generic",
            }
        )
    rows.append(
        {
            "creator_id": "y",
            "post_id": "y-p0",
            "author_id": "bot9",
            "created_at": T0.isoformat(),
            "text": text,
            "label": "generic",
        }
    )
    report = score_creators(pd.DataFrame(rows))
    assert report.creator("x")["copy_paste_comments"] == 5
    assert report.creator("y")["copy_paste_comments"] == 0


def test_burst_after_one_post_is_found_against_the_creators_other_posts() -> None:
    rng = random.Random(5)
    rows = organic("x", 5, 30, rng)
    for k in range(35):
        rows.append(
            {
                "creator_id": "x",
                "post_id": "x-p2",
                "author_id": f"fast{k}",
                "created_at": (T0 + pd.Timedelta(days=6, minutes=rng.uniform(0.5, 10))).isoformat(),
                "text": f"wow {k}",
                "label": "generic",
            }
        )
    report = score_creators(pd.DataFrame(rows), posts_for(["x"], 5))
    assert [b.post_id for b in report.bursts] == ["x-p2"]
    burst = report.bursts[0]
    assert burst.kind == "relative" and burst.early_share > 0.5 and burst.baseline_share < 0.2
    assert burst.post_time_from == "posted_at"
    in_burst = report.comments.loc[report.comments["in_burst"].astype(bool)]
    assert set(in_burst["post_id"]) == {"x-p2"}
    assert (in_burst["a"] > 0.5).all()
    posts = report.posts.set_index("post_id")
    assert bool(posts.loc["x-p2", "burst"]) and not posts.drop("x-p2")["burst"].any()


def test_bursts_without_post_times_use_the_first_comment_and_say_so() -> None:
    rng = random.Random(6)
    rows = organic("x", 4, 30, rng)
    for k in range(40):
        rows.append(
            {
                "creator_id": "x",
                "post_id": "x-p1",
                "author_id": f"fast{k}",
                "created_at": (T0 + pd.Timedelta(days=3, minutes=rng.uniform(0, 8))).isoformat(),
                "text": f"nice {k}",
                "label": "generic",
            }
        )
    report = score_creators(pd.DataFrame(rows))
    assert [b.post_id for b in report.bursts] == ["x-p1"]
    assert report.bursts[0].post_time_from == "first comment"
    assert "post_time" in report.signals_off


def test_repeat_generic_authors_on_every_post() -> None:
    rng = random.Random(7)
    rows = organic("x", 5, 30, rng)
    for p in range(5):
        for k in range(3):
            rows.append(
                {
                    "creator_id": "x",
                    "post_id": f"x-p{p}",
                    "author_id": f"loop{k}",
                    "created_at": (T0 + pd.Timedelta(days=3 * p, hours=5)).isoformat(),
                    "text": "❤️❤️",
                    "label": "generic",
                }
            )
    for p in range(2):  # a fan on two posts only
        rows.append(
            {
                "creator_id": "x",
                "post_id": f"x-p{p}",
                "author_id": "casual",
                "created_at": (T0 + pd.Timedelta(days=3 * p, hours=6)).isoformat(),
                "text": "nice",
                "label": "generic",
            }
        )
    report = score_creators(pd.DataFrame(rows), posts_for(["x"], 5))
    assert {r.author_id for r in report.repeat_authors} == {"loop0", "loop1", "loop2"}
    flagged = report.comments.loc[report.comments["repeat_author"].astype(bool)]
    assert set(flagged["author_id"]) == {"loop0", "loop1", "loop2"}
    assert np.allclose(flagged["a"], ScoringConfig().repeat_weight)


@pytest.mark.parametrize(
    "text",
    [
        "kb zalo 0912 345 678 nhận sỉ",
        "加V：meimei8899 领取小样",
        "f4f? follow back",
        "DM me on whatsapp +1 415 555 0199",
        "互关互关，有关必回",
        "check out my channel pls",
    ],
)
def test_bait_phrases(text: str) -> None:
    assert lexical_bait(pd.Series([text]))[0] is not None


@pytest.mark.parametrize(
    "text",
    [
        "màu son này lên môi có bị khô không?",
        "油皮能用吗",
        "which lens is this",
        "ib giá",
        "the 3:40 tip saved my cake",
    ],
)
def test_not_bait(text: str) -> None:
    assert lexical_bait(pd.Series([text]))[0] is None


def test_near_duplicates_scale_without_all_pairs() -> None:
    """20,000 distinct random keys plus 3 planted families: families found, nothing else merged."""
    rng = np.random.default_rng(0)
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    keys = ["".join(rng.choice(alphabet, size=40)) for _ in range(20_000)]
    families = []
    for _f in range(3):
        base = "".join(rng.choice(alphabet, size=50))
        members = [base] + [base[:i] + "zz" + base[i + 2 :] for i in (10, 25, 40)]
        families.append(list(range(len(keys), len(keys) + len(members))))
        keys += members
    start = time.perf_counter()
    groups = near_duplicate_groups(keys, bands=20, rows=3, min_jaccard=0.6)
    assert time.perf_counter() - start < 10
    for family in families:
        assert len({groups[i] for i in family}) == 1
    sizes = pd.Series(groups).value_counts()
    assert (sizes > 1).sum() == 3


def test_keys_ignore_case_emoji_punctuation_and_tones() -> None:
    keys = text_keys(pd.Series(["Đẹp QUÁ!!! 😍", "dep qua", "太好看了吧！", "太好看了吧"]))
    assert keys[0] == keys[1] and keys[2] == keys[3]
