"""Write result rows as CSV, TSV, JSONL, JSON or Parquet, atomically."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from classifier.io.atomic import atomic_open, atomic_path
from classifier.io.problems import InputError
from classifier.io.tables import detect_format


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def write_rows(rows: list[dict[str, Any]], path: Path, format: str | None = None) -> None:
    """Write ``rows`` to ``path``; the file appears complete or not at all."""
    try:
        fmt = detect_format(path, format)
    except InputError as exc:
        raise InputError(str(exc).replace("--format", "an output suffix")) from None
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    if fmt in ("csv", "tsv"):
        with atomic_open(path, newline="") as handle:
            writer = csv.DictWriter(
                handle,
                fieldnames=list(columns),
                extrasaction="ignore",
                delimiter="\t" if fmt == "tsv" else ",",
            )
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(v) for k, v in row.items()})
    elif fmt == "jsonl":
        with atomic_open(path) as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt == "json":
        with atomic_open(path) as handle:
            json.dump(rows, handle, ensure_ascii=False, indent=1, default=str)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(
            [
                {k: _cell(row.get(k)) if k == "reasons" else row.get(k) for k in columns}
                for row in rows
            ]
        )
        with atomic_path(path) as tmp:
            pq.write_table(table, tmp)
