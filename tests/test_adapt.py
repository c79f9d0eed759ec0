"""``genuine adapt``: a model for one platform from a label file (or a labeled table).

The "platform" is a few hundred corpus comments written to a CSV, labeled in the label-file
format ``genuine label`` writes; the corpus beside them is a small slice of the shipped one,
and the base model the tiny test model, so each run takes seconds.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

import classifier
from classifier.labeling.store import text_sha256
from genuine_cli.main import main


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _record(text: str, label: str | None, pick: str, row: int, **extra: object) -> str:
    record = {
        "text_hash": text_sha256(text),
        "label": label,
        "category": None,
        "pick": pick,
        "labeler": "tester",
        "labeled_at": "2026-12-04T10:00:00+00:00",
        "row": row,
        "input": "comments.csv",
        **extra,
    }
    return json.dumps(record, ensure_ascii=False)


@pytest.fixture(scope="module")
def platform(tmp_path_factory, corpus) -> Path:
    """comments.csv (220 comments, 40 unlabeled), labels.ndjson (120 picked where unsure,
    60 at random; one skipped and one undone), and a 300-row corpus slice."""
    root = tmp_path_factory.mktemp("platform")
    rng = random.Random(0)
    rows = [r for r in corpus.rows if r.split == "test"]
    rng.shuffle(rows)
    by_label = {
        label: [r for r in rows if r.label == label][:110] for label in ("substantive", "generic")
    }
    comments = [r for pair in zip(*by_label.values(), strict=True) for r in pair]
    _write_csv(root / "comments.csv", [{"text": r.text} for r in comments])
    lines = []
    for i, row in enumerate(comments[:180]):
        pick = "random" if i % 3 == 0 else "uncertain"
        lines.append(_record(row.text, row.label, pick, i + 2))
    # a skip and an undone label do not count
    lines.append(_record(comments[200].text, "skip", "uncertain", 202))
    lines.append(_record(comments[201].text, "generic", "uncertain", 203))
    lines.append(_record(comments[201].text, None, "uncertain", 203, undone=True))
    (root / "labels.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    train = [r for r in corpus.rows if r.split == "train"]
    rng.shuffle(train)
    with (root / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for r in train[:300]:
            handle.write(json.dumps({"text": r.text, "label": r.label, "lang": r.lang}) + "\n")
    return root


def _adapt(platform: Path, tiny_model_dir: Path, *args: str) -> list[str]:
    return [
        "adapt",
        *args,
        "--base",
        str(tiny_model_dir),
        "--corpus",
        str(platform / "corpus.jsonl"),
        "-q",
    ]


def test_adapt_from_label_file_writes_a_model_scored_on_the_random_sample(
    platform, tiny_model_dir, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(platform)  # the label file names its input relative to here
    monkeypatch.setattr("training.adapt.DEFAULT_TEACHER", tmp_path / "no-teacher")
    out = tmp_path / "adapted"
    code = main(
        _adapt(
            platform, tiny_model_dir, "labels.ndjson", "--unlabeled", "comments.csv", "-o", str(out)
        )
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "120 to train on, 60 picked at random held out as the test sample" in printed
    assert "macro-F1 on the 60 random-sample labels (never trained on)" in printed
    assert "teacher: the adapted classifier itself (no models/teacher here)" in printed
    for line in ("base model (", "adapted model", "adapted - base", "length alone"):
        assert line in printed

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    adaptation = manifest["extra"]["adaptation"]
    assert adaptation["mode"] == "random sample"
    assert (adaptation["training_labels"], adaptation["test_sample_labels"]) == (120, 60)
    assert adaptation["base"]["n"] == adaptation["adapted"]["n"] == 60
    assert 0.0 <= adaptation["adapted"]["low"] <= adaptation["adapted"]["macro_f1"]
    assert adaptation["adapted"]["macro_f1"] <= adaptation["adapted"]["high"] <= 1.0
    assert adaptation["corpus_weight"] in (0.0, 0.1, 0.3, 1.0)
    # the 40 unlabeled comments of the input (and the skipped one), never a labeled one
    assert adaptation["unlabeled"] == 40
    # the random picks are the test split, never trained on
    assert manifest["training_data"]["rows"]["test"] == 60
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "## Adaptation" in card and "| adapted |" in card

    predictor = classifier.load(str(out))
    predictions = predictor.predict(["màu son này lên môi có bị khô không?", "hay quá"])
    assert all(p.label in ("substantive", "generic") for p in predictions)


def test_too_few_labels_is_refused_with_the_counts(platform, tiny_model_dir, tmp_path, capsys):
    lines = (platform / "labels.ndjson").read_text(encoding="utf-8").splitlines()
    few = tmp_path / "few.ndjson"
    few.write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    code = main(
        _adapt(
            platform,
            tiny_model_dir,
            str(few),
            "--input",
            str(platform / "comments.csv"),
            "-o",
            str(tmp_path / "m"),
        )
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "too few labels to adapt" in err
    assert "at least 10 of each" in err
    assert not (tmp_path / "m").exists()


def test_too_small_random_sample_is_refused_and_cross_validate_is_offered(
    platform, tiny_model_dir, tmp_path, capsys
):
    lines = (platform / "labels.ndjson").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if '"random"' not in line] + [
        line for line in lines if '"random"' in line
    ][:8]
    small = tmp_path / "small_sample.ndjson"
    small.write_text("\n".join(kept) + "\n", encoding="utf-8")
    code = main(
        _adapt(
            platform,
            tiny_model_dir,
            str(small),
            "--input",
            str(platform / "comments.csv"),
            "-o",
            str(tmp_path / "m"),
        )
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "too few random-sample labels" in err and "--cross-validate" in err


def test_missing_texts_are_an_error_naming_how_many_and_a_row(
    platform, tiny_model_dir, tmp_path, capsys
):
    with (platform / "comments.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    _write_csv(tmp_path / "edited.csv", rows[3:])  # the first three labeled comments are gone
    code = main(
        _adapt(
            platform,
            tiny_model_dir,
            str(platform / "labels.ndjson"),
            "--input",
            str(tmp_path / "edited.csv"),
            "-o",
            str(tmp_path / "m"),
        )
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "3 of 180 labels" in err and "row 2" in err and "pass --input" in err


def test_a_labeled_csv_is_adapted_and_scored_by_cross_validation(
    platform, tiny_model_dir, tmp_path, capsys
):
    with (platform / "comments.csv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    labels = {
        json.loads(line)["text_hash"]: json.loads(line)["label"]
        for line in (platform / "labels.ndjson").read_text(encoding="utf-8").splitlines()
    }
    rows = [
        {"comment": t, "class": "1" if labels[text_sha256(t)] == "generic" else "0"}
        for t in texts
        if labels.get(text_sha256(t)) in ("substantive", "generic")
    ]
    _write_csv(tmp_path / "labeled.csv", rows)
    out = tmp_path / "adapted"
    code = main(
        _adapt(
            platform,
            tiny_model_dir,
            str(tmp_path / "labeled.csv"),
            "--text-column",
            "comment",
            "--label-column",
            "class",
            "--label-map",
            "1=generic,0=substantive",
            "-o",
            str(out),
        )
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert f"all {len(rows)} labels by 5-fold cross-validation" in printed
    adaptation = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["extra"][
        "adaptation"
    ]
    assert adaptation["mode"] == "cross-validation"
    assert adaptation["adapted"]["n"] == len(rows) == 180
    assert classifier.load(str(out)).predict("hay quá").label in ("substantive", "generic")
