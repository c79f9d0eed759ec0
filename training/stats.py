"""Corpus statistics: counts per language x label x category x split, imbalance, duplicates."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from training.data import ALL_CATEGORIES, LANGS, LabeledComment, text_key

MIN_CLASS_SHARE = 0.40


@dataclass
class CorpusStats:
    table_rows: list[list[Any]] = field(default_factory=list)
    language_rows: list[list[Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicate_groups: int = 0


def corpus_stats(rows: Sequence[LabeledComment]) -> CorpusStats:
    stats = CorpusStats()
    counts: Counter[tuple[Any, ...]] = Counter((r.lang, r.label, r.category, r.split) for r in rows)
    for lang in sorted({r.lang or "?" for r in rows}):
        for label in ("substantive", "generic"):
            cats = sorted(
                {r.category for r in rows if (r.lang or "?") == lang and r.label == label},
                key=lambda c: (c is None, str(c)),
            )
            for category in cats:
                per = [
                    counts[(None if lang == "?" else lang, label, category, s)]
                    for s in ("train", "validation", "test")
                ]
                stats.table_rows.append([lang, label, category or "-", *per, sum(per)])
    for lang in LANGS:
        subset = [r for r in rows if r.lang == lang]
        if not subset:
            continue
        labels = Counter(r.label for r in subset)
        share = labels["substantive"] / len(subset)
        med = {
            lab: statistics.median([len(r.text) for r in subset if r.label == lab])
            if labels[lab]
            else 0
            for lab in ("substantive", "generic")
        }
        stats.language_rows.append(
            [
                lang,
                len(subset),
                labels["substantive"],
                labels["generic"],
                f"{share:.0%}",
                f"{med['substantive']:.0f}/{med['generic']:.0f}",
            ]
        )
        if min(share, 1 - share) < MIN_CLASS_SHARE:
            stats.warnings.append(
                f"{lang}: class imbalance, substantive share {share:.0%} (each class should be >= {MIN_CLASS_SHARE:.0%})"
            )
        missing = [c for c in ALL_CATEGORIES if not any(r.category == c for r in subset)]
        if missing:
            stats.warnings.append(f"{lang}: categories with no rows: {missing}")
    groups: dict[str, list[LabeledComment]] = defaultdict(list)
    for row in rows:
        groups[f"{row.lang}:{text_key(row.text)}"].append(row)
    duplicates = [g for key, g in groups.items() if not key.endswith(":") and len(g) > 1]
    stats.duplicate_groups = len(duplicates)
    for group in duplicates[:10]:
        stats.warnings.append(f"duplicate text ({len(group)}x): {group[0].text[:60]!r}")
    return stats
