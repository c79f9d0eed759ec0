"""Explicit, named features that say *why* a comment looks generic or substantive.

These sit beside the n-grams in the model and feed the reasons a vetter reads. Phrase lists
live in ``resources/lexicon.json``; Latin phrases match whole words, Han phrases substrings.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from classifier.text import Doc
from classifier.text.normalize import CONTACT_PLACEHOLDERS

LEXICON_PATH = Path(__file__).resolve().parent / "resources" / "lexicon.json"
LEXICON_KINDS = ("generic_phrase", "request", "promo", "follow", "question", "experience")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_TIMESTAMP = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
_NUMBER = re.compile(r"\d")
_QUESTION_MARK = re.compile(r"[?？]")

FEATURE_NAMES: tuple[str, ...] = (
    "log_tokens",
    "log_chars",
    "emoji_share",
    "no_letters",
    "question_mark",
    "contact_handle",
    "url",
    "mention",
    "mention_only",
    "hashtag",
    "repeat_runs",
    "timestamp",
    "has_number",
    *(f"lex_{kind}" for kind in LEXICON_KINDS),
    "generic_cover",
)


@dataclass(frozen=True)
class Signals:
    """What the explicit features found in one comment, for reasons."""

    values: dict[str, float]
    hits: dict[str, tuple[str, ...]]


def _compile(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        escaped = re.escape(phrase)
        parts.append(escaped if re.search(r"[\u3400-\u9fff]", phrase) else rf"(?<![^\W_]){escaped}(?![^\W_])")
    return re.compile("|".join(parts))


@cache
def _lexicon() -> dict[str, dict[str, re.Pattern[str] | None]]:
    raw = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    compiled: dict[str, dict[str, re.Pattern[str] | None]] = {}
    for kind in LEXICON_KINDS:
        by_lang = raw[kind]
        compiled[kind] = {lang: _compile(phrases) for lang, phrases in by_lang.items()}
        # Comments mix languages: a Vietnamese comment may say "nice" or "link".
        compiled[kind]["*"] = _compile([p for phrases in by_lang.values() for p in phrases])
    return compiled


def _matches(kind: str, lang: str, text: str) -> list[str]:
    table = _lexicon()[kind]
    pattern = table.get(lang) or table["*"]
    return pattern.findall(text) if pattern is not None else []


def signals(doc: Doc) -> Signals:
    """Explicit feature values (in FEATURE_NAMES order) and the phrases that fired."""
    text = doc.text
    n_tokens = len(doc.tokens)
    word_tokens = [t for t in doc.tokens if _LETTER_OR_DIGIT.search(t) and not t.startswith("_")]
    placeholders = doc.placeholders
    hits = {kind: tuple(_matches(kind, doc.lang, text)) for kind in LEXICON_KINDS}
    generic_chars = sum(len(h) for h in hits["generic_phrase"])
    letters = len(_LETTER_OR_DIGIT.findall(text))
    mention = placeholders.get("mention", 0)
    values = {
        "log_tokens": math.log1p(n_tokens),
        "log_chars": math.log1p(len(text)),
        "emoji_share": doc.n_emoji / max(1, n_tokens),
        "no_letters": float(not word_tokens),
        "question_mark": float(bool(_QUESTION_MARK.search(text))),
        "contact_handle": float(sum(placeholders.get(k, 0) for k in CONTACT_PLACEHOLDERS) > 0),
        "url": float(placeholders.get("url", 0) > 0),
        "mention": float(mention > 0),
        "mention_only": float(mention > 0 and len(word_tokens) <= 2),
        "hashtag": min(placeholders.get("hashtag", 0), 5) / 5.0,
        "repeat_runs": min(doc.repeat_runs, 3) / 3.0,
        "timestamp": float(bool(_TIMESTAMP.search(text))),
        "has_number": float(bool(_NUMBER.search(text))),
        **{f"lex_{kind}": min(len(hits[kind]), 3) / 3.0 for kind in LEXICON_KINDS},
        "generic_cover": min(1.0, generic_chars / max(1, letters)),
    }
    return Signals(values, hits)


def feature_matrix(docs: list[Doc]) -> tuple[np.ndarray, list[Signals]]:
    """Dense matrix (n_docs, len(FEATURE_NAMES)) and the per-doc signals."""
    found = [signals(doc) for doc in docs]
    matrix = np.array([[s.values[name] for name in FEATURE_NAMES] for s in found], dtype=np.float64)
    return matrix.reshape(len(docs), len(FEATURE_NAMES)), found
