"""Write the example tables (comments.csv, posts.csv, creators.csv) and ground_truth.json.

The comment texts are hand-written in texts_vi.py, texts_zh.py and texts_en.py; this script
only decides who wrote each one, when, and how many likes it got (fixed seed, so the output is
the same on every run), and plants the bought engagement:

- bought creators: every post gets the pod (8 accounts, 1-10 minutes after posting),
  copy-paste comments from one-off bot accounts and generic bot comments in the first
  15 minutes (a burst), and contact/follow bait;
- mixed creators: organic posts look genuine; sponsored posts get the bought treatment
  (the pod on two of them, a burst and copy-paste on all three);
- genuine creators: distinct audiences (with some overlap between similar niches), comments
  spread over days, plenty of short reactions, the creator's own replies, rare spam.

Creators span the four tiers (nano to mega followers) and carry a price per post in USD, VND or
CNY (one has none). Each post gets views and likes that shrink with the tier (a mega account
reaches a smaller share of its followers), fewer likes on sponsored posts of genuine and mixed
creators, and a platform ``comments_count``: the comments given plus a few hidden ones, and for
macro and mega creators far more than the sample of comments in comments.csv.

Run: python data/examples/build_examples.py
"""

from __future__ import annotations

import csv
import json
import math
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import texts_en  # noqa: E402
import texts_vi  # noqa: E402
import texts_zh  # noqa: E402

SEED = 20250901
# Share of followers a post reaches, by tier (bigger accounts reach a smaller share).
REACH = ((10_000, 1.3), (100_000, 1.0), (1_000_000, 0.5), (float("inf"), 0.3))
START = datetime(2025, 9, 1, tzinfo=UTC)
LANGS = {"vi": texts_vi, "zh": texts_zh, "en": texts_en}

POD_AUTHORS = [
    "hana.daily.88", "kevin_lam_22", "trang.ng.shop", "xx_lily_xx",
    "bao.anh.2k", "m1nhthu.rv", "user73920144", "tieu.meo.99",
]
# Which copy-paste clusters (index into each language's COPY_PASTE) each creator gets.
CLUSTERS = {
    "vi_tuan.techreview": [0, 1], "vi_ha.outfit": [2],
    "zh_meimei.skincare": [0, 1], "zh_laowang.fit": [2],
    "en_tyler.wealth": [0, 1], "en_jess.fitlife": [2],
}
POD_CREATORS = {"vi_tuan.techreview", "zh_meimei.skincare", "en_tyler.wealth", "vi_ha.outfit", "en_jess.fitlife"}
# Similar niches share part of their (genuine, slow) audience, as real audiences do.
SHARED_AUDIENCE = [("vi_linh.makeup", "vi_ha.outfit"), ("zh_xiaoyu.trip", "zh_akuan.coffee"),
                   ("en_sambakes", "en_maya.plants")]

_HANDLE_PARTS = {
    "vi": (["ngoc", "minh", "thu", "lan", "tuan", "huong", "quynh", "duc", "trang", "khanh", "my",
            "phuong", "bao", "vy", "hoang", "linh", "nhi", "tam", "anh", "son", "mai", "hieu"],
           ["nguyen", "tran", "le", "pham", "hoang", "vu", "dang", "bui", "do", "ngo", "ly"]),
    "zh": (["xiao", "mei", "yu", "lin", "chen", "wang", "zhou", "li", "hua", "jing", "tian", "yun",
            "an", "qing", "ming", "lele", "momo", "tang", "kuan", "ying"],
           ["zhang", "liu", "huang", "wu", "xu", "sun", "ma", "zhu", "hu", "guo", "he"]),
    "en": (["jess", "mike", "sarah", "alex", "emma", "chris", "olivia", "dan", "kate", "liam", "mia",
            "noah", "zoe", "ben", "ava", "sam", "ella", "josh", "lucy", "ryan"],
           ["b", "r", "smith", "lee", "k", "bakes", "green", "m", "cooks", "fit", "reads"]),
}


def _handle(rng: random.Random, lang: str) -> str:
    first, last = _HANDLE_PARTS[lang]
    style = rng.random()
    if style < 0.4:
        return f"{rng.choice(first)}.{rng.choice(last)}{rng.randint(1, 99)}"
    if style < 0.7:
        return f"{rng.choice(first)}_{rng.choice(first)}{rng.randint(80, 2005)}"
    return f"{rng.choice(last)}{rng.choice(first)}.{rng.randint(100, 999)}"


def _bot(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"user{rng.randint(10**7, 10**9)}"
    return f"{rng.choice(['shop', 'deal', 'hot', 'vip', 'real', 'ok'])}_{rng.randint(1000, 99999)}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _organic_delay(rng: random.Random) -> float:
    """Minutes after posting for a genuine comment: a few early fans, most over hours and days."""
    if rng.random() < 0.05:
        return rng.uniform(2, 15)
    return min(rng.lognormvariate(math.log(300), 1.1), 6 * 24 * 60)


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.comments: list[dict[str, object]] = []
        self.posts: list[dict[str, object]] = []
        self.creators: list[dict[str, object]] = []
        self.truth: dict[str, object] = {"creators": {}, "pod_authors": POD_AUTHORS, "burst_posts": [],
                                         "clusters": [], "repeat_generic_authors": {}, "bait_texts": []}
        self.audiences: dict[str, list[str]] = {}
        self.next_id = 1

    def comment(self, creator: str, post: str, posted: datetime, author: str, text: str, delay: float,
                likes: int = 0, reply_to: str = "", creator_reply: bool = False) -> str:
        comment_id = f"c{self.next_id:05d}"
        self.next_id += 1
        self.comments.append({
            "creator_id": creator, "post_id": post, "comment_id": comment_id, "author_id": author,
            "created_at": _iso(posted + timedelta(minutes=delay)), "text": text, "like_count": likes,
            "reply_to": reply_to, "is_creator_reply": "true" if creator_reply else "false",
        })
        return comment_id

    def audience(self, creator: str, lang: str) -> list[str]:
        if creator not in self.audiences:
            self.audiences[creator] = [_handle(self.rng, lang) for _ in range(140)]
        return self.audiences[creator]

    def regulars_pick(self, pool: list[str]) -> str:
        # A fifth of the audience writes half the comments (regulars), as real sections do.
        if self.rng.random() < 0.5:
            return self.rng.choice(pool[:28])
        return self.rng.choice(pool)

    def genuine_part(self, creator: str, post: str, posted: datetime, lang: str, spec: dict,
                     n_generic: tuple[int, int]) -> None:
        rng = self.rng
        mod = LANGS[lang]
        pool = self.audience(creator, lang)
        ids: list[str] = []
        for text in spec["substantive"]:
            reply_to = rng.choice(ids) if ids and rng.random() < 0.12 else ""
            ids.append(self.comment(creator, post, posted, self.regulars_pick(pool), text,
                                    _organic_delay(rng), likes=int(rng.expovariate(1 / 12)), reply_to=reply_to))
        for _ in range(rng.randint(*n_generic)):
            self.comment(creator, post, posted, self.regulars_pick(pool), rng.choice(mod.GENERIC),
                         _organic_delay(rng), likes=int(rng.expovariate(1 / 1.5)))
        for k, text in enumerate(spec.get("replies", [])):
            target = ids[min(k, len(ids) - 1)]
            source = next(c for c in self.comments if c["comment_id"] == target)
            delay = (datetime.fromisoformat(str(source["created_at"])) - posted).total_seconds() / 60
            self.comment(creator, post, posted, creator, text, delay + rng.uniform(5, 240),
                         likes=rng.randint(0, 9), reply_to=target, creator_reply=True)

    def bought_part(self, creator: str, post: str, posted: datetime, lang: str, *, pod: bool,
                    copies: tuple[int, int], bots: tuple[int, int], bait: int) -> None:
        rng = self.rng
        mod = LANGS[lang]
        variants = [v for index in CLUSTERS.get(creator, []) for v in mod.COPY_PASTE[index]]
        if pod:
            for author in POD_AUTHORS:
                text = rng.choice(mod.POD) if rng.random() < 0.6 else rng.choice(variants)
                self.comment(creator, post, posted, author, text, rng.uniform(1, 10), likes=rng.randint(0, 3))
        for _ in range(rng.randint(*copies)):
            self.comment(creator, post, posted, _bot(rng), rng.choice(variants), rng.uniform(0.5, 14),
                         likes=rng.randint(0, 2))
        for _ in range(rng.randint(*bots)):
            delay = rng.uniform(0.5, 14) if rng.random() < 0.75 else _organic_delay(rng)
            self.comment(creator, post, posted, _bot(rng), rng.choice(mod.GENERIC), delay)
        for _ in range(bait):
            text = rng.choice(mod.BAIT)
            self.comment(creator, post, posted, _bot(rng), text, rng.uniform(3, 600))
            self.truth["bait_texts"].append(text)
        self.truth["burst_posts"].append(post)

    def creator(self, spec: dict, lang: str, index: int) -> None:
        rng = self.rng
        creator, kind = spec["creator_id"], spec["kind"]
        self.creators.append({k: spec[k] for k in ("creator_id", "followers", "platform", "language",
                                                     "price", "currency")})
        self.truth["creators"][creator] = kind
        posts = LANGS[lang].POSTS[creator]
        repeaters = [_handle(rng, lang) for _ in range(4)] if creator == "vi_ha.outfit" else []
        if repeaters:
            self.truth["repeat_generic_authors"][creator] = repeaters
        for k, post_spec in enumerate(posts, start=1):
            post = f"{creator}-{k:02d}"
            posted = START + timedelta(days=4 * k + index % 3, hours=10 + (index * 5) % 10, minutes=rng.randint(0, 59))
            followers = int(spec["followers"])
            reach = next(share for bound, share in REACH if followers < bound)
            views = int(followers * rng.uniform(0.4, 1.6) * reach * (3 if kind == "bought" else 1))
            # Genuine audiences like ads less; bought likes do not care.
            liking = 0.75 if post_spec["sponsored"] and kind != "bought" else 1.0
            self.posts.append({"post_id": post, "creator_id": creator, "posted_at": _iso(posted),
                               "sponsored": "true" if post_spec["sponsored"] else "false",
                               "views": views, "likes": int(views * rng.uniform(0.03, 0.08) * liking)})
            if kind == "genuine":
                self.genuine_part(creator, post, posted, lang, post_spec, (14, 30))
                if rng.random() < 0.15:
                    text = rng.choice(LANGS[lang].BAIT)
                    self.comment(creator, post, posted, _bot(rng), text, _organic_delay(rng))
            elif kind == "bought":
                self.genuine_part(creator, post, posted, lang, post_spec, (2, 6))
                self.bought_part(creator, post, posted, lang, pod=True, copies=(10, 16), bots=(8, 14), bait=2)
            else:
                sponsored = bool(post_spec["sponsored"])
                self.genuine_part(creator, post, posted, lang, post_spec, (8, 18) if not sponsored else (4, 8))
                for author in repeaters:
                    self.comment(creator, post, posted, author, rng.choice(LANGS[lang].GENERIC), _organic_delay(rng))
                if sponsored:
                    self.bought_part(creator, post, posted, lang, pod=creator in POD_CREATORS,
                                     copies=(10, 14), bots=(8, 12), bait=1)

    def build(self) -> None:
        index = 0
        for lang, mod in LANGS.items():
            for spec in mod.CREATORS:
                self.creator(spec, lang, index)
                index += 1
        self._share_audiences()
        self._comment_counts()
        self.comments.sort(key=lambda c: (str(c["creator_id"]), str(c["post_id"]), str(c["created_at"])))
        for lang, mod in LANGS.items():
            for index, variants in enumerate(mod.COPY_PASTE):
                owners = [c for c, idx in CLUSTERS.items() if c.startswith(f"{lang}_") and index in idx]
                self.truth["clusters"].append({"lang": lang, "creators": owners, "variants": variants})

    def _share_audiences(self) -> None:
        """Some regulars of one creator also comment (slowly, genuinely) on a similar creator."""
        for a, b in SHARED_AUDIENCE:
            shared = self.audiences[a][:12]
            rows = [c for c in self.comments if c["creator_id"] == b and c["is_creator_reply"] != "true"
                    and c["author_id"] in self.audiences.get(b, [])]
            for row, author in zip(self.rng.sample(rows, min(len(rows), 24)), shared * 2, strict=False):
                row["author_id"] = author

    def _comment_counts(self) -> None:
        """The platform's comment count per post: the comments given plus a few hidden or deleted
        ones, and for macro/mega creators ~0.15-0.3% of views (our comments are a sample). A
        generator of its own, so the comments above stay what they were."""
        rng = random.Random(SEED + 1)
        given: dict[str, int] = {}
        for row in self.comments:
            given[str(row["post_id"])] = given.get(str(row["post_id"]), 0) + 1
        followers = {str(c["creator_id"]): int(c["followers"]) for c in self.creators}  # type: ignore[call-overload]
        for post in self.posts:
            count = given.get(str(post["post_id"]), 0) + rng.randint(0, 3)
            if followers[str(post["creator_id"])] >= 100_000:
                count = max(count, int(int(post["views"]) * rng.uniform(0.0015, 0.003)))  # type: ignore[call-overload]
            post["comments_count"] = count

    def write(self) -> None:
        def dump(name: str, rows: list[dict[str, object]]) -> None:
            with open(HERE / name, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)

        dump("comments.csv", self.comments)
        dump("posts.csv", self.posts)
        dump("creators.csv", self.creators)
        (HERE / "ground_truth.json").write_text(json.dumps(self.truth, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")


def main() -> None:
    builder = Builder()
    builder.build()
    builder.write()
    counts: dict[str, int] = {}
    for row in builder.comments:
        counts[str(row["creator_id"])] = counts.get(str(row["creator_id"]), 0) + 1
    print(f"{len(builder.comments)} comments, {len(builder.posts)} posts, {len(builder.creators)} creators")
    for creator, count in counts.items():
        print(f"  {creator:24s} {builder.truth['creators'][creator]:8s} {count}")


if __name__ == "__main__":
    main()
