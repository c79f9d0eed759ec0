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
import unicodedata

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SHINGLE = 3
_WIDE = r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
_CHUNK_SHINGLES = 1 << 20


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def text_keys(texts: pd.Series) -> pd.Series:
    """The comparison key of each text (see the module docstring)."""
    codes, uniques = pd.factorize(texts)
    folded = pd.Series([_fold(str(t)) for t in uniques], dtype=object)
    keys = folded.str.replace(r"\d", "0", regex=True).str.replace(r"[\W_]+", "", regex=True)
    return pd.Series(keys.to_numpy(dtype=object)[codes], index=texts.index, dtype=object)


def key_units(keys: pd.Series) -> np.ndarray:
    """Length of each key, a Han/Kana/Hangul character counting 2.5 (one carries a word)."""
    total = keys.str.len().to_numpy(dtype=float)
    wide = keys.str.count(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]").to_numpy(
        dtype=float
    )
    return total + 1.5 * wide


def _shingles(keys: list[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every character ``size``-gram (2 or 3) and the index of the key it belongs to."""
    lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < size:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    if size == 2:
        grams = (codes[:-1] << np.uint64(21)) ^ codes[1:]
    else:
        grams = (codes[:-2] << np.uint64(42)) ^ (codes[1:-1] << np.uint64(21)) ^ codes[2:]
    owner = np.repeat(np.arange(len(keys)), lengths)[: len(grams)]
    ends = np.cumsum(lengths)
    valid = np.arange(len(grams)) + size <= ends[owner]
    return grams[valid], owner[valid]


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads similar shingle codes over all 64 bits."""
    z = values + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


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
    """MinHash signatures (len(keys), num_perm) of character 3-gram sets, vectorized.

    Each permutation is a multiply-shift hash ``(a*x + b) mod 2^64 >> 32`` (``a`` odd) of the
    mixed shingle hash; the minimum per key is taken with ``np.minimum.reduceat`` over chunks of
    about a million shingles, so memory stays flat. Keys shorter than 3 characters get the
    all-max signature (they are never compared: callers only pass long keys).
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64)
    grams, owner = _shingles(keys, shingle)
    signatures = np.full((len(keys), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    if not len(grams):
        return signatures
    grams = _mix(grams)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    bounds = _chunk_bounds(starts, len(grams))
    shift = np.uint64(32)
    for lo, hi in itertools.pairwise(bounds):
        chunk = grams[lo:hi]
        segments = starts[(starts >= lo) & (starts < hi)]
        rows = owner[segments]
        offsets = segments - lo
        for k in range(num_perm):
            values = ((chunk * a[k] + b[k]) >> shift).astype(np.uint32)
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
    i = np.concatenate(left)
    j = np.concatenate(right)
    if len(i):
        pairs = np.unique(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1), axis=0)
        i, j = pairs[:, 0], pairs[:, 1]
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
