"""``genuine score``: files written atomically, bad rows reported, the report page's content."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from classifier.io.problems import RowProblem
from genuine_cli.main import main

T0 = pd.Timestamp("2025-03-01T12:00:00Z")
QUESTIONS = (
    "what hydration is this loaf?",
    "did you cold proof it overnight",
    "which flour brand do you like",
    "mine spread flat in the oven, why?",
    "how long does the starter need after feeding",
    "is a dutch oven really necessary",
    "the scoring pattern at 1:20 is so clean, what blade?",
    "can I swap half for whole wheat",
    "why does my crust go soft after an hour",
    "tried it with rye and it was dense",
    "what temp for the second bake",
    "how do you get that open crumb",
    "my dough tears when I stretch it",
    "does salt go in with the flour or later",
    "used your timing and it overproofed in my warm kitchen",
    "any tips for high altitude",
    "what size banneton is that",
    "the steam trick with ice cubes worked for me",
    "why rice flour for dusting",
    "can this be frozen after shaping",
)
FILES = {"creators.csv", "creators.json", "posts.csv", "comments.csv", "flags.json", "report.html"}
COPY = "Amazing content as always, keep up the great work and never stop inspiring us!!"


def write_inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    rows = []
    for c, creator in enumerate(("alice_bakes", "bob_deals")):
        for i in range(60):
            post = f"{creator}-p{i % 3}"
            text = QUESTIONS[i // 3] if i % 3 == 0 else f"nice {i}"
            rows.append(
                {
                    "creator_id": creator,
                    "post_id": post,
                    "comment_id": f"{creator}-{i}",
                    "author_id": f"{creator}-fan{i}",
                    "created_at": (T0 + pd.Timedelta(hours=i, days=c)).isoformat(),
                    "text": text,
                    "label": "substantive" if i % 3 == 0 else "generic",
                }
            )
    for k in range(10):
        rows.append(
            {
                "creator_id": "bob_deals",
                "post_id": "bob_deals-p0",
                "comment_id": f"copy{k}",
                "author_id": f"bot{k}",
                "created_at": (T0 + pd.Timedelta(days=1, minutes=k)).isoformat(),
                "text": COPY + ("!" * k),
                "label": "generic",
            }
        )
    rows.append(
        {
            "creator_id": "",
            "post_id": "p",
            "comment_id": "bad1",
            "author_id": "z",
            "created_at": T0.isoformat(),
            "text": "orphan",
            "label": "generic",
        }
    )
    comments = tmp_path / "comments.csv"
    pd.DataFrame(rows).to_csv(comments, index=False)
    posts = tmp_path / "posts.csv"
    pd.DataFrame(
        [
            {
                "post_id": f"{c}-p{i}",
                "creator_id": c,
                "posted_at": (T0 + pd.Timedelta(days=j)).isoformat(),
                "sponsored": i == 0,
            }
            for j, c in enumerate(("alice_bakes", "bob_deals"))
            for i in range(3)
        ]
    ).to_csv(posts, index=False)
    creators = tmp_path / "creators.csv"
    pd.DataFrame(
        [
            {
                "creator_id": "alice_bakes",
                "followers": 12000,
                "platform": "instagram",
                "language": "en",
            },
            {"creator_id": "bob_deals", "followers": 50000, "platform": "tiktok", "language": "en"},
        ]
    ).to_csv(creators, index=False)
    return comments, posts, creators


def test_score_writes_every_file_and_a_summary(tmp_path, capsys) -> None:
    comments, posts, creators = write_inputs(tmp_path)
    out = tmp_path / "out"
    code = main(
        ["score", str(comments), "--posts", str(posts), "--creators", str(creators), "-o", str(out)]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert {p.name for p in out.iterdir()} == FILES  # and no temporary files left behind
    assert "alice_bakes" in captured.out and "verdict" in captured.out
    assert f"{comments} line 132, field 'creator_id'" in captured.err
    creators_out = pd.read_csv(out / "creators.csv")
    assert list(creators_out["creator_id"]) == ["alice_bakes", "bob_deals"]
    assert creators_out.loc[1, "copy_paste_comments"] == 10
    flags = json.loads((out / "flags.json").read_text(encoding="utf-8"))
    assert flags["problems"][0]["line"] == 132 and flags["problems"][0]["field"] == "creator_id"
    assert flags["copy_paste_clusters"][0]["comments"] == 10
    scored = pd.read_csv(out / "comments.csv")
    assert (
        scored["comment_id"].str.startswith("copy").sum()
        == scored["flags"].fillna("").str.contains("copy-paste").sum()
    )
    data = json.loads((out / "creators.json").read_text(encoding="utf-8"))
    assert isinstance(data[0]["reasons"], list)


def test_report_page_is_self_contained_and_shows_the_evidence(tmp_path) -> None:
    comments, posts, creators = write_inputs(tmp_path)
    out = tmp_path / "out"
    assert (
        main(
            [
                "score",
                str(comments),
                "--posts",
                str(posts),
                "--creators",
                str(creators),
                "-o",
                str(out),
                "-q",
            ]
        )
        == 0
    )
    html = (out / "report.html").read_text(encoding="utf-8")
    for creator in ("alice_bakes", "bob_deals"):
        assert creator in html
    assert "genuine" in html and "Copy-paste C1" in html
    assert "Amazing content as always" in html
    assert "<svg" in html and "<style>" in html
    assert not re.search(r"<script|<link|<img|@import|url\(|https?://", html)


def test_quiet_prints_no_summary(tmp_path, capsys) -> None:
    comments, _, _ = write_inputs(tmp_path)
    assert main(["score", str(comments), "-o", str(tmp_path / "o"), "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_outputs_are_replaced_atomically(tmp_path, monkeypatch) -> None:
    comments, _, _ = write_inputs(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("old report", encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("classifier.scoring.html.render", broken)
    with pytest.raises(RuntimeError):
        main(["score", str(comments), "-o", str(out), "-q"])
    assert (out / "report.html").read_text(encoding="utf-8") == "old report"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_exclude_authors_as_list_and_file(tmp_path) -> None:
    comments, _, _ = write_inputs(tmp_path)
    team = tmp_path / "team.txt"
    team.write_text("alice_bakes-fan0\nalice_bakes-fan1\n", encoding="utf-8")
    for value in ("alice_bakes-fan0,alice_bakes-fan1", str(team)):
        out = tmp_path / f"o{len(value)}"
        assert main(["score", str(comments), "--exclude-authors", value, "-o", str(out), "-q"]) == 0
        row = pd.read_csv(out / "creators.csv").set_index("creator_id").loc["alice_bakes"]
        assert row["comments"] == 58 and row["excluded_comments"] == 2


def test_missing_input_is_a_clean_error(tmp_path, capsys) -> None:
    assert main(["score", str(tmp_path / "none.csv"), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "none.csv" in err and "Traceback" not in err


def test_an_output_folder_that_is_a_file_is_a_clean_error(tmp_path, capsys) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder", encoding="utf-8")
    path = tmp_path / "c.csv"
    pd.DataFrame([{"creator_id": "x", "post_id": "p", "text": "hi", "label": "generic"}]).to_csv(
        path, index=False
    )
    assert main(["score", str(path), "-o", str(taken), "-q"]) == 1
    err = capsys.readouterr().err
    assert "genuine score: error: File exists: " in err and str(taken) in err
    assert "Traceback" not in err


def test_missing_text_column_names_the_fix(tmp_path, capsys) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame([{"creator_id": "x", "post_id": "p", "content": "hi", "label": "generic"}]).to_csv(
        path, index=False
    )
    assert main(["score", str(path), "-o", str(tmp_path / "o")]) == 2
    assert "--text-column" in capsys.readouterr().err
    assert (
        main(["score", str(path), "--text-column", "content", "-o", str(tmp_path / "o"), "-q"]) == 0
    )


def test_from_platform_export_reports_missing_fields(tmp_path, monkeypatch) -> None:
    frame = pd.DataFrame(
        [
            {
                "creator_id": "chan",
                "post_id": f"v{i % 2}",
                "comment_id": str(i),
                "author_id": None,
                "text": f"comment {i} about the video?" if i % 2 else "cool",
                "created_at": pd.NaT,
                "like_count": None,
                "reply_to": None,
                "is_creator_reply": False,
                "label": "generic",
            }
            for i in range(40)
        ]
    )
    export = SimpleNamespace(
        comments=frame,
        posts=None,
        creators=None,
        format="youtube",
        missing_fields=["author_id", "created_at"],
        notes=[],
        problems=[RowProblem("threads.json", 7, "snippet", "no text")],
    )
    calls = []

    def fake_read_export(fmt, paths):
        calls.append((fmt, paths))
        return export

    monkeypatch.setattr("classifier.io.platforms.read_export", fake_read_export)
    out = tmp_path / "out"
    assert main(["score", "--from", "auto", "a.json", "b.json", "-o", str(out), "-q"]) == 0
    assert calls == [("auto", ["a.json", "b.json"])]
    flags = json.loads((out / "flags.json").read_text(encoding="utf-8"))
    assert any("author_id, created_at" in note for note in flags["notes"])
    assert {"pods", "bursts"} <= set(flags["signals_off"])
    assert flags["problems"][0]["source"] == "threads.json"


def test_from_auto_says_which_format_it_chose(tmp_path, capsys) -> None:
    fixtures = sorted(str(p) for p in (Path(__file__).parent / "fixtures" / "tiktok").iterdir())
    assert main(["score", "--from", "auto", *fixtures, "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "--from auto: read as tiktok" in err
    assert "no author: author-based signals off" in err
