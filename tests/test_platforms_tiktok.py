"""TikTok Research API exports: comment pages (JSON and JSONL of pages) and video query pages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from classifier.io.platforms import detect_export_format, read_export

TIKTOK = Path(__file__).parent / "fixtures" / "tiktok"
COMMENTS = [TIKTOK / "comments_page1.json", TIKTOK / "comments_page2.jsonl"]
V1 = "7364201839472910337"


def test_no_author_is_said_not_invented() -> None:
    export = read_export("tiktok", COMMENTS)
    assert export.comments["author_id"].isna().all()
    assert "author_id" in export.missing_fields
    assert "is_creator_reply" in export.missing_fields
    assert not export.comments["is_creator_reply"].any()
    assert "tiktok exports carry no author: author-based signals off" in export.notes


def test_pages_in_json_and_jsonl_are_unwrapped() -> None:
    export = read_export("auto", COMMENTS)
    assert export.format == "tiktok"
    assert len(export.comments) == 22
    ids = export.comments.set_index("comment_id")
    # int64 ids keep every digit; a string id reads the same way
    assert "7364300000000000023" in ids.index
    assert ids.loc["7364300000000000001", "post_id"] == V1


def test_top_level_parent_is_the_video_id_and_replies_point_at_comments() -> None:
    comments = read_export("tiktok", COMMENTS).comments.set_index("comment_id")
    assert pd.isna(comments.loc["7364300000000000001", "reply_to"])
    assert comments.loc["7364300000000000012", "reply_to"] == "7364300000000000001"
    assert comments.loc["7364300000000000013", "text"] == "黄皮也很显白，放心买。"


def test_epoch_seconds_become_utc_and_missing_likes_are_na() -> None:
    comments = read_export("tiktok", COMMENTS).comments.set_index("comment_id")
    assert comments.loc["7364300000000000001", "created_at"] == pd.Timestamp("2024-06-01T00:01:00Z")
    assert pd.isna(comments.loc["7364300000000000014", "like_count"])
    assert comments.loc["7364300000000000010", "like_count"] == 64


def test_deleted_comment_is_a_problem_with_file_and_line() -> None:
    export = read_export("tiktok", COMMENTS)
    assert len(export.problems) == 1
    problem = export.problems[0]
    assert problem.source.endswith("comments_page2.jsonl") and problem.line == 1
    assert "7364300000000000024" in problem.problem and "no text" in problem.problem


def test_videos_name_the_creator_and_fill_posts() -> None:
    assert detect_export_format([TIKTOK / "videos.json", *COMMENTS]) == "tiktok"
    export = read_export("tiktok", [*COMMENTS, TIKTOK / "videos.json"])
    assert (export.comments["creator_id"] == "linh.beauty").all()
    posts = export.posts.set_index("post_id")
    assert posts.loc[V1, "views"] == 254000
    assert posts.loc[V1, "posted_at"] == pd.Timestamp("2024-05-31T23:00:00Z")
    assert "creator_id" not in export.missing_fields


def test_without_videos_the_creator_is_unknown() -> None:
    export = read_export("tiktok", COMMENTS)
    assert "creator_id" in export.missing_fields
    assert export.posts is None
