"""Copy the benchmarks' results files into README.md's marked blocks.

Every measured table in README.md sits between ``<!-- results: NAME -->`` and
``<!-- /results -->`` and is a copy of ``benchmarks/results/NAME.md``, which the benchmark writes
with ``--write-results`` (see benchmarks/readme_results.py). This script replaces each block's
content with its file; ``--check`` changes nothing and exits 1 when a block is out of date.

Run: python benchmarks/sync_readme.py [--check] [--readme README.md]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.readme_results import results_path  # noqa: E402

README = ROOT / "README.md"
BLOCK = re.compile(
    r"^<!-- results: (?P<name>[\w-]+) -->\n(?P<body>.*?)^<!-- /results -->$", re.S | re.M
)


def blocks(readme: str) -> dict[str, str]:
    """Each marked block's name and content, in README order."""
    found: dict[str, str] = {}
    for match in BLOCK.finditer(readme):
        if match["name"] in found:
            raise ValueError(f"README has two '<!-- results: {match['name']} -->' blocks")
        found[match["name"]] = match["body"]
    return found


def synced(readme: str) -> str:
    """README text with every block replaced by its results file (a missing file is an error)."""

    def replace(match: re.Match[str]) -> str:
        path = results_path(match["name"])
        if not path.is_file():
            raise FileNotFoundError(
                f"README block '{match['name']}' has no {path.relative_to(ROOT)}: run its "
                "benchmark with --write-results"
            )
        return (
            f"<!-- results: {match['name']} -->\n"
            f"{path.read_text(encoding='utf-8')}<!-- /results -->"
        )

    return BLOCK.sub(replace, readme)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale blocks, change nothing")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    try:
        new = synced(text)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    old_blocks, new_blocks = blocks(text), blocks(new)
    stale = [name for name in new_blocks if old_blocks[name] != new_blocks[name]]
    if args.check:
        for name in stale:
            print(f"stale: README block '{name}' differs from benchmarks/results/{name}.md")
        return 1 if stale else 0
    if stale:
        from classifier.io.atomic import atomic_write_text

        atomic_write_text(args.readme, new)
    print(f"{len(new_blocks)} blocks; updated: {', '.join(stale) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
