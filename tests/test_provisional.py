"""Provisional verdicts and the ranking note: a user who scores comments with only
``creator_id, post_id, text`` is told which verdicts could be worse and which columns would
turn the missing checks on (terminal, report.html, creators.csv/.json, flags.json, Python API,
HTTP)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from classifier.scoring import ScoringConfig, score_creators
from classifier.scoring.columns import RANKING_NOTE
from genuine_cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
MODEL = ROOT / "models" / "default" / "manifest.json"
needs_model = pytest.mark.skipif(not MODEL.exists(), reason="the shipped model is missing")


@pytest.fixture(scope="module")
def text_only(tmp_path_factory) -> Path:
    """The shipped example comments with only the three required columns."""
    comments = pd.read_csv(EXAMPLES / "comments.csv", dtype=str, keep_default_na=False)
    path = tmp_path_factory.mktemp("text_only") / "comments.csv"
    comments[["creator_id", "post_id", "text"]].to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cli_run(text_only: Path, tmp_path_factory) -> tuple[str, Path]:
    """``genuine score comments.csv -o OUT`` on the text-only examples: (stdout, OUT)."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("out")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["score", str(text_only), "-o", str(out)]) == 0
    return buffer.getvalue(), out


@needs_model
def test_text_only_verdicts_are_provisional_in_every_output(cli_run) -> None:
    stdout, out = cli_run
    creators = pd.read_csv(out / "creators.csv", keep_default_na=False)
    # Every verdict is genuine or mixed here (the bought creators read "mixed", the mixed ones
    # "genuine"): pods, repeat accounts and bursts could have lowered each of them.
    assert set(creators["verdict"]) <= {"genuine", "mixed"}
    assert creators["provisional"].astype(str).str.lower().eq("true").all()
    assert set(creators["missing_columns"]) >= {"author_id, created_at"}
    assert creators["missing_signals"].str.contains("pods").all()
    assert creators["missing_signals"].str.contains("bursts").all()

    records = json.loads((out / "creators.json").read_text(encoding="utf-8"))
    first = records[0]
    assert first["provisional"] is True
    assert first["missing_columns"] == ["author_id", "created_at"]
    assert {"pods", "repeat_generic_authors", "bursts", "pod_timing"} <= set(
        first["missing_signals"]
    )
    # A genuine verdict no longer claims "no pods or bursts" when neither could be looked for.
    assert "pods and bursts not checked: no author_id, created_at" in " ".join(first["reasons"])

    flags = json.loads((out / "flags.json").read_text(encoding="utf-8"))
    assert flags["provisional_verdicts"] == len(records) == 12
    by_column = {m["column"]: m for m in flags["missing_columns"]}
    assert {"pods", "repeat_generic_authors"} <= set(by_column["author_id"]["signals"])
    assert "bursts" in by_column["created_at"]["signals"]
    assert by_column["author_id"]["can_lower_verdicts"] is True
    assert by_column["followers"]["can_lower_verdicts"] is False

    # The terminal: each verdict says provisional, and a table says what each column turns on.
    lines = stdout.splitlines()
    ids = set(creators["creator_id"])
    table = [line for line in lines if line.split()[1:2] and line.split()[1] in ids]
    assert len(table) == 12 and all("(provisional)" in line for line in table)
    assert "12 of 12 verdicts are provisional" in stdout
    column_rows = {line.split()[0]: line for line in lines if line.split()[:2][-1:] == ["comments"]}
    assert "pods" in column_rows["author_id"] and "bursts" in column_rows["created_at"]

    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('class="badge provisional"') >= 2 * 12  # ranking row and card
    assert 'id="missing-columns"' in html
    assert "<code>author_id</code></td><td>comments</td><td>pods and repeat generic" in html
    assert "Provisional verdict.</b> pods, repeat generic authors, bursts, pod timing" in html


@needs_model
def test_all_columns_give_firm_verdicts_and_say_how_the_ranking_sorts(tmp_path, capsys) -> None:
    code = main(
        [
            "score",
            str(EXAMPLES / "comments.csv"),
            "--posts",
            str(EXAMPLES / "posts.csv"),
            "--creators",
            str(EXAMPLES / "creators.csv"),
            "-o",
            str(tmp_path),
        ]
    )
    assert code == 0
    stdout = capsys.readouterr().out
    assert "provisional" not in stdout
    assert "columns missing" not in stdout
    # The ranking is explained right under the ranked table.
    lines = stdout.splitlines()
    last_row = max(i for i, line in enumerate(lines) if line.split()[:1] == ["12"])
    assert "ranked by the lower end of the 95% interval, then the score" in lines[last_row + 1]
    assert "52 (43-61) ranks above one at 63 (35-71)" in lines[last_row + 1]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<h2>Ranking</h2><p class="muted">Ranked by the lower end of the 95% interval' in html
    assert 'class="badge provisional"' not in html
    flags = json.loads((tmp_path / "flags.json").read_text(encoding="utf-8"))
    assert flags["ranking"] == RANKING_NOTE and flags["provisional_verdicts"] == 0
    creators = json.loads((tmp_path / "creators.json").read_text(encoding="utf-8"))
    assert not any(c["provisional"] or c["missing_signals"] for c in creators)


def _section(creator: str, n: int, substantive: int, **columns: object) -> list[dict]:
    rows = []
    for i in range(n):
        row = {
            "creator_id": creator,
            "post_id": f"{creator}-p{i % 4}",
            "text": f"comment {i} on {creator}",
            "label": "substantive" if i < substantive else "generic",
        }
        for name, value in columns.items():
            row[name] = value(i) if callable(value) else value
        rows.append(row)
    return rows


def test_per_creator_columns_and_verdict_classes() -> None:
    """Only the creator whose comments lack authors and times is provisional; a suspicious
    verdict cannot get worse, so it is not; too few comments is no verdict at all."""
    timed = {
        "author_id": lambda i: f"fan{i}",
        "created_at": lambda i: f"2025-03-0{1 + i % 4}T{i % 24:02d}:00:00Z",
    }
    rows = (
        _section("with_columns", 40, 15, **timed)
        + _section("without", 40, 15)
        + _section("low", 40, 1)  # 2.5% substantive: suspicious under the 10% floor
        + _section("few", 10, 5)
    )
    report = score_creators(pd.DataFrame(rows))
    table = report.creators.set_index("creator_id")
    assert table.loc["with_columns", "verdict"] == table.loc["without", "verdict"] == "genuine"
    assert not table.loc["with_columns", "provisional"]
    assert table.loc["with_columns", "missing_signals"] == []
    assert table.loc["without", "provisional"]
    assert table.loc["without", "missing_columns"] == ["author_id", "created_at"]
    assert table.loc["low", "verdict"] == "suspicious" and not table.loc["low", "provisional"]
    assert "pods" in table.loc["low", "missing_signals"]  # the check still did not run
    assert table.loc["few", "verdict"] == "insufficient data"
    assert not table.loc["few", "provisional"]
    # The Python API names what the missing columns would turn on.
    assert [u.column for u in report.missing_columns()][:2] == ["author_id", "created_at"]


def test_unknown_platform_is_provisional_only_when_a_stricter_norm_changes_the_class() -> None:
    """No platform: the 20% default norm (floor 10%); the strictest known norm (35%, floor
    17.5%) would lower the score of a creator under 17.5% substantive, and the verdict too when
    the lower score falls into a worse class."""
    cfg = ScoringConfig()
    full = {
        "author_id": lambda i: f"fan{i}",
        "created_at": lambda i: f"2025-03-0{1 + i % 4}T{i % 24:02d}:00:00Z",
    }
    # 100 comments each: 15% substantive stays genuine under the strictest norm (15/17.5 = 86);
    # 11% is genuine under the default floor (10%) and mixed under the strictest (11/17.5 = 63).
    rows = _section("fifteen", 100, 15, **full) + _section("eleven", 100, 11, **full)
    table = score_creators(pd.DataFrame(rows), config=cfg).creators.set_index("creator_id")
    assert table.loc["fifteen", "verdict"] == table.loc["eleven", "verdict"] == "genuine"
    assert table.loc["fifteen", "missing_signals"] == ["platform_norm"]
    assert not table.loc["fifteen", "provisional"]
    assert table.loc["eleven", "missing_signals"] == ["platform_norm"]
    assert table.loc["eleven", "provisional"]
    assert table.loc["eleven", "missing_columns"] == ["platform"]
    with_platform = pd.DataFrame({"creator_id": ["eleven"], "platform": ["youtube"]})
    table = score_creators(pd.DataFrame(rows), creators=with_platform).creators
    known = table.set_index("creator_id").loc["eleven"]
    assert not known["provisional"] and known["missing_signals"] == []


@needs_model
def test_http_score_carries_the_flag(text_only: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from classifier.service import ServiceLimits, create_app

    comments = pd.read_csv(text_only, dtype=str, keep_default_na=False)
    comments = comments.loc[comments["creator_id"].isin(["en_sambakes", "en_tyler.wealth"])]
    app = create_app(None, ServiceLimits(max_batch=1000, max_body_bytes=2_000_000))
    with TestClient(app) as client:
        response = client.post("/v1/score", json={"comments": comments.to_dict("records")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert all(c["provisional"] is True for c in body["creators"])
    assert body["creators"][0]["missing_columns"] == ["author_id", "created_at"]
    assert body["flags"]["ranking"] == RANKING_NOTE
    assert "author_id" in {m["column"] for m in body["flags"]["missing_columns"]}
