"""MODEL_CARD.md, written by the training run itself from its own numbers."""

from __future__ import annotations

import importlib.metadata
from typing import Any

from training.evaluate import render_markdown


def library_versions(
    names: tuple[str, ...] = (
        "genuine",
        "numpy",
        "scipy",
        "scikit-learn",
        "jieba",
        "py3langid",
        "safetensors",
    ),
) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def render_card(
    *,
    title: str,
    backend_description: str,
    data_summary: dict[str, Any],
    metrics: dict[str, Any],
    settings: dict[str, Any],
    versions: dict[str, str],
    extra_sections: str = "",
    reproduce: str | None = None,
) -> str:
    """The model card; ``reproduce`` says how far a rerun gives the same weights (default: the
    n-gram trainer's byte-identical promise, which its tests check)."""
    if reproduce is None:
        reproduce = (
            f"`genuine train` (the shipped corpus, seed {settings.get('seed', '')}) writes "
            "byte-identical weights."
        )
    counts = data_summary.get("counts", {})
    count_lines = "\n".join(f"| {split} | {n} |" for split, n in counts.items())
    settings_lines = "\n".join(f"- `{k}`: {v}" for k, v in settings.items())
    version_lines = ", ".join(f"{k} {v}" for k, v in versions.items())
    return f"""# Model card: {title}

## Intended use
Labels social-media comments in Vietnamese, Chinese or English as **substantive** (the author
engaged with this specific post: a question, an experience, a reasoned opinion, a detail) or
**generic** (could be pasted under any post: empty praise, emoji, tags, bare purchase requests,
self-promotion, contact or follow bait, off-topic ads, gibberish), with a calibrated probability
of *substantive*, the language and short reasons. It feeds a per-creator genuine-engagement
score used by people vetting creators. It is one signal for a human decision, not a verdict
on a person: do not use it to sanction individual commenters.

## Model
{backend_description}

Settings:
{settings_lines}

## Training data
{data_summary.get("description", "")}

Training data SHA-256: `{data_summary.get("sha256", "")}`.

| split | rows |
|---|---|
{count_lines}

## Metrics (test split, never used for training or tuning)
{render_markdown(metrics["test"], "Test split") if "test" in metrics else "No test split was available."}
{extra_sections}
## Known failure modes
- Short but specific comments without a question mark or a concrete detail ("same here", "cái này
  ở Đà Lạt hả") are often called generic; long but empty praise is sometimes called substantive.
- The corpus is hand-written; real platforms have slang, spelling and spam variants it lacks.
  Real-world scores are in the project README (benchmarks/real_data.py); they are lower.
- Sarcasm and irony are read literally.
- Languages other than vi/zh/en get language `other` and an unreliable score.
- Reasons name the rules and the strongest word n-gram; they explain the score, they are not a
  full account of the model.

## Reproduce
{reproduce}

Library versions: {version_lines}.
"""
