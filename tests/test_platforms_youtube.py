"""YouTube Data API v3 exports: threads pages, comments.list replies, videos and channels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from classifier.io.platforms import detect_export_format, read_export

YOUTUBE = Path(__file__).parent / "fixtures" / "youtube"
CHANNEL = "UCq3vT8nLk2XbR0aYw5ZfE1g"
ALL = sorted(YOUTUBE.glob("*.json"))


@pytest.fixture(scope="module")
def export():
    return read_export("youtube", ALL)


def by_id(export, comment_id: str) -> pd.Series:
    return export.comments.set_index("comment_id").loc[comment_id]


def test_auto_detects_youtube_and_says_so() -> None:
    assert detect_export_format(ALL) == "youtube"
    export = read_export("auto", ALL)
    assert export.format == "youtube"
    assert any("read as youtube" in note for note in export.notes)


def test_threads_replies_and_comments_list_are_all_read(export) -> None:
    comments = export.comments
    assert len(comments) == 31
    assert comments["comment_id"].is_unique  # the reply repeated in comments.list is read once
    assert set(comments["post_id"]) == {"Xk3pQ9vT2mA", "b7RrN0sLq4E"}
    assert (comments["creator_id"] == CHANNEL).all()
    assert list(comments.columns) == [
        "creator_id",
        "post_id",
        "comment_id",
        "author_id",
        "text",
        "created_at",
        "like_count",
        "reply_to",
        "is_creator_reply",
    ]


def test_reply_from_comments_list_gets_video_of_its_thread(export) -> None:
    reply = by_id(export, "UgzB03.5d3")
    assert reply["post_id"] == "b7RrN0sLq4E"
    assert reply["reply_to"] == "UgzB03"
    assert pd.isna(by_id(export, "UgzB03")["reply_to"])


def test_reply_by_the_channel_is_a_creator_reply(export) -> None:
    flagged = set(export.comments.loc[export.comments["is_creator_reply"], "comment_id"])
    assert flagged == {"UgzA01.9x1", "UgzA04.8a1", "UgzA12.6c1", "UgzB03.5d1"}
    assert export.comments["is_creator_reply"].dtype == bool


def test_text_prefers_text_original_and_strips_html_of_text_display(export) -> None:
    assert (
        by_id(export, "UgzA06")["text"]
        == "Ở Sài Gòn mình hay ăn kèm giá & rau húng quế.\nXem thêm ở 1:35"
    )
    assert "edit: and oxtail" in by_id(export, "UgzA05")["text"]
    assert by_id(export, "UgzA08")["text"].startswith("越南河粉")


def test_timestamps_are_utc_and_missing_like_count_is_na(export) -> None:
    created = export.comments["created_at"]
    assert str(created.dt.tz) == "UTC"
    assert by_id(export, "UgzA08")["created_at"] == pd.Timestamp("2024-03-03T07:12:45.250Z")
    # The edited comment keeps its first publication time.
    assert by_id(export, "UgzA05")["created_at"] == pd.Timestamp("2024-03-03T01:02:03Z")
    assert pd.isna(by_id(export, "UgzA08")["like_count"])
    assert by_id(export, "UgzA01")["like_count"] == 42
    assert "1 of 31 comments have no like_count" in export.notes


def test_orphan_reply_is_reported_with_file_and_line(export) -> None:
    assert len(export.problems) == 1
    problem = export.problems[0]
    assert problem.source.endswith("comments_replies.json")
    assert problem.line == 5
    assert "UgzZ99" in problem.problem


def test_videos_and_channels_fill_posts_and_creators(export) -> None:
    posts = export.posts.set_index("post_id")
    assert posts.loc["Xk3pQ9vT2mA", "views"] == 184230  # statistics arrive as strings
    assert posts.loc["b7RrN0sLq4E", "sponsored"] == True  # noqa: E712 - pandas BooleanDtype
    assert pd.isna(posts.loc["Xk3pQ9vT2mA", "sponsored"])
    assert posts.loc["b7RrN0sLq4E", "posted_at"] == pd.Timestamp("2024-04-09T12:00:00Z")
    creators = export.creators.set_index("creator_id")
    assert creators.loc[CHANNEL, "followers"] == 125000
    assert creators.loc[CHANNEL, "language"] == "vi"
    assert creators.loc[CHANNEL, "platform"] == "youtube"
    assert export.missing_fields == []


def test_threads_alone_leave_posts_and_creators_empty() -> None:
    export = read_export("youtube", [YOUTUBE / "commentThreads_page1.json"])
    assert export.posts is None and export.creators is None
    assert len(export.comments) == 17
    assert export.problems == []
