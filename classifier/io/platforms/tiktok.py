"""TikTok Research API exports: ``/v2/research/video/comment/list/`` and ``/v2/research/video/query/``.

Field names checked against TikTok for Developers, "Query Video Comments"
(developers.tiktok.com/doc/research-api-specs-query-video-comments): the complete list of comment
fields is ``id, video_id, text, like_count, reply_count, parent_comment_id, create_time``; pages
arrive as ``{"data": {"comments": [...], "cursor": .., "has_more": ..}, "error": {..}}``. The
"Query Videos" spec lists ``id, create_time, username, region_code, video_description,
view_count, like_count, comment_count, ...`` for videos (``data.videos``).

The comment object has **no author field** at all, so author-based signals (repeat commenters,
creator replies) cannot be computed: ``author_id`` and ``is_creator_reply`` are reported missing
rather than invented. ``create_time`` is Unix seconds. A top-level comment's
``parent_comment_id`` is the video id (or empty), which we map to "no parent".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from classifier.io.platforms.common import (
    ExportRow,
    ExportState,
    MappingError,
    Record,
    SourceFile,
    comment_row,
    iter_file_records,
    parent_or_none,
    post_row,
    problem,
)
from classifier.io.problems import RowProblem

NAME = "tiktok"
ROLE_ORDER = ("videos", "comments")
NO_AUTHOR_NOTE = "tiktok exports carry no author: author-based signals off"


def sniff(record: Record) -> str | None:
    """``comments`` or ``videos`` when ``record`` has the Research API's field names."""
    if "id" not in record or "snippet" in record or "comment_id" in record:
        return None
    if "video_id" in record and ("text" in record or "parent_comment_id" in record):
        return "comments"
    if "username" in record and (
        "video_description" in record or "region_code" in record or "view_count" in record
    ):
        return "videos"
    return None


def iter_rows(files: Sequence[SourceFile], state: ExportState) -> Iterator[ExportRow | RowProblem]:
    """Videos first (they name each video's creator), then comments."""
    state.note(NO_AUTHOR_NOTE)
    creators: dict[str, str] = {}
    for file in sorted(files, key=lambda f: ROLE_ORDER.index(f.role)):
        source = str(file.path)
        for item in iter_file_records(file.path):
            if isinstance(item, RowProblem):
                yield item
                continue
            line, record = item
            try:
                if sniff(record) == "videos":
                    row = post_row(
                        source,
                        line,
                        state,
                        post_id=record.get("id"),
                        creator_id=record.get("username"),
                        posted_at=record.get("create_time"),
                        views=record.get("view_count"),
                        likes=record.get("like_count"),
                    )
                    if row.values["creator_id"]:
                        creators[row.values["post_id"]] = row.values["creator_id"]
                    yield row
                else:
                    video = record.get("video_id")
                    if "parent_comment_id" in record:
                        state.saw("reply_to")
                    yield comment_row(
                        source,
                        line,
                        state,
                        comment_id=record.get("id"),
                        text=record.get("text"),
                        creator_id=creators.get(str(video)) if video is not None else None,
                        post_id=video,
                        created_at=record.get("create_time"),
                        like_count=record.get("like_count"),
                        reply_to=parent_or_none(record.get("parent_comment_id"), own_ids=(video,)),
                    )
            except MappingError as exc:
                yield problem(source, line, exc)
