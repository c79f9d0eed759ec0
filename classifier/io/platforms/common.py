"""Shared pieces of the platform-export adapters: rows, timestamps, counts, HTML, file records.

Every adapter turns one platform's export into :class:`ExportRow` values carrying our column
names, so the rest of the package never sees a platform's own field names. Parsing helpers live
here because the platforms disagree in the same few ways: epoch seconds vs milliseconds vs ISO
8601 (with ``Z``, ``+0000`` or no zone at all), counts written as text ("1.2万", "3.4K",
"None"), and comment text delivered as HTML.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from classifier.io.problems import RowProblem
from classifier.io.tables import iter_rows

Record = dict[str, Any]

COMMENT_COLUMNS = (
    "creator_id",
    "post_id",
    "comment_id",
    "author_id",
    "text",
    "created_at",
    "like_count",
    "reply_to",
    "is_creator_reply",
)
POST_COLUMNS = ("post_id", "creator_id", "posted_at", "sponsored", "views", "likes")
CREATOR_COLUMNS = ("creator_id", "followers", "platform", "language")
# Comment columns a source may lack; ``comment_id`` and ``text`` are required for every row.
OPTIONAL_COMMENT_COLUMNS = (
    "creator_id",
    "post_id",
    "author_id",
    "created_at",
    "like_count",
    "reply_to",
    "is_creator_reply",
)

TOP_LEVEL_MARKERS = frozenset({"", "0", "none", "null"})


class MappingError(ValueError):
    """One record cannot be mapped; ``field`` names the source field at fault (or None)."""

    def __init__(self, field: str | None, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class ExportRow:
    """One mapped row: ``table`` is "comments", "posts" or "creators"; ``values`` use our columns.

    ``source`` and ``line`` point back at the record it came from, so later stages can report
    a bad value the way :class:`RowProblem` does.
    """

    table: str
    source: str
    line: int
    values: Mapping[str, Any]


@dataclass
class ExportState:
    """What an adapter learns while streaming: notes for the user and which columns it filled.

    Mutable on purpose: adapters are generators and report into it as they go, and
    :func:`classifier.io.platforms.read_export` turns it into ``notes``/``missing_fields``.
    """

    format: str = ""
    notes: list[str] = field(default_factory=list)
    naive_times: int = 0
    present: set[str] = field(default_factory=set)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def saw(self, column: str) -> None:
        """Record that the source carries ``column`` even where every value is empty.

        Needed for ``reply_to``: all-empty means "all top-level" when the source has a parent
        field, but "unknown" when it has none (Kuaishou in MediaCrawler).
        """
        self.present.add(column)


@dataclass(frozen=True)
class SourceFile:
    """One input file and the role its first record showed (comments, posts, creators...)."""

    path: Path
    role: str


# --------------------------------------------------------------------------- values


_BLANKS = frozenset({"", "none", "null", "nan"})


def clean_id(value: Any) -> str | None:
    """An identifier as text; ints (TikTok's int64 ids) keep every digit, blanks become None."""
    if type(value) is str:  # the common case first: this runs several times per row
        text = value.strip()
        if not text or (len(text) <= 4 and text.lower() in _BLANKS):
            return None
        return text
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    return clean_id(str(value))


def parent_or_none(value: Any, *, own_ids: tuple[Any, ...] = ()) -> str | None:
    """The parent comment id, or None for a top-level comment.

    Platforms mark "no parent" differently: MediaCrawler writes 0 or "0" (Douyin's reply_id,
    Xiaohongshu's missing target_comment), Weibo's rootid equals the comment's own id, TikTok
    returns the video id. ``own_ids`` lists the values that mean top level for this record.
    """
    parent = clean_id(value)
    if parent is None or parent.lower() in TOP_LEVEL_MARKERS:
        return None
    if any(parent == clean_id(own) for own in own_ids if own is not None):
        return None
    return parent


_COUNT_RE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([万萬亿億wWkKmMbB]?)\+?$")
_MULTIPLIERS = {
    "": 1,
    "万": 10_000,
    "萬": 10_000,
    "w": 10_000,
    "亿": 100_000_000,
    "億": 100_000_000,
    "k": 1_000,
    "m": 1_000_000,
    "b": 1_000_000_000,
}


def parse_count(value: Any) -> int | None:
    """A like/view/follower count from an int, a float or text such as "1.2万", "3.4K", "1,234".

    MediaCrawler stores counts as the platform shows them (Douyin/Xiaohongshu abbreviate with
    万 = 10^4 and 亿 = 10^8, "10万+" means "over 100k") and writes ``str(None)`` == "None" when
    the platform sent nothing; YouTube sends counts as strings. Unreadable text gives None.
    """
    if type(value) is int:
        return value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) else round(value)
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)
    text = str(value).strip().replace(",", "").replace(" ", "")
    if text.lower() in ("", "none", "null", "nan", "-"):
        return None
    match = _COUNT_RE.match(text)
    if not match:
        return None
    number, unit = match.groups()
    return round(float(number) * _MULTIPLIERS[unit.lower() if unit.isascii() else unit])


def parse_bool(value: Any) -> bool | None:
    """True/False from a JSON bool or the strings a CSV export holds; anything else is None."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return None


MILLISECONDS_THRESHOLD = 1e12  # 1e12 s is the year 33658; 1e12 ms is 2001-09-09.


def parse_timestamp(value: Any) -> tuple[datetime | None, bool]:
    """``(utc_datetime, was_naive)`` from epoch seconds/milliseconds or ISO 8601 text.

    Epoch numbers above 1e12 are milliseconds (Xiaohongshu and Kuaishou write milliseconds,
    Douyin, Bilibili, Weibo and TikTok seconds). ISO text may end in ``Z`` (YouTube) or
    ``+0000`` (Facebook/Instagram Graph API). Text without a zone (facebook-scraper's
    ``datetime.fromtimestamp`` values, local time of the machine that scraped) is read as UTC
    and flagged with ``was_naive`` so the caller can say so.
    """
    if value is None or isinstance(value, bool):
        return None, False
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        return _from_epoch(float(value)), False
    else:
        text = str(value).strip()
        if text.lower() in ("", "none", "null", "nan"):
            return None, False
        try:
            return _from_epoch(float(text)), False
        except ValueError:
            pass
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise MappingError(None, f"unreadable timestamp {text!r}") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC), True
    return moment.astimezone(UTC), False


def _from_epoch(number: float) -> datetime:
    if math.isnan(number) or number <= 0:
        raise MappingError(None, f"unreadable timestamp {number!r}")
    if number > MILLISECONDS_THRESHOLD:
        number /= 1000.0
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise MappingError(None, f"timestamp {number!r} is out of range") from None


class _TextCollector(HTMLParser):
    """Keeps the text of an HTML fragment; ``<br>`` and block ends become newlines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "p", "div", "li"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_html(text: str) -> str:
    """Plain text from an HTML fragment such as YouTube's ``textDisplay`` (links keep their text)."""
    if "<" not in text and "&" not in text:
        return text
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    plain = html.unescape("".join(collector.parts))
    return re.sub(r"\n{3,}", "\n\n", plain).strip()


def text_or_none(value: Any) -> str | None:
    """Comment text, or None when there is none (deleted, media-only, or a blank CSV cell)."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def get_path(record: Mapping[str, Any], *keys: str) -> Any:
    """``record[k1][k2]...`` or None when any step is missing or not a mapping."""
    current: Any = record
    for key in keys:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


# --------------------------------------------------------------------------- rows


def comment_row(
    source: str,
    line: int,
    state: ExportState,
    *,
    comment_id: Any,
    text: Any,
    creator_id: Any = None,
    post_id: Any = None,
    author_id: Any = None,
    created_at: Any = None,
    like_count: Any = None,
    reply_to: str | None = None,
    is_creator_reply: bool | None = None,
) -> ExportRow:
    """Build one comments row; raises :class:`MappingError` when id or text is missing.

    ``is_creator_reply`` defaults to "the author is the creator" when both are known, which is
    how every supported platform marks a creator's own replies.
    """
    cid = clean_id(comment_id)
    if cid is None:
        raise MappingError(None, "record has no comment id")
    body = text_or_none(text)
    if body is None:
        raise MappingError(None, f"comment {cid} has no text (deleted, or image/sticker only)")
    try:
        moment, naive = parse_timestamp(created_at)
    except MappingError as exc:
        raise MappingError("created_at", f"comment {cid}: {exc.problem}") from None
    if naive:
        state.naive_times += 1
    if reply_to is not None:
        state.saw("reply_to")
    creator = clean_id(creator_id)
    author = clean_id(author_id)
    if is_creator_reply is None and creator is not None and author is not None:
        is_creator_reply = creator == author
    return ExportRow(
        "comments",
        source,
        line,
        {
            "creator_id": creator,
            "post_id": clean_id(post_id),
            "comment_id": cid,
            "author_id": author,
            "text": body,
            "created_at": moment,
            "like_count": parse_count(like_count),
            "reply_to": reply_to,
            "is_creator_reply": is_creator_reply,
        },
    )


def post_row(
    source: str,
    line: int,
    state: ExportState,
    *,
    post_id: Any,
    creator_id: Any = None,
    posted_at: Any = None,
    sponsored: Any = None,
    views: Any = None,
    likes: Any = None,
) -> ExportRow:
    pid = clean_id(post_id)
    if pid is None:
        raise MappingError(None, "post record has no id")
    try:
        moment, naive = parse_timestamp(posted_at)
    except MappingError as exc:
        raise MappingError("posted_at", f"post {pid}: {exc.problem}") from None
    if naive:
        state.naive_times += 1
    return ExportRow(
        "posts",
        source,
        line,
        {
            "post_id": pid,
            "creator_id": clean_id(creator_id),
            "posted_at": moment,
            "sponsored": parse_bool(sponsored),
            "views": parse_count(views),
            "likes": parse_count(likes),
        },
    )


def creator_row(
    source: str,
    line: int,
    *,
    creator_id: Any,
    followers: Any = None,
    platform: str | None = None,
    language: Any = None,
) -> ExportRow:
    cid = clean_id(creator_id)
    if cid is None:
        raise MappingError(None, "creator record has no id")
    return ExportRow(
        "creators",
        source,
        line,
        {
            "creator_id": cid,
            "followers": parse_count(followers),
            "platform": platform,
            "language": clean_id(language),
        },
    )


def problem(source: str, line: int, exc: MappingError) -> RowProblem:
    return RowProblem(source, line, exc.field, exc.problem)


# --------------------------------------------------------------------------- files


def expand_envelope(record: Record) -> list[Record] | None:
    """The records inside one API response page, or None when ``record`` is not a page.

    YouTube pages hold ``items``; Graph API pages ``data`` (a list, beside ``paging``); TikTok
    Research API pages ``data.comments`` / ``data.videos``. Exports often keep whole pages, one
    per file or one per JSONL line, so pages are unwrapped wherever they appear.
    """
    if "id" in record:
        return None
    for key in ("items", "data"):
        value = record.get(key)
        if isinstance(value, list):
            return [item for item in value if isinstance(item, dict)]
    inner = record.get("data")
    if isinstance(inner, dict):
        for key in ("comments", "videos"):
            value = inner.get(key)
            if isinstance(value, list):
                return [item for item in value if isinstance(item, dict)]
    return None


def iter_file_records(path: Path) -> Iterator[tuple[int, Record] | RowProblem]:
    """``(line, record)`` for every record of a CSV/JSONL/JSON file, API pages unwrapped.

    JSONL and CSV are read a line at a time (constant memory); a ``.json`` file is one
    document and is parsed whole, which is how the APIs deliver their pages anyway.
    """
    for item in iter_rows(path):
        if isinstance(item, RowProblem):
            yield item
            continue
        line, record = item
        inner = expand_envelope(record)
        if inner is None:
            yield line, record
        else:
            for sub in inner:
                yield line, sub


def first_record(path: Path) -> Record | None:
    """The first readable record of a file (None for an empty file), for format/role sniffing."""
    records = iter_file_records(path)
    try:
        for item in records:
            if not isinstance(item, RowProblem):
                return item[1]
        return None
    finally:
        records.close()  # type: ignore[attr-defined]
