"""The comments to label: one entry per distinct text of the input, with its post and first row.

Rows that cannot be used (broken lines, a text that is missing, empty or not a string) are
kept as :class:`RowProblem` naming the row and field, so the caller reports them and labels
the rest. Whole-file problems raise :class:`InputError` from the table readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from classifier.io.problems import InputError, RowProblem
from classifier.io.tables import iter_rows
from classifier.labeling.store import text_sha256


@dataclass
class Pool:
    """Distinct comment texts of one input; index ``i`` is the same comment in every list."""

    source: str
    hashes: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    posts: list[str | None] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # first row (line) of the input holding it
    counts: list[int] = field(default_factory=list)  # how many rows hold this exact text
    problems: list[RowProblem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.hashes)

    def index_of(self) -> dict[str, int]:
        return {h: i for i, h in enumerate(self.hashes)}

    def count_array(self) -> np.ndarray:
        return np.asarray(self.counts, dtype=float)


def read_pool(
    path: str,
    *,
    text_column: str = "text",
    post_column: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
) -> Pool:
    """Read the comments to label from a CSV, JSONL, JSON or Parquet file."""
    pool = Pool(source=str(path))
    position: dict[str, int] = {}
    seen_columns: set[str] = set()
    for item in iter_rows(path, format=format, encoding=encoding):
        if isinstance(item, RowProblem):
            pool.problems.append(item)
            continue
        line, record = item
        seen_columns.update(record)
        text = record.get(text_column)
        problem = _text_problem(text, text_column in record)
        if problem:
            pool.problems.append(RowProblem(pool.source, line, text_column, problem))
            continue
        assert isinstance(text, str)
        post = record.get(post_column) if post_column else None
        if post is not None and not isinstance(post, str):
            post = str(post)
        digest = text_sha256(text)
        if digest in position:
            pool.counts[position[digest]] += 1
            continue
        position[digest] = len(pool.hashes)
        pool.hashes.append(digest)
        pool.texts.append(text)
        pool.posts.append(post or None)
        pool.rows.append(line)
        pool.counts.append(1)
    for column, option in ((text_column, "--text-column"), (post_column, "--post-column")):
        if column and seen_columns and column not in seen_columns:
            raise InputError(
                f"column '{column}' not found in {pool.source}; columns are "
                f"{sorted(seen_columns)}; pass {option} <name>"
            )
    if not pool.hashes:
        shown = "; ".join(str(problem) for problem in pool.problems[:3])
        raise InputError(
            f"{pool.source}: no comment to label (no row with a non-empty text)"
            + (f"; {shown}" if shown else "")
        )
    return pool


def _text_problem(text: object, present: bool) -> str | None:
    if not present:
        return "missing"
    if text is None:
        return "empty (null)"
    if not isinstance(text, str):
        return f"expected text, found {type(text).__name__}"
    if not text.strip():
        return "empty text"
    return None
