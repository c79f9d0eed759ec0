"""Facebook exports: Graph API Comment/Post objects, and the facebook-scraper library's records.

Graph API Comment fields (developers.facebook.com/docs/graph-api/reference/comment): ``id``,
``message``, ``created_time`` (ISO 8601 with ``+0000``), ``from{id,name}`` (returned with a Page
token), ``like_count``, ``comment_count``, ``parent{id}`` (replies), and a ``comments`` edge for
replies; pages are ``{"data": [...], "paging": {...}}``. A Page post (``/{page-id}/posts``) has
``id`` = ``{page-id}_{post-id}``, ``created_time``, ``from``, ``message`` and may nest
``comments{data: [...]}``. When comments come without their post, the post is taken from the
comment id, which Graph API writes as ``{post-object-id}_{comment-id}``.

facebook-scraper (github.com/kevinzg/facebook-scraper, ``extractors.py``): ``get_posts`` yields
posts with ``post_id``, ``user_id`` (the page/profile), ``time``, ``likes``, ``comments``,
``shares``, ``video_watches`` and, with ``options={"comments": True}``, ``comments_full``: a
list of ``{comment_id, comment_url, commenter_id, commenter_url, commenter_name, commenter_meta,
comment_text, comment_time, comment_image, replies: [...]}``. It has **no like count per
comment**, and its times are naive: ``time`` comes from ``datetime.fromtimestamp`` (the scraping
machine's local time) and ``comment_time`` is parsed from text such as "2 hrs". We read naive
times as UTC and say so in the notes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from classifier.io.platforms.common import (
    ExportRow,
    ExportState,
    MappingError,
    Record,
    SourceFile,
    clean_id,
    comment_row,
    get_path,
    iter_file_records,
    parent_or_none,
    post_row,
    problem,
)
from classifier.io.problems import RowProblem

NAME = "facebook"
ROLE_ORDER = ("graph_posts", "scraper_posts", "graph_comments", "scraper_comments")
_POST_ONLY_FIELDS = (
    "status_type",
    "permalink_url",
    "full_picture",
    "shares",
    "attachments",
    "story",
    "is_published",
)


def sniff(record: Record) -> str | None:
    """The file role if ``record`` is a Graph API or facebook-scraper record, else None."""
    if "comment_id" in record and ("comment_text" in record or "commenter_id" in record):
        return "scraper_comments"
    if "post_id" in record and (
        "comments_full" in record or "post_text" in record or "post_url" in record
    ):
        return "scraper_posts"
    if "id" not in record or "created_time" not in record:
        return None
    edge_only = (
        isinstance(record.get("comments"), dict)
        and "like_count" not in record
        and "parent" not in record
    )
    if edge_only or any(key in record for key in _POST_ONLY_FIELDS):
        return "graph_posts"
    if "message" in record or "from" in record or "like_count" in record:
        return "graph_comments"
    return None


class Posts:
    """Known posts: id -> creator, also keyed by the post-object half of ``{page}_{post}`` ids."""

    def __init__(self) -> None:
        self.creator: dict[str, str | None] = {}
        self.full_id: dict[str, str] = {}

    def add(self, post_id: str, creator: str | None) -> None:
        self.creator[post_id] = creator
        self.full_id[post_id] = post_id
        if "_" in post_id:
            self.full_id[post_id.split("_", 1)[1]] = post_id

    def resolve(self, post_id: str | None) -> tuple[str | None, str | None]:
        if post_id is None:
            return None, None
        full = self.full_id.get(post_id, post_id)
        return full, self.creator.get(full)


def graph_post_of(comment_id: Any) -> str | None:
    cid = clean_id(comment_id)
    return cid.split("_", 1)[0] if cid and "_" in cid else None


def iter_graph_comment(
    comment: Record,
    source: str,
    line: int,
    state: ExportState,
    posts: Posts,
    *,
    post_id: str | None = None,
    parent_id: Any = None,
) -> Iterator[ExportRow | RowProblem]:
    """One Graph API comment and the replies under its ``comments`` edge."""
    post, creator = posts.resolve(post_id or graph_post_of(comment.get("id")))
    if "parent" in comment or parent_id is not None:
        state.saw("reply_to")
    try:
        yield comment_row(
            source,
            line,
            state,
            comment_id=comment.get("id"),
            text=comment.get("message"),
            creator_id=creator,
            post_id=post,
            author_id=get_path(comment, "from", "id"),
            created_at=comment.get("created_time"),
            like_count=comment.get("like_count"),
            reply_to=parent_or_none(get_path(comment, "parent", "id") or parent_id),
        )
    except MappingError as exc:
        yield problem(source, line, exc)
    for reply in get_path(comment, "comments", "data") or []:
        if isinstance(reply, dict):
            yield from iter_graph_comment(
                reply, source, line, state, posts, post_id=post, parent_id=comment.get("id")
            )


def iter_scraper_comment(
    comment: Record,
    source: str,
    line: int,
    state: ExportState,
    posts: Posts,
    *,
    post_id: Any = None,
    parent_id: Any = None,
) -> Iterator[ExportRow | RowProblem]:
    """One facebook-scraper comment and its nested ``replies``."""
    post, creator = posts.resolve(clean_id(post_id or comment.get("post_id")))
    try:
        yield comment_row(
            source,
            line,
            state,
            comment_id=comment.get("comment_id"),
            text=comment.get("comment_text"),
            creator_id=creator,
            post_id=post,
            author_id=comment.get("commenter_id"),
            created_at=comment.get("comment_time"),
            reply_to=parent_or_none(parent_id),
        )
    except MappingError as exc:
        yield problem(source, line, exc)
    for reply in comment.get("replies") or []:
        if isinstance(reply, dict):
            yield from iter_scraper_comment(
                reply, source, line, state, posts, post_id=post, parent_id=comment.get("comment_id")
            )


def iter_post(
    record: Record, role: str, source: str, line: int, state: ExportState, posts: Posts
) -> Iterator[ExportRow | RowProblem]:
    """A Graph API post or a facebook-scraper post, then its nested comments."""
    if role == "graph_posts":
        pid = clean_id(record.get("id"))
        owner = get_path(record, "from", "id") or (
            pid.split("_", 1)[0] if pid and "_" in pid else None
        )
        row = post_row(
            source, line, state, post_id=pid, creator_id=owner, posted_at=record.get("created_time")
        )
    else:
        row = post_row(
            source,
            line,
            state,
            post_id=record.get("post_id"),
            creator_id=record.get("user_id"),
            posted_at=record.get("time"),
            views=record.get("video_watches"),
            likes=record.get("likes"),
        )
    posts.add(row.values["post_id"], row.values["creator_id"])
    yield row
    if role == "graph_posts":
        state.saw("reply_to")
        for comment in get_path(record, "comments", "data") or []:
            if isinstance(comment, dict):
                yield from iter_graph_comment(
                    comment, source, line, state, posts, post_id=row.values["post_id"]
                )
    else:
        state.saw("reply_to")
        for comment in record.get("comments_full") or []:
            if isinstance(comment, dict):
                yield from iter_scraper_comment(
                    comment, source, line, state, posts, post_id=row.values["post_id"]
                )


def iter_rows(files: Sequence[SourceFile], state: ExportState) -> Iterator[ExportRow | RowProblem]:
    """Posts first (they name each post's page), then bare comment files."""
    posts = Posts()
    for file in sorted(files, key=lambda f: ROLE_ORDER.index(f.role)):
        source = str(file.path)
        for item in iter_file_records(file.path):
            if isinstance(item, RowProblem):
                yield item
                continue
            line, record = item
            role = sniff(record) or file.role
            try:
                if role in ("graph_posts", "scraper_posts"):
                    yield from iter_post(record, role, source, line, state, posts)
                elif role == "scraper_comments":
                    state.saw("reply_to")
                    yield from iter_scraper_comment(record, source, line, state, posts)
                else:
                    yield from iter_graph_comment(record, source, line, state, posts)
            except MappingError as exc:
                yield problem(source, line, exc)
