"""Model backends behind one small interface.

A backend is built from a verified :class:`~classifier.model_dir.ModelDir` by
``Backend.from_model_dir(model_dir)`` and offers:

- ``predict(docs, explain) -> BackendOutput``: calibrated P(substantive) per doc, the finer
  category when the model has a category head, and short reasons in a vetter's words;
- ``vi_segmenter``: the Vietnamese segmenter the model was trained with.

Backends are imported lazily, so predicting with the n-gram model never imports torch.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from classifier.model_dir import ModelDir, ModelLoadError
from classifier.text import Doc

_REGISTRY = {
    "ngram": "classifier.backends.ngram:NgramBackend",
    "transformer": "classifier.backends.transformer:TransformerBackend",
    "embedding": "classifier.backends.embedding:EmbeddingBackend",
}


@dataclass(frozen=True)
class BackendOutput:
    """What a backend returns for a batch of docs; lists are aligned with the docs."""

    scores: np.ndarray
    categories: list[str] | None = None
    reasons: list[tuple[str, ...]] | None = None
    # (n_docs, n_categories) softmax of the category head, columns in ``category_names`` order
    category_probabilities: np.ndarray | None = None
    category_names: tuple[str, ...] = ()


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Logistic function, clipped so large margins do not overflow ``exp``."""
    return 1.0 / (1.0 + np.exp(-np.clip(values, -50.0, 50.0)))


class Backend(Protocol):
    vi_segmenter: str

    def predict(self, docs: list[Doc], explain: bool = True) -> BackendOutput: ...


def load_backend(model_dir: ModelDir) -> Any:
    name = model_dir.manifest.backend
    if name not in _REGISTRY:
        raise ModelLoadError(
            f"{model_dir.path}: backend '{name}' is not known; known: {sorted(_REGISTRY)}"
        )
    module_name, class_name = _REGISTRY[name].split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        extra = {"transformer": "train", "embedding": "embed"}.get(name, "")
        raise ModelLoadError(
            f"{model_dir.path}: the '{name}' backend needs packages that are not installed ({exc}); "
            f"install them with: pip install 'genuine[{extra}]'"
        ) from None
    backend = getattr(module, class_name).from_model_dir(model_dir)
    # underthesea is an extra (most models segment Vietnamese by syllable): say so at load time.
    if backend.vi_segmenter == "underthesea" and importlib.util.find_spec("underthesea") is None:
        raise ModelLoadError(
            f"{model_dir.path}: this model segments Vietnamese with underthesea, which is not "
            "installed; install it with: pip install 'genuine[vi-words]'"
        )
    return backend
