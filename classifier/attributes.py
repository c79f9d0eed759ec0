"""Perspective-style attribute probabilities of comments, from one loaded predictor.

The HTTP service's ``/v1alpha1/comments:analyze`` and ``benchmarks/perspective_attributes.py``
both read attributes through :func:`score_attributes`:

- ``UNSUBSTANTIAL`` and ``GENUINE_GENERIC``: the calibrated probability that the comment is
  generic (one minus the model's score);
- ``GENUINE_SUBSTANTIVE``: the calibrated probability that it is substantive (the score);
- ``SPAM``: the probability that it is spam-like generic (contact bait, self-promotion, follow
  bait, off-topic ads and scams): the category head's softmax summed over
  :data:`SPAM_CATEGORIES`. It comes from a second head, so it can exceed ``UNSUBSTANTIAL`` a
  little on some comments;
- ``GENUINE_CATEGORY_<NAME>``: the category head's probability of each category
  (``GENUINE_CATEGORY_CONTACT_BAIT``...).

``SPAM`` and the categories need a model with a category head (the n-gram backend); the
other attributes work with every backend.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classifier.predictor import Predictor
from classifier.text import analyze

SPAM_CATEGORIES = ("self_promo", "contact_bait", "follow_bait", "off_topic")
BASE_ATTRIBUTES = ("UNSUBSTANTIAL", "GENUINE_SUBSTANTIVE", "GENUINE_GENERIC")
CATEGORY_PREFIX = "GENUINE_CATEGORY_"
# A sentence ends at . ! ? … followed by a space or the end, at CJK end marks, or at a newline
# (so "3.5" and "v1.2" stay whole).
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|[。！？]+|\n+")


@dataclass(frozen=True)
class AttributeResult:
    """The attributes of one text: name -> probability, and the language it was read in."""

    values: dict[str, float]
    lang: str


def has_category_head(predictor: Predictor) -> bool:
    """Whether the model predicts categories (what ``SPAM`` and the category attributes need)."""
    names = _category_names(predictor)
    return any(name in SPAM_CATEGORIES for name in names)


def _category_names(predictor: Predictor) -> tuple[str, ...]:
    weights = getattr(predictor.backend, "weights", None)
    return tuple(getattr(weights, "category_names", ()) or ())


def supported_attributes(predictor: Predictor) -> tuple[str, ...]:
    """Every attribute name this predictor can score, Perspective's first."""
    if not has_category_head(predictor):
        return BASE_ATTRIBUTES
    categories = [CATEGORY_PREFIX + name.upper() for name in _category_names(predictor)]
    return ("SPAM", *BASE_ATTRIBUTES, *categories)


def score_attributes(
    predictor: Predictor, texts: Sequence[str], langs: Sequence[str | None] | None = None
) -> list[AttributeResult]:
    """Every supported attribute of each text (usable, non-empty strings), in one model call.

    ``langs`` holds a known language per text (vi, zh, en) or None to detect it.
    """
    if not texts:
        return []
    hints = langs if langs is not None else [None] * len(texts)
    segmenter = getattr(predictor.backend, "vi_segmenter", "syllable")
    docs = [analyze(text, lang, segmenter) for text, lang in zip(texts, hints, strict=True)]
    output = predictor.backend.predict(docs, explain=False)
    substantive = np.asarray(output.scores, dtype=float)
    probabilities = output.category_probabilities
    names = tuple(output.category_names)
    spam_columns = [i for i, name in enumerate(names) if name in SPAM_CATEGORIES]
    results = []
    for row, doc in enumerate(docs):
        score = float(substantive[row])
        values = {
            "UNSUBSTANTIAL": 1.0 - score,
            "GENUINE_SUBSTANTIVE": score,
            "GENUINE_GENERIC": 1.0 - score,
        }
        if probabilities is not None and spam_columns:
            values["SPAM"] = float(probabilities[row, spam_columns].sum())
            for column, name in enumerate(names):
                values[CATEGORY_PREFIX + name.upper()] = float(probabilities[row, column])
        results.append(
            AttributeResult({k: min(1.0, max(0.0, v)) for k, v in values.items()}, doc.lang)
        )
    return results


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(begin, end) character offsets of the sentences of ``text``, surrounding spaces left out."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        piece = text[begin:end]
        stripped = piece.strip()
        if not stripped:
            continue
        begin += len(piece) - len(piece.lstrip())
        trimmed.append((begin, begin + len(stripped)))
    return trimmed


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code-unit offset of character ``index`` (Perspective's span unit): characters
    beyond the Basic Multilingual Plane (most emoji) count twice."""
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)
