"""Instagram exports: Graph API IG Comment / IG Media / IG User objects, and scraper output.

Graph API field names checked against Meta's reference and changelog
(developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment; the
2021-10-20 out-of-cycle changelog added ``from{id,username}`` and ``parent_id``): an IG Comment
has ``id``, ``text``, ``timestamp`` (ISO 8601 with ``+0000``, e.g. ``2017-08-31T18:10:30+0000``),
``username``, ``from``, ``like_count``, ``parent_id``, ``hidden``, ``media{id}`` and a
``replies`` edge (``{"data": [...]}``); pages are ``{"data": [...], "paging": {...}}``. An IG
Media has ``id``, ``username`` (its owner), ``timestamp``, ``like_count``, ``comments_count`` and
may nest ``comments{...}``. IG User: ``id``, ``username``, ``followers_count``.

The scraper shape is the widely used Apify Instagram comment/post scrapers' dataset items:
comments with ``postUrl``, ``id``, ``text``, ``ownerUsername``, ``timestamp``, ``likesCount``
and nested ``replies``; posts with ``shortCode``, ``ownerUsername``, ``timestamp``,
``likesCount``, ``videoViewCount``, ``isSponsored`` and ``latestComments``. (Those names come
from the scrapers' published output examples, not from a formal schema.)

Creators and authors are identified by **username** throughout, because it is the one field
every shape has (Graph comments carry it at top level, media name their owner by it, scraper
rows have nothing else), so "the author is the creator" can be checked across files.
"""

from __future__ import annotations

import re
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
    creator_row,
    get_path,
    iter_file_records,
    parent_or_none,
    post_row,
    problem,
)
from classifier.io.problems import RowProblem

NAME = "instagram"
ROLE_ORDER = ("users", "media", "scraper_posts", "comments", "scraper_comments")
_SHORTCODE_RE = re.compile(r"instagram\.com/(?:[^/]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)")


def sniff(record: Record) -> str | None:
    """The file role if ``record`` is an Instagram Graph or scraper record, else None."""
    if "shortCode" in record and "ownerUsername" in record:
        return "scraper_posts"
    if "text" in record and (
        "postUrl" in record or "ownerUsername" in record or "likesCount" in record
    ):
        return "scraper_comments"
    if "followers_count" in record and "username" in record:
        return "users"
    if "followersCount" in record and "username" in record:
        return "users"
    if "id" not in record:
        return None
    if "text" in record and "timestamp" in record:
        return "comments"
    if "timestamp" in record and (
        "media_type" in record
        or "media_product_type" in record
        or "permalink" in record
        or "comments_count" in record
    ):
        return "media"
    return None


def shortcode(url: Any) -> str | None:
    """The post's shortcode from ``https://www.instagram.com/p/<code>/`` (also /reel/ and /tv/)."""
    if not isinstance(url, str):
        return None
    match = _SHORTCODE_RE.search(url)
    return match.group(1) if match else None


def graph_author(comment: Record) -> Any:
    return (
        comment.get("username")
        or get_path(comment, "from", "username")
        or get_path(comment, "from", "id")
    )


def iter_graph_comment(
    comment: Record,
    source: str,
    line: int,
    state: ExportState,
    owners: dict[str, str],
    *,
    media_id: Any = None,
    parent_id: Any = None,
) -> Iterator[ExportRow | RowProblem]:
    """One IG Comment and the replies nested under its ``replies`` edge."""
    post = media_id or get_path(comment, "media", "id")
    reply_to = parent_or_none(comment.get("parent_id") or parent_id)
    try:
        yield comment_row(
            source,
            line,
            state,
            comment_id=comment.get("id"),
            text=comment.get("text"),
            creator_id=owners.get(str(post)) if post is not None else None,
            post_id=post,
            author_id=graph_author(comment),
            created_at=comment.get("timestamp"),
            like_count=comment.get("like_count"),
            reply_to=reply_to,
        )
    except MappingError as exc:
        yield problem(source, line, exc)
    for reply in get_path(comment, "replies", "data") or []:
        if isinstance(reply, dict):
            yield from iter_graph_comment(
                reply, source, line, state, owners, media_id=post, parent_id=comment.get("id")
            )


def iter_scraper_comment(
    comment: Record,
    source: str,
    line: int,
    state: ExportState,
    owners: dict[str, str],
    *,
    post_id: Any = None,
    parent_id: Any = None,
) -> Iterator[ExportRow | RowProblem]:
    """One scraper comment row and its nested ``replies`` list."""
    post = post_id or shortcode(comment.get("postUrl")) or shortcode(comment.get("commentUrl"))
    try:
        yield comment_row(
            source,
            line,
            state,
            comment_id=comment.get("id"),
            text=comment.get("text"),
            creator_id=owners.get(str(post)) if post is not None else None,
            post_id=post,
            author_id=comment.get("ownerUsername") or get_path(comment, "owner", "username"),
            created_at=comment.get("timestamp"),
            like_count=comment.get("likesCount"),
            reply_to=parent_or_none(parent_id),
        )
    except MappingError as exc:
        yield problem(source, line, exc)
    for reply in comment.get("replies") or []:
        if isinstance(reply, dict):
            yield from iter_scraper_comment(
                reply, source, line, state, owners, post_id=post, parent_id=comment.get("id")
            )


def iter_media(
    record: Record, role: str, source: str, line: int, state: ExportState, owners: dict[str, str]
) -> Iterator[ExportRow | RowProblem]:
    """A Graph IG Media or a scraper post, then the comments nested in it."""
    if role == "media":
        owner = (
            record.get("username")
            or get_path(record, "owner", "username")
            or get_path(record, "owner", "id")
        )
        row = post_row(
            source,
            line,
            state,
            post_id=record.get("id"),
            creator_id=owner,
            posted_at=record.get("timestamp"),
            likes=record.get("like_count"),
        )
    else:
        owner = record.get("ownerUsername")
        row = post_row(
            source,
            line,
            state,
            post_id=record.get("shortCode"),
            creator_id=owner,
            posted_at=record.get("timestamp"),
            sponsored=record.get("isSponsored"),
            views=record.get("videoViewCount"),
            likes=record.get("likesCount"),
        )
    if clean_id(owner):
        owners[row.values["post_id"]] = str(clean_id(owner))
    yield row
    if role == "media":
        for comment in get_path(record, "comments", "data") or []:
            if isinstance(comment, dict):
                yield from iter_graph_comment(
                    comment, source, line, state, owners, media_id=row.values["post_id"]
                )
    else:
        for comment in record.get("latestComments") or []:
            if isinstance(comment, dict):
                yield from iter_scraper_comment(
                    comment, source, line, state, owners, post_id=row.values["post_id"]
                )


def iter_rows(files: Sequence[SourceFile], state: ExportState) -> Iterator[ExportRow | RowProblem]:
    """Users, then media/posts (they name each post's owner), then comments."""
    owners: dict[str, str] = {}
    state.saw("reply_to")  # both shapes nest replies under their parent
    for file in sorted(files, key=lambda f: ROLE_ORDER.index(f.role)):
        source = str(file.path)
        for item in iter_file_records(file.path):
            if isinstance(item, RowProblem):
                yield item
                continue
            line, record = item
            role = sniff(record) or file.role
            try:
                if role in ("media", "scraper_posts"):
                    yield from iter_media(record, role, source, line, state, owners)
                elif role == "users":
                    yield creator_row(
                        source,
                        line,
                        creator_id=record.get("username"),
                        followers=record.get("followers_count", record.get("followersCount")),
                        platform=NAME,
                    )
                elif role == "scraper_comments":
                    yield from iter_scraper_comment(record, source, line, state, owners)
                else:
                    yield from iter_graph_comment(record, source, line, state, owners)
            except MappingError as exc:
                yield problem(source, line, exc)
