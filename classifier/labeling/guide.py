"""The labeling guide (a packaged copy of data/LABELING.md) and each category's rule from it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any

from classifier.model_dir import CATEGORIES

# A category row of the guide's tables: | `name` | what | vi | zh | en |
_ROW = re.compile(r"^\|\s*`(\w+)`\s*\|(.*)\|\s*$")


@dataclass(frozen=True)
class CategoryRule:
    name: str
    label: str
    what: str
    examples: dict[str, str]  # language -> examples from the guide

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@cache
def guide_text() -> str:
    return resources.files("classifier").joinpath("resources/LABELING.md").read_text("utf-8")


@cache
def category_rules() -> dict[str, CategoryRule]:
    """Each category of :data:`CATEGORIES` with what the guide says about it."""
    label_of = {cat: label for label, cats in CATEGORIES.items() for cat in cats}
    rules: dict[str, CategoryRule] = {}
    for line in guide_text().splitlines():
        match = _ROW.match(line.strip())
        if not match or match.group(1) not in label_of:
            continue
        cells = [cell.strip() for cell in match.group(2).split("|")]
        what, examples = cells[0], cells[1:4]
        rules[match.group(1)] = CategoryRule(
            match.group(1),
            label_of[match.group(1)],
            what.replace("*", ""),
            dict(zip(("vi", "zh", "en"), examples, strict=False)),
        )
    missing = [cat for cat in label_of if cat not in rules]
    if missing:
        raise RuntimeError(f"the packaged labeling guide has no rule for categories {missing}")
    return rules
