"""YouTube Data API v3 exports: ``commentThreads.list``, ``comments.list``, ``videos.list``, ``channels.list``.

Field names checked against the API reference (developers.google.com/youtube/v3/docs):

* commentThread: ``id``, ``snippet.channelId``, ``snippet.videoId``, ``snippet.topLevelComment``
  (a comment resource), ``replies.comments[]`` (a subset of the replies; the rest come from
  ``comments.list?parentId=``).
* comment: ``id``, ``snippet.authorChannelId.value``, ``snippet.channelId`` ("in case of a video
  comment it's the video's channel"), ``snippet.textDisplay`` (may be HTML),
  ``snippet.textOriginal`` (raw text, "only guaranteed if the viewer is the comment's author"),
  ``snippet.parentId`` ("only set for replies"), ``snippet.likeCount``, ``snippet.publishedAt`` and
  ``snippet.updatedAt`` (ISO 8601, ``...Z``). A comment resource has no ``videoId`` in the current
  reference (older responses carried ``snippet.videoId``), so a reply from ``comments.list`` gets
  its video from the thread of its parent.
* video: ``id``, ``snippet.publishedAt``, ``snippet.channelId``, ``statistics.viewCount`` /
  ``likeCount`` (strings), ``paidProductPlacementDetails.hasPaidProductPlacement`` (visible to
  the video owner only).
* channel: ``id``, ``statistics.subscriberCount`` (string), ``statistics.hiddenSubscriberCount``,
  ``snippet.defaultLanguage``.
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
    comment_row,
    creator_row,
    get_path,
    iter_file_records,
    parent_or_none,
    post_row,
    problem,
    strip_html,
)
from classifier.io.problems import RowProblem

NAME = "youtube"
ROLE_ORDER = ("channels", "videos", "threads", "comments")


def sniff(record: Record) -> str | None:
    """The file role if ``record`` is a YouTube Data API resource, else None."""
    kind = str(record.get("kind", ""))
    if kind == "youtube#commentThread":
        return "threads"
    if kind == "youtube#comment":
        return "comments"
    if kind == "youtube#video":
        return "videos"
    if kind == "youtube#channel":
        return "channels"
    snippet = record.get("snippet")
    if not isinstance(snippet, dict):
        return None
    if "topLevelComment" in snippet:
        return "threads"
    if "textDisplay" in snippet or "authorChannelId" in snippet:
        return "comments"
    return None


def comment_text(snippet: Record) -> Any:
    """``textOriginal`` when present, else ``textDisplay`` with its HTML removed."""
    original = snippet.get("textOriginal")
    if isinstance(original, str) and original.strip():
        return original
    display = snippet.get("textDisplay")
    return strip_html(display) if isinstance(display, str) else None


def map_comment(
    comment: Record,
    source: str,
    line: int,
    state: ExportState,
    *,
    video_id: Any,
    channel_id: Any,
) -> ExportRow:
    snippet = comment.get("snippet")
    if not isinstance(snippet, dict):
        raise MappingError("snippet", "comment resource has no snippet (request part=snippet)")
    channel = channel_id or snippet.get("channelId")
    return comment_row(
        source,
        line,
        state,
        comment_id=comment.get("id"),
        text=comment_text(snippet),
        creator_id=channel,
        post_id=video_id or snippet.get("videoId"),
        author_id=get_path(snippet, "authorChannelId", "value"),
        created_at=snippet.get("publishedAt"),
        like_count=snippet.get("likeCount"),
        reply_to=parent_or_none(snippet.get("parentId")),
    )


def iter_thread(
    thread: Record,
    source: str,
    line: int,
    state: ExportState,
    videos: dict[str, str],
    seen: set[str],
) -> Iterator[ExportRow | RowProblem]:
    """The top-level comment of a thread and the replies nested in it."""
    raw = thread.get("snippet")
    snippet: Record = raw if isinstance(raw, dict) else {}
    video_id = snippet.get("videoId")
    channel_id = snippet.get("channelId")
    top = snippet.get("topLevelComment")
    if not isinstance(top, dict):
        yield RowProblem(
            source, line, "snippet.topLevelComment", "comment thread has no top-level comment"
        )
        return
    if thread.get("id") and video_id:
        videos[str(thread["id"])] = str(video_id)
    try:
        yield map_comment(top, source, line, state, video_id=video_id, channel_id=channel_id)
    except MappingError as exc:
        yield problem(source, line, exc)
    for reply in get_path(thread, "replies", "comments") or []:
        if not isinstance(reply, dict):
            continue
        if reply.get("id"):
            seen.add(str(reply["id"]))
        try:
            yield map_comment(reply, source, line, state, video_id=video_id, channel_id=channel_id)
        except MappingError as exc:
            yield problem(source, line, exc)


def map_reply(
    comment: Record, source: str, line: int, state: ExportState, videos: dict[str, str]
) -> ExportRow:
    """A ``comments.list`` item: its video comes from the thread of its parent."""
    parent = get_path(comment, "snippet", "parentId")
    video_id = videos.get(str(parent)) if parent else None
    if video_id is None and not get_path(comment, "snippet", "videoId"):
        raise MappingError(
            "snippet.parentId",
            f"cannot tell the video of comment {comment.get('id')}: its thread {parent} is not in the "
            "given commentThreads files; pass them together",
        )
    return map_comment(comment, source, line, state, video_id=video_id, channel_id=None)


def iter_rows(files: Sequence[SourceFile], state: ExportState) -> Iterator[ExportRow | RowProblem]:
    """Channels, then videos, then threads, then ``comments.list`` replies (not seen in threads)."""
    videos: dict[str, str] = {}
    seen: set[str] = set()
    state.saw("reply_to")  # threads always show the reply structure
    for file in sorted(files, key=lambda f: ROLE_ORDER.index(f.role)):
        source = str(file.path)
        for item in iter_file_records(file.path):
            if isinstance(item, RowProblem):
                yield item
                continue
            line, record = item
            role = sniff(record)
            try:
                if role == "threads":
                    yield from iter_thread(record, source, line, state, videos, seen)
                elif role == "comments":
                    if str(record.get("id")) not in seen:
                        yield map_reply(record, source, line, state, videos)
                elif role == "videos":
                    yield post_row(
                        source,
                        line,
                        state,
                        post_id=record.get("id"),
                        creator_id=get_path(record, "snippet", "channelId"),
                        posted_at=get_path(record, "snippet", "publishedAt"),
                        sponsored=get_path(
                            record, "paidProductPlacementDetails", "hasPaidProductPlacement"
                        ),
                        views=get_path(record, "statistics", "viewCount"),
                        likes=get_path(record, "statistics", "likeCount"),
                    )
                elif role == "channels":
                    hidden = get_path(record, "statistics", "hiddenSubscriberCount") is True
                    yield creator_row(
                        source,
                        line,
                        creator_id=record.get("id"),
                        followers=None
                        if hidden
                        else get_path(record, "statistics", "subscriberCount"),
                        platform=NAME,
                        language=get_path(record, "snippet", "defaultLanguage"),
                    )
                else:
                    yield RowProblem(
                        source,
                        line,
                        "kind",
                        f"not a YouTube resource this reader knows (kind={record.get('kind')!r})",
                    )
            except MappingError as exc:
                yield problem(source, line, exc)
