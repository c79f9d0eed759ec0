"""Real comments: labels kept as text hashes, joined to texts at run time, split and weighed."""

import json
from pathlib import Path

import pytest

from classifier.io.problems import InputError
from genuine_cli.main import main
from training.distill import pseudo_labeled
from training.real import SOURCES, load_label_files, load_real, select_sources, sha256_text

ROOT = Path(__file__).resolve().parent.parent

YOUTUBE = [
    "check out my channel for free beats!!!",
    "the bridge at 2:40 sounds like the 2012 remix, which one is it?",
    "Nice song",
    "I learned the whole dance for my sister's wedding and everyone joined in",
    "subscribe to me pls",
    "why is the drop so quiet on phone speakers but fine in headphones?",
    "nice song",  # same key as "Nice song": never back through the pool
    "the outro reuses the verse melody slowed down, nice touch",
]


@pytest.fixture()
def real_dir(tmp_path):
    root = tmp_path / "real"
    root.mkdir()
    with (root / "en_youtube_spam.jsonl").open("w", encoding="utf-8") as handle:
        for text in YOUTUBE:
            handle.write(json.dumps({"text": text, "lang": "en", "group": "youtube:a"}) + "\n")
    return root


def _write_labels(labels_dir, rows):
    labels_dir.mkdir(parents=True, exist_ok=True)
    with (labels_dir / "en_youtube.ndjson").open("w", encoding="utf-8") as handle:
        for text, label, category, split in rows:
            record = {
                "sha256": sha256_text(text),
                "source": "en_youtube",
                "label": label,
                "category": category,
                "split": split,
                "pick": "random",
            }
            handle.write(json.dumps(record) + "\n")


def test_labels_join_to_texts_and_the_pool_excludes_every_labeled_key(real_dir, tmp_path):
    labels = tmp_path / "labels"
    _write_labels(
        labels,
        [
            (YOUTUBE[0], "generic", "self_promo", "train"),
            (YOUTUBE[1], "substantive", "question", "validation"),
            (YOUTUBE[2], "generic", "generic_praise", "validation"),
        ],
    )
    real = load_real(real_dir, ["en_youtube"], labels, real_weight=2.0)
    assert [r.text for r in real.train] == [YOUTUBE[0]]
    assert real.train[0].weight == 2.0 and real.train[0].meta["source"] == "en_youtube"
    assert {r.text for r in real.validation} == {YOUTUBE[1], YOUTUBE[2]}
    assert all(r.weight == 1.0 for r in real.validation)
    pool_texts = {c.text for c in real.pool}
    assert pool_texts == {YOUTUBE[i] for i in (3, 4, 5, 7)}  # "nice song" shares a key
    assert real.validation_by_source() == {"en_youtube": real.validation}


def test_a_label_whose_text_changed_is_an_error_that_names_it(real_dir, tmp_path):
    labels = tmp_path / "labels"
    _write_labels(labels, [("a text that is not in the file", "generic", None, "train")])
    with pytest.raises(InputError, match="1 labels point to texts not found"):
        load_real(real_dir, ["en_youtube"], labels)


def test_a_bad_label_file_row_names_file_line_and_field(tmp_path):
    labels = tmp_path / "labels"
    labels.mkdir()
    row = {"sha256": "ab" * 32, "source": "en_youtube", "label": "spam", "split": "train"}
    (labels / "en_youtube.ndjson").write_text(json.dumps(row) + "\n")
    with pytest.raises(InputError, match=r"en_youtube.ndjson line 1, field 'label'"):
        load_label_files(labels)


def test_sources_can_be_left_out_and_non_commercial_ones_dropped():
    assert "zh_ads" not in select_sources(["zh_ads"])
    commercial = select_sources(commercial_only=True)
    assert commercial and all(SOURCES[name].commercial_use for name in commercial)
    assert "vi_vispam_reviews" not in commercial
    with pytest.raises(InputError, match="not a real-data source"):
        select_sources(["nope"])


def test_teacher_labels_soft_and_filtered(real_dir, tmp_path):
    labels = tmp_path / "labels"
    _write_labels(labels, [])
    pool = load_real(real_dir, ["en_youtube"], labels).pool[:3]
    soft = pseudo_labeled(pool, [0.9, 0.5, 0.0], mode="soft", weight=0.5)
    by_text = {}
    for row in soft:
        by_text.setdefault(row.text, {})[row.label] = row.weight
    assert by_text[pool[0].text] == pytest.approx({"substantive": 0.45, "generic": 0.05})
    assert by_text[pool[2].text] == {"generic": 0.5}  # a zero share is not a row
    hard = pseudo_labeled(pool, [0.9, 0.5, 0.0], mode="filtered", min_confidence=0.8)
    assert [(r.text, r.label) for r in hard] == [
        (pool[0].text, "substantive"),
        (pool[2].text, "generic"),
    ]


def test_the_project_label_files_are_valid_and_hold_a_validation_set_per_source():
    labels = load_label_files()
    assert labels, "data/real_labels/ is empty"
    per_source = {}
    for label in labels:
        per_source.setdefault(label.source, {"train": 0, "validation": 0})[label.split] += 1
    for name in SOURCES:
        assert per_source[name]["validation"] >= 150, name
    assert len({label.sha256 for label in labels}) == len(labels)  # one label per text


def test_train_with_real_comments_reports_them_per_source(real_dir, tmp_path, corpus, capsys):
    labels = tmp_path / "labels"
    _write_labels(
        labels,
        [
            (YOUTUBE[0], "generic", "self_promo", "train"),
            (YOUTUBE[3], "substantive", "experience", "train"),
            (YOUTUBE[1], "substantive", "question", "validation"),
            (YOUTUBE[4], "generic", "self_promo", "validation"),
            (YOUTUBE[5], "substantive", "question", "validation"),
            (YOUTUBE[2], "generic", "generic_praise", "validation"),
        ],
    )
    data = tmp_path / "small.jsonl"
    with data.open("w", encoding="utf-8") as handle:
        for row in corpus.rows[:600]:
            handle.write(
                json.dumps({"text": row.text, "label": row.label, "split": row.split}) + "\n"
            )
    out = tmp_path / "model"
    args = ["train", str(data), "--real", str(real_dir), "--real-labels", str(labels)]
    assert main([*args, "--corpus-weight", "0.5", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "2 labeled for training, 4 held out for validation" in err
    assert "real validation macro-F1 (never trained on): en_youtube" in err
    manifest = json.loads((out / "manifest.json").read_text())
    (source,) = manifest["extra"]["real_sources"]
    assert source["source"] == "en_youtube" and source["labeled_train"] == 2
    assert "real:en_youtube" in manifest["metrics"]
    card = (out / "MODEL_CARD.md").read_text()
    assert "CC BY 4.0" in card and "| en_youtube |" in card


def test_teacher_without_real_and_real_with_a_transformer_are_refused(tmp_path, capsys):
    assert main(["train", "--teacher", str(tmp_path), "-o", str(tmp_path / "m")]) == 2
    assert "pass --real DIR as well" in capsys.readouterr().err


def test_commercial_only_refuses_the_shipped_teacher(tmp_path, capsys):
    teacher = ROOT / "models" / "teacher"
    args = ["train", "--real", str(tmp_path), "--commercial-only", "--teacher", str(teacher)]
    assert main([*args, "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "the teacher learned from" in err and "vi_victsd_news" in err
