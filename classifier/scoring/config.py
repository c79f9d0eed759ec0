"""Every threshold of the creator metric in one typed, validated place.

The defaults are documented (with the reasoning behind them) in ``docs/metric.md``; a caller
who disagrees passes ``ScoringConfig(...)`` to :func:`classifier.scoring.score_creators` and the
report records the values it ran with, so two reports can always be compared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Typical substantive share of a *genuine* audience per platform, under our labeling guide.
# YouTube (music-heavy) is ~10% substantive; Weibo ~39%; short-video and photo platforms are
# in between. See docs/metric.md for the samples these come from. Unknown platforms use
# ``default_norm``.
PLATFORM_NORMS: dict[str, float] = {
    "youtube": 0.10,
    "tiktok": 0.15,
    "douyin": 0.15,
    "instagram": 0.15,
    "facebook": 0.25,
    "weibo": 0.35,
    "xiaohongshu": 0.35,
    "bilibili": 0.30,
}

# Predictor categories that are evidence of inauthentic engagement in themselves. Other generic
# categories (praise, emoji, tags, bare purchase requests) are how real audiences write too.
BAIT_CATEGORIES = ("contact_bait", "follow_bait", "self_promo")

VERDICTS = ("genuine", "mixed", "suspicious", "insufficient data")

# Creator tiers by followers, as agencies name them: nano < 10k <= micro < 100k <= macro < 1M <= mega.
TIER_BOUNDS = (10_000.0, 100_000.0, 1_000_000.0)
TIER_NAMES = ("nano", "micro", "macro", "mega")


@dataclass(frozen=True)
class ScoringConfig:
    """Thresholds of the signals, the score and the verdict (see docs/metric.md)."""

    # Intervals
    confidence: float = 0.95
    # Copy-paste clusters
    dupe_min_units: float = 24.0  # text length after normalization; a Han character counts 2.5
    dupe_min_authors: int = 3
    dupe_jaccard: float = 0.6  # estimated Jaccard of character 3-gram sets
    minhash_bands: int = 16
    minhash_rows: int = 3
    # Pods
    pod_min_creators: int = 3
    pod_min_shared: int = 3
    pod_min_jaccard: float = 0.5
    pod_min_authors: int = 3
    pod_fast_minutes: float = 30.0
    pod_fast_share: float = 0.5
    pod_generic_share: float = 0.8
    # Bursts
    burst_window_minutes: float = 15.0
    burst_min_comments: int = 15
    burst_relative_factor: float = 3.0
    burst_relative_min_share: float = 0.3
    burst_absolute_share: float = 0.5
    burst_reference_share: float = 0.10
    burst_prior_weight: float = 20.0
    burst_p_value: float = 0.001
    # Repeat generic authors
    repeat_min_posts: int = 4
    repeat_post_share: float = 0.8
    repeat_generic_share: float = 0.9
    repeat_weight: float = 0.5
    # Score and verdict
    default_norm: float = 0.20
    platform_norms: dict[str, float] = field(default_factory=lambda: dict(PLATFORM_NORMS))
    far_below_factor: float = 0.5
    min_comments: int = 30
    genuine_threshold: float = 70.0
    suspicious_threshold: float = 40.0
    bait_categories: tuple[str, ...] = BAIT_CATEGORIES
    # Brand economics (docs/economics.md)
    tier_bounds: tuple[float, ...] = TIER_BOUNDS  # followers where the next tier starts
    tier_names: tuple[str, ...] = TIER_NAMES  # one more name than bounds
    budget_verdicts: tuple[str, ...] = ("genuine", "mixed")  # verdicts a budget pick considers

    def __post_init__(self) -> None:
        if not 0.5 < self.confidence < 1.0:
            raise ValueError(f"confidence must be within (0.5, 1), got {self.confidence}")
        for name in (
            "dupe_jaccard",
            "pod_min_jaccard",
            "pod_fast_share",
            "pod_generic_share",
            "burst_relative_min_share",
            "burst_absolute_share",
            "burst_reference_share",
            "repeat_post_share",
            "repeat_generic_share",
            "repeat_weight",
            "default_norm",
            "far_below_factor",
        ):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be within (0, 1], got {value}")
        for name in (
            "dupe_min_authors",
            "pod_min_creators",
            "pod_min_shared",
            "pod_min_authors",
            "burst_min_comments",
            "repeat_min_posts",
            "min_comments",
            "minhash_bands",
            "minhash_rows",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0 <= self.suspicious_threshold < self.genuine_threshold <= 100:
            raise ValueError(
                "thresholds must satisfy 0 <= suspicious_threshold < genuine_threshold <= 100, got "
                f"{self.suspicious_threshold} and {self.genuine_threshold}"
            )
        bounds = list(self.tier_bounds)
        if any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
            raise ValueError(f"tier_bounds must be positive and increasing, got {self.tier_bounds}")
        if len(self.tier_names) != len(bounds) + 1 or len(set(self.tier_names)) != len(
            self.tier_names
        ):
            raise ValueError(
                f"tier_names needs {len(bounds) + 1} distinct names for {len(bounds)} bounds, "
                f"got {self.tier_names}"
            )
        unknown = set(self.budget_verdicts) - set(VERDICTS)
        if unknown:
            raise ValueError(f"budget_verdicts must be among {VERDICTS}, got {sorted(unknown)}")
        for platform, norm in self.platform_norms.items():
            if not 0.0 < norm <= 1.0:
                raise ValueError(f"platform_norms[{platform!r}] must be within (0, 1], got {norm}")

    @property
    def num_perm(self) -> int:
        return self.minhash_bands * self.minhash_rows

    def norm_for(self, platform: Any) -> float:
        """The typical substantive share of a genuine audience on ``platform``."""
        if isinstance(platform, str):
            return self.platform_norms.get(platform.strip().lower(), self.default_norm)
        return self.default_norm

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("bait_categories", "tier_bounds", "tier_names", "budget_verdicts"):
            data[name] = list(getattr(self, name))
        return data
