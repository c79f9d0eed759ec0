from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "default"


@pytest.fixture(scope="session")
def corpus():
    from training.data import corpus_paths, load_labeled

    return load_labeled(corpus_paths())


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, corpus) -> Path:
    """A small n-gram model trained on a sample of the corpus (seconds, not minutes)."""
    from classifier.backends.ngram import NgramConfig
    from training.data import LabeledData
    from training.ngram import NgramTrainingConfig, train_ngram

    rng = random.Random(0)
    rows = list(corpus.rows)
    rng.shuffle(rows)
    sample = LabeledData(rows=rows[:1500], sources=["corpus sample"])
    config = NgramTrainingConfig(
        c_grid=(4.0,),
        calibration_folds=3,
        featurizer=NgramConfig(char_features=2**16, word_features=2**15),
    )
    out = tmp_path_factory.mktemp("models") / "tiny"
    train_ngram(sample, out, config, quiet=True)
    return out


@pytest.fixture(scope="session")
def tiny_predictor(tiny_model_dir):
    import classifier

    return classifier.load(str(tiny_model_dir))


@pytest.fixture(scope="session")
def default_predictor():
    import classifier

    if not (DEFAULT_MODEL / "manifest.json").exists():
        pytest.fail("the shipped default model is missing: run 'genuine train -o models/default'")
    return classifier.load()
