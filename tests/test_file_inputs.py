"""Awkward files from real pipelines, and runs killed half-way (issue: hardening).

Each case goes through the real CLI: a clear message naming file, line and problem, the rest
of the rows scored, and never a half-written output.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from genuine_cli.main import main


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_bom_crlf_and_quoted_newlines_in_csv(tiny_model_dir, tmp_path):
    src = tmp_path / "export.csv"
    src.write_bytes(
        "\ufeffid,text\r\n"
        '1,"dòng một\r\ndòng hai, có dấu phẩy"\r\n'
        "2,hay quá\r\n"
        '3,"she said ""which lens?"""\r\n'.encode()
    )
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(src), "-o", str(out), "--model", str(tiny_model_dir), "-q"]) == 0
    rows = _read_jsonl(out)
    assert [r["id"] for r in rows] == ["1", "2", "3"]  # the BOM is not part of the first header
    assert rows[0]["text"] == "dòng một\r\ndòng hai, có dấu phẩy"
    assert rows[2]["text"] == 'she said "which lens?"'
    assert all(r["label"] in ("generic", "substantive") for r in rows)


def test_latin1_file_names_the_line_and_the_fix(tiny_model_dir, tmp_path, capsys):
    src = tmp_path / "latin.csv"
    src.write_bytes("text\nnice\nso good\ncafé très bon\n".encode("latin-1"))
    assert main(["predict", str(src), "--model", str(tiny_model_dir)]) == 2
    err = capsys.readouterr().err
    assert "latin.csv line 4" in err and "not valid utf-8" in err and "--encoding latin-1" in err
    assert "Traceback" not in err
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "predict",
            str(src),
            "--encoding",
            "latin-1",
            "-o",
            str(out),
            "--model",
            str(tiny_model_dir),
            "-q",
        ]
    )
    assert code == 0
    assert _read_jsonl(out)[2]["text"] == "café très bon"


def test_empty_and_header_only_files_are_clear_errors(tiny_model_dir, tmp_path, capsys):
    for name, content in (("empty.csv", ""), ("header.csv", "text\n"), ("empty.jsonl", "\n\n")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        assert main(["predict", str(path), "--model", str(tiny_model_dir), "-q"]) == 2
        err = capsys.readouterr().err
        assert f"{name} has no rows" in err, err


def test_truncated_parquet_is_a_clear_error(tiny_model_dir, tmp_path, capsys):
    good = tmp_path / "good.parquet"
    pd.DataFrame({"text": ["hay quá", "which lens is this?"] * 500}).to_parquet(good)
    broken = tmp_path / "broken.parquet"
    data = good.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    assert main(["predict", str(broken), "--model", str(tiny_model_dir), "-q"]) == 2
    err = capsys.readouterr().err
    assert "broken.parquet" in err and "truncated" in err and "Traceback" not in err


def test_missing_column_lists_the_columns_found(tiny_model_dir, tmp_path, capsys):
    src = tmp_path / "c.csv"
    with src.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["content", "author"], ["hay", "a1"]])
    assert main(["predict", str(src), "--model", str(tiny_model_dir), "-q"]) == 2
    err = capsys.readouterr().err
    assert "'content'" in err and "--text-column" in err


def _killed_half_way(args: list[str], started: re.Pattern[str]) -> None:
    """Start ``genuine ARGS`` in a subprocess, SIGKILL it once its stderr matches ``started``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "genuine_cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    seen = ""
    while not started.search(seen) and time.monotonic() < deadline:
        char = process.stderr.read(1)  # the progress bar redraws with \r, not \n
        if not char:
            break
        seen += char
    assert started.search(seen), seen
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_killed_predict_leaves_the_previous_output_and_a_rerun_matches(tiny_model_dir, tmp_path):
    texts = [
        "màu son này lên môi có bị khô không?",
        "hay quá",
        "这个粉底我用了一周，混油皮下午会浮粉",
        "check out my channel",
    ]
    src = tmp_path / "big.jsonl"
    with src.open("w", encoding="utf-8") as handle:
        for i in range(60_000):
            handle.write(json.dumps({"id": i, "text": f"{texts[i % 4]} {i}"}) + "\n")
    out = tmp_path / "labeled.csv"
    out.write_text("previous complete result\n", encoding="utf-8")
    args = ["predict", str(src), "-o", str(out), "--model", str(tiny_model_dir)]
    # Killed once the progress bar shows labeled comments: the run is mid-way.
    _killed_half_way([*args, "--progress"], re.compile(r"\| *[1-9][0-9]*/60000"))
    assert out.read_text(encoding="utf-8") == "previous complete result\n"

    small = tmp_path / "small.jsonl"
    small.write_text("".join(src.read_text(encoding="utf-8").splitlines(True)[:2000]))
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for target in (first, second):
        code = main(
            ["predict", str(small), "-o", str(target), "--model", str(tiny_model_dir), "-q"]
        )
        assert code == 0
    assert first.read_bytes() == second.read_bytes()
