"""Pick real comments to label by data/LABELING.md, and write them as batches for labelers.

    python -m training.real_sample --real ../shared/data/real --out /tmp/labeling

For each source (see :data:`training.real.SOURCES`) it draws, from comments not labeled yet,
a seeded random sample (``pick: random``, for honest measurement) and comments where the
shipped model is least sure (``pick: uncertain``, for learning), at most one uncertain pick
(a fair share per post or article) so the batch is not fifty near-copies of one borderline comment. Texts
go only into the batch files under ``--out`` (outside the project); the project keeps
``sha256 -> label`` (``data/real_labels/``). Deterministic for a given seed and data.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

from classifier.io.atomic import atomic_open
from training.data import text_key
from training.real import RealComment, load_label_files, read_source

# source -> (random picks, uncertain picks) drawn in this round
PLAN: dict[str, tuple[int, int]] = {
    "en_youtube": (120, 80),
    "en_c3_news": (280, 120),
    "vi_victsd_news": (150, 100),
    "vi_vispam_reviews": (150, 100),
    "zh_weibo": (400, 250),
    "zh_ads": (260, 0),
}


def pick(
    comments: list[RealComment],
    scores: list[float],
    n_random: int,
    n_uncertain: int,
    seed: int,
    taken: set[str],
) -> list[tuple[RealComment, str]]:
    """Random then uncertain picks, distinct by text key and never already labeled."""
    seen_keys: set[str] = set()
    candidates: list[int] = []
    for i, comment in enumerate(comments):
        key = text_key(comment.text)
        if comment.sha256 in taken or not key or key in seen_keys:
            continue
        seen_keys.add(key)
        candidates.append(i)
    rng = random.Random(seed)
    shuffled = candidates[:]
    rng.shuffle(shuffled)
    chosen = [(comments[i], "random") for i in shuffled[:n_random]]
    used = {comments[i].sha256 for i in shuffled[:n_random]}
    # Spread over posts: at most a fair share of the uncertain picks from any one post.
    n_groups = len({comments[i].group or comments[i].sha256 for i in candidates})
    per_group = max(1, math.ceil(2 * n_uncertain / max(1, n_groups)))
    groups: Counter[str] = Counter()
    by_doubt = sorted(candidates, key=lambda i: (abs(scores[i] - 0.5), i))
    for i in by_doubt:
        if len(chosen) >= n_random + n_uncertain:
            break
        comment = comments[i]
        group = comment.group or comment.sha256
        if comment.sha256 in used or groups[group] >= per_group:
            continue
        groups[group] += 1
        used.add(comment.sha256)
        chosen.append((comment, "uncertain"))
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, required=True, help="the real-data directory")
    parser.add_argument(
        "--out", type=Path, required=True, help="where batch files go (not the repo)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--plan",
        default=None,
        metavar="SOURCE=RANDOM+UNCERTAIN,...",
        help="how many to pick per source this round (default: the first round's plan)",
    )
    parser.add_argument("--id-prefix", default="", help="prefix for item ids (a later round)")
    parser.add_argument(
        "--exclude",
        type=Path,
        nargs="*",
        default=[],
        help="batch files of earlier rounds whose comments are not picked again",
    )
    args = parser.parse_args(argv)
    plan = PLAN
    if args.plan:
        plan = {}
        for part in args.plan.split(","):
            name, counts = part.split("=")
            n_random, n_uncertain = (int(n) for n in counts.split("+"))
            plan[name] = (n_random, n_uncertain)
    import classifier

    predictor = classifier.load()
    taken = {label.sha256 for label in load_label_files()}
    for batch in args.exclude:
        with batch.open(encoding="utf-8") as handle:
            taken |= {json.loads(line)["sha256"] for line in handle if line.strip()}
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (n_random, n_uncertain) in plan.items():
        comments = read_source(args.real, name)
        scores = [p.score for p in predictor.predict([c.text for c in comments], explain=False)]
        chosen = pick(comments, scores, n_random, n_uncertain, args.seed, taken)
        with atomic_open(args.out / f"{args.id_prefix}{name}.jsonl") as out:
            for n, (comment, how) in enumerate(chosen, 1):
                item = {
                    "id": f"{args.id_prefix}{name}-{n:04d}",
                    "sha256": comment.sha256,
                    "pick": how,
                    "text": comment.text,
                }
                if comment.context:
                    item["context"] = comment.context
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(
            f"{name}: {len(chosen)} picked ({n_random} random, "
            f"{len(chosen) - n_random} uncertain) of {len(comments)}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
