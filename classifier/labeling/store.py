"""The label file ``genuine label`` writes and ``genuine adapt`` reads.

NDJSON, one JSON object per line, appended and flushed to disk (``os.fsync``) the moment a
label is given, so killing the process loses nothing::

    {"text_hash": "<SHA-256 hex of the comment text as given, UTF-8>",
     "label": "substantive" | "generic" | "skip" | null,
     "category": "<a category of data/LABELING.md>" | null,
     "pick": "uncertain" | "random", "labeler": "<name>",
     "labeled_at": "<ISO 8601 UTC>", "row": <1-based input row>, "input": "<input path>"}

An undo appends the same hash with ``"label": null, "undone": true``. The last record for a
hash wins. The texts are not stored: join the file to its input by ``text_hash``.
``pick: random`` rows were picked at random and form the honest test sample; ``uncertain``
rows were picked where the model was least sure.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from classifier.io.problems import InputError
from classifier.model_dir import CATEGORIES, LABELS

log = logging.getLogger(__name__)

SKIP = "skip"
RECORD_LABELS = (*LABELS, SKIP)
PICKS = ("uncertain", "random")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def text_sha256(text: str) -> str:
    """The hash that names a comment in label files (same as ``training.real.sha256_text``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LabelRecord:
    """One line of a label file: a label given, a skip, or (``undone``) an undo."""

    text_hash: str
    label: str | None
    category: str | None
    pick: str
    labeler: str
    labeled_at: str
    row: int
    input: str
    undone: bool = False

    def __post_init__(self) -> None:
        problem = _record_problem(self)
        if problem:
            raise ValueError(problem)

    @property
    def is_label(self) -> bool:
        """A real label (substantive or generic), not a skip or an undo."""
        return not self.undone and self.label in LABELS

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        if not self.undone:
            del data["undone"]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], where: str) -> LabelRecord:
        """Parse one decoded line; ``where`` ("labels.ndjson line 7") starts every error."""
        missing = [name for name in _REQUIRED if name not in raw]
        if missing:
            raise InputError(f"{where}: missing field(s) {missing}")
        row = raw["row"]
        if not isinstance(row, int) or isinstance(row, bool):
            raise InputError(f"{where}, field 'row': expected a whole number, got {row!r}")
        for name in ("text_hash", "pick", "labeler", "labeled_at", "input"):
            if not isinstance(raw[name], str):
                raise InputError(f"{where}, field '{name}': expected a string, got {raw[name]!r}")
        try:
            return cls(
                text_hash=raw["text_hash"],
                label=raw["label"],
                category=raw.get("category"),
                pick=raw["pick"],
                labeler=raw["labeler"],
                labeled_at=raw["labeled_at"],
                row=row,
                input=raw["input"],
                undone=bool(raw.get("undone", False)),
            )
        except ValueError as exc:
            raise InputError(f"{where}: {exc}") from None


_REQUIRED = ("text_hash", "label", "pick", "labeler", "labeled_at", "row", "input")


def _record_problem(record: LabelRecord) -> str | None:
    if not _HEX64.fullmatch(record.text_hash):
        return "field 'text_hash': expected the 64 lowercase hex digits of a SHA-256"
    if record.undone:
        if record.label is not None:
            return "field 'label': an undo record has label null"
    elif record.label not in RECORD_LABELS:
        return f"field 'label': expected one of {list(RECORD_LABELS)}, got {record.label!r}"
    if record.category is not None:
        allowed = CATEGORIES.get(record.label or "", ())
        if record.category not in allowed:
            return (
                f"field 'category': {record.category!r} is not a category of label "
                f"{record.label!r} (expected one of {list(allowed)} or null)"
            )
    if record.pick not in PICKS:
        return f"field 'pick': expected one of {list(PICKS)}, got {record.pick!r}"
    if record.row < 1:
        return f"field 'row': expected a 1-based row number, got {record.row}"
    return None


@dataclass(frozen=True)
class LabelLog:
    """Every record of a label file in order, and the half-written last line if there was one."""

    path: str
    records: list[LabelRecord] = field(default_factory=list)
    torn_line: int | None = None  # line number of a half-written last line (process killed)

    def latest(self) -> dict[str, LabelRecord]:
        """The last record for each hash: a label, a skip or an undo."""
        return {record.text_hash: record for record in self.records}

    def labels(self) -> dict[str, LabelRecord]:
        """The labels that stand: the latest record per hash, when it is not an undo or skip."""
        return {h: r for h, r in self.latest().items() if r.is_label}


def read_label_log(path: str | os.PathLike[str]) -> LabelLog:
    """Read a label file; a missing file is an empty log.

    A broken line raises :class:`InputError` naming it, except a half-written *last* line
    (the process was killed mid-write): that one is left out, logged and noted in
    ``torn_line``.
    """
    path = Path(path)
    if not path.exists():
        return LabelLog(str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read label file {path}: {exc.strerror}") from None
    lines = data.split(b"\n")
    ends_cleanly = lines[-1] == b""
    if ends_cleanly:
        lines.pop()
    records: list[LabelRecord] = []
    torn_line: int | None = None
    for number, raw_line in enumerate(lines, start=1):
        if not raw_line.strip():
            continue
        where = f"{path} line {number}"
        is_last = number == len(lines)
        try:
            decoded = json.loads(raw_line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if is_last and not ends_cleanly:
                torn_line = number
                log.warning(
                    "%s: left out a half-written last line (the labeling was stopped "
                    "mid-write); the labels before it are kept",
                    where,
                )
                break
            raise InputError(f"{where}: not a JSON object ({exc})") from None
        if not isinstance(decoded, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(decoded).__name__}")
        records.append(LabelRecord.from_dict(decoded, where))
    return LabelLog(str(path), records, torn_line)


def read_labels(path: str | os.PathLike[str]) -> dict[str, LabelRecord]:
    """The labels that stand in a label file: text hash -> its latest label (not undone, not
    skipped). See :func:`read_label_log` for how broken lines are reported."""
    return read_label_log(path).labels()


def append_label(path: str | os.PathLike[str], record: LabelRecord) -> None:
    """Append one record and flush it to disk before returning.

    A half-written last line left by a killed process is cut off first (it never held a
    label the labeler was told was saved), so the file stays one object per line.
    """
    path = Path(path)
    created = not path.exists()
    if created:
        path.parent.mkdir(parents=True, exist_ok=True)
    line = (record.to_json() + "\n").encode("utf-8")
    with open(path, "a+b") as handle:
        _repair_tail(handle, path)
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        _fsync_dir(path.parent)


def _repair_tail(handle: Any, path: Path) -> None:
    """End the file on a newline: keep a complete last object that lacks one, cut a torn one."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return
    handle.seek(size - 1)
    if handle.read(1) == b"\n":
        return
    handle.seek(0)
    data = handle.read()
    start = data.rfind(b"\n") + 1
    tail = data[start:]
    try:
        json.loads(tail.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        log.warning(
            "%s line %d: cut off a half-written last line (the labeling was stopped mid-write)",
            path,
            data.count(b"\n") + 1,
        )
        handle.truncate(start)
    else:
        handle.write(b"\n")


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
