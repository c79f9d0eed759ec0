"""MediaCrawler exports: Xiaohongshu/Douyin/Weibo/Kuaishou/Bilibili comments, contents, creators."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pandas as pd

from classifier.io.platforms import ExportRow, detect_export_format, iter_export, read_export
from classifier.io.problems import RowProblem

MC = Path(__file__).parent / "fixtures" / "mediacrawler"
XHS = sorted((MC / "xhs" / "jsonl").glob("*.jsonl"))
DOUYIN = sorted((MC / "douyin" / "csv").glob("*.csv"))


def test_xiaohongshu_jsonl_with_contents() -> None:
    export = read_export("auto", XHS)
    assert export.format == "mediacrawler"
    comments = export.comments.set_index("comment_id")
    assert len(comments) == 8
    assert comments.loc["66fb0002000000001a01a002", "reply_to"] == "66fb0001000000001a01a001"
    assert pd.isna(comments.loc["66fb0001000000001a01a001", "reply_to"])  # parent_comment_id 0
    assert set(comments.index[comments["is_creator_reply"]]) == {"66fb0002000000001a01a002"}
    # Xiaohongshu writes milliseconds
    assert comments.loc["66fb0001000000001a01a001", "created_at"] == pd.Timestamp(
        "2024-06-01T09:37:07Z"
    )
    assert comments.loc["66fb0001000000001a01a001", "like_count"] == 23  # "23" as text
    posts = export.posts.set_index("post_id")
    assert posts.loc["66fad51c000000001b0224b8", "likes"] == 12000  # "1.2万"
    assert export.missing_fields == []


def test_deleted_comment_reported_with_line() -> None:
    export = read_export("mediacrawler", XHS)
    assert [(Path(p.source).name, p.line) for p in export.problems] == [
        ("search_comments_2024-06-01.jsonl", 8)
    ]


def test_douyin_csv_with_bom_and_seconds() -> None:
    export = read_export("mediacrawler", DOUYIN)
    comments = export.comments.set_index("comment_id")
    assert len(comments) == 7
    assert comments.loc["7380200000000000001", "created_at"] == pd.Timestamp("2024-06-01T09:36:17Z")
    assert comments.loc["7380200000000000002", "is_creator_reply"]
    assert pd.isna(comments.loc["7380200000000000003", "reply_to"])  # "0" in the CSV
    assert comments.loc["7380200000000000003", "text"] == "Nồi chiên không dầu hãng nào vậy bạn ơi?"
    posts = export.posts.set_index("post_id")
    assert posts.loc["7380123456789012345", "likes"] == 34000  # "3.4万"


def test_weibo_rootid_equal_to_own_id_is_top_level() -> None:
    export = read_export(
        "mediacrawler", [MC / "weibo" / "json" / "search_comments_2024-06-01.json"]
    )
    comments = export.comments.set_index("comment_id")
    assert pd.isna(comments.loc["5041300000000001", "reply_to"])
    assert comments.loc["5041300000000002", "reply_to"] == "5041300000000001"
    assert comments.loc["5041300000000001", "like_count"] == 520  # comment_like_count
    assert "creator_id" in export.missing_fields  # no contents file given


def test_kuaishou_lacks_likes_and_parents() -> None:
    export = read_export(
        "mediacrawler", [MC / "kuaishou" / "jsonl" / "search_comments_2024-06-01.jsonl"]
    )
    assert {"like_count", "reply_to"} <= set(export.missing_fields)
    assert export.comments.loc[0, "created_at"] == pd.Timestamp("2024-06-01T09:36:17Z")


def test_bilibili_creator_hash_and_creators_file() -> None:
    files = sorted((MC / "bilibili" / "jsonl").glob("*.jsonl"))
    export = read_export("mediacrawler", files)
    assert export.comments["author_id"].str.startswith("h_").all()
    assert any("creator_hash" in note for note in export.notes)
    creators = export.creators.set_index("creator_id")
    assert creators.loc["2233445566", "followers"] == 1250000
    assert creators.loc["2233445566", "platform"] == "bilibili"


def test_all_platforms_together() -> None:
    files = sorted(p for p in MC.rglob("*") if p.is_file())
    assert detect_export_format(files) == "mediacrawler"
    export = read_export("mediacrawler", files)
    assert len(export.comments) == 8 + 7 + 5 + 3 + 4
    assert export.comments["created_at"].notna().all()


def _write_big_export(path: Path, lines: int) -> int:
    template = {
        "comment_id": "",
        "create_time": 1717234567000,
        "note_id": "66fad51c000000001b0224b8",
        # long comments, as Weibo and Xiaohongshu reviews often are: ~1 KB a line
        "content": "这家店的抹茶拿铁真的绝了，不太甜，下午去人少。Quán này ngon lắm, mình sẽ quay lại! "
        * 8,
        "user_id": "",
        "parent_comment_id": 0,
        "like_count": "12",
    }
    with path.open("w", encoding="utf-8") as handle:
        for index in range(lines):
            template["comment_id"] = f"c{index}"
            template["user_id"] = f"u{index % 5000}"
            handle.write(json.dumps(template, ensure_ascii=False) + "\n")
    return path.stat().st_size


def test_large_jsonl_streams_in_bounded_memory(tmp_path: Path) -> None:
    """A ~60 MB export streams through iter_export with a peak well under 1 MB (constant memory).

    60k lines rather than millions keeps the test fast under tracemalloc; the peak does not
    grow with the line count because nothing is kept between records.
    """
    path = tmp_path / "search_comments_2024-06-01.jsonl"
    lines = 60_000
    size = _write_big_export(path, lines)
    rows = problems = 0
    tracemalloc.start()
    try:
        for item in iter_export("mediacrawler", [path]):
            if isinstance(item, RowProblem):
                problems += 1
            else:
                assert isinstance(item, ExportRow)
                rows += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (rows, problems) == (lines, 0)
    assert size > 50_000_000
    assert peak < 1_000_000  # under 1 MB (about 0.1 MB measured) against a 60 MB file
