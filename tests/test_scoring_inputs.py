"""Input handling: files and DataFrames, missing optional columns, bad rows, labels, predictors."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import classifier.predictor
from classifier.io.problems import InputError
from classifier.predictor import Prediction
from classifier.scoring import score_creators

T0 = pd.Timestamp("2025-03-01T12:00:00Z")


def rows(n: int = 40, creator: str = "x") -> list[dict]:
    return [
        {
            "creator_id": creator,
            "post_id": f"{creator}-p{i % 4}",
            "author_id": f"a{i}",
            "created_at": (T0 + pd.Timedelta(hours=i)).isoformat(),
            "text": f"comment about step {i} of {creator}",
            "label": "substantive" if i % 3 == 0 else "generic",
        }
        for i in range(n)
    ]


def test_minimal_columns_score_and_report_what_is_off() -> None:
    frame = pd.DataFrame(rows())[["creator_id", "post_id", "text", "label"]]
    report = score_creators(frame)
    assert report.creator("x")["comments"] == 40
    for signal in (
        "pods",
        "repeat_generic_authors",
        "genuine_authors",
        "bursts",
        "engagement_rate",
        "sponsored_split",
        "categories",
        "platform_norm",
    ):
        assert signal in report.signals_off, signal
    assert report.creator("x")["genuine_authors"] is None
    assert report.pods == () and report.bursts == ()
    flags = report.flags()
    assert "bursts" in flags["signals_off"]


def test_bad_rows_are_reported_with_line_and_field_and_the_rest_scored(tmp_path) -> None:
    path = tmp_path / "comments.csv"
    frame = pd.DataFrame(rows(20))
    frame.loc[1, "creator_id"] = ""
    frame.loc[3, "text"] = "   "
    frame.loc[5, "created_at"] = "yesterday-ish"
    frame.loc[7, "post_id"] = None
    frame.to_csv(path, index=False)
    report = score_creators(str(path))
    found = {(p.line, p.field) for p in report.problems}
    # CSV lines: header is line 1, so frame row k is line k + 2
    assert found == {(3, "creator_id"), (5, "text"), (7, "created_at"), (9, "post_id")}
    assert all(p.source == str(path) for p in report.problems)
    assert report.creator("x")["comments"] == 16
    assert len(report.flags()["problems"]) == 4


def test_rows_without_a_usable_label_are_reported() -> None:
    frame = pd.DataFrame(rows(10)).drop(columns=["label"]).assign(score=0.7)
    frame.loc[2, "score"] = 3.5
    frame.loc[4, "score"] = None
    report = score_creators(frame)
    assert {(p.line, p.field) for p in report.problems} == {(3, "score"), (5, "score")}
    assert report.creator("x")["comments"] == 8


def test_text_column_option_and_a_helpful_error() -> None:
    frame = pd.DataFrame(rows(10)).rename(columns={"text": "content"})
    with pytest.raises(InputError, match=r"column 'text' not found .*--text-column"):
        score_creators(frame)
    assert score_creators(frame, text_column="content").creator("x")["comments"] == 10


def test_missing_file_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        score_creators(str(tmp_path / "nope.csv"))


def test_creator_comes_from_the_posts_table_when_comments_lack_it() -> None:
    frame = pd.DataFrame(rows(12)).drop(columns=["creator_id"])
    posts = pd.DataFrame(
        [{"post_id": f"x-p{i}", "creator_id": "x", "posted_at": T0.isoformat()} for i in range(4)]
    )
    assert score_creators(frame, posts).creator("x")["comments"] == 12


def test_file_and_dataframe_give_the_same_numbers(tmp_path) -> None:
    frame = pd.DataFrame(rows(60) + rows(45, "y"))
    frame.to_json(tmp_path / "c.jsonl", orient="records", lines=True, force_ascii=False)
    frame.to_parquet(tmp_path / "c.parquet")
    columns = ["creator_id", "comments", "substantive_share", "authenticity", "genuine_comments"]
    expected = score_creators(frame).creators[columns]
    for name in ("c.jsonl", "c.parquet"):
        got = score_creators(str(tmp_path / name)).creators[columns]
        pd.testing.assert_frame_equal(got, expected)


def test_timestamps_in_several_forms() -> None:
    frame = pd.DataFrame(rows(4))
    frame["created_at"] = ["2025-03-01T12:00:00Z", "2025-03-01 13:00:00+07:00", "1740830400", ""]
    report = score_creators(frame)
    assert report.problems == ()
    times = report.comments["created_at"]
    assert times.notna().sum() == 3
    assert str(times.dtype).startswith("datetime64") and "UTC" in str(times.dtype)


class FakePredictor:
    """Labels by keyword; counts calls so tests can check texts are predicted once each."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def predict(self, texts):
        texts = list(texts)
        self.seen += texts
        out = []
        for text in texts:
            if not isinstance(text, str) or not text.strip():
                out.append(Prediction(label=None, score=math.nan, lang="other", error="empty text"))
            elif "?" in text:
                out.append(Prediction("substantive", 0.9, "en", ("asks a question",), "question"))
            elif "zalo" in text:
                out.append(
                    Prediction("generic", 0.02, "vi", ("contact handle (zalo)",), "contact_bait")
                )
            else:
                out.append(Prediction("generic", 0.1, "en", (), "generic_praise"))
        return out


def predictor_rows() -> pd.DataFrame:
    texts = (
        ["which lens?"] * 10
        + ["nice"] * 25
        + ["kb zalo 0912345678"] * 3
        + ["how long to bake?"] * 2
    )
    return pd.DataFrame(
        [
            {"creator_id": "x", "post_id": "p", "author_id": f"a{i}", "text": t}
            for i, t in enumerate(texts)
        ]
    )


def test_predictor_runs_once_per_distinct_text_and_gives_categories() -> None:
    fake = FakePredictor()
    report = score_creators(predictor_rows(), predictor=fake)
    assert sorted(fake.seen) == sorted(
        {"which lens?", "nice", "kb zalo 0912345678", "how long to bake?"}
    )
    row = report.creator("x")
    assert row["bait_comments"] == 3
    assert "categories" not in report.signals_off
    assert set(report.comments["category"]) == {"question", "generic_praise", "contact_bait"}


def test_without_labels_the_default_model_is_loaded_lazily(monkeypatch) -> None:
    fake = FakePredictor()
    loads: list[tuple] = []

    def counting_load(*args, **kwargs):
        loads.append(args)
        return fake

    # Patched where scoring looks it up: labels.py imports it from classifier.predictor on use.
    monkeypatch.setattr(classifier.predictor, "load", counting_load)
    score_creators(pd.DataFrame(rows()))
    assert loads == []  # label columns present: no model is loaded
    report = score_creators(predictor_rows())
    assert loads == [()]  # no labels: the default model, loaded once, on demand
    assert set(fake.seen) == set(predictor_rows()["text"])
    assert report.creator("x")["comments"] == 40


def test_an_explicit_predictor_wins_over_label_columns() -> None:
    fake = FakePredictor()
    frame = predictor_rows().assign(label="substantive")
    report = score_creators(frame, predictor=fake)
    assert report.creator("x")["substantive_share"] < 0.5
