"""Hashed n-gram counts for the n-gram backend: docs -> (char counts, word counts).

Two hashers, named in a model's ``ngram_config.json`` (``hashing``):

- ``fnv`` (models trained by this version): every character n-gram of a chunk is hashed at
  once with NumPy. The chunk's texts are laid end to end as code points, FNV-1a runs over
  all start positions for n = 1, 2, ... together and a 64-bit finalizer spreads the result
  over the columns. Word n-grams hash each distinct token once (BLAKE2b, cached) and
  combine token hashes with the same arithmetic. About five times faster than hashing
  n-gram strings one at a time, which was the largest cost of a prediction.
- ``sklearn`` (models written before ``hashing`` existed): scikit-learn's HashingVectorizer
  (``char_wb`` and word analyzers, murmurhash3 per n-gram string). Kept so those models
  load and score exactly as they were trained.

Character n-grams follow ``char_wb``: each word padded with one space at both ends, n-grams
never span two words (the fnv hasher leaves out ``char_wb``'s lone-space unigram and its
repeat of a word shorter than n). Word n-grams are over the segmented tokens (spaces inside a token,
as underthesea writes multi-syllable words, become ``_``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from classifier.text import Doc

HASHINGS = ("fnv", "sklearn")

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX_1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX_2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT = np.uint64(33)
_SEPARATOR = "\x00"  # between texts; the text layer removes control characters
_TOKEN_CACHE_LIMIT = 500_000


def _identity(text: str) -> str:
    return text


def token_hash(token: str) -> int:
    """64-bit hash of one word token (as :func:`word_tokens` writes it), the same in every
    process: BLAKE2b from the standard library, so predicting needs no scikit-learn."""
    digest = hashlib.blake2b(
        token.replace(" ", "_").encode("utf-8", "surrogatepass"), digest_size=8
    )
    return int.from_bytes(digest.digest(), "little")


def word_tokens(doc: Doc) -> list[str]:
    """The tokens word n-grams are made of."""
    return [token.replace(" ", "_") for token in doc.tokens]


class NgramHasher(Protocol):
    """Hashed n-gram counts of docs, and the word n-grams of one doc with their columns."""

    def counts(self, docs: Sequence[Doc]) -> tuple[sp.csr_matrix, sp.csr_matrix]: ...

    def word_grams(self, tokens: Sequence[str]) -> Iterator[tuple[str, int]]: ...

    def find_word_gram(self, tokens: Sequence[str], column: int) -> str | None: ...


def make_hasher(
    hashing: str,
    char_range: tuple[int, int],
    word_range: tuple[int, int],
    char_features: int,
    word_features: int,
) -> NgramHasher:
    if hashing == "fnv":
        return FnvHasher(char_range, word_range, char_features, word_features)
    if hashing == "sklearn":
        return SklearnHasher(char_range, word_range, char_features, word_features)
    raise ValueError(f"hashing must be one of {HASHINGS}, got {hashing!r}")


def _finalize(h: np.ndarray) -> np.ndarray:
    """murmur3's 64-bit finalizer: every input bit moves every output bit."""
    h = h ^ (h >> _SHIFT)
    h *= _MIX_1
    h ^= h >> _SHIFT
    h *= _MIX_2
    h ^= h >> _SHIFT
    return h


_FNV_OFFSET_INT, _FNV_PRIME_INT = int(_FNV_OFFSET), int(_FNV_PRIME)
_MASK_64 = 2**64 - 1


def _finalize_int(h: int) -> int:
    """:func:`_finalize` on one Python int."""
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK_64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK_64
    return h ^ (h >> 33)


def _count_matrix(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=shape, dtype=np.float32
    )
    matrix.sum_duplicates()
    return matrix


class FnvHasher:
    """Vectorized hashing of a whole chunk (see the module docstring)."""

    def __init__(
        self,
        char_range: tuple[int, int],
        word_range: tuple[int, int],
        char_features: int,
        word_features: int,
    ):
        self.char_range = char_range
        self.word_range = word_range
        self.char_features = char_features
        self.word_features = word_features
        self._token_hashes: dict[str, int] = {}

    def counts(self, docs: Sequence[Doc]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        # doc.tokens, not word_tokens(doc): _token_hash hashes a token as word_tokens writes it
        return self.char_counts([doc.text for doc in docs]), self.word_counts(
            [doc.tokens for doc in docs]
        )

    def char_counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        low, high = self.char_range
        padded = [f"{_SEPARATOR} {text} " for text in texts]
        joined = "".join(padded)
        if joined.count(_SEPARATOR) != len(texts):
            padded = [f"{_SEPARATOR} {text.replace(_SEPARATOR, ' ')} " for text in texts]
            joined = "".join(padded)
        codes = np.frombuffer(
            (joined + _SEPARATOR * high).encode("utf-32-le", "surrogatepass"), dtype=np.uint32
        ).astype(np.uint64)
        n = len(joined)
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
        doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        space = codes == 32
        separator = codes == 0
        h = np.full(n, _FNV_OFFSET, dtype=np.uint64)
        spans_texts = np.zeros(n, dtype=bool)
        spans_words = np.zeros(n, dtype=bool)
        rows, columns = [], []
        mask = np.uint64(self.char_features - 1)
        for size in range(1, high + 1):
            last = size - 1
            h = (h ^ codes[last : last + n]) * _FNV_PRIME
            spans_texts |= separator[last : last + n]
            if size >= 3:  # a space inside the n-gram: it spans two words
                spans_words |= space[last - 1 : last - 1 + n]
            if size < low:
                continue
            valid = ~(spans_texts | spans_words)
            if size == 1:
                valid &= ~space[:n]
            elif size == 2:  # two spaces: an empty text
                valid &= ~(space[:n] & space[1 : n + 1])
            start = np.flatnonzero(valid)
            rows.append(doc_of[start])
            columns.append((_finalize(h[start] ^ np.uint64(size)) & mask).astype(np.int64))
        return _count_matrix(
            np.concatenate(rows), np.concatenate(columns), (len(texts), self.char_features)
        )

    def _token_hash(self, token: str) -> int:
        value = self._token_hashes.get(token)
        if value is None:
            if len(self._token_hashes) >= _TOKEN_CACHE_LIMIT:
                self._token_hashes.clear()
            value = token_hash(token)
            self._token_hashes[token] = value
        return value

    def _gram_hashes(self, token_hashes: np.ndarray, size: int) -> np.ndarray:
        """Hash of the n-gram of ``size`` tokens starting at each position (no bounds check)."""
        h = np.full(len(token_hashes) - size + 1, _FNV_OFFSET, dtype=np.uint64)
        for k in range(size):
            h = (h ^ token_hashes[k : k + len(h)]) * _FNV_PRIME
        return _finalize(h ^ np.uint64(size))

    def word_counts(self, token_lists: Sequence[Sequence[str]]) -> sp.csr_matrix:
        low, high = self.word_range
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        flat = [token for tokens in token_lists for token in tokens]
        known = self._token_hashes.get
        hashes = np.array(
            [h if (h := known(t)) is not None else self._token_hash(t) for t in flat],
            dtype=np.uint64,
        ).reshape(len(flat))
        doc_of = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)
        offset_in_doc = np.arange(len(hashes)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        remaining = np.repeat(lengths, lengths) - offset_in_doc  # tokens from here to doc end
        rows, columns = [], []
        mask = np.uint64(self.word_features - 1)
        for size in range(low, high + 1):
            if len(hashes) < size:
                break
            grams = self._gram_hashes(hashes, size)
            start = np.flatnonzero(remaining[: len(grams)] >= size)
            rows.append(doc_of[start])
            columns.append((grams[start] & mask).astype(np.int64))
        if not rows:
            return sp.csr_matrix((len(token_lists), self.word_features), dtype=np.float32)
        return _count_matrix(
            np.concatenate(rows), np.concatenate(columns), (len(token_lists), self.word_features)
        )

    def _gram_columns(self, tokens: Sequence[str]) -> Iterator[tuple[int, int, int]]:
        """(start, size, column) of one doc's word n-grams, shortest first, then in text
        order, in plain Python: reasons look up one column per comment, where NumPy's cost
        per call would dominate. FNV states of size n extend those of size n - 1."""
        mask = self.word_features - 1
        low, high = self.word_range
        states = [_FNV_OFFSET_INT] * len(tokens)  # FNV state of the gram starting at i
        hashes = [self._token_hash(t) for t in tokens]
        for size in range(1, min(high, len(tokens)) + 1):
            states = [
                ((states[i] ^ hashes[i + size - 1]) * _FNV_PRIME_INT) & _MASK_64
                for i in range(len(tokens) - size + 1)
            ]
            if size >= low:
                for start, h in enumerate(states):
                    yield start, size, _finalize_int(h ^ size) & mask

    def word_grams(self, tokens: Sequence[str]) -> Iterator[tuple[str, int]]:
        for start, size, column in self._gram_columns(tokens):
            yield " ".join(tokens[start : start + size]), column

    def find_word_gram(self, tokens: Sequence[str], column: int) -> str | None:
        """The first word n-gram hashed to ``column``: what a reason names (only the match
        is joined into a string)."""
        for start, size, gram_column in self._gram_columns(tokens):
            if gram_column == column:
                return " ".join(tokens[start : start + size])
        return None


class SklearnHasher:
    """scikit-learn's HashingVectorizer analyzers, counted with Counter and FeatureHasher
    (the same matrices as ``HashingVectorizer.transform``)."""

    def __init__(
        self,
        char_range: tuple[int, int],
        word_range: tuple[int, int],
        char_features: int,
        word_features: int,
    ):
        # Imported here: scikit-learn takes most of a second to import, and only models
        # written before the fnv hasher need it at prediction time.
        from sklearn.feature_extraction import FeatureHasher
        from sklearn.feature_extraction.text import HashingVectorizer
        from sklearn.utils import murmurhash3_32

        self._murmurhash: Any = murmurhash3_32
        self.word_features = word_features
        self.word_range = word_range
        common: dict[str, Any] = {"alternate_sign": False, "norm": None, "lowercase": False}
        self._char_ngrams = HashingVectorizer(
            analyzer="char_wb", ngram_range=char_range, n_features=char_features, **common
        ).build_analyzer()
        self._word_ngrams = HashingVectorizer(
            analyzer="word",
            tokenizer=str.split,
            token_pattern=None,
            preprocessor=_identity,
            ngram_range=word_range,
            n_features=word_features,
            **common,
        ).build_analyzer()
        self._char_dict_hasher = FeatureHasher(
            char_features, input_type="dict", alternate_sign=False, dtype=np.float32
        )
        self._word_dict_hasher = FeatureHasher(
            word_features, input_type="dict", alternate_sign=False, dtype=np.float32
        )

    def counts(self, docs: Sequence[Doc]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        chars = self._char_dict_hasher.transform(
            Counter(self._char_ngrams(doc.text)) for doc in docs
        )
        words = self._word_dict_hasher.transform(
            Counter(self._word_ngrams(" ".join(word_tokens(doc)))) for doc in docs
        )
        return sp.csr_matrix(chars), sp.csr_matrix(words)

    def word_grams(self, tokens: Sequence[str]) -> Iterator[tuple[str, int]]:
        low, high = self.word_range
        for size in range(low, high + 1):
            for start in range(len(tokens) - size + 1):
                gram = " ".join(tokens[start : start + size])
                yield gram, abs(self._murmurhash(gram, seed=0)) % self.word_features

    def find_word_gram(self, tokens: Sequence[str], column: int) -> str | None:
        return next((gram for gram, c in self.word_grams(tokens) if c == column), None)
