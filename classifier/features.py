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
from classifier.text.segment import regex_tokens

LEXICON_PATH = Path(__file__).resolve().parent / "resources" / "lexicon.json"
LEXICON_KINDS = ("generic_phrase", "request", "promo", "follow", "question", "experience")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_TIMESTAMP = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
_NUMBER = re.compile(r"\d")
_QUESTION_MARK = re.compile(r"[?？]")
_CLAUSE_SPLIT = re.compile(r"[。，,.!！?？;；\n]+")


_VOWELS = frozenset("aeiouy")
_CONSONANT_RUN = re.compile(r"[b-df-hj-np-tv-xz]{6,}")
MIN_VARIETY_TOKENS = 8  # below this, repeats are normal ("hay hay hay")


def _looks_mashed(token: str) -> bool:
    """Keyboard mash ("hdjsksjdjsk", "ndhdwjwsjb"): a long ASCII token with six consonants in
    a row or hardly any vowels. Vietnamese and English words rarely have either."""
    if len(token) < 7 or not token.isascii() or not token.isalpha():
        return False
    vowels = sum(ch in _VOWELS for ch in token)
    return bool(_CONSONANT_RUN.search(token)) or (len(token) >= 10 and vowels / len(token) < 0.2)


def _low_variety(word_tokens: list[str]) -> float:
    """1 - distinct/total over word tokens: filler pasted to reach a review's minimum length
    ("50 ký tự 50 ký tự ...") repeats a few words many times."""
    if len(word_tokens) < MIN_VARIETY_TOKENS:
        return 0.0
    return 1.0 - len(set(word_tokens)) / len(word_tokens)


def _has_repeated_clause(text: str) -> bool:
    """Spam often pastes its pitch several times in one comment."""
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(text) if len(c.strip()) >= 4]
    return len(clauses) != len(set(clauses))


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
    "repeated_clause",
    "keyboard_mash",
    "low_variety",
)


@dataclass(frozen=True)
class Signals:
    """What the explicit features found in one comment, for reasons."""

    values: dict[str, float]
    hits: dict[str, tuple[str, ...]]


_HAN = re.compile(r"[\u3400-\u9fff]")
MAX_PHRASE_TOKENS = 5


@dataclass(frozen=True)
class PhraseSet:
    """Phrases of one kind: Latin ones as token n-grams (set lookup), Han ones as substrings."""

    token_phrases: frozenset[str]
    han_phrases: tuple[str, ...]
    first_tokens: frozenset[str] = frozenset()


def _phrase_set(phrases: list[str]) -> PhraseSet:
    token_phrases, han_phrases = set(), set()
    for phrase in phrases:
        if _HAN.search(phrase):
            han_phrases.add(phrase)
        else:
            token_phrases.add(" ".join(regex_tokens(phrase)))
    firsts = frozenset(p.split(" ")[0] for p in token_phrases)
    return PhraseSet(
        frozenset(token_phrases), tuple(sorted(han_phrases, key=len, reverse=True)), firsts
    )


@cache
def _all_first_tokens() -> frozenset[str]:
    return frozenset().union(
        *(ps.first_tokens for table in _lexicon().values() for ps in table.values())
    )


@cache
def _lexicon() -> dict[str, dict[str, PhraseSet]]:
    raw = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    compiled: dict[str, dict[str, PhraseSet]] = {}
    for kind in LEXICON_KINDS:
        by_lang = raw[kind]
        compiled[kind] = {lang: _phrase_set(phrases) for lang, phrases in by_lang.items()}
        # Comments mix languages: a Vietnamese comment may say "nice" or "link".
        compiled[kind]["*"] = _phrase_set([p for phrases in by_lang.values() for p in phrases])
    return compiled


def token_ngrams(tokens: tuple[str, ...], max_n: int = MAX_PHRASE_TOKENS) -> list[str]:
    """Token n-grams (1..max_n, joined by spaces, text order) that could start a lexicon phrase."""
    firsts = _all_first_tokens()
    grams = []
    for i, token in enumerate(tokens):
        if token not in firsts:
            continue
        for n in range(1, min(max_n, len(tokens) - i) + 1):
            grams.append(" ".join(tokens[i : i + n]))
    return grams


def _matches(kind: str, lang: str, text: str, grams: list[str]) -> list[str]:
    table = _lexicon()[kind]
    phrases = table.get(lang) or table["*"]
    found = [g for g in grams if g in phrases.token_phrases]
    if phrases.han_phrases and _HAN.search(text):
        found += [p for p in phrases.han_phrases if p in text]
    return found


def signals(doc: Doc) -> Signals:
    """Explicit feature values (in FEATURE_NAMES order) and the phrases that fired."""
    text = doc.text
    n_tokens = len(doc.tokens)
    word_tokens = [t for t in doc.tokens if _LETTER_OR_DIGIT.search(t) and not t.startswith("_")]
    placeholders = doc.placeholders
    grams = token_ngrams(doc.tokens)
    hits = {kind: tuple(_matches(kind, doc.lang, text, grams)) for kind in LEXICON_KINDS}
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
        "repeated_clause": float(_has_repeated_clause(text)),
        "keyboard_mash": min(
            1.0, 3.0 * sum(map(_looks_mashed, word_tokens)) / max(1, len(word_tokens))
        ),
        "low_variety": _low_variety(word_tokens),
    }
    return Signals(values, hits)


def feature_matrix(docs: list[Doc]) -> tuple[np.ndarray, list[Signals]]:
    """Dense matrix (n_docs, len(FEATURE_NAMES)) and the per-doc signals."""
    found = [signals(doc) for doc in docs]
    matrix = np.array([[s.values[name] for name in FEATURE_NAMES] for s in found], dtype=np.float64)
    return matrix.reshape(len(docs), len(FEATURE_NAMES)), found
