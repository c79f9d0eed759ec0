"""The files a new user has at hand in the first hour (issue 19, items 1-4).

Excel's "Unicode text" (UTF-16 with a byte-order mark, tab-separated, .txt), semicolon CSV
from European locales, a JSONL file with one broken line, and a run long enough to want a
progress bar: each read by the shared reader and checked through the real CLI.
"""

from __future__ import annotations

import codecs
import csv
import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from classifier.io.tables import read_table
from genuine_cli.main import main

HEADER = ("creator_id", "post_id", "text")
ROWS = (
    ("an_vlog", "p1", "màu son này lên môi có bị khô không, shop?"),
    ("an_vlog", "p1", "hay quá"),
    ("li_makeup", "p2", "这个粉底我用了一周，混油皮下午会浮粉；有人一样吗"),
    ("jess_fit", "p3", "the 3:40 tip saved my cake; what flour, though?"),
)


def _delimited(delimiter: str) -> str:
    """The rows as Excel writes them: CRLF line ends, a field quoted when it holds the delimiter."""
    buffer = []
    for row in (HEADER, *ROWS):
        cells = [f'"{c}"' if delimiter in c else c for c in row]
        buffer.append(delimiter.join(cells) + "\r\n")
    return "".join(buffer)


def _predict(args: list[str], model: Path) -> int:
    return main(["predict", *args, "--model", str(model), "-q"])


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _assert_all_rows(out: Path) -> None:
    rows = _read_jsonl(out)
    assert [(r["creator_id"], r["post_id"], r["text"]) for r in rows] == list(ROWS)
    assert all(r["label"] in ("substantive", "generic") and r["error"] is None for r in rows)


# 1. Byte-order marks pick the encoding ------------------------------------------------------

BOM_ENCODINGS = {
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
    "utf-8": codecs.BOM_UTF8,
}


@pytest.mark.parametrize("encoding", list(BOM_ENCODINGS))
def test_a_csv_with_a_byte_order_mark_is_read_in_its_encoding(
    encoding, tiny_model_dir, tmp_path, capsys
):
    src = tmp_path / f"{encoding}.csv"
    src.write_bytes(BOM_ENCODINGS[encoding] + _delimited(",").encode(encoding))
    out = tmp_path / "out.jsonl"
    assert _predict([str(src), "-o", str(out)], tiny_model_dir) == 0, capsys.readouterr().err
    _assert_all_rows(out)  # the mark is not part of the first column's name either


def test_utf16_jsonl_on_stdin(tiny_model_dir, tmp_path):
    records = [dict(zip(HEADER, row, strict=True)) for row in ROWS]
    data = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    result = subprocess.run(
        [sys.executable, "-m", "genuine_cli", "predict", "-", "-q", "--model", str(tiny_model_dir)],
        input=data.encode("utf-16"),
        capture_output=True,
        check=True,
    )
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["text"] for r in rows] == [r[2] for r in ROWS]


def test_undecodable_bytes_name_utf16_in_the_hint(tiny_model_dir, tmp_path, capsys):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text\ncafé très bon\n".encode("latin-1"))
    assert _predict([str(latin)], tiny_model_dir) == 2
    err = capsys.readouterr().err
    assert "latin.csv line 2" in err and "--encoding utf-16" in err and "--encoding latin-1" in err

    no_bom = tmp_path / "nobom.csv"  # UTF-16 without its mark: told apart by the zero bytes
    no_bom.write_bytes("text\nhay quá\n".encode("utf-16-le"))
    assert _predict([str(no_bom)], tiny_model_dir) == 2
    err = capsys.readouterr().err
    assert "looks like UTF-16 without a byte-order mark" in err and "utf-16-le" in err
    assert "Traceback" not in err


# 2. Delimiters: tab, semicolon, --format tsv, --sep --------------------------------------------


def test_excel_unicode_text_is_read_without_options(tiny_model_dir, tmp_path):
    """Excel's 'Save as Unicode text': UTF-16 LE with a BOM, tab-separated, named .txt."""
    src = tmp_path / "comments.txt"
    src.write_bytes(_delimited("\t").encode("utf-16"))
    out = tmp_path / "out.jsonl"
    assert _predict([str(src), "-o", str(out)], tiny_model_dir) == 0
    _assert_all_rows(out)


@pytest.mark.parametrize("flags", [[], ["--format", "csv"], ["--format", "tsv"], ["--sep", "\\t"]])
def test_tab_separated_txt(flags, tiny_model_dir, tmp_path, capsys):
    src = tmp_path / "export.txt"
    src.write_text(_delimited("\t"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _predict([str(src), "-o", str(out), *flags], tiny_model_dir) == 0, (
        capsys.readouterr().err
    )
    _assert_all_rows(out)


def test_semicolon_csv_from_a_european_excel(tiny_model_dir, tmp_path):
    src = tmp_path / "bình_luận.csv"  # texts hold commas; the header holds the semicolons
    src.write_bytes(codecs.BOM_UTF8 + _delimited(";").encode("utf-8"))
    out = tmp_path / "out.csv"
    assert _predict([str(src), "-o", str(out)], tiny_model_dir) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["creator_id"], r["text"]) for r in rows] == [(r[0], r[2]) for r in ROWS]


def test_sep_reads_a_delimiter_that_is_not_guessed(tiny_model_dir, tmp_path):
    src = tmp_path / "pipes.csv"
    src.write_text(_delimited("|"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _predict([str(src), "-o", str(out), "--sep", "|"], tiny_model_dir) == 0
    _assert_all_rows(out)


def test_a_header_read_as_one_column_says_which_delimiter_it_holds(
    tiny_model_dir, tmp_path, capsys
):
    src = tmp_path / "export.txt"
    src.write_text(_delimited("\t"), encoding="utf-8")
    assert _predict([str(src), "--sep", ","], tiny_model_dir) == 2
    err = capsys.readouterr().err
    assert "one column whose name holds tab characters" in err and "--sep '\\t'" in err
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text(_delimited(";"), encoding="utf-8")
    assert _predict([str(semicolons), "--sep", "\\t"], tiny_model_dir) == 2
    err = capsys.readouterr().err
    assert "semicolon characters" in err and "--sep ';'" in err
    assert _predict([str(semicolons), "--sep", "ab"], tiny_model_dir) == 2
    assert "a delimiter is one character" in capsys.readouterr().err


def test_the_header_decides_the_delimiter():
    from classifier.io.tables import sniff_delimiter

    # Free text holds commas and semicolons; only the header says which one separates.
    assert sniff_delimiter(["id\ttext\n", "1\thi, you; there\n"]) == "\t"
    assert sniff_delimiter(["id;text\n", "1;hi, you, there\n"]) == ";"
    assert sniff_delimiter(["id,text\n", "1,hi; you; there\n"]) == ","
    assert sniff_delimiter(["text\n", "hi, you; there\n"]) == ","  # one column: the default
    assert sniff_delimiter(["text\n"], default="\t") == "\t"


def test_train_side_readers_share_the_sniffing(tmp_path, capsys):
    """`genuine data stats` (and train/evaluate, through the same load_labeled) read a
    UTF-16 tab-separated .txt and a semicolon CSV without options."""
    labeled = (
        "text\tlabel\tlang\r\nmàu này có bền không?\tsubstantive\tvi\r\nhay quá\tgeneric\tvi\r\n"
    )
    utf16 = tmp_path / "labeled.txt"
    utf16.write_bytes(labeled.encode("utf-16"))
    semi = tmp_path / "labeled.csv"
    semi.write_text(labeled.replace("\t", ";"), encoding="utf-8")
    for path in (utf16, semi):
        assert main(["data", "stats", str(path)]) == 0
        out = capsys.readouterr().out
        assert "2 rows, 0 bad rows" in out


def test_score_reads_a_semicolon_utf16_file(tiny_model_dir, tmp_path, capsys):
    src = tmp_path / "comments.csv"
    src.write_bytes(_delimited(";").encode("utf-16"))
    out = tmp_path / "out"
    args = ["score", str(src), "-o", str(out), "--model", str(tiny_model_dir), "--no-html"]
    assert main([*args, "-q"]) == 0, capsys.readouterr().err
    with (out / "comments.csv").open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert sorted(texts) == sorted(r[2] for r in ROWS)


def test_tsv_output_is_tab_separated(tiny_model_dir, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(_delimited(","), encoding="utf-8")
    out = tmp_path / "out.tsv"
    assert _predict([str(src), "-o", str(out)], tiny_model_dir) == 0
    table = read_table(out)
    assert [r["text"] for r in table.records] == [r[2] for r in ROWS]
    assert out.read_text(encoding="utf-8").startswith("creator_id\tpost_id\ttext\t")


# 3. Every input line keeps an output row; messages in line order, and truthful -------------


def test_a_broken_jsonl_line_keeps_its_row(tiny_model_dir, tmp_path, capsys):
    lines = [
        '{"id": 1, "text": "hay quá"}',
        '{"id": 2, "text": "which lens is this?"}',
        '{"id": 3, "text": ""}',
        '{"id": 4, "text": "broken", }',
        "",
        '["not", "an object"]',
        '{"id": 7, "text": "nice"}',
    ]
    src = tmp_path / "comments.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for out in (tmp_path / "out.jsonl", tmp_path / "out.csv"):
        assert main(["predict", str(src), "-o", str(out), "--model", str(tiny_model_dir)]) == 0
        if out.suffix == ".csv":
            with out.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            assert list(rows[0])[:2] == ["id", "text"]  # input columns first, as they came
            errors = [r["error"] or None for r in rows]
        else:
            rows = _read_jsonl(out)
            errors = [r["error"] for r in rows]
        assert len(rows) == len(lines)
        assert errors[0] is None and errors[1] is None and errors[6] is None
        assert errors[2] == "empty text"
        assert errors[3].startswith("broken JSON")
        assert errors[4].startswith("blank line")
        assert errors[5] == "expected a JSON object, found list"
        assert [str(r["id"]) for r in (rows[0], rows[1], rows[6])] == ["1", "2", "7"]
        assert not rows[3]["label"]

        err = capsys.readouterr().err
        reported = [line for line in err.splitlines() if "comments.jsonl line" in line]
        assert [int(line.split(" line ")[1].split(":")[0].split(",")[0]) for line in reported] == [
            3,
            4,
            5,
            6,
        ]
        assert all(line.startswith("genuine predict: not labeled: ") for line in reported)
        assert "skipped" not in err
        assert "their output rows keep their place" in err


def test_a_csv_row_with_too_many_cells_keeps_its_row(tiny_model_dir, tmp_path, capsys):
    src = tmp_path / "comments.csv"
    src.write_text("id,text\n1,hay quá\n2,nice, really,nice\n3,which lens?\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert _predict([str(src), "-o", str(out)], tiny_model_dir) == 0
    rows = _read_jsonl(out)
    assert [r["id"] for r in rows] == ["1", None, "3"]
    assert rows[1]["error"].startswith("expected 2 columns as in the header, found 4")
    assert "comments.csv line 3: expected 2 columns" in capsys.readouterr().err


# 4. Progress on a terminal by default; quiet when piped or with -q; where the output went -----


def _small_jsonl(tmp_path: Path, n: int = 300) -> Path:
    src = tmp_path / "many.jsonl"
    src.write_text(
        "".join(json.dumps({"text": f"{ROWS[i % 4][2]} {i}"}) + "\n" for i in range(n)),
        encoding="utf-8",
    )
    return src


def _stderr_on_a_terminal(args: list[str]) -> str:
    """Run ``genuine ARGS`` with stderr on a pseudo-terminal (stdout piped); return stderr."""
    controller, terminal = pty.openpty()
    # A fresh pseudo-terminal is 0 columns wide, where tqdm draws nothing: size it as a window.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "genuine_cli", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=terminal,
        )
    finally:
        os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=120) == 0, b"".join(chunks)
    return b"".join(chunks).decode("utf-8", "replace")


def test_predict_shows_progress_on_a_terminal_and_says_where_it_wrote(tiny_model_dir, tmp_path):
    src, out = _small_jsonl(tmp_path), tmp_path / "labeled.csv"
    args = ["predict", str(src), "-o", str(out), "--model", str(tiny_model_dir)]
    shown = _stderr_on_a_terminal(args)
    assert "predict: 100%" in shown and "300/300" in shown
    assert f"wrote 300 rows to {out}" in shown

    piped = subprocess.run(
        [sys.executable, "-m", "genuine_cli", *args], capture_output=True, text=True, check=True
    ).stderr
    assert "300/300" not in piped and "%|" not in piped
    assert f"genuine predict: wrote 300 rows to {out}" in piped

    quiet = _stderr_on_a_terminal([*args, "-q"])
    assert quiet == ""


def test_score_and_evaluate_show_progress_only_on_a_terminal(
    tiny_model_dir, tmp_path, capsys, monkeypatch
):
    src = tmp_path / "comments.csv"
    src.write_text(_delimited(","), encoding="utf-8")
    labeled = tmp_path / "labeled.jsonl"
    labeled.write_text(
        '{"text": "which lens is this?", "label": "substantive"}\n'
        '{"text": "hay quá", "label": "generic"}\n',
        encoding="utf-8",
    )
    score = ["score", str(src), "-o", str(tmp_path / "out"), "--model", str(tiny_model_dir)]
    evaluate = ["evaluate", str(labeled), "--model", str(tiny_model_dir)]
    evaluate += ["-o", str(tmp_path / "eval")]
    for terminal in (False, True):
        monkeypatch.setattr(sys.stderr, "isatty", lambda terminal=terminal: terminal)
        assert main([*score, "--no-html"]) == 0
        err = capsys.readouterr().err
        assert ("label: 100%" in err) is terminal, err
        assert main(evaluate) == 0
        err = capsys.readouterr().err
        assert ("evaluate: 100%" in err) is terminal, err
        assert f"wrote {tmp_path / 'eval' / 'evaluation.json'}" in err
    assert main([*score, "--no-html", "-q"]) == 0
    assert main([*evaluate, "-q"]) == 0
    assert capsys.readouterr().err == ""
