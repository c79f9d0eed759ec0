"""The top reasons behind a creator's verdict, in a vetter's words, each with its numbers.

A reason is a (weight, sentence) pair; the weight is the share of the creator's comments the
reason is about, so the reasons that explain most of the score come first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from classifier.scoring.columns import LOWERING
from classifier.scoring.config import ScoringConfig
from classifier.scoring.signals import Burst, Cluster, Pod, RepeatAuthor

MAX_REASONS = 4


@dataclass(frozen=True)
class Evidence:
    """Everything the reasons of one creator can point at."""

    clusters: Sequence[Cluster]
    pods: Sequence[Pod]
    bursts: Sequence[Burst]
    repeats: Sequence[RepeatAuthor]
    bait_examples: Sequence[str]


def _pct(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if 0 < value < 0.01:
        return "<1%"
    return f"{value:.0%}"


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text[: limit - 1]}…”" if len(text) > limit else f"“{text}”"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def negative_reasons(
    row: Mapping[str, Any], ev: Evidence, cfg: ScoringConfig
) -> list[tuple[float, str]]:
    """Evidence against the audience being genuine, largest share first."""
    n = max(int(row["comments"]), 1)
    out: list[tuple[float, str]] = []
    if ev.clusters:
        copies = sum(cl.comments_by_creator.get(row["creator_id"], 0) for cl in ev.clusters)
        top = max(ev.clusters, key=lambda cl: cl.comments_by_creator.get(row["creator_id"], 0))
        out.append(
            (
                copies / n,
                (
                    f"{_pct(copies / n)} of comments ({copies}) are near-identical copies of "
                    f"{_plural(len(ev.clusters), 'text')} posted by different accounts, e.g. "
                    f"{_quote(top.text)} ×{top.comments_by_creator.get(row['creator_id'], 0)} ({top.cluster_id})"
                ),
            )
        )
    for pod in ev.pods:
        mine = pod.comments_by_creator.get(row["creator_id"], 0)
        others = [x for x in pod.creators if x != row["creator_id"]]
        speed = (
            f"; {_pct(pod.fast_share)} of their comments come within {cfg.pod_fast_minutes:g} min of posting"
            if pod.fast_share is not None
            else ""
        )
        out.append(
            (
                mine / n,
                (
                    f"{_pct(mine / n)} of comments ({mine}) come from a pod of {len(pod.authors)} accounts "
                    f"({pod.pod_id}) that also comment on {', '.join(others[:4])}{speed}"
                ),
            )
        )
    if ev.bursts:
        early = sum(b.early_comments for b in ev.bursts)
        worst = ev.bursts[0]
        if worst.kind == "relative":
            versus = f" vs about {_pct(worst.baseline_share)} on the creator's other posts"
        elif worst.baseline_share >= cfg.burst_absolute_share:
            versus = f"; the creator's other posts look the same ({_pct(worst.baseline_share)})"
        else:
            versus = f"; genuine sections rarely pass {_pct(cfg.burst_absolute_share)}"
        out.append(
            (
                early / n,
                (
                    f"{_plural(len(ev.bursts), 'post')} got a burst of comments right after posting: "
                    f"{worst.post_id} had {_pct(worst.early_share)} of its comments in the first "
                    f"{worst.window_minutes:g} min{versus}"
                ),
            )
        )
    bait = int(row.get("bait_comments", 0) or 0)
    if bait:
        example = f", e.g. {_quote(ev.bait_examples[0], 40)}" if ev.bait_examples else ""
        out.append(
            (
                bait / n,
                f"{_pct(bait / n)} of comments ({bait}) are contact, follow or promo bait{example}",
            )
        )
    if ev.repeats:
        generic = sum(r.generic_comments for r in ev.repeats)
        out.append(
            (
                0.5 * generic / n,
                (
                    f"{_plural(len(ev.repeats), 'account')} leave generic comments on nearly every post "
                    f"({generic} comments)"
                ),
            )
        )
    if row["substantive_high"] < row["norm_floor"]:
        out.append(
            (
                1.0 - row["substantive_share"],
                (
                    f"only {_pct(row['substantive_share'])} of comments are substantive "
                    f"({_pct(row['substantive_low'])}-{_pct(row['substantive_high'])}), far below the "
                    f"~{_pct(row['norm'])} typical of genuine audiences{_platform(row)}"
                ),
            )
        )
    sponsored, organic = row.get("sponsored_share"), row.get("organic_share")
    if (
        sponsored == sponsored
        and organic == organic
        and sponsored is not None
        and organic is not None
        and row.get("sponsored_high", 1) < row.get("organic_low", 0)
    ):
        out.append(
            (
                0.05,
                (
                    f"sponsored posts draw fewer substantive comments ({_pct(sponsored)}) than organic ones "
                    f"({_pct(organic)})"
                ),
            )
        )
    return sorted(out, key=lambda item: -item[0])


def _platform(row: Mapping[str, Any]) -> str:
    platform = row.get("platform")
    return f" on {platform}" if isinstance(platform, str) and platform else ""


def positive_reasons(row: Mapping[str, Any]) -> list[str]:
    """What speaks for the audience, for creators with little or no evidence against them."""
    out = [
        f"{_pct(row['substantive_share'])} of comments are substantive "
        f"({_pct(row['substantive_low'])}-{_pct(row['substantive_high'])}), "
        f"{'above' if row['substantive_share'] >= row['norm'] else 'near'} the ~{_pct(row['norm'])} "
        f"typical of genuine audiences{_platform(row)}"
    ]
    authors = row.get("genuine_authors")
    if authors == authors and authors is not None:
        out.append(f"about {authors:.0f} distinct accounts write the genuine comments")
    if row["inauthentic_share"] < 0.05:
        # Claim only the checks that ran: without author_id or created_at there were no pods
        # or bursts to find, which is not the same as finding none.
        off = set(row.get("missing_signals") or ())
        unchecked = [name for name in ("pods", "bursts") if name in off]
        if not unchecked:
            out.append("no copy-paste clusters, pods or bursts of note")
        else:
            missing = ", ".join(dict.fromkeys(LOWERING[name] for name in unchecked))
            out.append(
                f"no copy-paste clusters of note ({' and '.join(unchecked)} not checked: "
                f"no {missing})"
            )
    return out


def reasons_for(row: Mapping[str, Any], ev: Evidence, cfg: ScoringConfig) -> list[str]:
    """The top reasons for one creator's verdict, most important first."""
    if row["verdict"] == "insufficient data":
        lead = [
            f"only {_plural(int(row['comments']), 'comment')} counted; a verdict needs at least {cfg.min_comments}"
        ]
    else:
        lead = []
    negative = [text for weight, text in negative_reasons(row, ev, cfg) if weight >= 0.02]
    if row["verdict"] == "genuine" or not negative:
        # Lead with what speaks for the audience; still name the largest concern, if any.
        return (lead + positive_reasons(row)[:2] + negative[:1])[:MAX_REASONS]
    return (lead + negative)[:MAX_REASONS]
