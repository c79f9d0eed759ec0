"""The public predictor: ``classifier.load()`` returns one.

``Predictor.predict("one text")`` returns one :class:`Prediction`; ``predict([...])`` returns a
list of the same length and order, whatever its size. Rows that are not text (None, numbers,
empty strings) get a defined result with label ``None`` and an ``error`` saying why, so a batch
never fails because of one row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from classifier.model_dir import LABELS, POSITIVE_LABEL, ModelDir, open_model_dir
from classifier.text import Doc, analyze

MAX_CHARS = 20_000  # longer comments are cut before analysis; ``truncated`` says so
CHUNK_SIZE = 2048


@dataclass(frozen=True)
class Prediction:
    """The verdict on one comment.

    ``score`` is the calibrated probability that the comment is substantive; ``label`` is
    ``score >= threshold`` mapped to the model's labels, or None when the row is not usable
    text (then ``error`` says why). ``category`` is the model's guess of the finer reason
    (``question``, ``contact_bait``...), when the model has a category head.
    """

    label: str | None
    score: float
    lang: str
    reasons: tuple[str, ...] = ()
    category: str | None = None
    truncated: bool = False
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "score": None if math.isnan(self.score) else round(self.score, 6),
            "lang": self.lang,
            "category": self.category,
            "reasons": list(self.reasons),
            "truncated": self.truncated,
            "error": self.error,
        }


@dataclass
class _Prepared:
    """A chunk's distinct usable comments, analyzed once each (bought engagement repeats
    itself: copy-paste and one-word reactions), and where each one goes in the output."""

    docs: list[Doc] = field(default_factory=list)
    positions: list[list[int]] = field(default_factory=list)  # input indices per doc
    errors: dict[int, str] = field(default_factory=dict)
    truncated: set[int] = field(default_factory=set)


def _prepare(
    texts: Sequence[Any], langs: Sequence[str | None] | None, vi_segmenter: str
) -> _Prepared:
    prepared = _Prepared()
    seen: dict[tuple[str, str | None], int] = {}
    for index, text in enumerate(texts):
        if text is None or (isinstance(text, float) and math.isnan(text)):
            prepared.errors[index] = "missing text (None)"
            continue
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                prepared.errors[index] = "text is bytes that are not valid UTF-8"
                continue
        if not isinstance(text, str):
            prepared.errors[index] = f"text must be a string, found {type(text).__name__}"
            continue
        if not text.strip():
            prepared.errors[index] = "empty text"
            continue
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS]
            prepared.truncated.add(index)
        lang_hint = langs[index] if langs is not None else None
        key = (text, lang_hint)
        if key in seen:
            prepared.positions[seen[key]].append(index)
            continue
        seen[key] = len(prepared.docs)
        prepared.docs.append(analyze(text, lang_hint, vi_segmenter))
        prepared.positions.append([index])
    return prepared


class Predictor:
    """Labels comments ``substantive`` or ``generic`` with a calibrated score, language and reasons.

    Thresholds: ``threshold`` (default from the model's manifest) applies to every language
    unless ``thresholds_by_lang`` gives one for the comment's language.
    """

    def __init__(
        self,
        model_dir: ModelDir,
        backend: Any,
        *,
        threshold: float | None = None,
        thresholds_by_lang: dict[str, float] | None = None,
    ) -> None:
        self.model_dir = model_dir
        self.backend = backend
        manifest = model_dir.manifest
        self.labels: tuple[str, ...] = manifest.labels
        self.threshold = manifest.threshold if threshold is None else float(threshold)
        self.thresholds_by_lang = dict(manifest.thresholds_by_lang)
        if thresholds_by_lang:
            self.thresholds_by_lang.update(thresholds_by_lang)
        for name, value in [("threshold", self.threshold), *self.thresholds_by_lang.items()]:
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"threshold for {name} must be within [0, 1], got {value}")

    @property
    def manifest(self) -> Any:
        return self.model_dir.manifest

    def threshold_for(self, lang: str) -> float:
        return self.thresholds_by_lang.get(lang, self.threshold)

    @overload
    def predict(self, texts: str, *, langs: None = None, explain: bool = True) -> Prediction: ...

    @overload
    def predict(
        self,
        texts: Iterable[Any],
        *,
        langs: Sequence[str | None] | None = None,
        explain: bool = True,
        progress: Callable[[int], object] | None = None,
    ) -> list[Prediction]: ...

    def predict(
        self,
        texts: str | Iterable[Any],
        *,
        langs: Sequence[str | None] | None = None,
        explain: bool = True,
        progress: Callable[[int], object] | None = None,
    ) -> Prediction | list[Prediction]:
        """Predict one comment (a str) or a batch (any iterable, processed in chunks).

        ``progress``, when given, is called after each chunk with the number of texts it held
        (``tqdm``'s ``update`` fits).
        """
        if isinstance(texts, str):
            return self._predict_chunk([texts], None, explain)[0]
        results: list[Prediction] = []
        for chunk, chunk_langs in _chunks(texts, langs, CHUNK_SIZE):
            results.extend(self._predict_chunk(chunk, chunk_langs, explain))
            if progress is not None:
                progress(len(chunk))
        return results

    def predict_proba(self, texts: Iterable[Any]) -> np.ndarray:
        """Array of shape (n, 2): columns in ``self.labels`` order; NaN rows for unusable input."""
        scores = np.array([p.score for p in self.predict(texts, explain=False)], dtype=float)
        positive = self.labels.index(POSITIVE_LABEL)
        out = np.empty((len(scores), 2), dtype=float)
        out[:, positive] = scores
        out[:, 1 - positive] = 1.0 - scores
        return out

    def _predict_chunk(
        self, texts: Sequence[Any], langs: Sequence[str | None] | None, explain: bool
    ) -> list[Prediction]:
        prepared = _prepare(texts, langs, getattr(self.backend, "vi_segmenter", "syllable"))
        output: list[Prediction | None] = [None] * len(texts)
        for index, error in prepared.errors.items():
            output[index] = Prediction(label=None, score=float("nan"), lang="other", error=error)
        if prepared.docs:
            result = self.backend.predict(prepared.docs, explain=explain)
            scores, categories, reasons = result.scores, result.categories, result.reasons
            positive = POSITIVE_LABEL
            negative = next(label for label in LABELS if label != positive)
            for k, indices in enumerate(prepared.positions):
                doc = prepared.docs[k]
                score = float(scores[k])
                label = positive if score >= self.threshold_for(doc.lang) else negative
                for index in indices:
                    output[index] = Prediction(
                        label=label,
                        score=score,
                        lang=doc.lang,
                        reasons=tuple(reasons[k]) if reasons is not None else (),
                        category=categories[k] if categories is not None else None,
                        truncated=index in prepared.truncated,
                    )
        return [p for p in output if p is not None]


def prediction_columns(
    predictor: Any,
    texts: Iterable[Any],
    fields: Sequence[str],
    *,
    explain: bool | None = None,
    progress: Callable[[int], object] | None = None,
) -> dict[str, np.ndarray]:
    """The ``fields`` of the predictions of ``texts``, an object array each, with the model run
    once per distinct text (a batch of comments repeats many); a missing text (None, NaN) gets
    what ``predict`` says of None. ``progress`` counts the distinct texts. ``explain`` and
    ``progress`` go to ``predictor.predict`` only when given (any object with a ``predict``
    that takes a list of texts will do)."""
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(list(texts), dtype=object))
    missing = [None] if (codes < 0).any() else []
    given = {"explain": explain, "progress": progress}
    kwargs = {name: value for name, value in given.items() if value is not None}
    predictions = predictor.predict([*uniques, *missing], **kwargs)
    take = np.where(codes < 0, len(uniques), codes)
    # The extra None keeps a one-dimensional object array where a field holds tuples (reasons).
    return {
        name: np.array([getattr(p, name) for p in predictions] + [None], dtype=object)[:-1][take]
        for name in fields
    }


def _chunks(
    texts: Iterable[Any], langs: Sequence[str | None] | None, size: int
) -> Iterator[tuple[list[Any], list[str | None] | None]]:
    chunk: list[Any] = []
    start = 0
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield chunk, (list(langs[start : start + size]) if langs is not None else None)
            start += size
            chunk = []
    if chunk:
        yield chunk, (list(langs[start : start + len(chunk)]) if langs is not None else None)


def load(
    path: str | None = None,
    *,
    threshold: float | None = None,
    thresholds_by_lang: dict[str, float] | None = None,
) -> Predictor:
    """Load a model directory (default: $GENUINE_MODEL, else the shipped ``models/default``).

    Raises :class:`classifier.ModelLoadError` when the directory is missing, incomplete,
    tampered with or of an unknown format.
    """
    from classifier.backends import load_backend

    model_dir = open_model_dir(path)
    backend = load_backend(model_dir)
    return Predictor(model_dir, backend, threshold=threshold, thresholds_by_lang=thresholds_by_lang)
