"""Near-duplicate texts at scale: exact groups first, then vectorized MinHash-LSH.

Never all pairs. Comments are reduced to a *key* (NFKC, lower case, Vietnamese tones and
other diacritics dropped, digits folded to 0, only letters and digits kept), so copies that
differ in emoji, punctuation, spacing or tone marks share a key. Distinct keys long enough to
be unlikely to repeat by chance get a MinHash signature of their character 3-grams, computed
with numpy over all keys at once; LSH banding proposes candidate pairs only inside buckets,
each candidate is verified by its estimated Jaccard similarity, and connected components of the
verified pairs are the near-duplicate groups.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SHINGLE = 3
# Han, Kana, Hangul (syllables and jamo): one character carries about a word.
_WIDE = r"[\x{1100}-\x{11ff}\x{3040}-\x{30ff}\x{3400}-\x{9fff}\x{ac00}-\x{d7af}\x{f900}-\x{faff}]"
_CHUNK_SHINGLES = 1 << 20


def _arrow(values: np.ndarray) -> Any:
    import pyarrow as pa

    return pa.array(values, type=pa.large_string())


def text_keys(texts: pd.Series) -> pd.Series:
    """The comparison key of each text (see the module docstring), computed once per distinct text.

    After NFKD, tone marks and other diacritics are separate combining characters, which the
    final "letters and digits only" step drops along with punctuation, emoji and spaces.
    Runs in pyarrow's compute kernels (RE2), so a million comments take about a second.
    """
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(texts)
    keys = pc.utf8_lower(pc.utf8_normalize(_arrow(np.asarray(uniques, dtype=object)), "NFKD"))
    keys = pc.replace_substring(keys, "đ", "d")
    keys = pc.replace_substring_regex(keys, r"\p{Nd}", "0")
    keys = pc.replace_substring_regex(keys, r"[^\p{L}\p{N}]+", "")
    values = np.asarray(keys.to_numpy(zero_copy_only=False), dtype=object)
    return pd.Series(values[codes], index=texts.index, dtype=object)


def key_units(keys: pd.Series) -> np.ndarray:
    """Length of each key, a Han/Kana/Hangul character counting 2.5 (one carries a word)."""
    import pyarrow.compute as pc

    array = _arrow(keys.to_numpy(dtype=object))
    total = pc.utf8_length(array).to_numpy(zero_copy_only=False).astype(float)
    wide = pc.count_substring_regex(array, _WIDE).to_numpy(zero_copy_only=False).astype(float)
    return total + 1.5 * wide


def _fmix32(h: np.ndarray) -> np.ndarray:
    """murmur3's 32-bit finalizer, in place: spreads similar shingle codes over all bits."""
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def _shingles(keys: list[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hash of every character ``size``-gram (2 or 3) and the index of its key.

    Keys are joined with NUL separators into one code-point array; a gram is kept when none of
    its characters is a separator, so grams never cross two keys.
    """
    if not keys:
        return np.empty(0, np.uint32), np.empty(0, np.int32)
    codes = np.frombuffer(("\0".join(keys) + "\0").encode("utf-32-le"), dtype=np.uint32)
    if len(codes) <= size:
        return np.empty(0, np.uint32), np.empty(0, np.int32)
    lengths = np.fromiter((len(k) + 1 for k in keys), dtype=np.int64, count=len(keys))
    owner = np.repeat(np.arange(len(keys), dtype=np.int32), lengths)
    m = len(codes) - size + 1
    valid = codes[:m] != 0
    grams = codes[:m] * np.uint32(0x9E3779B1)
    for offset in range(1, size):
        part = codes[offset : offset + m]
        valid &= part != 0
        grams = (grams ^ part) * np.uint32(0x85EBCA6B)
    return _fmix32(grams[valid]), owner[:m][valid]


def _chunk_bounds(starts: np.ndarray, total: int) -> list[int]:
    """Chunk limits of about ``_CHUNK_SHINGLES`` shingles that fall on key boundaries."""
    bounds = {0, total}
    for cut in range(_CHUNK_SHINGLES, total, _CHUNK_SHINGLES):
        position = int(np.searchsorted(starts, cut))
        bounds.add(int(starts[position]) if position < len(starts) else total)
    return sorted(bounds)


def minhash_signatures(
    keys: list[str], num_perm: int, seed: int = 1, shingle: int = SHINGLE
) -> np.ndarray:
    """MinHash signatures (len(keys), num_perm) of character-gram sets, vectorized.

    Each permutation is ``(a*x) xor b`` on 32-bit shingle hashes (``a`` odd, so a bijection);
    the minimum per key is taken with ``np.minimum.reduceat`` over chunks of about a million
    shingles, so memory stays flat. Keys shorter than the gram size get the all-max signature
    (callers only pass long keys).
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    grams, owner = _shingles(keys, shingle)
    signatures = np.full((len(keys), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    if not len(grams):
        return signatures
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    bounds = _chunk_bounds(starts, len(grams))
    for lo, hi in itertools.pairwise(bounds):
        chunk = grams[lo:hi]
        segments = starts[(starts >= lo) & (starts < hi)]
        rows = owner[segments]
        offsets = segments - lo
        values = np.empty_like(chunk)
        for k in range(num_perm):
            np.multiply(chunk, a[k], out=values)
            np.bitwise_xor(values, b[k], out=values)
            signatures[rows, k] = np.minimum.reduceat(values, offsets)
    return signatures


def _signatures_by_script(keys: list[str], num_perm: int, seed: int) -> np.ndarray:
    """3-gram signatures for alphabetic keys, 2-gram ones for keys that are mostly Han/Kana/Hangul.

    One Han character carries about a word, so a one-word edit in Chinese changes as many
    3-grams as a three-word edit in English; 2-grams keep the two scripts' similarities alike.
    """
    wide = key_units(pd.Series(keys, dtype=object)) >= 2.0 * np.fromiter(
        (len(k) for k in keys), float, len(keys)
    )
    signatures = np.empty((len(keys), num_perm), dtype=np.uint32)
    for mask, size in ((~wide, 3), (wide, 2)):
        index = np.flatnonzero(mask)
        if len(index):
            signatures[index] = minhash_signatures([keys[i] for i in index], num_perm, seed, size)
    return signatures


def _band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (text, band): the band's rows hashed together."""
    n = signatures.shape[0]
    sig = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    keys = np.zeros((n, bands), dtype=np.uint64)
    for r in range(rows):
        keys = (keys * np.uint64(0x9E3779B97F4A7C15)) ^ (sig[:, :, r] + np.uint64(r + 1))
    return keys


def near_duplicate_groups(
    keys: list[str], *, bands: int, rows: int, min_jaccard: float, seed: int = 1
) -> np.ndarray:
    """A group id per key: keys whose 3-gram sets are near-duplicates share an id.

    LSH: texts whose signatures agree on all rows of at least one band become candidates;
    inside a bucket only neighbours in sorted order are paired (a bucket of m texts gives m-1
    pairs, never m^2), each pair is kept if its signatures agree on at least ``min_jaccard`` of
    the positions, and connected components of the kept pairs are the groups.
    """
    n = len(keys)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    signatures = _signatures_by_script(keys, bands * rows, seed)
    band_keys = _band_keys(signatures, bands, rows)
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    for band in range(bands):
        order = np.argsort(band_keys[:, band], kind="stable")
        sorted_keys = band_keys[order, band]
        same = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
        left.append(order[same])
        right.append(order[same + 1])
    i = np.concatenate(left).astype(np.int64)
    j = np.concatenate(right).astype(np.int64)
    if len(i):
        pairs = np.sort(np.minimum(i, j) * n + np.maximum(i, j))
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]  # each pair once
        i, j = pairs // n, pairs % n
        agree = np.empty(len(i), dtype=float)
        for start in range(0, len(i), 200_000):
            stop = start + 200_000
            agree[start:stop] = (signatures[i[start:stop]] == signatures[j[start:stop]]).mean(
                axis=1
            )
        keep = agree >= min_jaccard
        i, j = i[keep], j[keep]
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)
