"""Instagram exports: Graph API IG Comment/Media/User objects and scraper dataset items."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from classifier.io.platforms import detect_export_format, read_export

IG = Path(__file__).parent / "fixtures" / "instagram"
GRAPH = [IG / "graph_comments.json", IG / "graph_media.json", IG / "graph_user.json"]
SCRAPER = [IG / "scraper_comments.json", IG / "scraper_posts.json"]


def test_graph_comments_nested_replies_and_media_owner() -> None:
    export = read_export("auto", GRAPH)
    assert export.format == "instagram"
    comments = export.comments.set_index("comment_id")
    assert len(comments) == 16  # 12 from the comments page (one has no text) + 4 nested in media
    assert comments.loc["17873440459141100", "reply_to"] == "17873440459141021"
    assert comments.loc["17880000000000002", "post_id"] == "17912345678901234"
    assert (comments["creator_id"] == "chloe.travels").all()
    creator_replies = set(comments.index[comments["is_creator_reply"]])
    assert creator_replies == {"17873440459141099", "17870913679156918", "17880000000000002"}


def test_graph_timestamps_with_plus0000_are_utc() -> None:
    comments = read_export("instagram", GRAPH).comments.set_index("comment_id")
    assert comments.loc["17873440459141021", "created_at"] == pd.Timestamp("2024-05-02T03:10:30Z")
    assert pd.isna(comments.loc["17870913679156917", "like_count"])


def test_comment_without_text_is_reported_and_the_rest_kept() -> None:
    export = read_export("instagram", GRAPH)
    assert [(p.source.endswith("graph_comments.json"), p.line) for p in export.problems] == [
        (True, 9)
    ]
    assert "17870913679156922" not in set(export.comments["comment_id"])


def test_graph_media_and_user_fill_posts_and_creators() -> None:
    export = read_export("instagram", GRAPH)
    posts = export.posts.set_index("post_id")
    assert posts.loc["17895695668004550", "likes"] == 2310
    assert posts.loc["17895695668004550", "posted_at"] == pd.Timestamp("2024-05-01T12:00:00Z")
    creators = export.creators.set_index("creator_id")
    assert creators.loc["chloe.travels", "followers"] == 48200


def test_graph_comments_alone_have_no_creator() -> None:
    export = read_export("instagram", [IG / "graph_comments.json"])
    assert "creator_id" in export.missing_fields
    assert "is_creator_reply" in export.missing_fields
    assert (export.comments["post_id"] == "17895695668004550").all()


def test_scraper_comments_take_post_from_url_and_creator_from_posts() -> None:
    assert detect_export_format(SCRAPER) == "instagram"
    export = read_export("instagram", SCRAPER)
    comments = export.comments.set_index("comment_id")
    assert len(comments) == 8
    assert (comments["post_id"] == "C8hoian1234").all()
    assert comments.loc["18040000000000005", "reply_to"] == "18040000000000004"
    assert set(comments.index[comments["is_creator_reply"]]) == {
        "18040000000000002",
        "18040000000000005",
    }
    assert comments.loc["18040000000000001", "created_at"] == pd.Timestamp("2024-06-10T13:05:22Z")
    assert comments.loc["18040000000000001", "like_count"] == 14
    assert comments.loc["18040000000000007", "text"] == "会安的灯笼真漂亮，晚上人多吗？"
    assert export.posts.set_index("post_id").loc["C8hoian1234", "sponsored"] == False  # noqa: E712


def test_scraper_comments_alone_keep_author_but_not_creator() -> None:
    export = read_export("instagram", [IG / "scraper_comments.json"])
    assert export.comments["author_id"].notna().all()
    assert "creator_id" in export.missing_fields
