"""The default backend: hashed character and word n-grams + explicit features -> logistic regression.

Features: character 1-4 grams of the normalized text and word 1-2 grams of the segmented
tokens, each hashed (no vocabulary to store), sublinear TF-IDF weighted and L2-normalized,
plus the named features of :mod:`classifier.features`. A binary logistic regression gives a
margin; Platt scaling (fitted on cross-validated margins) turns it into a calibrated
P(substantive). A second, multinomial head over word n-grams and named features guesses the
finer category.

Weights are stored sparsely in ``weights.safetensors`` (only columns seen in training), the
settings in ``ngram_config.json``. Nothing is pickled.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from classifier.backends import BackendOutput, sigmoid
from classifier.backends.hashing import HASHINGS, make_hasher, word_tokens
from classifier.features import FEATURE_NAMES, feature_matrix
from classifier.model_dir import CATEGORIES, ModelDir, ModelLoadError
from classifier.reasons import MAX_REASONS, rule_reasons
from classifier.text import Doc

CONFIG_FILE = "ngram_config.json"
EXPLAIN_MAX_TOKENS = 60  # reasons look at the start of long comments only
MIN_NGRAM_PUSH = 0.15  # smallest tf-idf weighted coefficient worth naming as a reason
WEIGHTS_FILE = "weights.safetensors"


@dataclass(frozen=True)
class NgramConfig:
    """Featurization settings, saved beside the weights."""

    char_ngram_range: tuple[int, int] = (1, 4)
    word_ngram_range: tuple[int, int] = (1, 2)
    char_features: int = 2**20
    word_features: int = 2**19
    dense_scale: float = 1.0
    vi_segmenter: str = "syllable"
    hashing: str = "fnv"
    feature_names: tuple[str, ...] = field(default=FEATURE_NAMES)

    def __post_init__(self) -> None:
        for name in ("char_ngram_range", "word_ngram_range"):
            low, high = getattr(self, name)
            if not 1 <= low <= high <= 6:
                raise ValueError(f"{name} must satisfy 1 <= low <= high <= 6, got {(low, high)}")
        for name in ("char_features", "word_features"):
            value = getattr(self, name)
            if value < 2**10 or value & (value - 1):
                raise ValueError(f"{name} must be a power of two >= 1024, got {value}")
        if self.vi_segmenter not in ("syllable", "underthesea"):
            raise ValueError(
                f"vi_segmenter must be 'syllable' or 'underthesea', got {self.vi_segmenter!r}"
            )
        if self.hashing not in HASHINGS:
            raise ValueError(f"hashing must be one of {HASHINGS}, got {self.hashing!r}")
        if self.dense_scale <= 0:
            raise ValueError(f"dense_scale must be positive, got {self.dense_scale}")

    @property
    def n_columns(self) -> int:
        return self.char_features + self.word_features + len(self.feature_names)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> NgramConfig:
        data = json.loads(text)
        data["char_ngram_range"] = tuple(data["char_ngram_range"])
        data["word_ngram_range"] = tuple(data["word_ngram_range"])
        data["feature_names"] = tuple(data["feature_names"])
        data.setdefault("hashing", "sklearn")  # configs written before the fnv hasher
        return cls(**data)


def _row_of_each_entry(matrix: sp.csr_matrix) -> np.ndarray:
    """The row index of every stored entry of a CSR matrix, aligned with ``matrix.data``."""
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))


class Featurizer:
    """Docs -> sparse feature matrix. ``idf`` is learned by :meth:`fit_idf` (training only)."""

    def __init__(
        self,
        config: NgramConfig,
        idf_char: np.ndarray | None = None,
        idf_word: np.ndarray | None = None,
    ):
        self.config = config
        self.hasher = make_hasher(
            config.hashing,
            config.char_ngram_range,
            config.word_ngram_range,
            config.char_features,
            config.word_features,
        )
        self.idf_char = idf_char
        self.idf_word = idf_word

    def counts(self, docs: list[Doc]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Hashed char and word n-gram counts, one row per doc."""
        return self.hasher.counts(docs)

    def fit_idf(self, docs: list[Doc]) -> Featurizer:
        chars, words = self.counts(docs)
        n = len(docs)
        self.idf_char = self._idf(chars, n)
        self.idf_word = self._idf(words, n)
        return self

    @staticmethod
    def _idf(counts: sp.csr_matrix, n_docs: int) -> np.ndarray:
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)

    @staticmethod
    def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
        """Sublinear tf x idf, each row scaled to unit length (rows without n-grams stay 0)."""
        weighted = counts.copy()
        weighted.data = (np.log(weighted.data) + 1.0) * idf[weighted.indices]
        rows = _row_of_each_entry(weighted)
        squares = np.bincount(rows, weights=np.square(weighted.data), minlength=weighted.shape[0])
        norms = np.sqrt(squares)
        norms[norms == 0] = 1.0
        weighted.data = (weighted.data / norms[rows]).astype(weighted.data.dtype)
        return weighted

    def transform(self, docs: list[Doc]) -> tuple[sp.csr_matrix, np.ndarray, list[Any]]:
        """(sparse matrix with all columns, dense named features, per-doc signals)."""
        if self.idf_char is None or self.idf_word is None:
            raise RuntimeError("Featurizer.fit_idf must run before transform")
        chars, words = self.counts(docs)
        dense, found = feature_matrix(docs)
        matrix = sp.hstack(
            [
                self._tfidf(chars, self.idf_char),
                self._tfidf(words, self.idf_word),
                sp.csr_matrix(dense * self.config.dense_scale, dtype=np.float32),
            ],
            format="csr",
            dtype=np.float32,
        )
        return matrix, dense, found

    def word_gram_of_column(self, doc: Doc, column: int, max_tokens: int) -> str | None:
        """The word n-gram among the first ``max_tokens`` tokens that the full matrix's
        ``column`` counts (hashing keeps no vocabulary, so the doc's own n-grams are hashed)."""
        start = self.config.char_features
        if not start <= column < start + self.config.word_features:
            return None
        return self.hasher.find_word_gram(word_tokens(doc)[:max_tokens], column - start)


@dataclass
class NgramWeights:
    """Learned parameters, dense over all columns in memory, sparse on disk."""

    coef: np.ndarray  # (n_columns,)
    intercept: float
    platt_a: float  # P = sigmoid(platt_a * margin + platt_b)
    platt_b: float
    category_names: tuple[str, ...] = ()
    category_columns: np.ndarray | None = None  # columns the category head reads
    category_coef: np.ndarray | None = None  # (n_categories, len(category_columns))
    category_intercept: np.ndarray | None = None

    def to_tensors(self) -> dict[str, np.ndarray]:
        nonzero = np.flatnonzero(self.coef).astype(np.int64)
        tensors: dict[str, np.ndarray] = {
            "coef_index": nonzero,
            "coef_value": self.coef[nonzero].astype(np.float32),
            "scalars": np.array([self.intercept, self.platt_a, self.platt_b], dtype=np.float64),
        }
        if (
            self.category_coef is not None
            and self.category_columns is not None
            and self.category_intercept is not None
        ):
            tensors["category_columns"] = self.category_columns.astype(np.int64)
            tensors["category_coef"] = self.category_coef.astype(np.float32)
            tensors["category_intercept"] = self.category_intercept.astype(np.float64)
        return tensors

    @classmethod
    def from_tensors(
        cls, tensors: dict[str, np.ndarray], n_columns: int, category_names: tuple[str, ...]
    ) -> NgramWeights:
        coef = np.zeros(n_columns, dtype=np.float32)
        index = tensors["coef_index"]
        if index.size and (index.min() < 0 or index.max() >= n_columns):
            raise ModelLoadError(
                "weights.safetensors has coefficient indices outside the configured feature space"
            )
        coef[index] = tensors["coef_value"]
        intercept, platt_a, platt_b = (float(x) for x in tensors["scalars"])
        return cls(
            coef=coef,
            intercept=intercept,
            platt_a=platt_a,
            platt_b=platt_b,
            category_names=category_names,
            category_columns=tensors.get("category_columns"),
            category_coef=tensors.get("category_coef"),
            category_intercept=tensors.get("category_intercept"),
        )


class NgramBackend:
    """Featurizer + weights; ``predict(docs)`` gives calibrated scores, categories and reasons."""

    name = "ngram"

    def __init__(self, featurizer: Featurizer, weights: NgramWeights):
        self.featurizer = featurizer
        self.weights = weights
        self.vi_segmenter = featurizer.config.vi_segmenter
        # Weights are complete when a backend is made (trainers fit the head first).
        self._category_weights = self._category_matrix(featurizer.config.n_columns, weights)

    @staticmethod
    def _category_matrix(n_columns: int, weights: NgramWeights) -> sp.csr_matrix | None:
        """The category head as a sparse (all columns x categories) matrix, so a batch's
        logits are one sparse product (selecting the head's columns from the batch matrix
        cost more than the rest of the head for small batches)."""
        w = weights
        if w.category_coef is None or w.category_columns is None:
            return None
        n_categories, n_used = w.category_coef.shape
        rows = np.repeat(w.category_columns.astype(np.int64), n_categories)
        columns = np.tile(np.arange(n_categories), n_used)
        return sp.csr_matrix(
            (w.category_coef.T.ravel(), (rows, columns)),
            shape=(n_columns, n_categories),
            dtype=np.float32,
        )

    @classmethod
    def from_model_dir(cls, model_dir: ModelDir) -> NgramBackend:
        from safetensors.numpy import load_file

        try:
            config = NgramConfig.from_json(model_dir.file(CONFIG_FILE).read_text(encoding="utf-8"))
            tensors = load_file(str(model_dir.file(WEIGHTS_FILE)))
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise ModelLoadError(
                f"{model_dir.path}: cannot read the n-gram model ({exc}); retrain it with 'genuine train'"
            ) from None
        if config.feature_names != FEATURE_NAMES:
            raise ModelLoadError(
                f"{model_dir.path}: the model was trained with features {list(config.feature_names)}, "
                f"this genuine computes {list(FEATURE_NAMES)}; retrain the model with this version"
            )
        try:
            idf_char = np.full(
                config.char_features, float(tensors["idf_default"][0]), dtype=np.float32
            )
            idf_word = np.full(
                config.word_features, float(tensors["idf_default"][0]), dtype=np.float32
            )
            idf_char[tensors["idf_char_index"]] = tensors["idf_char_value"]
            idf_word[tensors["idf_word_index"]] = tensors["idf_word_value"]
            categories = tuple(model_dir.manifest.extra.get("categories", ()))
            weights = NgramWeights.from_tensors(tensors, config.n_columns, categories)
        except (KeyError, IndexError) as exc:
            raise ModelLoadError(
                f"{model_dir.path}: weights.safetensors lacks tensor {exc}; retrain the model"
            ) from None
        return cls(Featurizer(config, idf_char, idf_word), weights)

    def tensors(self) -> dict[str, np.ndarray]:
        """Everything to write to ``weights.safetensors``."""
        assert self.featurizer.idf_char is not None and self.featurizer.idf_word is not None
        default = float(self.featurizer.idf_char.max())
        tensors = self.weights.to_tensors()
        for name, idf in (("char", self.featurizer.idf_char), ("word", self.featurizer.idf_word)):
            seen = np.flatnonzero(idf < default - 1e-6).astype(np.int64)
            tensors[f"idf_{name}_index"] = seen
            tensors[f"idf_{name}_value"] = idf[seen].astype(np.float32)
        tensors["idf_default"] = np.array([default], dtype=np.float32)
        return tensors

    def margins(self, matrix: sp.csr_matrix) -> np.ndarray:
        return np.asarray(matrix @ self.weights.coef, dtype=np.float64) + self.weights.intercept

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        return sigmoid(self.weights.platt_a * margins + self.weights.platt_b)

    def predict(self, docs: list[Doc], explain: bool = True) -> BackendOutput:
        matrix, _dense, found = self.featurizer.transform(docs)
        scores = self.calibrate(self.margins(matrix))
        categories, category_probabilities = self._categories(matrix, scores >= 0.5)
        reasons = None
        if explain:
            strongest = self._strongest_word_columns(matrix, scores >= 0.5)
            reasons = [
                self._explain(doc, signals, score, column)
                for doc, signals, score, column in zip(docs, found, scores, strongest, strict=True)
            ]
        return BackendOutput(
            scores=scores,
            categories=categories,
            reasons=reasons,
            category_probabilities=category_probabilities,
            category_names=self.weights.category_names if categories is not None else (),
        )

    def _categories(
        self, matrix: sp.csr_matrix, substantive: np.ndarray
    ) -> tuple[list[str] | None, np.ndarray | None]:
        """The category head's best guess among the categories of the predicted label, and
        its probabilities over every category (softmax of the multinomial head)."""
        w = self.weights
        if self._category_weights is None or w.category_intercept is None or not w.category_names:
            return None, None
        logits = (matrix @ self._category_weights).toarray() + w.category_intercept
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities = shifted / shifted.sum(axis=1, keepdims=True)
        is_substantive_category = np.array(
            [name in CATEGORIES["substantive"] for name in w.category_names]
        )
        allowed = substantive[:, None] == is_substantive_category[None, :]
        logits = np.where(allowed, logits, -np.inf)
        return [w.category_names[i] for i in np.argmax(logits, axis=1)], probabilities

    def _strongest_word_columns(
        self, matrix: sp.csr_matrix, substantive: np.ndarray
    ) -> list[int | None]:
        """Per row, the word n-gram column pushing hardest towards the predicted label (or None)."""
        first = self.featurizer.config.char_features
        last = first + self.featurizer.config.word_features
        rows = _row_of_each_entry(matrix)
        in_words = (matrix.indices >= first) & (matrix.indices < last)
        rows, columns = rows[in_words], matrix.indices[in_words]
        sign = np.where(substantive[rows], 1.0, -1.0)
        push = self.weights.coef[columns] * matrix.data[in_words] * sign
        strong = push >= MIN_NGRAM_PUSH
        rows, columns, push = rows[strong], columns[strong], push[strong]
        # Strongest push first within each row; ties go to the lower column, as argmax did.
        order = np.lexsort((columns, -push, rows))
        out: list[int | None] = [None] * matrix.shape[0]
        seen = np.ones(len(order), dtype=bool)
        seen[1:] = rows[order][1:] != rows[order][:-1]
        for row, column in zip(
            rows[order][seen].tolist(), columns[order][seen].tolist(), strict=True
        ):
            out[row] = column
        return out

    def _explain(self, doc: Doc, found: Any, score: float, column: int | None) -> tuple[str, ...]:
        substantive = score >= 0.5
        reasons = rule_reasons(doc, found, substantive)
        if column is not None and len(reasons) < MAX_REASONS:
            gram = self._ngram_of_column(doc, column)
            if gram:
                reasons.append(f'{"specific" if substantive else "generic"} wording "{gram}"')
        return tuple(reasons[:MAX_REASONS])

    def _ngram_of_column(self, doc: Doc, column: int) -> str | None:
        """Recover the word n-gram behind a hashed column by hashing the doc's own n-grams."""
        gram = self.featurizer.word_gram_of_column(doc, column, EXPLAIN_MAX_TOKENS)
        if gram is None or (gram.startswith("_") and gram.endswith("_")):
            return None
        return gram if any(ch.isalnum() for ch in gram) else None


def expected_calibration_error(scores: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    """ECE with equal-width bins (used in evaluation)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        mask = (scores >= low) & (scores < high if high < 1.0 else scores <= high)
        if mask.any():
            total += mask.mean() * abs(float(scores[mask].mean()) - float(truth[mask].mean()))
    return total if not math.isnan(total) else 0.0
