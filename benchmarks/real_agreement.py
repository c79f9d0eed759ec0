"""Agreement between two independent labelers of real comments (Cohen's kappa), per language.

Reads data/real_labels/double_pass/*.ndjson: for each comment labeled twice, the first and the
second labeler's label (neither saw the other's) and the settled final label. Round 1 was
labeled with the guide as it stood; where kappa fell below 0.7 the guide was clarified (the
news-comment rulings in data/LABELING.md) and round 2 is a fresh sample labeled twice under
the clarified guide. Needs no real texts. ``--write-results`` also writes the README's summary
(kappa per language and round, with the sources below 0.7) to benchmarks/results/real_agreement.md.

Run: python benchmarks/real_agreement.py [--write-results]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.readme_results import (  # noqa: E402
    Results,
    add_write_flag,
    measured_line,
    write_results,
)

DOUBLE = ROOT / "data" / "real_labels" / "double_pass"
# The README's short names of the sources, for the ones it singles out.
SHORT = {
    "en_youtube": "YouTube comments",
    "en_c3_news": "opinion comments",
    "vi_victsd_news": "news comments",
    "vi_vispam_reviews": "product reviews",
    "zh_weibo": "Weibo comments",
    "zh_ads": "ads",
}


def _kappa(rows: list[dict]) -> float:
    from sklearn.metrics import cohen_kappa_score

    first = [r["first"] for r in rows]
    second = [r["second"] for r in rows]
    return cohen_kappa_score(first, second) if len(set(first + second)) > 1 else float("nan")


def _summary_cell(groups: dict[tuple[str, ...], list[dict]], lang: str, round_: str) -> str:
    """'0.70 (n 210; opinion comments 0.44)': a round's kappa, with each source below 0.7 and
    each source where both labelers gave one label only."""
    rows = groups.get((lang, f"round {round_}"))
    if not rows:
        return "-"
    notes = [f"n {len(rows)}"]
    for key in sorted(
        k for k in groups if len(k) == 3 and k[0] == lang and k[2] == f"round {round_}"
    ):
        part = groups[key]
        kappa = _kappa(part)
        labels = {r["first"] for r in part} | {r["second"] for r in part}
        if len(labels) == 1:
            notes.append(f"the {len(part)} {SHORT[key[1]]} all {labels.pop()} for both")
        elif kappa < 0.7:
            notes.append(f"{SHORT[key[1]]} {kappa:.2f}")
    return f"{_kappa(rows):.2f} ({'; '.join(notes)})"


def summary(groups: dict[tuple[str, ...], list[dict]]) -> Results:
    """The README's table: kappa per language for round 1, round 2 and the validation sets."""
    lines = [
        "| Cohen's kappa | round 1, guide as it was | round 2, clarified guide (fresh sample) "
        "| validation sets, clarified guide |",
        "|---|---|---|---|",
    ]
    for lang in ("en", "vi", "zh"):
        cells = [_summary_cell(groups, lang, r) for r in ("1", "2", "validation")]
        lines.append(f"| {lang} | " + " | ".join(cells) + " |")
    return Results(
        "real_agreement",
        (),  # label agreement, not a model's metric
        "\n".join(lines),
        measured_line(
            "python benchmarks/real_agreement.py --write-results",
            "Two labelers who never saw each other's labels (data/real_labels/double_pass/).",
            on_machine=False,
        ),
    )


def load_groups() -> dict[tuple[str, ...], list[dict]]:
    """The double-labeled rows by (lang, "all rounds" | "round R") and (lang, source, "round R")."""
    from training.real import SOURCES

    groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for path in sorted(DOUBLE.glob("*.ndjson")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            lang = SOURCES[row["source"]].lang
            for key in (
                (lang, "all rounds"),
                (lang, f"round {row['round']}"),
                (lang, row["source"], f"round {row['round']}"),
            ):
                groups[key].append(row)
    return groups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_write_flag(parser, "real_agreement")
    args = parser.parse_args()
    groups = load_groups()
    print("| language | source | round | n | agreement | Cohen's kappa | settled disagreements |")
    print("|---|---|---|---|---|---|---|")
    for key in sorted(groups, key=lambda k: (k[0], len(k), k[1:])):
        rows = groups[key]
        agree = sum(r["first"] == r["second"] for r in rows)
        kappa = _kappa(rows)
        source, round_ = (key[1], key[2]) if len(key) == 3 else ("(all)", key[1])
        print(
            f"| {key[0]} | {source} | {round_} | {len(rows)} | {agree / len(rows):.3f} | "
            f"{kappa:.3f} | {len(rows) - agree} |"
        )
    if args.write_results:
        write_results(summary(groups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
