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


def _problems_for(
    frame: pd.DataFrame, mask: np.ndarray, column: str, problem: str
) -> list[RowProblem]:
    rows = frame.loc[mask, ["_source", "_line"]]
    return [RowProblem(str(s), int(n), column, problem) for s, n in rows.itertuples(index=False)]


def _row_problems(frame: pd.DataFrame, texts: np.ndarray, column: str) -> list[RowProblem]:
    """A problem per row whose entry in ``texts`` is a message (None: the row is fine)."""
    mask = pd.notna(texts)
    rows = frame.loc[mask, ["_source", "_line"]]
    return [
        RowProblem(str(s), int(n), column, str(text))
        for (s, n), text in zip(rows.itertuples(index=False), texts[mask], strict=True)
    ]


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


def _require(frame: pd.DataFrame, column: str, source: str, fix: str) -> None:
    if column not in frame.columns:
        from classifier.io.tables import one_column_hint

        columns = [c for c in frame.columns if not c.startswith("_")]
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


def _prepare_posts(posts: TableLike | None) -> tuple[pd.DataFrame, list[RowProblem], str | None]:
    if posts is None:
        return pd.DataFrame(columns=list(POST_COLUMNS)), [], None
    frame, source, problems = read_frame(posts, "posts")
    _require(frame, "post_id", source, "the posts table needs a post_id column")
    frame["post_id"] = as_id(frame["post_id"])
    missing = frame["post_id"].isna().to_numpy()
    problems += _problems_for(
        frame, missing, "post_id", "missing post_id; the post row was skipped"
    )
    frame = frame.loc[~missing]
    for column in POST_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame["creator_id"] = as_id(frame["creator_id"])
    frame["posted_at"], bad = parse_times(frame["posted_at"])
    problems += _problems_for(
        frame,
        bad,
        "posted_at",
        "unparsable timestamp (use ISO 8601, e.g. 2025-03-01T12:00:00Z); post time taken from its first comment",
    )
    frame["sponsored"] = parse_bool(frame["sponsored"])
    for column, consequence in POST_COUNTS.items():
        frame[column], texts = checked_numbers(frame[column], column, consequence)
        problems += _row_problems(frame, texts, column)
    frame = frame.drop_duplicates("post_id", keep="last")
    return frame[[*POST_COLUMNS, "_source", "_line"]].reset_index(drop=True), problems, source


def _prepare_creators(creators: TableLike | None) -> tuple[pd.DataFrame, list[RowProblem]]:
    if creators is None:
        return pd.DataFrame(columns=list(CREATOR_COLUMNS)), []
    frame, source, problems = read_frame(creators, "creators")
    _require(frame, "creator_id", source, "the creators table needs a creator_id column")
    frame["creator_id"] = as_id(frame["creator_id"])
    missing = frame["creator_id"].isna().to_numpy()
    problems += _problems_for(
        frame, missing, "creator_id", "missing creator_id; the row was skipped"
    )
    frame = frame.loc[~missing]
    for column in CREATOR_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame["followers"], texts = checked_numbers(
        frame["followers"],
        "followers",
        "tier and engagement rates are off for this creator",
        positive=True,
    )
    problems += _row_problems(frame, texts, "followers")
    frame["price"], texts = checked_numbers(
        frame["price"], "price", "cost figures are off for this creator"
    )
    problems += _row_problems(frame, texts, "price")
    frame["currency"], texts = checked_currency(frame["currency"], frame["price"])
    problems += _row_problems(frame, texts, "currency")
    for column in ("platform", "language"):
        frame[column] = as_id(frame[column])
    frame = frame.drop_duplicates("creator_id", keep="last")
    return frame[list(CREATOR_COLUMNS)].reset_index(drop=True), problems


def _fill_creators(frame: pd.DataFrame, posts: pd.DataFrame) -> None:
    owners = posts.dropna(subset=["creator_id"]).set_index("post_id")["creator_id"]
    if "creator_id" not in frame.columns:
        frame["creator_id"] = None
    frame["creator_id"] = as_id(frame["creator_id"])
    gap = frame["creator_id"].isna() & frame["post_id"].notna()
    if gap.any() and len(owners):
        frame.loc[gap, "creator_id"] = frame.loc[gap, "post_id"].map(owners)


def _present(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and bool(frame[column].notna().any())


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
    post_frame, post_problems, _ = _prepare_posts(posts)
    creator_frame, creator_problems = _prepare_creators(creators)
    problems += post_problems + creator_problems
    if text_column != "text":
        _require(
            frame,
            text_column,
            source,
            f"pass the text column's name with --text-column (given: {text_column})",
        )
        frame = frame.drop(columns=["text"], errors="ignore").rename(columns={text_column: "text"})
    _require(
        frame,
        "text",
        source,
        "pass --text-column <name> (text_column=...) with the column holding the comment",
    )
    _require(frame, "post_id", source, "every comment needs the id of the post it is under")
    frame["post_id"] = as_id(frame["post_id"])
    if "creator_id" not in frame.columns and not len(post_frame):
        _require(
            frame, "creator_id", source, "add it, or pass a posts table with post_id and creator_id"
        )
    _fill_creators(frame, post_frame)
    text = frame["text"]
    text = text.where(text.isna(), text.astype("string"))
    frame["text"] = text
    bad_text = (
        (text.isna() | (text.astype("string").str.strip() == "")).fillna(True).to_numpy(dtype=bool)
    )
    bad_creator = frame["creator_id"].isna().to_numpy()
    bad_post = frame["post_id"].isna().to_numpy()
    problems += _problems_for(
        frame,
        bad_creator,
        "creator_id",
        "missing creator_id (and no posts row names the post's creator)",
    )
    problems += _problems_for(frame, bad_post & ~bad_creator, "post_id", "missing post_id")
    problems += _problems_for(
        frame, bad_text & ~bad_creator & ~bad_post, "text", "missing or empty text"
    )
    keep = ~(bad_text | bad_creator | bad_post)
    bad_time = np.zeros(len(frame), dtype=bool)
    if "created_at" in frame.columns:
        frame["created_at"], bad_time = parse_times(frame["created_at"])
        problems += _problems_for(
            frame,
            bad_time & keep,
            "created_at",
            "unparsable timestamp (use ISO 8601, e.g. 2025-03-01T12:00:00Z); the comment was skipped",
        )
    else:
        frame["created_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    frame = frame.loc[keep & ~bad_time].reset_index(drop=True)
    frame["text"] = frame["text"].astype(str)
    for column in ("comment_id", "author_id", "reply_to"):
        frame[column] = as_id(frame[column]) if column in frame.columns else None
    frame["like_count"] = (
        pd.to_numeric(frame["like_count"], errors="coerce")
        if "like_count" in frame.columns
        else np.nan
    )
    present = {
        c
        for c in ("comment_id", "author_id", "created_at", "like_count", "reply_to")
        if _present(frame, c)
    }
    if "comment_id" not in present:
        frame["comment_id"] = [
            f"{s}:{n}" for s, n in zip(frame["_source"], frame["_line"], strict=True)
        ]
    replies = parse_bool(frame["is_creator_reply"]) if "is_creator_reply" in frame.columns else None
    if replies is not None and bool(replies.notna().any()):
        present.add("is_creator_reply")
    own = frame["author_id"].notna() & (frame["author_id"] == frame["creator_id"])
    frame["creator_reply"] = (
        own | (replies.fillna(False) if replies is not None else False)
    ).astype(bool)
    excluded = read_exclusions(exclude_authors)
    frame["excluded"] = frame["author_id"].isin(excluded) if excluded else False
    post_frame = _merge_posts(post_frame, frame)
    creator_frame = _merge_creators(creator_frame, frame)
    if _present(post_frame, "posted_at"):
        present.add("posted_at")
    if _present(post_frame, "sponsored"):
        present.add("sponsored")
    for column in ("followers", "platform", "price", "currency"):
        if _present(creator_frame, column):
            present.add(column)
    for column in POST_COUNTS:
        if _present(post_frame, column):
            present.add(column)
    notes: list[str] = []
    if excluded:
        hits = int(frame["excluded"].sum())
        notes.append(
            f"{len(excluded)} author id(s) on the exclusion list; {hits} of their comments left out"
        )
    return Inputs(frame, post_frame, creator_frame, problems, frozenset(present), notes)


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
