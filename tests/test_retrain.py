"""Retraining with your own labels: a category head when your rows have no categories, and
your file beside the shipped corpus in one command (``--with-corpus``).

The shipped corpus is swapped for a sample of it (``training.data.CORPUS_DIR``) so each
training run takes seconds.
"""

import csv
import json
import random

import pytest

from classifier.model_dir import CATEGORIES
from genuine_cli.main import main
from training.data import CORPUS_NAME

SIDE = {c: side for side, names in CATEGORIES.items() for c in names}


@pytest.fixture(scope="module")
def shuffled_corpus_rows(corpus):
    rows = list(corpus.rows)
    random.Random(7).shuffle(rows)
    return rows


@pytest.fixture
def small_corpus(tmp_path, monkeypatch, shuffled_corpus_rows):
    """A 700-row sample of the corpus (categories and splits kept) standing in for data/corpus."""
    import training.data

    folder = tmp_path / "corpus"
    folder.mkdir()
    rows = shuffled_corpus_rows[:700]
    with (folder / "sample.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            record = {"text": row.text, "label": row.label, "lang": row.lang}
            record |= {"category": row.category, "split": row.split}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    monkeypatch.setattr(training.data, "CORPUS_DIR", folder, raising=False)
    return rows


def _write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def mine_csv(tmp_path, shuffled_corpus_rows):
    """Someone's labels: text and label only, no category column (other rows than the sample)."""
    rows = shuffled_corpus_rows[1000:1400]
    return _write_csv(tmp_path / "mine.csv", ["text", "label"], [[r.text, r.label] for r in rows])


def test_train_without_categories_still_predicts_categories(
    small_corpus, mine_csv, tmp_path, capsys
):
    out = tmp_path / "model"
    assert main(["train", str(mine_csv), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    corpus_train = [r for r in small_corpus if r.split == "train"]
    n_categories = len({r.category for r in corpus_train})
    assert (
        f"category head: learned from {CORPUS_NAME}: {len(corpus_train)} training rows with a "
        f"category, {n_categories} categories, because the training data has no category column"
        in err
    )
    manifest = json.loads((out / "manifest.json").read_text())
    head = manifest["extra"]["category_head"]
    assert head["source"] == CORPUS_NAME and head["rows"] == len(corpus_train)
    assert {"question", "generic_praise"} <= set(head["categories"])
    assert manifest["extra"]["categories"] == head["categories"]
    assert "Category head: learned from" in (out / "MODEL_CARD.md").read_text()

    # predict fills `category`, always a category of the predicted label
    texts = [r.text for r in small_corpus[:40]]
    comments = _write_csv(tmp_path / "comments.csv", ["text"], [[t] for t in texts])
    predicted = tmp_path / "predicted.jsonl"
    assert main(["predict", str(comments), "--model", str(out), "-o", str(predicted), "-q"]) == 0
    records = [json.loads(line) for line in predicted.read_text().splitlines()]
    assert len(records) == 40
    assert all(SIDE[r["category"]] == r["label"] for r in records)

    # score sees categories (its category-mix and bait signals stay on)
    import pandas as pd

    import classifier
    from classifier.scoring.labels import attach_labels

    frame = pd.DataFrame({"text": texts, "_source": "comments.csv", "_line": range(2, 42)})
    labeled = attach_labels(frame, classifier.load(str(out)))
    assert labeled.has_category

    # evaluate: the head's table on categorized rows, and why there is none on your rows
    assert main(["evaluate", "--model", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Category head: names the labeled category of" in printed
    assert "| question |" in printed
    assert main(["evaluate", str(mine_csv), "--model", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Per-category recall: none of these rows has a category" in printed
    assert "these rows carry no category to check the guesses against" in printed


def test_with_corpus_reads_your_columns_and_lists_both_sources(
    small_corpus, shuffled_corpus_rows, tmp_path, capsys
):
    picked = shuffled_corpus_rows[1000:1300]
    source = _write_csv(
        tmp_path / "mine.csv",
        ["ID", "CONTENT", "LABEL"],
        [[i, r.text, r.label] for i, r in enumerate(picked)],
    )
    out = tmp_path / "model"
    args = ["train", "--with-corpus", str(source), "--text-column", "CONTENT"]
    args += ["--label-column", "LABEL", "--corpus-weight", "0.5", "-o", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert (
        f"learned from: mine.csv ({len(picked)} rows, weight 1), "
        f"{CORPUS_NAME} ({len(small_corpus)} rows, weight 0.5)" in err
    )
    manifest = json.loads((out / "manifest.json").read_text())
    sources = manifest["training_data"]["sources"]
    assert [(s["name"], s["rows"], s["weight"]) for s in sources] == [
        ("mine.csv", len(picked), 1.0),
        (CORPUS_NAME, len(small_corpus), 0.5),
    ]
    assert sources[0]["categorized"] == 0 and sources[1]["categorized"] == len(small_corpus)
    assert sum(sources[1]["splits"].values()) == len(small_corpus)
    card = (out / "MODEL_CARD.md").read_text()
    assert f"| mine.csv | {len(picked)} |" in card
    assert f"| {CORPUS_NAME} | {len(small_corpus)} |" in card and "| 0.5 |" in card
    # the corpus rows in the training data carry categories: the head learns from them
    head = manifest["extra"]["category_head"]
    assert head["source"] == CORPUS_NAME and head["reason"] == "the training rows carry categories"


def test_column_options_that_do_not_fit_a_file_name_it(small_corpus, tmp_path, capsys):
    """Listing corpus files beside your own applies your columns to them: a clear error that
    names the corpus file and points at --with-corpus, before any training."""
    import training.data

    mine = _write_csv(tmp_path / "mine.csv", ["CONTENT", "LABEL"], [["hay quá", "generic"]])
    corpus_file = str(training.data.CORPUS_DIR / "sample.jsonl")
    out = str(tmp_path / "model")
    args = ["train", str(mine), corpus_file, "--text-column", "CONTENT", "--label-column", "LABEL"]
    assert main([*args, "-o", out]) == 2
    err = capsys.readouterr().err
    assert f"column 'CONTENT' not found in {corpus_file}" in err
    assert "sample.jsonl is a shipped corpus file" in err and "--with-corpus" in err

    # a label map that fits one file but not the other loses a whole file: an error, too
    other = tmp_path / "other.jsonl"
    other.write_text('{"text": "xin chào", "label": "generic"}\n', encoding="utf-8")
    coded = _write_csv(tmp_path / "coded.csv", ["text", "label"], [["so good", "1"]])
    assert main(["train", str(coded), str(other), "--label-map", "1=generic", "-o", out]) == 2
    err = capsys.readouterr().err
    assert f"none of the 1 rows of {other} could be used" in err
    assert "apply to every DATA file" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["CORPUS_FILE", "--with-corpus"], "is a shipped corpus file, which --with-corpus adds"),
        (["--corpus-weight", "0.3"], "add --with-corpus to train on it beside DATA"),
        (["--with-corpus", "--corpus-weight", "0"], "--corpus-weight must be positive"),
    ],
)
def test_corpus_options_misused_are_refused(
    small_corpus, mine_csv, tmp_path, capsys, extra, message
):
    import training.data

    corpus_file = str(training.data.CORPUS_DIR / "sample.jsonl")
    extra = [corpus_file if e == "CORPUS_FILE" else e for e in extra]
    assert main(["train", str(mine_csv), *extra, "-o", str(tmp_path / "m")]) == 2
    assert message in capsys.readouterr().err


def test_with_corpus_needs_your_data(capsys, tmp_path):
    assert main(["train", "--with-corpus", "-o", str(tmp_path / "m")]) == 2
    assert "--with-corpus adds the shipped corpus beside your DATA files" in capsys.readouterr().err
    assert main(["train", "--text-column", "CONTENT", "-o", str(tmp_path / "m")]) == 2
    assert "--text-column describe DATA files, and none were given" in capsys.readouterr().err
