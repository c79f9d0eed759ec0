"""Which comment to label next.

Active learning with an honest test sample:

- a share of the picks (``random_share``, 1 in 4 by default) is drawn uniformly at random from
  the rows not labeled yet. Only these estimate how well a model does on the platform; the
  other picks are chosen *because* the model is unsure of them, so they are harder than the
  platform's comments at large.
- the other picks go where the current model is least sure: the smallest distance between its
  score and its threshold. To spread them over the data, a comment is not picked while
  another comment of its similarity group (same or near-duplicate text, grouped with the
  scorer's MinHash code) is labeled already: the least sure comment of the least used groups
  is picked.

The kind of the next pick depends only on how many of each kind were given before, so a
restart resumes the same mix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from classifier.scoring.textsim import key_units, near_duplicate_groups, text_keys

RANDOM_SHARE = 0.25
PICK_KINDS = ("uncertain", "random")
# Keys this long (after normalization; a Han character counts 2.5) are compared by MinHash;
# shorter ones group only with the same key.
NEAR_DUP_MIN_UNITS = 12.0
NEAR_DUP_JACCARD = 0.5
MINHASH_BANDS, MINHASH_ROWS = 16, 3


@dataclass(frozen=True)
class Pick:
    index: int  # position in the pool
    kind: str  # "uncertain" | "random"


def similarity_groups(texts: list[str]) -> np.ndarray:
    """A group id per text: texts with the same key or near-duplicate keys share one."""
    if not texts:
        return np.empty(0, dtype=np.int64)
    keys = text_keys(pd.Series(texts, dtype=object))
    codes, uniques = pd.factorize(keys)
    unique_keys = np.asarray(uniques, dtype=object)
    group_of_key = np.arange(len(unique_keys), dtype=np.int64)
    long = np.flatnonzero(key_units(pd.Series(unique_keys, dtype=object)) >= NEAR_DUP_MIN_UNITS)
    if len(long) > 1:
        near = near_duplicate_groups(
            [unique_keys[i] for i in long],
            bands=MINHASH_BANDS,
            rows=MINHASH_ROWS,
            min_jaccard=NEAR_DUP_JACCARD,
        )
        group_of_key[long] = len(unique_keys) + near
    return group_of_key[codes]


def next_kind(n_random: int, n_total: int, random_share: float) -> str:
    """``random`` when the random picks so far fall short of their share of the next pick."""
    return "random" if n_random + 1 <= random_share * (n_total + 1) else "uncertain"


class ActivePicker:
    """Picks from a pool by uncertainty (spread over similarity groups) and at random."""

    def __init__(
        self,
        margins: np.ndarray,
        groups: np.ndarray,
        counts: np.ndarray,
        *,
        random_share: float = RANDOM_SHARE,
        seed: int = 0,
    ) -> None:
        if not 0.0 <= random_share <= 1.0:
            raise ValueError(f"random share must be within [0, 1], got {random_share}")
        self.margins = np.where(np.isnan(margins), np.inf, np.asarray(margins, dtype=float))
        self.groups = np.asarray(groups, dtype=np.int64)
        self.counts = np.asarray(counts, dtype=float)
        self.random_share = random_share
        self.seed = seed
        self.done = np.zeros(len(self.margins), dtype=bool)
        self.group_uses = np.zeros(int(self.groups.max(initial=-1)) + 1, dtype=np.int64)

    def mark(self, index: int) -> None:
        """The comment at ``index`` is labeled or skipped: never pick it again."""
        if not self.done[index]:
            self.done[index] = True
            self.group_uses[self.groups[index]] += 1

    def unmark(self, index: int) -> None:
        """Its label was undone: it may be picked again."""
        if self.done[index]:
            self.done[index] = False
            self.group_uses[self.groups[index]] -= 1

    def next(self, n_random: int, n_total: int) -> Pick | None:
        """The next comment, given how many random and all picks were labeled; None when done."""
        open_ = ~self.done
        if not open_.any():
            return None
        if next_kind(n_random, n_total, self.random_share) == "random":
            rng = np.random.default_rng([self.seed, n_total])
            weights = np.where(open_, self.counts, 0.0)  # a text on 5 rows is 5 rows of the sample
            return Pick(int(rng.choice(len(weights), p=weights / weights.sum())), "random")
        uses = self.group_uses[self.groups]
        candidates = open_ & (uses == uses[open_].min())  # the least used groups first
        return Pick(int(np.argmin(np.where(candidates, self.margins, np.inf))), "uncertain")


class QueuePicker:
    """Second-labeler mode: the comments another labeler labeled, in their order and pick kind."""

    def __init__(self, size: int, order: list[int], kinds: list[str]) -> None:
        self.order = order
        self.kinds = kinds
        self.done = np.zeros(size, dtype=bool)

    def mark(self, index: int) -> None:
        self.done[index] = True

    def unmark(self, index: int) -> None:
        self.done[index] = False

    def next(self, n_random: int, n_total: int) -> Pick | None:
        for index, kind in zip(self.order, self.kinds, strict=True):
            if not self.done[index]:
                return Pick(index, kind)
        return None

    @property
    def remaining(self) -> int:
        return sum(not self.done[i] for i in self.order)
