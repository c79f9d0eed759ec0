"""MediaCrawler exports (github.com/NanmiCoder/MediaCrawler) for Xiaohongshu, Douyin, Bilibili, Weibo, Kuaishou.

Field names checked against MediaCrawler's own store code (``store/<platform>/__init__.py``,
``tools/async_file_writer.py``):

* Files are ``data/<platform>/<jsonl|csv|json>/<crawler>_<comments|contents|creators>_<date>``;
  CSV is written with ``encoding="utf-8-sig"`` (a BOM), JSONL one object per line, JSON one
  indented array.
* comments: ``comment_id``, ``content``, ``create_time``, ``parent_comment_id``, ``user_id``,
  ``nickname``, ``sub_comment_count`` and the post key ``note_id`` (Xiaohongshu, Weibo),
  ``aweme_id`` (Douyin) or ``video_id`` (Bilibili, Kuaishou). Likes are ``like_count``
  (Xiaohongshu, Douyin, Bilibili) or ``comment_like_count`` (Weibo); Kuaishou stores none, and
  no ``parent_comment_id`` either. Top level is ``0``/``"0"`` (Douyin ``reply_id``, Bilibili
  ``parent``, Xiaohongshu's missing ``target_comment``); Weibo's ``rootid`` equals the comment's
  own id for a top-level comment.
* ``create_time`` is epoch seconds (Douyin, Bilibili, Weibo) or milliseconds (Xiaohongshu,
  Kuaishou); values above 1e12 are read as milliseconds.
* contents: the post key, ``user_id`` (the creator), ``time`` (Xiaohongshu, ms) or
  ``create_time``, ``liked_count`` (text, may read "1.2万" or "None"), ``video_play_count``
  (Bilibili) / ``viewd_count`` (Kuaishou, sic).
* creators: ``user_id``, ``fans`` (``total_fans`` on Bilibili).

Newer exports may replace ``user_id`` with a hashed ``creator_hash`` (per the issue; we did not
find it in the store code we read), so either is accepted as the author id.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from classifier.io.platforms.common import (
    ExportRow,
    ExportState,
    MappingError,
    Record,
    SourceFile,
    clean_id,
    comment_row,
    creator_row,
    iter_file_records,
    parent_or_none,
    post_row,
    problem,
)
from classifier.io.problems import RowProblem

NAME = "mediacrawler"
ROLE_ORDER = ("creators", "contents", "comments")
POST_KEYS = ("note_id", "aweme_id", "video_id")
USER_KEYS = ("user_id", "creator_hash")
HASHED_NOTE = (
    "mediacrawler: author ids are hashed (creator_hash); a creator reply is only found where the "
    "contents file hashes the creator the same way"
)
PLATFORM_DIRS = {
    "xhs": "xiaohongshu",
    "xiaohongshu": "xiaohongshu",
    "dy": "douyin",
    "douyin": "douyin",
    "bili": "bilibili",
    "bilibili": "bilibili",
    "wb": "weibo",
    "weibo": "weibo",
    "ks": "kuaishou",
    "kuaishou": "kuaishou",
}


def post_key(record: Record) -> str | None:
    return next((key for key in POST_KEYS if key in record), None)


def sniff(record: Record) -> str | None:
    """``comments``, ``contents`` or ``creators`` when ``record`` has MediaCrawler's field names."""
    key = post_key(record)
    if "comment_id" in record and "content" in record and key:
        return "comments"
    if (
        key
        and "comment_id" not in record
        and any(field in record for field in ("liked_count", "last_modify_ts", "desc", "title"))
    ):
        return "contents"
    if key is None and "user_id" in record and ("fans" in record or "total_fans" in record):
        return "creators"
    return None


def platform_of(path: Path, record: Record) -> str | None:
    """The platform from the ``data/<platform>/`` folder, else from telltale fields."""
    for part in reversed(path.parts[:-1]):
        if part.lower() in PLATFORM_DIRS:
            return PLATFORM_DIRS[part.lower()]
    if "aweme_id" in record:
        return "douyin"
    if "video_danmaku" in record or "video_coin_count" in record or "total_fans" in record:
        return "bilibili"
    if "viewd_count" in record:
        return "kuaishou"
    return None


def author_of(record: Record) -> Any:
    return next((record[key] for key in USER_KEYS if clean_id(record.get(key))), None)


def map_comment(
    record: Record, source: str, line: int, state: ExportState, creators: dict[str, str]
) -> ExportRow:
    key = post_key(record)
    post = clean_id(record.get(key)) if key else None
    if "parent_comment_id" in record:
        state.saw("reply_to")
    if "creator_hash" in record and "user_id" not in record:
        state.note(HASHED_NOTE)
    likes = record.get("like_count", record.get("comment_like_count"))
    return comment_row(
        source,
        line,
        state,
        comment_id=record.get("comment_id"),
        text=record.get("content"),
        creator_id=creators.get(post) if post else None,
        post_id=post,
        author_id=author_of(record),
        created_at=record.get("create_time"),
        like_count=likes,
        reply_to=parent_or_none(
            record.get("parent_comment_id"), own_ids=(record.get("comment_id"),)
        ),
    )


def map_content(record: Record, source: str, line: int, state: ExportState) -> ExportRow:
    key = post_key(record)
    posted = record.get("time") if clean_id(record.get("time")) else record.get("create_time")
    return post_row(
        source,
        line,
        state,
        post_id=record.get(key) if key else None,
        creator_id=author_of(record),
        posted_at=posted,
        views=record.get("video_play_count", record.get("viewd_count")),
        likes=record.get("liked_count"),
    )


def iter_rows(files: Sequence[SourceFile], state: ExportState) -> Iterator[ExportRow | RowProblem]:
    """Creators, then contents (each post's creator), then comments."""
    creators: dict[str, str] = {}
    for file in sorted(files, key=lambda f: ROLE_ORDER.index(f.role)):
        source = str(file.path)
        for item in iter_file_records(file.path):
            if isinstance(item, RowProblem):
                yield item
                continue
            line, record = item
            role = file.role  # MediaCrawler writes one kind of record per file
            try:
                if role == "comments":
                    yield map_comment(record, source, line, state, creators)
                elif role == "contents":
                    row = map_content(record, source, line, state)
                    if row.values["creator_id"]:
                        creators[row.values["post_id"]] = row.values["creator_id"]
                    yield row
                else:
                    yield creator_row(
                        source,
                        line,
                        creator_id=record.get("user_id"),
                        followers=record.get("fans", record.get("total_fans")),
                        platform=platform_of(file.path, record),
                    )
            except MappingError as exc:
                yield problem(source, line, exc)
