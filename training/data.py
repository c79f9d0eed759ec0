"""Labeled comments: one record format, loaders for JSONL/CSV/Parquet, validation, stable splits.

Record (JSONL): ``text``, ``label`` (substantive|generic), ``lang`` (vi|zh|en), ``category``,
optional ``platform``, ``topic``, ``creator_id``, ``post_id``, ``author_id``, ``created_at``,
``split``. Other formats map their columns onto these names (:class:`ColumnMapping`).

Splits are a hash of the text's *key* (normalized, punctuation and digits folded), so a
comment keeps its split across releases and near-identical texts always share one split.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.io.problems import InputError, RowProblem
from classifier.io.tables import iter_rows
from classifier.model_dir import CATEGORIES, LABELS

LANGS = ("vi", "zh", "en")
SPLITS = ("train", "validation", "test")
ALL_CATEGORIES = CATEGORIES["substantive"] + CATEGORIES["generic"]
OPTIONAL_FIELDS = ("platform", "topic", "creator_id", "post_id", "author_id", "created_at")

_KEY_DROP = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_SYMBOL_DROP = re.compile(r"[\s\ufe0f\u200d]+")  # spaces, emoji variation selector, joiner
_SYMBOL_RUN = re.compile(r"(.)\1+")


def text_key(text: str) -> str:
    """Normalized key: NFKC, lower-case, digits folded, punctuation/space/emoji dropped.

    A text with no letters or digits keys on its symbols instead, each run squashed to one
    ("😍😍😍" and "😍😍" share a key, "🔥👏" has its own), so emoji-only comments are not all
    duplicates of each other.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    key = _KEY_DROP.sub("", _DIGITS.sub("0", folded))
    if key:
        return key
    symbols = _SYMBOL_DROP.sub("", folded)
    return _SYMBOL_RUN.sub(r"\1", symbols)


def split_of(text: str) -> str:
    """Stable split for a text: 80% train, 10% validation, 10% test by hash of its key."""
    bucket = int(hashlib.sha256(text_key(text).encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 80 else "validation" if bucket < 90 else "test"


@dataclass(frozen=True)
class LabeledComment:
    text: str
    label: str
    lang: str | None
    category: str | None = None
    split: str = "train"
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    # How much this row counts in training (real labels and a teacher's labels are weighed
    # against the corpus); evaluation ignores it.
    weight: float = 1.0


@dataclass(frozen=True)
class ColumnMapping:
    """Which input columns hold our fields, and how to read the label values."""

    text: str = "text"
    label: str = "label"
    lang: str = "lang"
    category: str = "category"
    label_map: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if self.label_map:
            bad = sorted({v for v in self.label_map.values() if v not in LABELS})
            if bad:
                raise InputError(f"--label-map maps to {bad}; labels must be one of {list(LABELS)}")


def parse_label_map(spec: str | None) -> dict[str, str] | None:
    """``"1=generic,0=substantive"`` -> ``{"1": "generic", "0": "substantive"}``."""
    if not spec:
        return None
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        if "=" not in part:
            raise InputError(
                f"--label-map entry '{part}' is not VALUE=LABEL; example: --label-map 1=generic,0=substantive"
            )
        raw, label = (s.strip() for s in part.split("=", 1))
        mapping[raw] = label
    ColumnMapping(label_map=mapping)
    return mapping


@dataclass
class LabeledData:
    rows: list[LabeledComment] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def split(self, name: str) -> list[LabeledComment]:
        return [row for row in self.rows if row.split == name]


def _label_value(raw: Any, mapping: ColumnMapping) -> str | None:
    if raw is None:
        return None
    key = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    if mapping.label_map is not None:
        return mapping.label_map.get(key)
    return key if key in LABELS else None


def _validate(
    record: dict[str, Any], line: int, source: str, mapping: ColumnMapping
) -> LabeledComment | RowProblem:
    text = record.get(mapping.text)
    if not isinstance(text, str):
        problem = (
            "missing text"
            if text is None
            else f"text must be a string, found {type(text).__name__}"
        )
        return RowProblem(source, line, mapping.text, problem)
    if not text.strip():
        return RowProblem(source, line, mapping.text, "empty text")
    raw_label = record.get(mapping.label)
    label = _label_value(raw_label, mapping)
    if label is None:
        expected = sorted(mapping.label_map) if mapping.label_map else list(LABELS)
        hint = "" if mapping.label_map else "; map other values with --label-map VALUE=LABEL,..."
        return RowProblem(
            source,
            line,
            mapping.label,
            f"unknown label {raw_label!r}; expected one of {expected}{hint}",
        )
    lang = record.get(mapping.lang)
    if lang in ("", None):
        lang = None
    elif lang not in LANGS:
        return RowProblem(
            source,
            line,
            mapping.lang,
            f"wrong language code {lang!r}; expected one of {list(LANGS)}",
        )
    category = record.get(mapping.category) or None
    if category is not None and category not in CATEGORIES[label]:
        return RowProblem(
            source,
            line,
            mapping.category,
            f"category {category!r} does not belong to label '{label}'; expected one of {list(CATEGORIES[label])}",
        )
    split = record.get("split") or split_of(text)
    if split not in SPLITS:
        return RowProblem(
            source, line, "split", f"unknown split {split!r}; expected one of {list(SPLITS)}"
        )
    meta = {key: record[key] for key in OPTIONAL_FIELDS if record.get(key) not in (None, "")}
    return LabeledComment(
        text=text, label=label, lang=lang, category=category, split=split, meta=meta
    )


def load_labeled(
    paths: str | Path | Sequence[str | Path],
    mapping: ColumnMapping | None = None,
    *,
    format: str | None = None,
    encoding: str | None = None,
) -> LabeledData:
    """Read labeled comments from JSONL/CSV/JSON/Parquet files; bad rows go to ``problems``."""
    mapping = mapping or ColumnMapping()
    if isinstance(paths, str | Path):
        paths = [paths]
    data = LabeledData()
    for path in paths:
        source = str(path)
        data.sources.append(source)
        checked_columns = False
        for item in iter_rows(path, format=format, encoding=encoding):
            if isinstance(item, RowProblem):
                data.problems.append(item)
                continue
            line, record = item
            if not checked_columns:
                _check_columns(record, source, mapping)
                checked_columns = True
            result = _validate(record, line, source, mapping)
            (data.problems if isinstance(result, RowProblem) else data.rows).append(result)  # type: ignore[arg-type]
    return data


def _check_columns(record: dict[str, Any], source: str, mapping: ColumnMapping) -> None:
    for name, option in ((mapping.text, "--text-column"), (mapping.label, "--label-column")):
        if name not in record:
            raise InputError(
                f"column '{name}' not found in {source}; columns are {list(record)}; pass {option} <name>"
            )


def corpus_paths(root: str | Path | None = None) -> list[Path]:
    """The shipped corpus files (``data/corpus/*.jsonl``)."""
    base = Path(root) if root else Path(__file__).resolve().parent.parent / "data" / "corpus"
    files = sorted(base.glob("*.jsonl"))
    if not files:
        raise InputError(f"no corpus files (*.jsonl) in {base}")
    return files


def data_sha256(rows: Iterable[LabeledComment]) -> str:
    """Hash of the training data's content (text, label, lang, category, split), order included."""
    digest = hashlib.sha256()
    for row in rows:
        fields = [row.text, row.label, row.lang or "", row.category or "", row.split]
        if row.weight != 1.0:  # unweighted data keeps the hash it always had
            fields.append(repr(row.weight))
        digest.update("\x1f".join(fields).encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()
