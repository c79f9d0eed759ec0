"""Write a report (:class:`ReportData`) to a folder, every file atomically.

``creators.csv``/``creators.json`` (the ranked metric), ``posts.csv``, ``comments.csv`` (each
comment with its probability, discounts and flags: the trail from every number back to the
comments), ``flags.json`` (evidence, bad rows, signals off), ``report.html`` and, when a budget
was given, ``budget.json`` (the budget pick). A reader
never sees a half-written file: each is written beside its target and moved into place.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from classifier.io.atomic import atomic_path, atomic_write_text
from classifier.scoring import html as report_page
from classifier.scoring.report_data import ReportData, _clean, records

FILES = ("creators.csv", "creators.json", "posts.csv", "comments.csv", "flags.json", "report.html")


def _csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV through pyarrow's writer (a million rows in seconds, where pandas takes ~20 s)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    with atomic_path(path) as tmp:
        pacsv.write_csv(table, tmp)


def creators_for_csv(creators: pd.DataFrame) -> pd.DataFrame:
    """The creators table with its list columns as text: reasons joined with " | ", the
    missing signals and columns with ", "."""
    out = creators.copy()
    for column, sep in (
        ("reasons", " | "),
        ("missing_signals", ", "),
        ("missing_columns", ", "),
        ("economics_missing", "; "),
    ):
        if column in out.columns:
            out[column] = out[column].map(
                lambda items, sep=sep: (
                    sep.join(str(x) for x in items)
                    if isinstance(items, list | tuple | np.ndarray)
                    else ""
                )
            )
    return out


def write_report(report: ReportData, out_dir: str | Path, *, html: bool = True) -> list[Path]:
    """Write every output file of ``report`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _csv(creators_for_csv(report.creators), out / "creators.csv")
    atomic_write_text(
        out / "creators.json",
        json.dumps(records(report.creators), ensure_ascii=False, indent=1) + "\n",
    )
    _csv(report.posts, out / "posts.csv")
    _csv(report.comments, out / "comments.csv")
    atomic_write_text(
        out / "flags.json", json.dumps(report.flags(), ensure_ascii=False, indent=1) + "\n"
    )
    written = [out / name for name in FILES if name != "report.html"]
    if report.budget is not None:
        atomic_write_text(
            out / "budget.json",
            json.dumps(_clean(report.budget.to_dict()), ensure_ascii=False, indent=1) + "\n",
        )
        written.append(out / "budget.json")
    if html:
        atomic_write_text(out / "report.html", report_page.render(report))
        written.append(out / "report.html")
    return written
