import csv
import json
import subprocess
import sys

import pytest

from genuine_cli.main import main

TEXTS = [
    "hay quá",
    "màu son này lên môi có bị khô không?",
    "加薇信 abc12345",
    "the 3:40 tip saved my cake",
]


@pytest.fixture
def inputs(tmp_path):
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(TEXTS)
        ),
        encoding="utf-8",
    )
    csv_path = tmp_path / "in.csv"
    with csv_path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "content"])
        for i, t in enumerate(TEXTS):
            writer.writerow([i, t + "\nsecond line" if i == 1 else t])
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": list(range(len(TEXTS))), "text": TEXTS}), parquet)
    return {"jsonl": jsonl, "csv": csv_path, "parquet": parquet}


@pytest.mark.parametrize("out_suffix", [".csv", ".jsonl", ".parquet", ".json"])
def test_each_input_and_output_format(tiny_model_dir, inputs, tmp_path, out_suffix):
    for kind, path in inputs.items():
        out = tmp_path / f"out_{kind}{out_suffix}"
        column = ["--text-column", "content"] if kind == "csv" else []
        code = main(
            ["predict", str(path), "-o", str(out), "--model", str(tiny_model_dir), "-q", *column]
        )
        assert code == 0
        rows = _read(out)
        assert len(rows) == len(TEXTS)
        assert {"label", "score", "lang", "reasons"} <= set(rows[0])
        assert [str(r["id"]) for r in rows] == [str(i) for i in range(len(TEXTS))]


def _read(path):
    if path.suffix == ".csv":
        with path.open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def test_stdin_to_stdout_filter(tiny_model_dir):
    stdin = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in TEXTS)
    result = subprocess.run(
        [sys.executable, "-m", "genuine_cli", "predict", "-", "--model", str(tiny_model_dir), "-q"],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == TEXTS
    assert all(r["label"] in ("substantive", "generic") for r in rows)


def test_bad_rows_are_reported_and_the_rest_scored(tiny_model_dir, tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"text": "hay quá"}\n{"text": ""}\n{broken\n{"text": null}\n{"text": "nice"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(path), "-o", str(out), "--model", str(tiny_model_dir), "-q"]) == 0
    rows = _read(out)
    assert len(rows) == 5  # one row per input line: the broken JSON line keeps its place
    errors = [r["error"] for r in rows]
    assert errors[0] is None and errors[4] is None
    assert errors[1] == "empty text" and errors[3] == "missing text (None)"
    assert errors[2].startswith("broken JSON") and rows[2]["label"] is None
    err = capsys.readouterr().err
    assert "line 2, field 'text': empty text" in err
    assert "line 3: broken JSON" in err
    assert "line 4, field 'text': missing text" in err


def test_clear_errors_without_traceback(tiny_model_dir, tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["predict", str(missing), "--model", str(tiny_model_dir)]) == 2
    assert "does not exist" in capsys.readouterr().err
    wrong = tmp_path / "c.csv"
    wrong.write_text("content\nhay\n", encoding="utf-8")
    assert main(["predict", str(wrong), "--model", str(tiny_model_dir)]) == 2
    assert "pass --text-column" in capsys.readouterr().err
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("text\n这个粉底好用吗\n".encode("gbk"))
    assert main(["predict", str(gbk), "--model", str(tiny_model_dir)]) == 2
    assert "--encoding gbk" in capsys.readouterr().err
    out = tmp_path / "gbk.jsonl"
    assert (
        main(
            [
                "predict",
                str(gbk),
                "--encoding",
                "gbk",
                "-o",
                str(out),
                "--model",
                str(tiny_model_dir),
                "-q",
            ]
        )
        == 0
    )
    assert _read(out)[0]["text"] == "这个粉底好用吗"


def test_failed_run_leaves_no_output(tiny_model_dir, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("previous complete result\n")
    assert (
        main(
            [
                "predict",
                str(tmp_path / "missing.jsonl"),
                "-o",
                str(out),
                "--model",
                str(tiny_model_dir),
            ]
        )
        == 2
    )
    assert out.read_text() == "previous complete result\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv")]


def test_version_and_help():
    result = subprocess.run(
        [sys.executable, "-m", "genuine_cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("genuine ")
    result = subprocess.run(
        [sys.executable, "-m", "genuine_cli", "predict", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--text-column" in result.stdout and "--threshold" in result.stdout
