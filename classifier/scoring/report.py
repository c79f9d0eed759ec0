"""The result of scoring: :class:`CreatorReport`, the report data that renders and writes itself.

The tables, evidence and JSON form live in :mod:`classifier.scoring.report_data` (re-exported
here); the page in :mod:`classifier.scoring.html` and the files in
:mod:`classifier.scoring.output` read that data, and this module sits above all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from classifier.scoring import html as report_page
from classifier.scoring import output
from classifier.scoring.report_data import (
    COMMENT_COLUMNS,
    CREATOR_COLUMNS,
    POST_COLUMNS,
    ReportData,
    _clean,
    records,
)

__all__ = [
    "COMMENT_COLUMNS",
    "CREATOR_COLUMNS",
    "POST_COLUMNS",
    "CreatorReport",
    "ReportData",
    "_clean",
    "records",
]


@dataclass(frozen=True)
class CreatorReport(ReportData):
    """What :func:`classifier.scoring.score_creators` returns: the tables and evidence of
    :class:`~classifier.scoring.report_data.ReportData` (see there for every field), plus the
    report page (:meth:`to_html`) and the output files (:meth:`write`)."""

    def to_html(self) -> str:
        """The self-contained report page (see :mod:`classifier.scoring.html`)."""
        return report_page.render(self)

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write creators.csv/.json, posts.csv, comments.csv, flags.json and report.html atomically."""
        return output.write_report(self, out_dir)
