"""Read comments straight from platform exports (API responses and scraper output).

``read_export("youtube", ["threads.json", "videos.json"])`` maps each source's own field names
onto our columns and returns a :class:`PlatformExport` with the comments table (and the posts
and creators tables where the source has them), the columns the source lacks, notes for the
user, and the records that could not be mapped (file, line, reason). ``iter_export`` is the
streaming form: it yields mapped rows one by one, so a multi-gigabyte JSONL export is read in
constant memory. Each platform lives in its own module with the references its field names were
checked against.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from classifier.io.platforms import facebook, instagram, mediacrawler, tiktok, youtube
from classifier.io.platforms.common import (
    COMMENT_COLUMNS,
    CREATOR_COLUMNS,
    OPTIONAL_COMMENT_COLUMNS,
    POST_COLUMNS,
    ExportRow,
    ExportState,
    SourceFile,
    first_record,
)
from classifier.io.problems import InputError, RowProblem

__all__ = [
    "FORMATS",
    "ExportRow",
    "ExportState",
    "PlatformExport",
    "detect_export_format",
    "iter_export",
    "read_export",
]

# Sniffing order: the first adapter that recognises a record wins. Field sets barely overlap;
# the more specific shapes (YouTube ``kind``, MediaCrawler ``comment_id``+``content``) go first.
ADAPTERS: dict[str, ModuleType] = {
    "youtube": youtube,
    "mediacrawler": mediacrawler,
    "facebook": facebook,
    "tiktok": tiktok,
    "instagram": instagram,
}
FORMATS = ("auto", "youtube", "tiktok", "instagram", "facebook", "mediacrawler")


@dataclass(frozen=True)
class PlatformExport:
    """One platform export mapped onto our tables.

    ``comments`` always has every comment column (``created_at`` tz-aware UTC, ``like_count``
    nullable Int64, ``is_creator_reply`` bool); ``posts``/``creators`` are None when the export
    has no such records. ``missing_fields`` lists optional comment columns the source lacks
    entirely, so callers can switch the signals that need them off.
    """

    comments: pd.DataFrame
    posts: pd.DataFrame | None
    creators: pd.DataFrame | None
    format: str
    missing_fields: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _fields_of(record: dict[str, Any]) -> list[str]:
    return sorted(record)[:30]


def _sniff(record: dict[str, Any]) -> tuple[str, str] | None:
    for name, adapter in ADAPTERS.items():
        role = adapter.sniff(record)
        if role:
            return name, role
    return None


def _unknown_shape(path: Path, record: dict[str, Any], wanted: str | None) -> InputError:
    what = f"a {wanted} export" if wanted else "any known platform export"
    return InputError(
        f"'{path}' does not look like {what}; its first record has fields {_fields_of(record)}; "
        f"known formats are {list(FORMATS[1:])} (see docs/platforms.md), or convert the file to "
        f"our columns and read it without --from"
    )


def _paths(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        raise InputError("no export files given; pass one or more files after --from FORMAT")
    resolved = [Path(item) for item in items]
    for path in resolved:
        if not path.is_file():
            raise InputError(f"input file '{path}' does not exist")
    return resolved


def _plan(
    fmt: str, paths: str | Path | Sequence[str | Path]
) -> tuple[str, list[SourceFile], list[str]]:
    """The resolved format, each file with its role, and notes (empty files, detection)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}'; known formats are {list(FORMATS)}")
    files: list[SourceFile] = []
    notes: list[str] = []
    chosen: dict[str, Path] = {}
    for path in _paths(paths):
        record = first_record(path)
        if record is None:
            notes.append(f"{path}: no records")
            continue
        if fmt == "auto":
            match = _sniff(record)
            if match is None:
                raise _unknown_shape(path, record, None)
            name, role = match
            chosen.setdefault(name, path)
        else:
            name = fmt
            role = ADAPTERS[fmt].sniff(record)
            if role is None:
                raise _unknown_shape(path, record, fmt)
        files.append(SourceFile(path, role))
    if fmt == "auto":
        if len(chosen) > 1:
            found = ", ".join(f"{path} looks like {name}" for name, path in chosen.items())
            raise InputError(
                f"the files mix export formats ({found}); read each platform separately"
            )
        if not chosen:
            raise InputError("the export files hold no records")
        fmt = next(iter(chosen))
        notes.append(f"--from auto: read as {fmt} (recognised from the fields of each file)")
    return fmt, files, notes


def detect_export_format(paths: str | Path | Sequence[str | Path]) -> str:
    """The platform format of the given export files, recognised from their fields.

    Raises :class:`InputError` listing the fields found and the formats known when a file has
    an unknown shape, or when the files mix platforms.
    """
    return _plan("auto", paths)[0]


def iter_export(
    fmt: str, paths: str | Path | Sequence[str | Path], state: ExportState | None = None
) -> Iterator[ExportRow | RowProblem]:
    """Mapped rows (:class:`ExportRow`) or :class:`RowProblem`, one record at a time.

    Whole-input problems (missing file, unknown shape) raise :class:`InputError` here, before
    the first row. Pass an :class:`ExportState` to receive the adapter's notes.
    """
    state = state if state is not None else ExportState()
    resolved, files, notes = _plan(fmt, paths)
    state.format = resolved
    for note in notes:
        state.note(note)
    return ADAPTERS[resolved].iter_rows(files, state)


def _comments_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COMMENT_COLUMNS))
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["like_count"] = frame["like_count"].astype("Int64")
    return frame


def _posts_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(POST_COLUMNS)).drop_duplicates("post_id", keep="last")
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True)
    frame["sponsored"] = frame["sponsored"].astype("boolean")
    for column in ("views", "likes"):
        frame[column] = frame[column].astype("Int64")
    return frame.reset_index(drop=True)


def _creators_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(CREATOR_COLUMNS)).drop_duplicates(
        "creator_id", keep="last"
    )
    frame["followers"] = frame["followers"].astype("Int64")
    return frame.reset_index(drop=True)


def _fill_creators_from_posts(comments: pd.DataFrame, posts: pd.DataFrame | None) -> None:
    """Give comments the creator of their post where the adapter could not (posts read later)."""
    if posts is None or comments.empty:
        return
    owners = posts.dropna(subset=["creator_id"]).set_index("post_id")["creator_id"]
    gap = comments["creator_id"].isna() & comments["post_id"].notna()
    if gap.any():
        comments.loc[gap, "creator_id"] = comments.loc[gap, "post_id"].map(owners)
        known = gap & comments["creator_id"].notna() & comments["author_id"].notna()
        comments.loc[known, "is_creator_reply"] = (
            comments.loc[known, "author_id"] == comments.loc[known, "creator_id"]
        )


def _describe_gaps(comments: pd.DataFrame, state: ExportState) -> tuple[list[str], list[str]]:
    """``missing_fields`` (columns empty everywhere) and notes on columns empty in some rows."""
    missing: list[str] = []
    notes: list[str] = []
    total = len(comments)
    for column in OPTIONAL_COMMENT_COLUMNS:
        empty = int(comments[column].isna().sum()) if total else 0
        if total and empty == total and column not in state.present:
            missing.append(column)
        elif 0 < empty < total and column not in ("reply_to", "is_creator_reply"):
            notes.append(f"{empty} of {total} comments have no {column}")
    if not total:
        missing = [c for c in OPTIONAL_COMMENT_COLUMNS if c not in state.present]
    return missing, notes


def read_export(fmt: str, paths: str | Path | Sequence[str | Path]) -> PlatformExport:
    """Read platform export files into our comments/posts/creators tables.

    ``fmt`` is one of :data:`FORMATS`; with ``"auto"`` each file's format is recognised from its
    fields (``.format`` says which). Several files may be given: each file's role (comments,
    videos/contents, channels/creators) is recognised from its first record.
    """
    state = ExportState()
    tables: dict[str, list[dict[str, Any]]] = {"comments": [], "posts": [], "creators": []}
    problems: list[RowProblem] = []
    for item in iter_export(fmt, paths, state):
        if isinstance(item, RowProblem):
            problems.append(item)
        else:
            tables[item.table].append(dict(item.values))
    comments = _comments_frame(tables["comments"])
    before = len(comments)
    comments = comments.drop_duplicates("comment_id", keep="first").reset_index(drop=True)
    if len(comments) < before:
        state.note(f"{before - len(comments)} duplicate comments (same comment id) were dropped")
    posts = _posts_frame(tables["posts"]) if tables["posts"] else None
    creators = _creators_frame(tables["creators"]) if tables["creators"] else None
    _fill_creators_from_posts(comments, posts)
    missing, gap_notes = _describe_gaps(comments, state)
    comments["is_creator_reply"] = comments["is_creator_reply"].fillna(False).astype(bool)
    notes = list(state.notes) + gap_notes
    if state.naive_times:
        notes.append(
            f"{state.naive_times} timestamps had no time zone (naive local time of the scraping "
            "machine); they were read as UTC"
        )
    if "creator_id" in missing:
        notes.append(
            "no creator could be tied to these comments; pass the posts/videos file of the export"
        )
    if problems:
        notes.append(f"{len(problems)} record(s) could not be mapped; see problems")
    return PlatformExport(
        comments=comments,
        posts=posts,
        creators=creators,
        format=state.format,
        missing_fields=missing,
        notes=notes,
        problems=problems,
    )
