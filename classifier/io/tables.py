"""Read CSV, JSONL, JSON and Parquet (files or stdin) as a stream of numbered rows.

Every reader yields ``(line, record)`` pairs or :class:`RowProblem` for rows that cannot be
parsed (broken JSON, a JSON value that is not an object), so callers can score the good rows
and report the bad ones. Whole-file problems (missing file, wrong encoding, truncated Parquet)
raise :class:`InputError` with a message that says what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from classifier.io.problems import InputError, RowProblem

FORMATS = ("csv", "jsonl", "json", "parquet")
Record = dict[str, Any]
RowOrProblem = tuple[int, Record] | RowProblem

csv.field_size_limit(16 * 1024 * 1024)


def detect_format(path: str | Path, declared: str | None = None) -> str:
    """The table format from ``declared`` or the file suffix (``.csv``, ``.jsonl``/``.ndjson``, ``.json``, ``.parquet``)."""
    if declared:
        if declared not in FORMATS:
            raise InputError(f"unknown format '{declared}'; known formats are {list(FORMATS)}")
        return declared
    suffixes = [s.lower() for s in Path(str(path)).suffixes if s.lower() not in (".gz",)]
    suffix = suffixes[-1] if suffixes else ""
    mapping = {
        ".csv": "csv",
        ".tsv": "csv",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".json": "json",
        ".parquet": "parquet",
        ".pq": "parquet",
    }
    if suffix in mapping:
        return mapping[suffix]
    raise InputError(
        f"cannot tell the format of '{path}' from its name; use a .csv, .jsonl, .json or .parquet "
        f"suffix, or pass --format with one of {list(FORMATS)}"
    )


def _decode_error(
    handle: TextIO, source: str, encoding: str, line: int, exc: UnicodeDecodeError
) -> InputError:
    """The error for undecodable bytes, naming the line they are on (the text layer reads
    ahead in chunks, so the line is found again from the raw bytes where they can be re-read)."""
    where = f"line {line}"
    located = _locate_bad_bytes(handle, encoding)
    if located:
        where = f"line {located[0]}, byte {located[1] + 1} of the line"
    return InputError(
        f"{source} {where}: the bytes are not valid {encoding} ({exc.reason}); if the file is "
        f"in another encoding pass it, e.g. --encoding gbk (Chinese), --encoding cp1258 "
        f"(Vietnamese Windows) or --encoding latin-1"
    )


def _locate_bad_bytes(handle: TextIO, encoding: str) -> tuple[int, int] | None:
    """(line, offset in the line) of the first bytes that do not decode; None for a stream
    that cannot be re-read (stdin)."""
    raw = getattr(handle, "buffer", None)
    try:
        if raw is None or not raw.seekable():
            return None
        raw.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        for number, line in enumerate(raw, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as exc:
                return number, exc.start
    except (OSError, ValueError, LookupError):
        return None
    return None


def _numbered_lines(handle: TextIO, source: str, encoding: str) -> Iterator[tuple[int, str]]:
    line_no = 0
    while True:
        try:
            line = handle.readline()
        except UnicodeDecodeError as exc:
            raise _decode_error(handle, source, encoding, line_no + 1, exc) from None
        if not line:
            return
        line_no += 1
        yield line_no, line


def _iter_jsonl(handle: TextIO, source: str, encoding: str) -> Iterator[RowOrProblem]:
    for line_no, line in _numbered_lines(handle, source, encoding):
        stripped = line.strip()
        if not stripped:
            continue
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            yield RowProblem(
                source, line_no, None, f"broken JSON ({exc.msg} at column {exc.colno})"
            )
            continue
        if not isinstance(value, dict):
            yield RowProblem(
                source, line_no, None, f"expected a JSON object, found {type(value).__name__}"
            )
            continue
        yield line_no, value


def _iter_json(handle: TextIO, source: str, encoding: str) -> Iterator[RowOrProblem]:
    try:
        text = handle.read()
    except UnicodeDecodeError as exc:
        raise _decode_error(handle, source, encoding, 1, exc) from None
    try:
        value = json.loads(text) if text.strip() else []
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source} line {exc.lineno}: broken JSON ({exc.msg}); a .json file must hold one array of objects, use .jsonl for one object per line"
        ) from None
    if isinstance(value, dict):
        for key in ("items", "data", "records", "comments"):
            if isinstance(value.get(key), list):
                value = value[key]
                break
        else:
            value = [value]
    if not isinstance(value, list):
        raise InputError(
            f"{source}: expected a JSON array of objects, found {type(value).__name__}"
        )
    for index, item in enumerate(value, start=1):
        if isinstance(item, dict):
            yield index, item
        else:
            yield RowProblem(
                source, index, None, f"expected a JSON object, found {type(item).__name__}"
            )


def _iter_csv(handle: TextIO, source: str, encoding: str, delimiter: str) -> Iterator[RowOrProblem]:
    reader = csv.reader(handle, delimiter=delimiter)
    header: list[str] | None = None
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise _decode_error(handle, source, encoding, reader.line_num + 1, exc) from None
        except csv.Error as exc:
            yield RowProblem(source, reader.line_num, None, f"broken CSV row ({exc})")
            start = reader.line_num + 1
            continue
        line_no, start = start, reader.line_num + 1
        if header is None:
            header = [h.strip() for h in row]
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield RowProblem(
                source,
                line_no,
                None,
                f"expected {len(header)} columns as in the header, found {len(row)}",
            )
            continue
        yield line_no, dict(zip(header, row, strict=True))


def _iter_parquet(path: Path, source: str) -> Iterator[RowOrProblem]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"{source}: not a readable Parquet file ({exc}); the file may be truncated or not Parquet"
        ) from None
    line_no = 0
    try:
        for batch in parquet.iter_batches(batch_size=8192):
            for record in batch.to_pylist():
                line_no += 1
                yield line_no, record
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{source}: Parquet data is damaged after row {line_no} ({exc})") from None


def _open_text(path: str | Path, encoding: str | None) -> tuple[TextIO, str]:
    chosen = encoding or "utf-8-sig"
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding=chosen, newline=""), chosen
    try:
        return open(path, encoding=chosen, newline=""), chosen
    except LookupError:
        raise InputError(
            f"unknown encoding '{encoding}'; use a Python codec name such as utf-8, gbk, cp1258 or latin-1"
        ) from None


def iter_rows(
    path: str | Path, *, format: str | None = None, encoding: str | None = None
) -> Iterator[RowOrProblem]:
    """Yield ``(line, record)`` or :class:`RowProblem` for every row of a table file ('-' is stdin)."""
    source = "<stdin>" if str(path) == "-" else str(path)
    if str(path) != "-" and not Path(path).is_file():
        raise InputError(f"input file '{path}' does not exist")
    if str(path) == "-" and format is None:
        format = "jsonl"
    fmt = detect_format(path, format)
    if fmt == "parquet":
        if str(path) == "-":
            raise InputError("Parquet cannot be read from stdin; pass a file path")
        yield from _iter_parquet(Path(path), source)
        return
    handle, chosen = _open_text(path, encoding)
    try:
        if fmt == "jsonl":
            yield from _iter_jsonl(handle, source, chosen)
        elif fmt == "json":
            yield from _iter_json(handle, source, chosen)
        else:
            delimiter = "\t" if str(path).lower().endswith(".tsv") else ","
            yield from _iter_csv(handle, source, chosen, delimiter)
    finally:
        if str(path) != "-":
            handle.close()


def iter_records(records: Iterable[Record], source: str = "<records>") -> Iterator[RowOrProblem]:
    """Number in-memory records (a list of dicts) the way file rows are numbered."""
    for index, record in enumerate(records, start=1):
        if isinstance(record, dict):
            yield index, record
        else:
            yield RowProblem(
                source, index, None, f"expected a mapping, found {type(record).__name__}"
            )


@dataclass
class Table:
    """A whole table read into memory: good rows with their line numbers, plus the bad rows."""

    source: str
    lines: list[int] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for record in self.records[:1000]:
            seen.update(dict.fromkeys(record))
        return list(seen)


def read_table(
    path: str | Path, *, format: str | None = None, encoding: str | None = None
) -> Table:
    """Read a whole table file; bad rows go to ``problems``."""
    table = Table(source="<stdin>" if str(path) == "-" else str(path))
    for item in iter_rows(path, format=format, encoding=encoding):
        if isinstance(item, RowProblem):
            table.problems.append(item)
        else:
            table.lines.append(item[0])
            table.records.append(item[1])
    return table


def require_column(table_columns: list[str], column: str, source: str, option: str) -> None:
    """Raise a helpful :class:`InputError` when ``column`` is missing."""
    if column not in table_columns:
        raise InputError(
            f"column '{column}' not found in {source}; columns are {table_columns}; pass {option} <name>"
        )
