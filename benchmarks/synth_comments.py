"""Large synthetic comment tables for timing the scorer (speed only: the texts are word salad).

``synth(n_comments, n_creators, seed)`` returns (comments, posts, creators) DataFrames with
labels given, shaped like real data where it matters for speed: most comments are distinct
texts, a third are short reactions repeated everywhere, a few percent are copy-paste templates
with small edits, commenters follow a heavy-tailed distribution across creators, pods of
accounts comment on many creators within minutes, some posts get bursts. Built with numpy, so
a million rows take seconds.

    python benchmarks/synth_comments.py 100000 -o /tmp/synth   # writes comments.parquet etc.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

WORDS = np.array(
    [
        "the",
        "this",
        "that",
        "shade",
        "colour",
        "size",
        "fit",
        "recipe",
        "oven",
        "flour",
        "step",
        "minute",
        "second",
        "light",
        "lens",
        "camera",
        "battery",
        "screen",
        "price",
        "shop",
        "ship",
        "order",
        "wash",
        "fabric",
        "skin",
        "oily",
        "dry",
        "acne",
        "serum",
        "cream",
        "toner",
        "mask",
        "trip",
        "hotel",
        "beach",
        "train",
        "ticket",
        "road",
        "hike",
        "coffee",
        "milk",
        "sugar",
        "bean",
        "grind",
        "water",
        "temp",
        "roast",
        "cup",
        "workout",
        "squat",
        "knee",
        "protein",
        "meal",
        "plan",
        "week",
        "month",
        "day",
        "morning",
        "night",
        "baby",
        "kid",
        "cat",
        "dog",
        "plant",
        "leaf",
        "root",
        "soil",
        "pot",
        "light",
        "window",
        "gym",
        "bag",
        "bottle",
        "shoe",
        "sole",
        "heel",
        "strap",
        "zip",
        "pocket",
        "sleeve",
        "collar",
        "why",
        "how",
        "what",
        "which",
        "when",
        "where",
        "is",
        "it",
        "does",
        "do",
        "can",
        "could",
        "would",
        "should",
        "my",
        "mine",
        "your",
        "ours",
        "tried",
        "bought",
        "used",
        "made",
        "cooked",
        "baked",
        "ordered",
        "returned",
        "loved",
        "hated",
        "liked",
        "noticed",
        "found",
        "thought",
    ]
)
REACTIONS = np.array(
    [
        "love this",
        "so good",
        "🔥🔥🔥",
        "❤️",
        "amazing",
        "wow",
        "nice",
        "đẹp quá",
        "hay quá",
        "xinh xỉu",
        "好看",
        "绝绝子",
        "yyds",
        "666",
        "👍👍",
        "cute",
        "slay",
        "omg",
        "saving this",
        "need this",
    ]
)
TEMPLATES = [
    "amazing content as always keep up the great work and never stop inspiring us",
    "video rất hay và ý nghĩa cảm ơn anh đã chia sẻ chúc kênh ngày càng phát triển",
    "太好看了吧姐妹们已经关注了期待你的下一个作品哦",
    "this is exactly what i needed to see today thank you for the motivation king",
    "sản phẩm quá tuyệt vời review rất chi tiết và dễ hiểu mình đã mua và rất hài lòng",
]
START = np.datetime64("2025-01-01T00:00:00")


def _salad(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct-ish sentences of 5-14 random words."""
    lengths = rng.integers(5, 15, size=n)
    words = WORDS[rng.integers(0, len(WORDS), size=int(lengths.sum()))]
    splits = np.cumsum(lengths)[:-1]
    return np.array([" ".join(chunk) for chunk in np.split(words, splits)], dtype=object)


def _variants(rng: np.random.Generator, n: int) -> np.ndarray:
    """Copy-paste comments: a template with a small edit (emoji, punctuation, one word dropped)."""
    base = np.array(TEMPLATES, dtype=object)[rng.integers(0, len(TEMPLATES), size=n)]
    tails = np.array(["", "!!", " 🔥", " ❤️❤️", "!", " 👍"], dtype=object)[rng.integers(0, 6, size=n)]
    out = []
    for text, tail, drop in zip(base, tails, rng.random(n) < 0.3, strict=True):
        if drop and " " in text:
            words = text.split(" ")
            del words[len(words) // 2]
            text = " ".join(words)
        out.append(text + tail)
    return np.array(out, dtype=object)


def synth(
    n_comments: int, n_creators: int = 2000, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    posts_per = rng.integers(4, 9, size=n_creators)
    post_creator = np.repeat(np.arange(n_creators), posts_per)
    n_posts = len(post_creator)
    posted = START + (rng.uniform(0, 180 * 1440, size=n_posts)).astype("timedelta64[m]")
    # Comments per post: heavy-tailed, scaled to the total.
    weight = rng.pareto(1.5, size=n_posts) + 1
    post_of = rng.choice(n_posts, size=n_comments, p=weight / weight.sum())
    creator_of = post_creator[post_of]
    # Authors: each creator has its own audience, with a shared heavy-tailed pool of regulars.
    n_authors = max(n_comments // 3, 10)
    own = creator_of * 1_000_003 + rng.zipf(1.6, size=n_comments) % 5000
    shared = rng.zipf(1.3, size=n_comments) % n_authors
    author = np.where(rng.random(n_comments) < 0.8, own % (n_authors * 10), n_authors * 10 + shared)
    kind = rng.choice(4, size=n_comments, p=[0.55, 0.38, 0.05, 0.02])  # salad, reaction, copy, bait
    text = np.empty(n_comments, dtype=object)
    text[kind == 0] = _salad(rng, int((kind == 0).sum()))
    text[kind == 1] = REACTIONS[rng.integers(0, len(REACTIONS), size=int((kind == 1).sum()))]
    text[kind == 2] = _variants(rng, int((kind == 2).sum()))
    text[kind == 3] = np.array(
        ["kb zalo 0912 345 678 nhận sỉ", "加V领取小样", "f4f follow back", "check out my page"],
        dtype=object,
    )[rng.integers(0, 4, size=int((kind == 3).sum()))]
    delay = np.minimum(rng.lognormal(np.log(300), 1.2, size=n_comments), 10 * 1440)
    fast = (kind == 2) | (rng.random(n_comments) < 0.03)
    delay[fast] = rng.uniform(0.5, 14, size=int(fast.sum()))
    # Pods: 40 groups of 8 accounts, each on 10 creators, commenting within minutes.
    pod_rows = rng.random(n_comments) < 0.01
    pod_id = rng.integers(0, 40, size=n_comments)
    pod_creators = rng.integers(0, n_creators, size=(40, 10))
    pod_pick = pod_creators[pod_id, rng.integers(0, 10, size=n_comments)]
    pod_posts = np.searchsorted(post_creator, pod_pick) + rng.integers(0, 4, size=n_comments)
    post_of = np.where(pod_rows, pod_posts, post_of)
    creator_of = post_creator[post_of]
    author = np.where(pod_rows, 10**9 + pod_id * 8 + rng.integers(0, 8, size=n_comments), author)
    delay[pod_rows] = rng.uniform(1, 10, size=int(pod_rows.sum()))
    created = posted[post_of] + (delay * 60).astype("timedelta64[s]")
    label = np.where(kind == 0, "substantive", "generic")
    comments = pd.DataFrame(
        {
            "creator_id": pd.Series(creator_of).map("creator{:05d}".format),
            "post_id": pd.Series(post_of).map("post{:07d}".format),
            "comment_id": np.char.add("c", np.arange(n_comments).astype(str)),
            "author_id": pd.Series(author).map("u{}".format),
            "created_at": pd.to_datetime(created, utc=True),
            "text": text,
            "like_count": rng.poisson(2, size=n_comments),
            "label": label,
        }
    )
    posts = pd.DataFrame(
        {
            "post_id": pd.Series(np.arange(n_posts)).map("post{:07d}".format),
            "creator_id": pd.Series(post_creator).map("creator{:05d}".format),
            "posted_at": pd.to_datetime(posted, utc=True),
            "sponsored": rng.random(n_posts) < 0.2,
        }
    )
    creators = pd.DataFrame(
        {
            "creator_id": pd.Series(np.arange(n_creators)).map("creator{:05d}".format),
            "followers": rng.integers(10_000, 100_000, size=n_creators),
            "platform": rng.choice(["tiktok", "instagram", "youtube", "facebook"], size=n_creators),
        }
    )
    return comments, posts, creators


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rows", type=int)
    parser.add_argument("--creators", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "-o", "--out", type=Path, required=True, help="folder for comments/posts/creators.parquet"
    )
    args = parser.parse_args()
    comments, posts, creators = synth(args.rows, args.creators, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    comments.to_parquet(args.out / "comments.parquet")
    posts.to_parquet(args.out / "posts.parquet")
    creators.to_parquet(args.out / "creators.parquet")
    print(
        f"wrote {len(comments):,} comments, {len(posts):,} posts, {len(creators):,} creators to {args.out}"
    )


if __name__ == "__main__":
    main()
