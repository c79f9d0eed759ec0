"""A scikit-learn estimator around the n-gram model, for engineers' own pipelines.

``SubstantiveClassifier().fit(texts, labels)`` learns the same model as ``genuine train``
(without the validation-based choice of C: pass ``C``); it works with ``clone``,
``Pipeline``, ``GridSearchCV`` and ``cross_val_score``. ``save(path)`` writes a model
directory that ``classifier.load(path)`` serves.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from classifier.backends.ngram import Featurizer, NgramBackend, NgramConfig, NgramWeights
from classifier.text import analyze


def _texts(X: Any) -> list[str]:
    values = list(X.tolist() if hasattr(X, "tolist") else X)
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ValueError(f"X must hold comment strings; row {index} is {type(value).__name__}")
    return values


class SubstantiveClassifier(ClassifierMixin, BaseEstimator):
    """Hashed n-grams + named features -> class-balanced logistic regression -> Platt scaling."""

    def __init__(
        self,
        C: float = 4.0,
        calibration_folds: int = 5,
        seed: int = 13,
        vi_segmenter: str = "syllable",
        char_features: int = 2**20,
        word_features: int = 2**19,
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.seed = seed
        self.vi_segmenter = vi_segmenter
        self.char_features = char_features
        self.word_features = word_features

    def _docs(self, X: Any) -> list[Any]:
        return [analyze(text, None, self.vi_segmenter) for text in _texts(X)]

    def fit(self, X: Sequence[str], y: Sequence[Any]) -> SubstantiveClassifier:
        from training.ngram import NgramTrainingConfig, _fit_binary, _platt

        if self.C <= 0:
            raise ValueError(f"C must be positive, got {self.C}")
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        if len(self.classes_) != 2:
            raise ValueError(f"y must hold exactly two classes, found {list(self.classes_)}")
        self.positive_ = "substantive" if "substantive" in self.classes_ else self.classes_[1]
        config = NgramConfig(
            char_features=self.char_features,
            word_features=self.word_features,
            vi_segmenter=self.vi_segmenter,
        )
        train_config = NgramTrainingConfig(
            seed=self.seed, calibration_folds=self.calibration_folds, featurizer=config
        )
        docs = self._docs(X)
        if len(docs) != len(labels):
            raise ValueError(f"X has {len(docs)} rows but y has {len(labels)}")
        featurizer = Featurizer(config).fit_idf(docs)
        matrix = featurizer.transform(docs)[0]
        target = (labels == self.positive_).astype(int)
        model = _fit_binary(matrix, target, self.C, train_config)
        platt_a, platt_b = _platt(matrix, target, self.C, train_config)
        weights = NgramWeights(
            coef=model.coef_[0].astype(np.float32),
            intercept=float(model.intercept_[0]),
            platt_a=platt_a,
            platt_b=platt_b,
        )
        self.backend_ = NgramBackend(featurizer, weights)
        self.n_features_in_ = 1
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "backend_")
        positive = self.backend_.predict(self._docs(X), explain=False).scores
        out = np.empty((len(positive), 2))
        index = int(np.flatnonzero(self.classes_ == self.positive_)[0])
        out[:, index] = positive
        out[:, 1 - index] = 1.0 - positive
        return out

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        proba = self.predict_proba(X)[:, int(np.flatnonzero(self.classes_ == self.positive_)[0])]
        return np.log(np.clip(proba, 1e-12, 1)) - np.log(np.clip(1 - proba, 1e-12, 1))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def save(self, path: str | Path) -> Path:
        """Write a model directory that ``classifier.load(path)`` serves (labels must be ours)."""
        from training.ngram import NgramTrainingConfig, _write_model_dir

        check_is_fitted(self, "backend_")
        if set(map(str, self.classes_)) != {"substantive", "generic"}:
            raise ValueError(
                f"only models with labels ['generic', 'substantive'] can be saved, found {list(self.classes_)}"
            )
        out = Path(path)
        summary = {
            "description": "trained with SubstantiveClassifier.fit",
            "sha256": "",
            "counts": {},
        }
        _write_model_dir(
            out,
            self.backend_,
            NgramTrainingConfig(
                seed=self.seed,
                c_grid=(self.C,),
                calibration_folds=self.calibration_folds,
                featurizer=self.backend_.featurizer.config,
            ),
            self.C,
            None,  # no category head
            (),
            {},
            summary,
        )
        return out
