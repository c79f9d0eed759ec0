import json
import shutil

import pytest

import classifier
from classifier.model_dir import ModelLoadError, open_model_dir


def _copy(src, tmp_path):
    dst = tmp_path / "model"
    shutil.copytree(src, dst)
    return dst


def test_round_trip_loads_and_predicts(tiny_model_dir):
    predictor = classifier.load(str(tiny_model_dir))
    assert predictor.manifest.backend == "ngram"
    assert set(predictor.labels) == {"generic", "substantive"}
    assert predictor.predict("hay quá").label in predictor.labels


def test_tampered_weights_are_refused(tiny_model_dir, tmp_path):
    model = _copy(tiny_model_dir, tmp_path)
    weights = model / "weights.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="does not match its SHA-256"):
        classifier.load(str(model))


def test_missing_file_and_missing_manifest(tiny_model_dir, tmp_path):
    model = _copy(tiny_model_dir, tmp_path)
    (model / "ngram_config.json").unlink()
    with pytest.raises(ModelLoadError, match="missing"):
        classifier.load(str(model))
    (model / "manifest.json").unlink()
    with pytest.raises(ModelLoadError, match="not a genuine model directory"):
        classifier.load(str(model))
    with pytest.raises(ModelLoadError, match="does not exist"):
        classifier.load(str(tmp_path / "nowhere"))


def test_wrong_format_version_says_how_to_fix(tiny_model_dir, tmp_path):
    model = _copy(tiny_model_dir, tmp_path)
    manifest = json.loads((model / "manifest.json").read_text())
    manifest["format_version"] = 99
    (model / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelLoadError, match="format_version is 99"):
        open_model_dir(model)


def test_manifest_records_data_hash_metrics_and_versions(tiny_model_dir):
    manifest = json.loads((tiny_model_dir / "manifest.json").read_text())
    assert len(manifest["training_data"]["sha256"]) == 64
    assert manifest["languages"] == ["vi", "zh", "en"]
    assert "scikit-learn" in manifest["library_versions"]
    assert 0.0 <= manifest["metrics"]["test"]["macro_f1"] <= 1.0
    assert (tiny_model_dir / "MODEL_CARD.md").read_text().startswith("# Model card")


def test_model_dir_has_no_pickles(tiny_model_dir):
    for path in tiny_model_dir.iterdir():
        assert path.suffix in {".json", ".md", ".safetensors"}


def test_category_head_survives_the_round_trip_through_safetensors(tiny_predictor, corpus):
    """A Fortran-ordered coefficient matrix once came back scrambled from safetensors: the
    loaded category head then named the wrong category for almost every comment."""
    import random

    rng = random.Random(0)
    rows = list(corpus.rows)
    rng.shuffle(rows)
    seen = [r for r in rows[:1500] if r.split == "train"][:400]  # the tiny model's training rows
    predictions = tiny_predictor.predict([r.text for r in seen], explain=False)
    agree = sum(p.category == r.category for p, r in zip(predictions, seen, strict=True))
    assert agree / len(seen) > 0.8


def test_tensors_are_written_in_c_order(tmp_path):
    import numpy as np
    from safetensors.numpy import load_file

    from training.ngram import write_tensors

    matrix = np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4))
    write_tensors(tmp_path / "w.safetensors", {"m": matrix}, "test")
    assert np.array_equal(load_file(str(tmp_path / "w.safetensors"))["m"], matrix)


def test_card_says_which_category_head_c_validation_chose(tiny_model_dir):
    card = (tiny_model_dir / "MODEL_CARD.md").read_text()
    grid = json.loads((tiny_model_dir / "manifest.json").read_text())["extra"]["training_config"][
        "category_c_grid"
    ]
    chosen = next(
        line for line in card.splitlines() if "category head C (chosen on validation)" in line
    )
    assert float(chosen.rsplit(":", 1)[1]) in grid
    assert "Category head: names the labeled category of" in card
