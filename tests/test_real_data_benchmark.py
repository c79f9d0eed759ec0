"""benchmarks/real_data.py on a user's own labeled comments (--labeled), where ../shared is absent."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import real_data  # noqa: E402

SPAM = [
    "check out my channel!!! subscribe pls",
    "Huge giveaway on my page, click the link in my bio",
    "follow me I follow back",
    "nice",
    "first!!!",
    "love it",
]
REAL = [
    "The key change before the last chorus caught me off guard, in the best way",
    "I saw them live in Hanoi last year and the bridge sounded even better without the strings",
    "Does anyone know which guitar he plays in the second verse? It sounds like a twelve-string",
    "My daughter learned the piano part from this video, the slow tempo helped her a lot",
]


@pytest.fixture()
def youtube_csv(tmp_path: Path) -> Path:
    """A YouTube-style export: CONTENT / CLASS (1 = spam), no language column, one empty row."""
    path = tmp_path / "my_comments.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["COMMENT_ID", "AUTHOR", "CONTENT", "CLASS"])
        rows = [(t, 1) for t in SPAM] + [(t, 0) for t in REAL] + [("", 0)]
        for i, (text, label) in enumerate(rows):
            writer.writerow([f"c{i}", f"user{i}", text, label])
    return path


def test_user_file_gets_the_table_and_errors(youtube_csv, monkeypatch, capsys):
    monkeypatch.setattr(real_data, "REAL", youtube_csv.parent / "absent")  # as on a user's machine
    code = real_data.main(
        [
            "--labeled",
            str(youtube_csv),
            "--text-column",
            "CONTENT",
            "--label-column",
            "CLASS",
            "--label-map",
            "1=generic,0=substantive",
            "--errors",
            "2",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "### Your labeled comments" in out
    rows = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in out.splitlines()
        if line.startswith("| my_comments.csv")
    ]
    # file, labels, lang (no column: the model's language ID), n, substantive share, macro-F1...
    by_lang = {cells[2]: cells for cells in rows}
    assert by_lang["en"][:2] == ["my_comments.csv (language detected)", "yours"]
    assert sum(int(cells[3]) for cells in rows) == 10  # every non-empty row, once
    assert 0.0 <= float(by_lang["en"][5]) <= 1.0
    assert "most confident errors" in out
    assert "line 12" in err and "CONTENT" in err  # the empty row is reported, not dropped silently


def test_a_wrong_column_is_a_clear_error(youtube_csv, capsys):
    code = real_data.main(["--labeled", str(youtube_csv), "--text-column", "BODY"])
    err = capsys.readouterr().err
    assert code == 2
    assert "BODY" in err and "Traceback" not in err


def test_without_the_shared_data_it_says_where_it_comes_from(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(real_data, "REAL", tmp_path / "absent")
    assert real_data.main([]) == 0
    out = capsys.readouterr().out
    assert "docs/real_data.md" in out and "--labeled FILE" in out
