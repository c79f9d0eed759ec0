"""MODEL_CARD.md, written by the training run itself from its own numbers."""

from __future__ import annotations

import importlib.metadata
from dataclasses import asdict
from pathlib import Path
from typing import Any

from training.data import LabeledData, data_sha256
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


def training_summary(data: LabeledData, counts: dict[str, int]) -> dict[str, Any]:
    """What the card and the manifest say about the training data: a description, the rows'
    hash, the split sizes, and each source with its rows and the weight of each row."""
    return {
        "description": f"{len(data.rows)} labeled comments from "
        f"{', '.join(Path(s).name for s in data.sources)}.",
        "sha256": data_sha256(data.rows),
        "counts": counts,
        "sources": [asdict(part) for part in data.part_list()],
    }


def manifest_training_data(summary: dict[str, Any]) -> dict[str, Any]:
    """The manifest's ``training_data``: hash, split sizes, sources (see :func:`training_summary`)."""
    return {
        "sha256": summary["sha256"],
        "rows": summary["counts"],
        **({"sources": summary["sources"]} if "sources" in summary else {}),
    }


def sources_table(sources: list[dict[str, Any]]) -> str:
    """Markdown table of the training sources (rows, splits, weight per row, with a category)."""
    lines = [
        "| source | rows | train / validation / test | weight per row | with a category |",
        "|---|---|---|---|---|",
    ]
    for part in sources:
        splits = " / ".join(str(part["splits"].get(s, 0)) for s in ("train", "validation", "test"))
        weight = "varies by row" if part["weight"] is None else f"{part['weight']:g}"
        lines.append(
            f"| {part['name']} | {part['rows']} | {splits} | {weight} | {part['categorized']} |"
        )
    return "\n".join(lines)


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
    sources = "\n\n" + sources_table(data_summary["sources"]) if data_summary.get("sources") else ""
    category_head = (
        f"\n\nCategory head: {data_summary['category_head']}"
        if data_summary.get("category_head")
        else ""
    )
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
{data_summary.get("description", "")}{sources}{category_head}

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
