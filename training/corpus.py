"""Corpus maintenance: remove exact and near duplicates, stamp stable splits.

    python -m training.corpus --dedupe        # rewrite data/corpus/*.jsonl in place

Near duplicates: MinHash LSH (datasketch) over character 3-grams of the text key, Jaccard
>= 0.8, within one language. The first occurrence (file order) is kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from classifier.io.atomic import atomic_open
from training.data import corpus_paths, split_of, text_key

NEAR_DUPLICATE_JACCARD = 0.8
NUM_PERM = 64


def shingles(text: str, k: int = 3) -> set[str]:
    key = text_key(text)
    if len(key) <= k:
        return {key}
    return {key[i : i + k] for i in range(len(key) - k + 1)}


def minhash(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return m


def near_duplicate_groups(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[list[int]]:
    """Groups (index lists, first index first) of texts that are exact or near duplicates."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    owner: dict[int, int] = {}
    groups: dict[int, list[int]] = {}
    keys: dict[str, int] = {}
    hashes: dict[int, MinHash] = {}
    for index, text in enumerate(texts):
        key = text_key(text)
        if key in keys:
            first = keys[key]
        else:
            m = minhash(text)
            candidates = [int(c) for c in lsh.query(m)]
            sig = shingles(text)
            first = -1
            for candidate in sorted(candidates):
                other = shingles(texts[candidate])
                if len(sig & other) / max(1, len(sig | other)) >= threshold:
                    first = owner.get(candidate, candidate)
                    break
            if first < 0:
                keys[key] = index
                lsh.insert(str(index), m)
                hashes[index] = m
                continue
            keys[key] = first
        groups.setdefault(first, [first]).append(index)
        owner[index] = first
    return list(groups.values())


def dedupe_and_stamp(paths: Sequence[Path], dry_run: bool = False) -> dict[str, int]:
    """Drop duplicates within each language (keeping the first), set ``split``; rewrite files."""
    records: list[tuple[Path, dict]] = []
    for path in paths:
        for line in path.open(encoding="utf-8"):
            if line.strip():
                records.append((path, json.loads(line)))
    drop: set[int] = set()
    for lang in sorted({r.get("lang", "") for _, r in records}):
        indices = [i for i, (_, r) in enumerate(records) if r.get("lang", "") == lang]
        for group in near_duplicate_groups([records[i][1]["text"] for i in indices]):
            drop.update(indices[k] for k in group[1:])
    removed: dict[str, int] = {}
    for path in paths:
        kept = []
        for i, (p, record) in enumerate(records):
            if p != path:
                continue
            if i in drop:
                removed[path.name] = removed.get(path.name, 0) + 1
                continue
            record["split"] = split_of(record["text"])
            kept.append(record)
        if not dry_run:
            with atomic_open(path) as handle:
                for record in kept:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return removed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dedupe", action="store_true", help="remove duplicates and stamp splits in place"
    )
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if not args.dedupe:
        parser.print_help()
        return 2
    removed = dedupe_and_stamp(args.paths or corpus_paths(), dry_run=args.dry_run)
    for name, count in sorted(removed.items()):
        print(f"{name}: removed {count} duplicate rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
