"""Bad input is reported row by row, never raised mid-batch and never dropped silently."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    """One input row that could not be used, and why.

    ``line`` is 1-based and counts physical lines for JSONL, data rows (header = line 1)
    for CSV, and rows (from 1) for Parquet and in-memory tables.
    """

    source: str
    line: int
    field: str | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.problem}"

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "line": self.line,
            "field": self.field,
            "problem": self.problem,
        }


class InputError(ValueError):
    """The input as a whole cannot be read (missing file or column, unreadable encoding).

    The message is meant for the user as it is: it names the file, what was expected,
    what was found and how to fix it.
    """
