"""Read CSV/TSV, JSONL, JSON and Parquet (files or stdin) as a stream of numbered rows.

Every reader yields ``(line, record)`` pairs or :class:`RowProblem` for rows that cannot be
parsed (broken JSON, a JSON value that is not an object), so callers can score the good rows
and report the bad ones. Whole-file problems (missing file, wrong encoding, truncated Parquet)
raise :class:`InputError` with a message that says what to do.

What the file is needs no flags in the common cases: a byte-order mark picks the encoding
(UTF-8, UTF-16 or UTF-32, as Excel's "Unicode text" writes), a name without a known suffix
(``.txt``, stdin) is told from the content, and the delimiter of delimited text (comma, tab or
semicolon, as Excel writes in European locales) is told from the header line.
"""

from __future__ import annotations

import codecs
import csv
import heapq
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

from classifier.io.problems import InputError, RowProblem

FORMATS = ("csv", "tsv", "jsonl", "json", "parquet")
Record = dict[str, Any]
RowOrProblem = tuple[int, Record] | RowProblem

# Delimiters told apart by the header line, in the order preferred when several split it.
DELIMITERS = (",", "\t", ";")
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_SUFFIX_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}
# UTF-32 LE starts with the UTF-16 LE mark, so it is checked first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_CHARS = 64 * 1024

csv.field_size_limit(16 * 1024 * 1024)


def format_from_name(path: str | Path, declared: str | None = None) -> str | None:
    """The table format from ``declared`` or the file suffix; None when neither tells."""
    if declared:
        if declared not in FORMATS:
            raise InputError(f"unknown format '{declared}'; known formats are {list(FORMATS)}")
        return declared
    suffixes = [s.lower() for s in Path(str(path)).suffixes if s.lower() not in (".gz",)]
    return _SUFFIX_FORMATS.get(suffixes[-1] if suffixes else "")


def detect_format(path: str | Path, declared: str | None = None) -> str:
    """The table format from ``declared`` or the file suffix (``.csv``, ``.tsv``, ``.jsonl``/``.ndjson``, ``.json``, ``.parquet``)."""
    fmt = format_from_name(path, declared)
    if fmt is None:
        raise InputError(
            f"cannot tell the format of '{path}' from its name; use a .csv, .tsv, .jsonl, .json "
            f"or .parquet suffix, or pass --format with one of {list(FORMATS)}"
        )
    return fmt


def sniff_format(path: str | Path, declared: str | None = None) -> str:
    """Like :func:`detect_format`, but a file whose name does not tell is told from its
    content: Parquet's magic bytes, JSON (``{`` or ``[`` first) or else delimited text."""
    fmt = format_from_name(path, declared)
    if fmt is not None:
        return fmt
    if _starts_like_parquet(path):
        return "parquet"
    handle, encoding = _open_text(path, None)
    with handle:
        return _format_from_text(_read_ahead(handle, str(path), encoding))


def _starts_like_parquet(path: str | Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"PAR1"
    except OSError as exc:
        raise InputError(f"cannot read '{path}' ({exc.strerror})") from None


def _format_from_text(head: list[str]) -> str:
    first = next((line.lstrip("\ufeff \t\r\n") for line in head if line.strip()), "")
    if first.startswith("{"):
        return "jsonl"
    if first.startswith("["):
        return "json"
    return "csv"


def separator(value: str) -> str:
    """The one-character delimiter named by ``--sep`` (``\\t`` and ``tab`` mean a tab)."""
    named = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    sep = named.get(value.lower(), value)
    if len(sep) != 1 or sep in '\r\n"':
        raise InputError(
            f"--sep {value!r}: a delimiter is one character, e.g. ',' ';' '|' or '\\t' (tab)"
        )
    return sep


def sniff_delimiter(head: list[str], default: str = ",") -> str:
    """The delimiter of delimited text from its first lines.

    Column names rarely hold a delimiter, so the candidates are those that split the header
    line; when several do, :class:`csv.Sniffer` chooses by how consistently each splits the
    other lines. With none (a one-column file) ``default`` is kept.
    """
    header = next((line for line in head if line.strip()), "")
    splitting = [d for d in DELIMITERS if len(next(csv.reader([header], delimiter=d))) > 1]
    if not splitting:
        return default
    if len(splitting) == 1:
        return splitting[0]
    try:
        return csv.Sniffer().sniff("".join(head), delimiters="".join(splitting)).delimiter
    except csv.Error:
        return default if default in splitting else splitting[0]


def one_column_delimiter(columns: list[str]) -> str | None:
    """The delimiter held by a header read as one column (None when it was not)."""
    if len(columns) != 1:
        return None
    return next((d for d in ("\t", ";", ",", "|") if d in columns[0]), None)


def one_column_hint(columns: list[str]) -> str:
    """Why a header came out as one column holding delimiters ('' when it did not)."""
    delimiter = one_column_delimiter(columns)
    if delimiter is None:
        return ""
    name = _DELIMITER_NAMES[delimiter]
    return (
        f"the header was read as one column whose name holds {name} characters, so the file "
        f"looks {name}-separated"
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
    looks_utf16 = _looks_like_utf16(handle)
    hint = (
        "the file looks like UTF-16 without a byte-order mark (a zero byte beside each "
        "letter): pass --encoding utf-16-le (or utf-16-be)"
        if looks_utf16
        else "if the file is in another encoding pass it, e.g. --encoding utf-16 (Excel's "
        "'Unicode text'), --encoding gbk (Chinese), --encoding cp1258 (Vietnamese Windows) or "
        "--encoding latin-1"
    )
    return InputError(
        f"{source} {where}: the bytes are not valid {encoding} ({exc.reason}); {hint}"
    )


def _raw(handle: TextIO) -> Any:
    raw = getattr(handle, "buffer", None)
    return raw if raw is not None and raw.seekable() else None


def _locate_bad_bytes(handle: TextIO, encoding: str) -> tuple[int, int] | None:
    """(line, offset in the line) of the first bytes that do not decode; None for a stream
    that cannot be re-read (stdin) or an encoding whose lines do not end in a b'\\n' byte."""
    raw = _raw(handle)
    if raw is None or codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        return None
    try:
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


def _looks_like_utf16(handle: TextIO) -> bool:
    """Text in UTF-16 has a zero byte beside most ASCII letters; real 8-bit text has none."""
    raw = _raw(handle)
    if raw is None:
        return False
    try:
        raw.seek(0)
        start = raw.read(4096)
    except (OSError, ValueError):
        return False
    return len(start) >= 8 and start.count(0) >= len(start) // 4


def _decoded_lines(
    handle: TextIO, source: str, encoding: str, lines_read: int = 0
) -> Iterator[str]:
    """The file's lines (after ``lines_read`` already read); undecodable bytes raise
    :class:`InputError` naming the line."""
    line_no = lines_read
    while True:
        try:
            line = handle.readline()
        except UnicodeDecodeError as exc:
            raise _decode_error(handle, source, encoding, line_no + 1, exc) from None
        if not line:
            return
        line_no += 1
        yield line


def _read_ahead(handle: TextIO, source: str, encoding: str) -> list[str]:
    """The first whole lines, about :data:`_SNIFF_CHARS` characters, to tell the format by."""
    head: list[str] = []
    size = 0
    for line in _decoded_lines(handle, source, encoding):
        head.append(line)
        size += len(line)
        if size >= _SNIFF_CHARS:
            break
    return head


def _iter_jsonl(lines: Iterable[str], source: str, blank_lines: bool) -> Iterator[RowOrProblem]:
    blanks: list[int] = []
    for line_no, line in enumerate(lines, start=1):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            blanks.append(line_no)
            continue
        # A blank line followed by more rows is a row of its own, to keep the lines aligned.
        if blank_lines:
            for blank in blanks:
                yield RowProblem(source, blank, None, "blank line (expected a JSON object)")
        blanks.clear()
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


def _iter_json(lines: Iterable[str], source: str) -> Iterator[RowOrProblem]:
    text = "".join(lines).lstrip("\ufeff")
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


def _iter_csv(
    head: list[str], handle: TextIO, source: str, encoding: str, delimiter: str
) -> Iterator[RowOrProblem]:
    # The csv module reads the rest of the file itself (faster than a generator of lines).
    reader = csv.reader(chain(head, handle), delimiter=delimiter)
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
            header = [h.strip().lstrip("\ufeff") for h in row]
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield RowProblem(
                source,
                line_no,
                None,
                f"expected {len(header)} columns as in the header, found {len(row)}"
                f" ({_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated)",
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


def _encoding_from_bom(start: bytes) -> str | None:
    return next((name for bom, name in _BOMS if start.startswith(bom)), None)


def _open_text(path: str | Path, encoding: str | None) -> tuple[TextIO, str]:
    """The file (or stdin) as text: in ``encoding``, else the one its byte-order mark names,
    else UTF-8."""
    stdin = str(path) == "-"
    if encoding is None:
        try:
            if stdin:
                peek = getattr(sys.stdin.buffer, "peek", None)
                start = peek(4)[:4] if peek else b""
            else:
                with open(path, "rb") as raw:
                    start = raw.read(4)
        except OSError as exc:
            raise InputError(f"cannot read '{path}' ({exc.strerror})") from None
        encoding = _encoding_from_bom(start)
    chosen = encoding or "utf-8-sig"
    try:
        if stdin:
            return io.TextIOWrapper(sys.stdin.buffer, encoding=chosen, newline=""), chosen
        return open(path, encoding=chosen, newline=""), chosen
    except LookupError:
        raise InputError(
            f"unknown encoding '{encoding}'; use a Python codec name such as utf-8, utf-16, gbk, "
            f"cp1258 or latin-1"
        ) from None


def iter_rows(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    blank_lines: bool = False,
) -> Iterator[RowOrProblem]:
    """Yield ``(line, record)`` or :class:`RowProblem` for every row of a table file ('-' is stdin).

    ``format`` is one of :data:`FORMATS` (default: from the suffix, else from the content);
    ``encoding`` defaults to the byte-order mark's, else UTF-8; ``sep`` is the delimiter of
    CSV/TSV (default: told from the header line). With ``blank_lines`` a blank JSONL line
    followed by more rows is a :class:`RowProblem`, so every line of the file has an item.
    """
    stdin = str(path) == "-"
    source = "<stdin>" if stdin else str(path)
    if not stdin and not Path(path).is_file():
        raise InputError(f"input file '{path}' does not exist")
    delimiter = separator(sep) if sep is not None else None
    fmt = format_from_name(path, format) if not stdin else format
    if fmt is None and delimiter is not None:
        fmt = "csv"
    if fmt is None and not stdin and _starts_like_parquet(path):
        fmt = "parquet"
    if fmt == "parquet":
        if stdin:
            raise InputError("Parquet cannot be read from stdin; pass a file path")
        yield from _iter_parquet(Path(path), source)
        return
    if fmt in ("jsonl", "json") and format and delimiter is not None:
        raise InputError(f"--sep applies to delimited text (csv, tsv), not --format {fmt}")
    handle, chosen = _open_text(path, encoding)
    try:
        head = _read_ahead(handle, source, chosen)
        lines = chain(head, _decoded_lines(handle, source, chosen, lines_read=len(head)))
        fmt = fmt or _format_from_text(head)
        if fmt == "jsonl":
            yield from _iter_jsonl(lines, source, blank_lines)
        elif fmt == "json":
            yield from _iter_json(lines, source)
        else:
            default = "\t" if fmt == "tsv" else ","
            if delimiter is None:
                delimiter = default if fmt == "tsv" else sniff_delimiter(head, default)
            yield from _iter_csv(head, handle, source, chosen, delimiter)
    finally:
        if not stdin:
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

    def in_order(self) -> Iterator[RowOrProblem]:
        """Good rows and bad rows together, in the order of the input."""
        good: Iterator[RowOrProblem] = zip(self.lines, self.records, strict=True)
        return heapq.merge(good, self.problems, key=_line_of)


def _line_of(item: RowOrProblem) -> int:
    return item.line if isinstance(item, RowProblem) else item[0]


def read_table(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    blank_lines: bool = False,
) -> Table:
    """Read a whole table file; bad rows go to ``problems`` (options as in :func:`iter_rows`)."""
    table = Table(source="<stdin>" if str(path) == "-" else str(path))
    rows = iter_rows(path, format=format, encoding=encoding, sep=sep, blank_lines=blank_lines)
    for item in rows:
        if isinstance(item, RowProblem):
            table.problems.append(item)
        else:
            table.lines.append(item[0])
            table.records.append(item[1])
    return table


def require_column(table_columns: list[str], column: str, source: str, option: str) -> None:
    """Raise a helpful :class:`InputError` when ``column`` is missing."""
    if column not in table_columns:
        fix = f"pass {option} <name>"
        delimiter = one_column_delimiter(table_columns)
        if delimiter is not None:
            shown = "\\t" if delimiter == "\t" else delimiter
            fix = f"{one_column_hint(table_columns)}: pass --sep '{shown}'"
        raise InputError(
            f"column '{column}' not found in {source}; columns are {table_columns}; {fix}"
        )
