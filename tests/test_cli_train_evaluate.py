import csv
import hashlib
import json
import random

import pytest

from genuine_cli.main import main


@pytest.fixture(scope="module")
def small_labeled_csv(tmp_path_factory, corpus):
    """A CSV in someone else's shape: CONTENT/CLASS columns with 1/0 labels."""
    rows = list(corpus.rows)
    random.Random(1).shuffle(rows)
    path = tmp_path_factory.mktemp("data") / "labeled.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CONTENT", "CLASS"])
        for row in rows[:700]:
            writer.writerow([row.text, 1 if row.label == "generic" else 0])
        writer.writerow(["", 1])
        writer.writerow(["bad label row", 7])
    return path


MAPPING = [
    "--text-column",
    "CONTENT",
    "--label-column",
    "CLASS",
    "--label-map",
    "1=generic,0=substantive",
]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_train_from_a_mapped_csv_is_deterministic_and_loads(small_labeled_csv, tmp_path, capsys):
    first, second = tmp_path / "m1", tmp_path / "m2"
    assert main(["train", str(small_labeled_csv), *MAPPING, "-o", str(first), "-q"]) == 0
    err = capsys.readouterr().err
    assert "field 'CONTENT': empty text" in err and "unknown label '7'" in err
    assert main(["train", str(small_labeled_csv), *MAPPING, "-o", str(second), "-q"]) == 0
    assert _sha(first / "weights.safetensors") == _sha(second / "weights.safetensors")
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["training_data"]["rows"]["train"] > 400
    import classifier

    assert classifier.load(str(first)).predict("hay quá").label in ("generic", "substantive")


def test_evaluate_prints_and_writes_reports(tiny_model_dir, small_labeled_csv, tmp_path, capsys):
    out = tmp_path / "eval"
    code = main(
        [
            "evaluate",
            str(small_labeled_csv),
            *MAPPING,
            "--model",
            str(tiny_model_dir),
            "-o",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "length-only macro-F1" in printed and "ECE" in printed
    report = json.loads((out / "evaluation.json").read_text())
    assert set(report["per_language"]) == {"vi", "zh", "en"}
    assert report["length_matched"]["all"]["model"]["n"] > 0
    assert (out / "evaluation.md").read_text().startswith("###")


def test_data_stats_reports_counts_and_bad_rows(small_labeled_csv, capsys):
    code = main(["data", "stats", str(small_labeled_csv), *MAPPING])
    out = capsys.readouterr().out
    assert code == 1  # bad rows present
    assert "substantive share" in out and "2 bad rows" in out


def test_data_stats_on_the_shipped_corpus_is_clean(capsys):
    assert main(["data", "stats"]) == 0
    out = capsys.readouterr().out
    for lang in ("vi", "zh", "en"):
        assert f"\n{lang} " in out


def test_evaluate_reports_the_category_head_beside_a_baseline(tiny_model_dir, tmp_path, capsys):
    """On the corpus (which has a category column) the head's own accuracy is reported, and
    it beats always guessing the most frequent category of the predicted label."""
    out = tmp_path / "eval"
    assert main(["evaluate", "--model", str(tiny_model_dir), "-o", str(out)]) == 0
    assert "Category head: names the labeled category of" in capsys.readouterr().out
    head = json.loads((out / "evaluation.json").read_text())["category_head"]
    assert head["n"] > 500
    assert head["accuracy"] > head["most_frequent_baseline_accuracy"] + 0.2
    assert head["accuracy_when_label_right"] >= head["accuracy"]
    assert {"question", "generic_praise", "contact_bait"} <= set(head["per_category"])


def _inverted_length_rows():
    """Labeled rows where length alone decides, the other way round from the corpus:
    here the substantive comments are the short ones."""
    rows = []
    for i in range(60):
        split = "train" if i < 40 else "test"
        rows.append({"text": f"size {i}?", "label": "substantive", "split": split})
        long_praise = f"amazing amazing content number {i}, love it so much, " * 6
        rows.append({"text": long_praise, "label": "generic", "split": split})
    return rows


def test_evaluate_fits_the_length_baseline_on_the_evaluated_data(tiny_model_dir, tmp_path, capsys):
    path = tmp_path / "inverted.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _inverted_length_rows()) + "\n")
    out = tmp_path / "eval"
    args = ["evaluate", str(path), "--model", str(tiny_model_dir), "-o", str(out)]
    assert main([*args, "--split", "test"]) == 0
    text = capsys.readouterr().out
    assert "Length-only baseline: fit on the train split of the evaluated data" in text
    report = json.loads((out / "evaluation.json").read_text())
    # A baseline fit on the corpus would call the long comments substantive and score ~0.3.
    assert report["overall_length_baseline"]["macro_f1"] > 0.95
    assert main(args) == 0  # all rows: no train split to fit on, so cross-validation
    assert "5-fold cross-validation on the evaluated rows" in capsys.readouterr().out
    report = json.loads((out / "evaluation.json").read_text())
    assert report["overall_length_baseline"]["macro_f1"] > 0.95
