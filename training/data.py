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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from classifier.io.problems import InputError, RowProblem
from classifier.io.tables import iter_rows, require_column
from classifier.model_dir import CATEGORIES, LABELS

LANGS = ("vi", "zh", "en")
SPLITS = ("train", "validation", "test")
ALL_CATEGORIES = CATEGORIES["substantive"] + CATEGORIES["generic"]
OPTIONAL_FIELDS = ("platform", "topic", "creator_id", "post_id", "author_id", "created_at")
CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "corpus"
CORPUS_NAME = "shipped corpus (data/corpus)"

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


@dataclass(frozen=True)
class DataPart:
    """One source of a training set, as the manifest and the model card list it."""

    name: str
    rows: int
    weight: float | None  # what each of its rows counts in training; None: it varies by row
    splits: dict[str, int]
    categorized: int  # rows with a category (the category head learns from these)

    @classmethod
    def of(cls, name: str, rows: Sequence[LabeledComment]) -> DataPart:
        weights = {r.weight for r in rows}
        return cls(
            name=name,
            rows=len(rows),
            weight=weights.pop() if len(weights) == 1 else (1.0 if not rows else None),
            splits={s: n for s in SPLITS if (n := sum(r.split == s for r in rows))},
            categorized=sum(r.category is not None for r in rows),
        )


@dataclass
class LabeledData:
    rows: list[LabeledComment] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # The named sources the rows came from, in row order (see :func:`weighted`, :func:`combine`);
    # empty for data read in one go, which :meth:`part_list` then describes as one part.
    parts: list[DataPart] = field(default_factory=list)

    def split(self, name: str) -> list[LabeledComment]:
        return [row for row in self.rows if row.split == name]

    def part_list(self) -> list[DataPart]:
        if self.parts:
            return list(self.parts)
        names = ", ".join(Path(s).name for s in self.sources) or "training data"
        return [DataPart.of(names, self.rows)]


def weighted(data: LabeledData, name: str, weight: float = 1.0) -> LabeledData:
    """``data`` as one named part of a training set, each row counting ``weight`` times its own
    weight (a teacher's soft labels carry their probability as a row weight)."""
    if not weight > 0:
        raise ValueError(f"the weight of {name} must be positive, got {weight}")
    rows = (
        list(data.rows)
        if weight == 1.0
        else [replace(r, weight=r.weight * weight) for r in data.rows]
    )
    return LabeledData(rows, list(data.problems), list(data.sources), [DataPart.of(name, rows)])


def combine(*datasets: LabeledData) -> LabeledData:
    """One training set from several, rows in the order given, every part kept for the card."""
    out = LabeledData()
    for data in datasets:
        out.rows += data.rows
        out.problems += data.problems
        out.sources += data.sources
        out.parts += data.part_list()
    return out


def with_corpus(
    data: LabeledData,
    corpus_weight: float = 1.0,
    *,
    corpus: LabeledData | None = None,
    name: str | None = None,
) -> LabeledData:
    """Your labeled ``data`` (each row counting once) plus the shipped corpus, read with its own
    columns, each corpus row counting ``corpus_weight``. Splits stay the hash of each text's
    key, so a text found in both lands in the same split and never crosses train and test."""
    corpus = corpus if corpus is not None else load_labeled(corpus_paths())
    own = name or ", ".join(Path(s).name for s in data.sources) or "your data"
    return combine(weighted(data, own), weighted(corpus, CORPUS_NAME, corpus_weight))


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
    sep: str | None = None,
) -> LabeledData:
    """Read labeled comments from JSONL/CSV/TSV/JSON/Parquet files; bad rows go to ``problems``
    (``format``, ``encoding`` and ``sep`` as in :func:`classifier.io.tables.iter_rows`)."""
    mapping = mapping or ColumnMapping()
    if isinstance(paths, str | Path):
        paths = [paths]
    data = LabeledData()
    several = len(paths) > 1
    for path in paths:
        source = str(path)
        data.sources.append(source)
        checked_columns = False
        rows_before, problems_before = len(data.rows), len(data.problems)
        for item in iter_rows(path, format=format, encoding=encoding, sep=sep):
            if isinstance(item, RowProblem):
                data.problems.append(item)
                continue
            line, record = item
            if not checked_columns:
                _check_columns(record, source, mapping, several)
                checked_columns = True
            result = _validate(record, line, source, mapping)
            (data.problems if isinstance(result, RowProblem) else data.rows).append(result)  # type: ignore[arg-type]
        if several and len(data.rows) == rows_before and len(data.problems) > problems_before:
            # One mapping for every file: a file of another shape loses every row.
            raise InputError(
                f"none of the {len(data.problems) - problems_before} rows of {source} could be "
                f"used (first: {data.problems[problems_before]}); {_several_files_hint(source)}"
            )
    return data


def _several_files_hint(source: str) -> str:
    hint = (
        "the column options (--text-column, --label-column, --label-map...) apply to every "
        "DATA file, so train files of different shapes in separate runs"
    )
    if Path(source).resolve().parent == CORPUS_DIR.resolve():
        hint += (
            f"; {Path(source).name} is a shipped corpus file: to train on the corpus beside your "
            "file, pass --with-corpus instead of listing data/corpus/*.jsonl (it keeps its own columns)"
        )
    return hint


def _check_columns(
    record: dict[str, Any], source: str, mapping: ColumnMapping, several: bool = False
) -> None:
    for name, option in ((mapping.text, "--text-column"), (mapping.label, "--label-column")):
        try:
            require_column(list(record), name, source, option)
        except InputError as exc:
            if not several:
                raise
            raise InputError(f"{exc}; {_several_files_hint(source)}") from None


def corpus_paths(root: str | Path | None = None) -> list[Path]:
    """The shipped corpus files (``data/corpus/*.jsonl``)."""
    base = Path(root) if root else CORPUS_DIR
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
