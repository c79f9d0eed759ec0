"""Read and validate the comments, posts and creators tables into typed DataFrames.

Bad rows (no creator, post or text; a timestamp that cannot be read) become
:class:`RowProblem` values with file, line and field, and the rest is scored. Whole-input
problems (missing file or column) raise :class:`InputError` with the fix in the message.
Which optional fields exist decides which signals can run; ``present`` records that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifier.io.problems import InputError, RowProblem

TableLike = pd.DataFrame | str | Path | Sequence[str | Path]

POST_COLUMNS = (
    "post_id",
    "creator_id",
    "posted_at",
    "sponsored",
    "views",
    "likes",
    "comments_count",
)
CREATOR_COLUMNS = ("creator_id", "followers", "platform", "language", "price", "currency")
# Per post count columns and what is lost for a post when one is bad.
POST_COUNTS = {
    "views": "left out of the engagement rate per view",
    "likes": "the post is left out of the engagement figures",
    "comments_count": "the comments given are counted instead",
}
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})
_NULLS = frozenset({"", "nan", "none", "null", "nat", "<na>"})


@dataclass(frozen=True)
class Inputs:
    """The three tables after validation.

    ``comments`` has one row per usable comment with our column names plus ``_source`` and
    ``_line`` (where it came from), ``excluded`` (author on the exclusion list) and
    ``creator_reply``. ``present`` names the optional fields that hold at least one value.
    """

    comments: pd.DataFrame
    posts: pd.DataFrame
    creators: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    present: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)


def _read_one(path: Path) -> tuple[pd.DataFrame, str]:
    from classifier.io.tables import read_table, sniff_format

    source = str(path)
    if not path.is_file():
        raise InputError(f"input file '{path}' does not exist")
    if sniff_format(path) == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            frame = pq.read_table(path).to_pandas()
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{source}: not a readable Parquet file ({exc})") from None
        frame["_line"] = np.arange(1, len(frame) + 1)
    else:
        table = read_table(path)
        frame = pd.DataFrame.from_records(table.records) if table.records else pd.DataFrame()
        frame["_line"] = np.asarray(table.lines, dtype=np.int64)
        for problem in table.problems:
            frame.attrs.setdefault("problems", []).append(problem)
    frame["_source"] = source
    return frame, source


def read_frame(obj: TableLike, what: str) -> tuple[pd.DataFrame, str, list[RowProblem]]:
    """A DataFrame, a path or several paths as one frame with ``_source``/``_line`` columns."""
    if isinstance(obj, pd.DataFrame):
        frame = obj.copy()
        source = f"<{what} DataFrame>"
        if not {"_source", "_line"} <= set(frame.columns):  # Spark hands over its own
            frame["_source"] = source
            frame["_line"] = np.arange(1, len(frame) + 1)
        return frame.reset_index(drop=True), source, []
    paths = [Path(obj)] if isinstance(obj, str | Path) else [Path(p) for p in obj]
    if not paths:
        raise InputError(f"no {what} file given")
    frames: list[pd.DataFrame] = []
    problems: list[RowProblem] = []
    for path in paths:
        frame, _ = _read_one(path)
        problems += frame.attrs.pop("problems", [])
        frames.append(frame)
    joined = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return joined, ", ".join(str(p) for p in paths), problems


def as_id(series: pd.Series) -> pd.Series:
    """Identifiers as stripped strings (123.0 from a float column becomes '123'); blanks are NA."""
    if pd.api.types.is_float_dtype(series.dtype):
        finite = series.dropna()
        if len(finite) and bool(np.all(np.mod(finite.to_numpy(), 1) == 0)):
            series = series.astype("Int64")
    text = series.astype("string").str.strip()
    return text.mask(text.str.lower().isin(_NULLS)).astype(object).where(text.notna(), None)


def _epoch(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.abs().median() > 1e11:
        return pd.to_datetime(numbers, unit="ms", utc=True, errors="coerce")
    return pd.to_datetime(numbers, unit="s", utc=True, errors="coerce")


def parse_times(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """UTC timestamps from ISO 8601 text, epoch numbers or datetimes; and a mask of bad values.

    Blank values are missing, not bad. Naive times are read as UTC.
    """
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC"), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.dt.tz_localize("UTC"), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        parsed = _epoch(series)
        return parsed, (series.notna() & parsed.isna()).to_numpy()
    text = series.astype("string").str.strip()
    blank = text.isna() | text.str.lower().isin(_NULLS)
    text = text.mask(blank)
    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    retry = parsed.isna() & ~blank
    if retry.any():
        digits = retry & text.str.fullmatch(r"\d{9,13}(\.\d+)?").fillna(False)
        if digits.any():
            parsed.loc[digits] = _epoch(text[digits])
        rest = retry & ~digits
        if rest.any():
            parsed.loc[rest] = pd.to_datetime(text[rest], utc=True, errors="coerce", format="mixed")
    bad = (parsed.isna() & ~blank).to_numpy()
    return parsed, bad


def parse_bool(series: pd.Series) -> pd.Series:
    """true/false, 1/0, yes/no (any case) as a nullable boolean; anything else is NA."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    text = series.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[text.isin(_TRUE).fillna(False).to_numpy(dtype=bool)] = True
    out[text.isin(_FALSE).fillna(False).to_numpy(dtype=bool)] = False
    return out


def checked_numbers(
    raw: pd.Series, field: str, consequence: str, *, positive: bool = False
) -> tuple[pd.Series, np.ndarray]:
    """Numbers from a column, NaN where blank or bad; and per row the problem (or None).

    Bad: text that is not a plain number ("$1,200", "12k"), infinity, a negative number, and 0
    when ``positive``. Blank values are missing, not bad.
    """
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    text = raw.astype("string").str.strip()
    blank = (raw.isna() | text.isna() | text.str.lower().isin(_NULLS)).to_numpy(dtype=bool)
    numbers = values.to_numpy(dtype=float)
    not_number = ~blank & ~np.isfinite(numbers)
    negative = ~blank & np.isfinite(numbers) & (numbers < 0)
    zero = ~blank & (numbers == 0) if positive else np.zeros(len(raw), dtype=bool)
    problems = np.full(len(raw), None, dtype=object)
    shown = text.fillna("").to_numpy(dtype=object)
    for i in np.flatnonzero(not_number):
        problems[i] = f"{field} is not a number ('{shown[i][:40]}'); {consequence}"
    for i in np.flatnonzero(negative | zero):
        problems[i] = (
            f"{field} must be {'above' if positive else 'at least'} 0, got {shown[i]}; "
            f"{consequence}"
        )
    bad = not_number | negative | zero
    return values.mask(bad | blank), problems


def checked_currency(raw: pd.Series, price: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """ISO 4217 codes (upper-cased), None where blank or unknown; and per row the problem:
    an unknown code, or a price without a currency."""
    from classifier.scoring.economics import CURRENCY_HINT, currency_problem

    text = raw.astype("string").str.strip().str.upper()
    text = text.mask(text.str.lower().isin(_NULLS))
    codes = text.astype(object).where(text.notna(), None).to_numpy(dtype=object, copy=True)
    problems = np.full(len(raw), None, dtype=object)
    priced = price.notna().to_numpy(dtype=bool)
    for i, code in enumerate(codes):
        if code is None:
            if priced[i]:
                problems[i] = (
                    f"price without a currency ({CURRENCY_HINT}); cost figures are off for this "
                    "creator"
                )
            continue
        problems[i] = currency_problem(str(code))
        if problems[i] is not None:
            codes[i] = None
    return pd.Series(codes, index=raw.index, dtype=object), problems


def require_column(columns: Iterable[str], column: str, source: str, fix: str) -> None:
    """Fail, naming the columns there are and ``fix``, when ``column`` is not among them."""
    columns = list(columns)
    if column not in columns:
        from classifier.io.tables import one_column_hint

        columns = [c for c in columns if not c.startswith("_")]
        hint = one_column_hint(columns)
        fix = f"{hint}; {fix}" if hint else fix
        raise InputError(f"column '{column}' not found in {source}; columns are {columns}; {fix}")


def read_exclusions(value: Iterable[str] | str | Path | None) -> frozenset[str]:
    """Author ids to leave out: an iterable of ids, a file (one per line), or 'a,b,c'."""
    if value is None:
        return frozenset()
    if isinstance(value, Path) or (isinstance(value, str) and Path(value).is_file()):
        lines = Path(value).read_text(encoding="utf-8-sig").splitlines()
        items = [line.split("#", 1)[0].strip() for line in lines]
    elif isinstance(value, str):
        items = [item.strip() for item in value.split(",")]
    else:
        items = [str(item).strip() for item in value]
    return frozenset(item for item in items if item)


# What makes a comment row unusable, checked in this order; a row reports the first that fails
# (a row without a creator is not also said to lack a text). Both the whole-frame path below and
# the Spark path (classifier/spark/inputs.py) read these.
COMMENT_CHECKS = (
    ("creator_id", "missing creator_id (and no posts row names the post's creator)"),
    ("post_id", "missing post_id"),
    ("text", "missing or empty text"),
    (
        "created_at",
        "unparsable timestamp (use ISO 8601, e.g. 2025-03-01T12:00:00Z); the comment was skipped",
    ),
)
# Per-field problems of the posts and creators tables (``_p_<field>`` columns), in report order.
# The first field of each is the id: a row without one is skipped and reports nothing else.
POST_FIELDS = ("post_id", "posted_at", *POST_COUNTS)
CREATOR_FIELDS = ("creator_id", "followers", "price", "currency")
# The optional columns whose presence turns signals on (``Inputs.present``), table by table
OPTIONAL = {
    "comments": ("comment_id", "author_id", "created_at", "like_count", "reply_to"),
    "posts": ("posted_at", "sponsored", *POST_COUNTS),
    "creators": ("followers", "platform", "price", "currency"),
}
_BAD_TIME = "unparsable timestamp (use ISO 8601, e.g. 2025-03-01T12:00:00Z)"
ID_COLUMNS = ("post_id", "creator_id", "comment_id", "author_id", "reply_to")


def _raw(batch: pd.DataFrame, column: str) -> pd.Series:
    return batch[column] if column in batch.columns else pd.Series(None, index=batch.index)


def normalize_comments(batch: pd.DataFrame) -> pd.DataFrame:
    """One batch of comment rows with typed columns and a ``_bad_<field>`` flag per check of
    :data:`COMMENT_CHECKS` but the creator's (filled from the posts table first). Other
    columns are kept as they are."""
    out = batch.copy()
    for column in ID_COLUMNS:
        out[column] = as_id(_raw(batch, column))
    text = _raw(batch, "text").astype("string")
    out["text"] = text.astype(object).where(text.notna(), None)
    out["_bad_text"] = (text.isna() | (text.str.strip() == "")).fillna(True).to_numpy(dtype=bool)
    out["_bad_post_id"] = out["post_id"].isna().to_numpy()
    out["created_at"], out["_bad_created_at"] = parse_times(_raw(batch, "created_at"))
    out["like_count"] = pd.to_numeric(_raw(batch, "like_count"), errors="coerce").astype(float)
    out["is_creator_reply"] = parse_bool(_raw(batch, "is_creator_reply"))
    return out


def first_failed_check(frame: pd.DataFrame) -> np.ndarray:
    """Per comment row the field of the first failed check of :data:`COMMENT_CHECKS`, or None."""
    failed = np.full(len(frame), None, dtype=object)
    flags = {"creator_id": frame["creator_id"].isna().to_numpy()}
    for column, _ in COMMENT_CHECKS[1:]:
        flags[column] = frame[f"_bad_{column}"].to_numpy(dtype=bool)
    for column, _ in reversed(COMMENT_CHECKS):
        failed[flags[column]] = column
    return failed


def _where(mask: Any, problem: str) -> np.ndarray:
    out = np.full(len(mask), None, dtype=object)
    out[np.asarray(mask, dtype=bool)] = problem
    return out


def normalize_posts(batch: pd.DataFrame) -> pd.DataFrame:
    """One batch of posts rows, typed, with a ``_p_<field>`` problem (or None) per
    :data:`POST_FIELDS`."""
    out = pd.DataFrame(index=batch.index)
    out["post_id"] = as_id(_raw(batch, "post_id"))
    out["_p_post_id"] = _where(out["post_id"].isna(), "missing post_id; the post row was skipped")
    out["creator_id"] = as_id(_raw(batch, "creator_id"))
    out["posted_at"], bad = parse_times(_raw(batch, "posted_at"))
    out["_p_posted_at"] = _where(bad, f"{_BAD_TIME}; post time taken from its first comment")
    out["sponsored"] = parse_bool(_raw(batch, "sponsored"))
    for column, consequence in POST_COUNTS.items():
        out[column], out[f"_p_{column}"] = checked_numbers(_raw(batch, column), column, consequence)
    return out.join(batch[["_source", "_line"]])


def normalize_creators(batch: pd.DataFrame) -> pd.DataFrame:
    """One batch of creators rows, typed, with a ``_p_<field>`` problem (or None) per
    :data:`CREATOR_FIELDS`."""
    out = pd.DataFrame(index=batch.index)
    out["creator_id"] = as_id(_raw(batch, "creator_id"))
    out["_p_creator_id"] = _where(
        out["creator_id"].isna(), "missing creator_id; the row was skipped"
    )
    out["followers"], out["_p_followers"] = checked_numbers(
        _raw(batch, "followers"),
        "followers",
        "tier and engagement rates are off for this creator",
        positive=True,
    )
    out["price"], out["_p_price"] = checked_numbers(
        _raw(batch, "price"), "price", "cost figures are off for this creator"
    )
    out["currency"], out["_p_currency"] = checked_currency(_raw(batch, "currency"), out["price"])
    for column in ("platform", "language"):
        out[column] = as_id(_raw(batch, column))
    return out.join(batch[["_source", "_line"]])


def field_problems(frame: pd.DataFrame, fields: Sequence[str]) -> list[RowProblem]:
    """The ``_p_<field>`` problems of a normalized posts or creators frame, field by field in
    line order; a row without its id (the first field) reports only that."""
    has_id = frame[f"_p_{fields[0]}"].isna().to_numpy()
    problems: list[RowProblem] = []
    for i, column in enumerate(fields):
        texts = frame[f"_p_{column}"].to_numpy(dtype=object)
        rows = pd.notna(texts) & (has_id if i else True)
        for source, line, text in zip(
            frame["_source"].to_numpy()[rows],
            frame["_line"].to_numpy()[rows],
            texts[rows],
            strict=True,
        ):
            problems.append(RowProblem(str(source), int(line), column, str(text)))
    return problems


def _prepare_table(
    obj: TableLike | None, what: str, columns: Sequence[str], fields: Sequence[str], normalize: Any
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A posts or creators table: normalized, problems reported, the last row of an id kept."""
    if obj is None:
        return pd.DataFrame(columns=list(columns)), []
    frame, source, problems = read_frame(obj, what)
    key = fields[0]
    require_column(frame.columns, key, source, f"the {what} table needs a {key} column")
    frame = normalize(frame)
    problems += field_problems(frame, fields)
    frame = frame.loc[frame[key].notna()].drop_duplicates(key, keep="last")
    return frame[list(columns)].reset_index(drop=True), problems


def _fill_creators(frame: pd.DataFrame, posts: pd.DataFrame) -> None:
    """Comments without a creator take the one the posts table names for their post."""
    owners = posts.dropna(subset=["creator_id"]).set_index("post_id")["creator_id"]
    gap = frame["creator_id"].isna() & frame["post_id"].notna()
    if gap.any() and len(owners):
        frame.loc[gap, "creator_id"] = frame.loc[gap, "post_id"].map(owners)


def _present(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and bool(frame[column].notna().any())


def require_comment_columns(columns: Sequence[str], source: str, has_posts: bool) -> None:
    """Fail on a comments table that lacks the text, the post id, or any way to the creator."""
    require_column(
        columns,
        "text",
        source,
        "pass --text-column <name> (text_column=...) with the column holding the comment",
    )
    require_column(columns, "post_id", source, "every comment needs the id of the post it is under")
    if not has_posts:
        require_column(
            columns,
            "creator_id",
            source,
            "add it, or pass a posts table with post_id and creator_id",
        )


def require_text_column(columns: Sequence[str], text_column: str, source: str) -> None:
    """Fail when ``--text-column`` names a column that is not there (``text`` is checked with
    the other comment columns)."""
    if text_column != "text":
        fix = f"pass the text column's name with --text-column (given: {text_column})"
        require_column(columns, text_column, source, fix)


def rename_text_column(frame: pd.DataFrame, text_column: str, source: str) -> pd.DataFrame:
    require_text_column(list(frame.columns), text_column, source)
    if text_column == "text":
        return frame
    return frame.drop(columns=["text"], errors="ignore").rename(columns={text_column: "text"})


def prepare_inputs(
    comments: TableLike,
    posts: TableLike | None = None,
    creators: TableLike | None = None,
    *,
    text_column: str = "text",
    exclude_authors: Iterable[str] | str | Path | None = None,
) -> Inputs:
    """Validate the three tables; see :class:`Inputs`."""
    frame, source, problems = read_frame(comments, "comments")
    post_frame, post_problems = _prepare_table(
        posts, "posts", POST_COLUMNS, POST_FIELDS, normalize_posts
    )
    creator_frame, creator_problems = _prepare_table(
        creators, "creators", CREATOR_COLUMNS, CREATOR_FIELDS, normalize_creators
    )
    problems += post_problems + creator_problems
    frame = rename_text_column(frame, text_column, source)
    require_comment_columns(list(frame.columns), source, has_posts=len(post_frame) > 0)
    frame = normalize_comments(frame)
    _fill_creators(frame, post_frame)
    failed = first_failed_check(frame)
    for column, message in COMMENT_CHECKS:
        rows = frame.loc[failed == column, ["_source", "_line"]]
        problems += [RowProblem(str(s), int(n), column, message) for s, n in rows.itertuples(False)]
    frame = frame.loc[pd.isna(failed)].reset_index(drop=True)
    frame = frame.drop(columns=[f"_bad_{c}" for c, _ in COMMENT_CHECKS[1:]])
    frame["text"] = frame["text"].astype(str)
    present = {c for c in OPTIONAL["comments"] if _present(frame, c)}
    if "comment_id" not in present:
        frame["comment_id"] = [
            f"{s}:{n}" for s, n in zip(frame["_source"], frame["_line"], strict=True)
        ]
    replies = frame.pop("is_creator_reply")
    if bool(replies.notna().any()):
        present.add("is_creator_reply")
    own = frame["author_id"].notna() & (frame["author_id"] == frame["creator_id"])
    frame["creator_reply"] = (own | replies.fillna(False)).astype(bool)
    excluded = read_exclusions(exclude_authors)
    frame["excluded"] = frame["author_id"].isin(excluded) if excluded else False
    post_frame = _merge_posts(post_frame, frame)
    creator_frame = _merge_creators(creator_frame, frame)
    present |= {c for c in OPTIONAL["posts"] if _present(post_frame, c)}
    present |= {c for c in OPTIONAL["creators"] if _present(creator_frame, c)}
    notes = exclusion_notes(excluded, int(frame["excluded"].sum()))
    return Inputs(frame, post_frame, creator_frame, problems, frozenset(present), notes)


def exclusion_notes(excluded: frozenset[str], hits: int) -> list[str]:
    """The note on an exclusion list (none without one), as both paths report it."""
    if not excluded:
        return []
    return [
        f"{len(excluded)} author id(s) on the exclusion list; {hits} of their comments left out"
    ]


def _merge_posts(posts: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """The posts table plus any post that only appears in comments (creator from its comments)."""
    seen = comments.drop_duplicates("post_id")[["post_id", "creator_id"]]
    extra = seen.loc[~seen["post_id"].isin(posts["post_id"])]
    merged = pd.concat(
        [posts.drop(columns=["_source", "_line"], errors="ignore"), extra], ignore_index=True
    )
    owner = seen.set_index("post_id")["creator_id"]
    gap = merged["creator_id"].isna()
    merged.loc[gap, "creator_id"] = merged.loc[gap, "post_id"].map(owner)
    merged = merged.dropna(subset=["creator_id"])
    merged["posted_at"] = pd.to_datetime(merged["posted_at"], utc=True)
    merged["sponsored"] = merged["sponsored"].astype("boolean")
    return merged[list(POST_COLUMNS)].reset_index(drop=True)


def _merge_creators(creators: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    ids = pd.unique(comments["creator_id"])
    known = set(creators["creator_id"])
    extra = pd.DataFrame({"creator_id": [c for c in ids if c not in known]})
    merged = pd.concat([creators, extra], ignore_index=True) if len(extra) else creators.copy()
    for column in ("followers", "price"):
        merged[column] = pd.to_numeric(merged[column], errors="coerce")
    return merged[list(CREATOR_COLUMNS)].reset_index(drop=True)
