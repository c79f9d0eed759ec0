"""Distillation: a teacher model's labels on the unlabeled real comments, as training rows.

The teacher (slow: frozen e5 embeddings) labels each source's pool once; the fast n-gram
student learns from those labels beside the corpus and the hand labels, and keeps its speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from training.data import LabeledComment
from training.real import RealComment


def pseudo_labeled(
    pool: Sequence[RealComment],
    scores: Sequence[float],
    *,
    mode: str = "soft",
    weight: float = 1.0,
    min_confidence: float = 0.8,
) -> list[LabeledComment]:
    """A teacher's labels on the pool as training rows.

    ``soft``: each comment twice, once per label, weighted by the teacher's probability of
    it (the student's log-loss then targets the teacher's probability). ``filtered``: the
    teacher's hard label, only where its probability is at least ``min_confidence``.
    """
    if mode not in ("soft", "filtered"):
        raise ValueError(f"pseudo-label mode must be 'soft' or 'filtered', got {mode!r}")
    rows = []
    for comment, p in zip(pool, scores, strict=True):
        meta = {"source": comment.source, "pick": "teacher"}
        if mode == "soft":
            for label, share in (("substantive", p), ("generic", 1.0 - p)):
                if share > 1e-3:
                    rows.append(
                        LabeledComment(
                            comment.text, label, comment.lang, None, "train", meta, weight * share
                        )
                    )
        elif max(p, 1.0 - p) >= min_confidence:
            label = "substantive" if p >= 0.5 else "generic"
            rows.append(
                LabeledComment(comment.text, label, comment.lang, None, "train", meta, weight)
            )
    return rows


def teacher_scores(
    teacher_dir: str | Path, texts: Sequence[str], embedding_cache: str | Path | None = None
) -> list[float]:
    """P(substantive) from a teacher model directory; an embedding teacher reads and fills the
    on-disk embedding cache when one is given (tens of thousands of comments embed slowly)."""
    from classifier.backends.embedding import EmbeddingBackend
    from classifier.predictor import load

    teacher = load(str(teacher_dir))
    if embedding_cache is not None and isinstance(teacher.backend, EmbeddingBackend):
        from training.embed_cache import CachedEmbedder

        teacher.backend.embedder = CachedEmbedder(teacher.backend.settings, embedding_cache)
    return [p.score for p in teacher.predict(list(texts), explain=False)]
