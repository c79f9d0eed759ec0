"""The README's corpus test-split table, generated from the shipped model's own record.

Reads ``models/default`` (or ``--model DIR``): the per-language macro-F1 from manifest.json
(``metrics.test``) and, for the same rows, the length-only baseline and the length-matched slice
from the test-split table of its MODEL_CARD.md (both written by ``genuine train`` when the model
was built, and hash-checked by the manifest); it stops when the two disagree. Measures nothing,
so it takes a second: rerun it whenever the model is rebuilt.

Run: python benchmarks/model_card.py [--model DIR] [--write-results]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.readme_results import (  # noqa: E402
    Claim,
    Results,
    add_write_flag,
    model_label,
    write_results,
)

NAME = "model_card"
LANGS = ("vi", "zh", "en")
COLUMNS = (
    "n",
    "macro-F1",
    "length-only macro-F1",
    "length-matched macro-F1",
    "length-only on matched",
)
_CATEGORY = re.compile(
    r"Category head: names the labeled category of (?P<all>[\d.]+) of (?P<n>\d+) comments "
    r"\((?P<right>[\d.]+) where the label is right; .*?: (?P<guess>[\d.]+)\)"
)


def card_test_table(card: str) -> dict[str, dict[str, str]]:
    """The card's '### Test split' table: language -> column -> cell."""
    section = card.split("### Test split", 1)[1] if "### Test split" in card else ""
    rows = [line for line in section.splitlines() if line.startswith("|")]
    if len(rows) < 3:
        raise SystemExit("MODEL_CARD.md has no '### Test split' table")
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    table = {}
    for line in rows[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != len(header):
            break  # the next table
        table[cells[0]] = dict(zip(header, cells, strict=True))
    return table


def render(model_dir: Path) -> Results:
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    card = (model_dir / "MODEL_CARD.md").read_text(encoding="utf-8")
    table = card_test_table(card)
    per_language = manifest["metrics"]["test"]["per_language_macro_f1"]
    lines = ["| language | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for lang in LANGS:
        row = table[lang]
        if f"{per_language[lang]:.3f}" != row["macro-F1"]:
            raise SystemExit(
                f"{model_dir}: MODEL_CARD.md says {lang} macro-F1 {row['macro-F1']}, "
                f"manifest.json {per_language[lang]:.3f}"
            )
        lines.append(f"| {lang} | " + " | ".join(row[column] for column in COLUMNS) + " |")
    body = "\n".join(lines)
    category = _CATEGORY.search(card)
    if category:
        body += (
            "\n\nThe category head (`question`, `contact_bait`, `generic_praise`...) names the "
            f"labeled category of {float(category['all']):.1%} of test comments "
            f"({float(category['right']):.1%} where the label is right), against "
            f"{float(category['guess']):.1%} for always guessing the most frequent category of "
            "the predicted label (`genuine evaluate` prints it per category)."
        )
    label = model_label(model_dir)
    claims = (
        Claim(label, "corpus test macro-F1"),
        Claim(label, "corpus test length-matched macro-F1"),
        Claim(label, "corpus test category-head accuracy"),
    )
    measured = (
        f"From the model card of {label} (`models/default/MODEL_CARD.md`, written by "
        "`genuine train` when the model was built; macro-F1 checked against its manifest); "
        "`python benchmarks/model_card.py --write-results` regenerates this table."
    )
    return Results(NAME, claims, body, measured)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    add_write_flag(parser, NAME)
    args = parser.parse_args()
    results = render(args.model)
    print(results.body)
    if args.write_results:
        write_results(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
