"""The n-gram hashers: the vectorized one against a plain-Python reference, the legacy one
against scikit-learn, and old model configs loading with the hasher they were trained with."""

from __future__ import annotations

import hashlib
import json

import pytest
from processes import stdout_under_hash_seeds
from sklearn.feature_extraction.text import HashingVectorizer

from classifier.backends.hashing import FnvHasher, SklearnHasher, word_tokens
from classifier.backends.ngram import NgramConfig
from classifier.text import analyze

MASK64 = 2**64 - 1
CHAR_FEATURES, WORD_FEATURES = 2**12, 2**11

COMMENTS = [
    "màu son này lên môi có bị khô không?",
    "这个粉底我用了一周，混油皮下午会浮粉",
    "the 3:40 tip about tempering chocolate saved my cake",
    "hay quá",
    "好看",
    "🔥🔥",
    "a",
    "kb zalo 0912345678 nha",
    "nice pic 🔥 @friend",
]


def _finalize(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    return h ^ (h >> 33)


def _fnv(values: list[int], size: int) -> int:
    h = 0xCBF29CE484222325
    for value in values:
        h = ((h ^ value) * 0x100000001B3) & MASK64
    return _finalize(h ^ size)


def reference_char_columns(text: str, low: int, high: int, n_features: int) -> list[int]:
    """char_wb n-grams (each word padded with spaces, none across words), one at a time."""
    columns = []
    for word in text.split():
        padded = f" {word} "
        for size in range(low, high + 1):
            for start in range(len(padded) - size + 1):
                gram = padded[start : start + size]
                if gram == " ":
                    continue
                columns.append(_fnv([ord(ch) for ch in gram], size) % n_features)
    return columns


def reference_word_columns(tokens: list[str], low: int, high: int, n_features: int) -> list[int]:
    hashes = [
        int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
        for t in tokens
    ]
    return [
        _fnv(hashes[start : start + size], size) % n_features
        for size in range(low, high + 1)
        for start in range(len(tokens) - size + 1)
    ]


def _row_counts(matrix, row: int) -> dict[int, float]:
    lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
    return dict(zip(matrix.indices[lo:hi].tolist(), matrix.data[lo:hi].tolist(), strict=True))


def _counted(columns: list[int]) -> dict[int, float]:
    out: dict[int, float] = {}
    for column in columns:
        out[column] = out.get(column, 0.0) + 1.0
    return out


@pytest.fixture(scope="module")
def docs():
    return [analyze(text) for text in COMMENTS]


def test_fnv_char_counts_match_the_one_at_a_time_reference(docs):
    hasher = FnvHasher((1, 4), (1, 2), CHAR_FEATURES, WORD_FEATURES)
    chars, _ = hasher.counts(docs)
    assert chars.shape == (len(docs), CHAR_FEATURES)
    for row, doc in enumerate(docs):
        expected = _counted(reference_char_columns(doc.text, 1, 4, CHAR_FEATURES))
        assert _row_counts(chars, row) == expected, doc.text


def test_fnv_word_counts_match_the_reference_and_the_explanations(docs):
    hasher = FnvHasher((1, 4), (1, 2), CHAR_FEATURES, WORD_FEATURES)
    _, words = hasher.counts(docs)
    for row, doc in enumerate(docs):
        tokens = word_tokens(doc)
        expected = _counted(reference_word_columns(tokens, 1, 2, WORD_FEATURES))
        assert _row_counts(words, row) == expected, doc.text
        # word_grams names the n-gram behind each column, as reasons need
        grams = list(hasher.word_grams(tokens))
        assert _counted([column for _, column in grams]) == expected
        assert {gram for gram, _ in grams} >= set(tokens)
        for _, column in grams:
            first = next(g for g, c in grams if c == column)
            assert hasher.find_word_gram(tokens, column) == first
        assert hasher.find_word_gram(tokens, WORD_FEATURES) is None  # no such column


def test_a_comment_hashes_the_same_alone_and_inside_a_batch(docs):
    hasher = FnvHasher((2, 3), (1, 2), CHAR_FEATURES, WORD_FEATURES)
    chars, words = hasher.counts(docs)
    for row, doc in enumerate(docs):
        alone_chars, alone_words = hasher.counts([doc])
        assert _row_counts(chars, row) == _row_counts(alone_chars, 0)
        assert _row_counts(words, row) == _row_counts(alone_words, 0)


def test_fnv_handles_an_empty_batch_and_a_doc_without_tokens():
    hasher = FnvHasher((1, 4), (1, 2), CHAR_FEATURES, WORD_FEATURES)
    chars, words = hasher.counts([])
    assert chars.shape == (0, CHAR_FEATURES) and words.shape == (0, WORD_FEATURES)
    no_tokens = analyze("_")
    assert no_tokens.tokens == ()
    chars, words = hasher.counts([no_tokens, analyze("hay")])
    assert words[0].nnz == 0 and words[1].nnz > 0 and chars[0].nnz > 0


def test_sklearn_hasher_equals_hashing_vectorizer(docs):
    hasher = SklearnHasher((1, 4), (1, 2), CHAR_FEATURES, WORD_FEATURES)
    chars, words = hasher.counts(docs)
    common = {"alternate_sign": False, "norm": None, "lowercase": False}
    char_vectorizer = HashingVectorizer(
        analyzer="char_wb", ngram_range=(1, 4), n_features=CHAR_FEATURES, **common
    )
    word_vectorizer = HashingVectorizer(
        analyzer="word",
        tokenizer=str.split,
        token_pattern=None,
        ngram_range=(1, 2),
        n_features=WORD_FEATURES,
        **common,
    )
    expected_chars = char_vectorizer.transform([d.text for d in docs])
    expected_words = word_vectorizer.transform([" ".join(word_tokens(d)) for d in docs])
    assert abs(chars - expected_chars).sum() == 0
    assert abs(words - expected_words).sum() == 0
    tokens = word_tokens(docs[0])
    for gram, column in hasher.word_grams(tokens):
        assert expected_words[0, column] > 0, gram
        assert hasher.find_word_gram(tokens, column) is not None


def test_configs_written_before_the_fnv_hasher_load_as_sklearn():
    config = json.loads(NgramConfig().to_json())
    assert config.pop("hashing") == "fnv"  # new models use the fast hasher
    assert NgramConfig.from_json(json.dumps(config)).hashing == "sklearn"
    with pytest.raises(ValueError, match="hashing must be one of"):
        NgramConfig(hashing="md5")


def test_fnv_is_deterministic_across_processes(docs):
    """The token cache and NumPy arithmetic must not depend on the process (hash seed)."""
    script = (
        "import numpy as np, sys\n"
        "from classifier.backends.hashing import FnvHasher\n"
        "from classifier.text import analyze\n"
        f"docs = [analyze(t) for t in {COMMENTS!r}]\n"
        f"c, w = FnvHasher((1, 4), (1, 2), {CHAR_FEATURES}, {WORD_FEATURES}).counts(docs)\n"
        "print(c.indices.sum(), c.data.sum(), w.indices.sum(), w.data.sum())\n"
    )
    outputs = stdout_under_hash_seeds(script, ("1", "2"))
    hasher = FnvHasher((1, 4), (1, 2), CHAR_FEATURES, WORD_FEATURES)
    chars, words = hasher.counts(docs)
    here = f"{chars.indices.sum()} {chars.data.sum()} {words.indices.sum()} {words.data.sum()}\n"
    assert outputs == {here}
