"""Shared parsing helpers of the platform adapters: timestamps, counts, HTML, ids, envelopes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from classifier.io.platforms import (
    FORMATS,
    ExportRow,
    ExportState,
    detect_export_format,
    iter_export,
    read_export,
)
from classifier.io.platforms.common import (
    MappingError,
    clean_id,
    expand_envelope,
    parent_or_none,
    parse_count,
    parse_timestamp,
    strip_html,
)
from classifier.io.problems import InputError, RowProblem

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1717200000, datetime(2024, 6, 1, 0, 0, tzinfo=UTC)),
        (1717200000123, datetime(2024, 6, 1, 0, 0, 0, 123000, tzinfo=UTC)),
        ("1717200000", datetime(2024, 6, 1, 0, 0, tzinfo=UTC)),
        ("2017-08-31T18:10:30+0000", datetime(2017, 8, 31, 18, 10, 30, tzinfo=UTC)),
        ("2024-03-02T08:15:30Z", datetime(2024, 3, 2, 8, 15, 30, tzinfo=UTC)),
        ("2024-03-02T15:15:30+07:00", datetime(2024, 3, 2, 8, 15, 30, tzinfo=UTC)),
    ],
)
def test_timestamps_become_aware_utc(value: object, expected: datetime) -> None:
    moment, naive = parse_timestamp(value)
    assert moment == expected
    assert moment is not None and moment.tzinfo is not None
    assert naive is False


def test_naive_local_time_is_read_as_utc_and_flagged() -> None:
    moment, naive = parse_timestamp("2024-04-01 19:30:00")
    assert moment == datetime(2024, 4, 1, 19, 30, tzinfo=UTC)
    assert naive is True


def test_unreadable_timestamp_raises_mapping_error() -> None:
    with pytest.raises(MappingError):
        parse_timestamp("yesterday-ish")
    assert parse_timestamp(None) == (None, False)
    assert parse_timestamp("") == (None, False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.2万", 12_000),
        ("10万+", 100_000),
        ("3.4亿", 340_000_000),
        ("1.5w", 15_000),
        ("3.4K", 3_400),
        ("2M", 2_000_000),
        ("1,234", 1_234),
        ("125000", 125_000),
        (42, 42),
        (7.0, 7),
        ("None", None),
        ("", None),
        (None, None),
        ("lots", None),
    ],
)
def test_counts_parse_platform_text(value: object, expected: int | None) -> None:
    assert parse_count(value) == expected


def test_strip_html_keeps_text_of_links_and_line_breaks() -> None:
    html = 'Ăn kèm giá &amp; rau.<br>Xem <a href="https://x.test/?a=1&amp;b=2">1:35</a>'
    assert strip_html(html) == "Ăn kèm giá & rau.\nXem 1:35"
    assert strip_html("plain text") == "plain text"


def test_ids_and_parents() -> None:
    assert clean_id(7364201839472910337) == "7364201839472910337"
    assert clean_id(12.0) == "12"
    assert clean_id("  ") is None
    assert parent_or_none("0") is None
    assert parent_or_none(0) is None
    assert parent_or_none("", own_ids=("1",)) is None
    assert parent_or_none("555", own_ids=("555",)) is None
    assert parent_or_none("444", own_ids=("555",)) == "444"


def test_envelopes_unwrap_api_pages() -> None:
    assert expand_envelope(
        {"kind": "youtube#commentThreadListResponse", "items": [{"id": "a"}]}
    ) == [{"id": "a"}]
    assert expand_envelope({"data": [{"id": "b"}], "paging": {}}) == [{"id": "b"}]
    assert expand_envelope({"data": {"comments": [{"id": 1}], "has_more": False}}) == [{"id": 1}]
    assert expand_envelope({"id": "c", "data": []}) is None


def test_unknown_shape_lists_fields_and_known_formats(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"msg": "hi", "who": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        detect_export_format([path])
    message = str(info.value)
    assert "['msg', 'who']" in message
    for name in FORMATS[1:]:
        assert name in message


def test_declared_format_that_does_not_fit_is_an_input_error() -> None:
    with pytest.raises(InputError, match="does not look like a tiktok export"):
        read_export("tiktok", [FIXTURES / "youtube" / "videos.json"])


def test_unknown_format_name_and_missing_file() -> None:
    with pytest.raises(InputError, match="unknown export format 'myspace'"):
        read_export("myspace", [FIXTURES / "youtube" / "videos.json"])
    with pytest.raises(InputError, match="does not exist"):
        read_export("youtube", [FIXTURES / "youtube" / "nope.json"])


def test_mixed_platforms_are_refused() -> None:
    with pytest.raises(InputError, match="mix export formats"):
        detect_export_format(
            [FIXTURES / "youtube" / "videos.json", FIXTURES / "tiktok" / "comments_page1.json"]
        )


def test_broken_jsonl_line_is_a_row_problem_and_the_rest_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "search_comments_2024-06-01.jsonl"
    good = {
        "comment_id": "1",
        "content": "很好用",
        "note_id": "n1",
        "create_time": 1717200000000,
        "user_id": "u1",
    }
    path.write_text(
        json.dumps(good, ensure_ascii=False)
        + "\n{broken\n"
        + json.dumps({**good, "comment_id": "2"})
        + "\n",
        encoding="utf-8",
    )
    export = read_export("mediacrawler", [path])
    assert list(export.comments["comment_id"]) == ["1", "2"]
    assert [(p.line, p.source) for p in export.problems] == [(2, str(path))]


def test_iter_export_streams_rows_of_each_table_and_problems() -> None:
    state = ExportState()
    items = list(iter_export("auto", sorted((FIXTURES / "youtube").glob("*.json")), state))
    tables = {item.table for item in items if isinstance(item, ExportRow)}
    assert tables == {"comments", "posts", "creators"}
    assert sum(isinstance(item, RowProblem) for item in items) == 1
    assert state.format == "youtube"
    row = next(item for item in items if isinstance(item, ExportRow) and item.table == "comments")
    assert row.source.endswith(".json") and row.line >= 1
    assert row.values["created_at"].tzinfo is not None


def test_iter_export_checks_the_input_before_the_first_row(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        iter_export("youtube", [tmp_path / "missing.json"])  # raised at the call, not on next()


def test_export_with_no_records_has_all_columns(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("[]", encoding="utf-8")
    export = read_export("tiktok", [path])
    assert export.comments.empty
    assert "text" in export.comments.columns and "created_at" in export.comments.columns
    assert any("no records" in note for note in export.notes)
