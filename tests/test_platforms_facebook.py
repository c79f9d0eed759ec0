"""Facebook exports: Graph API posts with nested comments, flat comment pages, facebook-scraper posts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from classifier.io.platforms import detect_export_format, read_export

FB = Path(__file__).parent / "fixtures" / "facebook"
PAGE = "104512345678901"
POST1, POST2 = f"{PAGE}_822233344455566", f"{PAGE}_822299988877766"


def test_graph_posts_nest_comments_and_page_replies_are_creator_replies() -> None:
    export = read_export("auto", [FB / "graph_comments.json", FB / "graph_posts.json"])
    assert export.format == "facebook"
    comments = export.comments.set_index("comment_id")
    assert len(comments) == 14
    assert (comments["creator_id"] == PAGE).all()
    assert comments.loc["822233344455566_9003", "reply_to"] == "822233344455566_9001"
    flagged = set(comments.index[comments["is_creator_reply"]])
    assert flagged == {"822233344455566_9002", "822233344455566_9008", "822299988877766_7002"}
    assert comments.loc["822233344455566_9001", "created_at"] == pd.Timestamp(
        "2024-04-01T13:00:00Z"
    )


def test_flat_comment_page_is_tied_to_its_post_through_the_comment_id() -> None:
    # Graph API comment ids read {post-object-id}_{comment-id}; the page post id is {page}_{post-object-id}.
    export = read_export("facebook", [FB / "graph_posts.json", FB / "graph_comments.json"])
    flat = export.comments[export.comments["comment_id"].str.startswith("822299988877766_")]
    assert (flat["post_id"] == POST2).all()
    alone = read_export("facebook", [FB / "graph_comments.json"])
    assert (alone.comments["post_id"] == "822299988877766").all()
    assert "creator_id" in alone.missing_fields


def test_sticker_only_comment_is_a_problem() -> None:
    export = read_export("facebook", [FB / "graph_posts.json"])
    assert len(export.problems) == 1
    assert "822233344455566_9009" in export.problems[0].problem
    assert export.posts.set_index("post_id").loc[POST1, "posted_at"] == pd.Timestamp(
        "2024-04-01T12:30:00Z"
    )


def test_scraper_posts_flatten_comments_full_with_replies() -> None:
    assert detect_export_format([FB / "scraper_posts.json"]) == "facebook"
    export = read_export("facebook", [FB / "scraper_posts.json"])
    comments = export.comments.set_index("comment_id")
    assert len(comments) == 7
    assert (comments["post_id"] == "6088945121168909").all()
    assert comments.loc["6089000000000003", "reply_to"] == "6089000000000001"
    assert set(comments.index[comments["is_creator_reply"]]) == {"6089000000000002"}
    posts = export.posts.set_index("post_id")
    assert posts.loc["6088945121168909", "likes"] == 153


def test_scraper_lacks_like_counts_and_naive_times_are_said() -> None:
    export = read_export("facebook", [FB / "scraper_posts.json"])
    assert "like_count" in export.missing_fields
    assert any("no time zone" in note and "read as UTC" in note for note in export.notes)
    first = export.comments.set_index("comment_id").loc["6089000000000001", "created_at"]
    assert first == pd.Timestamp("2024-05-05T20:40:00Z")
    assert "1 of 7 comments have no author_id" in export.notes
    assert [p.line for p in export.problems] == [1]
