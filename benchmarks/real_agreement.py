"""Agreement between two independent labelers of real comments (Cohen's kappa), per language.

Reads data/real_labels/double_pass/*.ndjson: for each comment labeled twice, the first and the
second labeler's label (neither saw the other's) and the settled final label. Round 1 was
labeled with the guide as it stood; where kappa fell below 0.7 the guide was clarified (the
news-comment rulings in data/LABELING.md) and round 2 is a fresh sample labeled twice under
the clarified guide. Needs no real texts.

Run: python benchmarks/real_agreement.py
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOUBLE = ROOT / "data" / "real_labels" / "double_pass"


def main() -> int:
    from sklearn.metrics import cohen_kappa_score

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
    print("| language | source | round | n | agreement | Cohen's kappa | settled disagreements |")
    print("|---|---|---|---|---|---|---|")
    for key in sorted(groups, key=lambda k: (k[0], len(k), k[1:])):
        rows = groups[key]
        first = [r["first"] for r in rows]
        second = [r["second"] for r in rows]
        agree = sum(a == b for a, b in zip(first, second, strict=True))
        kappa = cohen_kappa_score(first, second) if len(set(first + second)) > 1 else float("nan")
        source, round_ = (key[1], key[2]) if len(key) == 3 else ("(all)", key[1])
        print(
            f"| {key[0]} | {source} | {round_} | {len(rows)} | {agree / len(rows):.3f} | "
            f"{kappa:.3f} | {len(rows) - agree} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
