"""Train the default n-gram model and write its model directory.

Steps: analyze every comment with the runtime text pipeline (so training sees exactly what
prediction sees) -> learn IDF on the training split -> pick the regularization C by macro-F1
on the validation split -> fit the binary head on train -> Platt-scale its margins using
5-fold cross-validated margins on train -> fit the category head -> evaluate on test ->
write the directory (weights, config, card, and last the manifest). Deterministic: the same
data and seed give byte-identical weights.

The category head learns from the training rows that carry a category. When they carry none
(a user's text,label file), it learns from the shipped corpus's categorized rows instead, on
this model's own features, so ``predict`` still fills ``category`` and ``score`` keeps its
category signals; the card, the manifest and :class:`TrainResult` say where it came from.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from tqdm import tqdm

from classifier.backends.ngram import (
    CONFIG_FILE,
    WEIGHTS_FILE,
    Featurizer,
    NgramBackend,
    NgramConfig,
    NgramWeights,
)
from classifier.io.atomic import atomic_path, atomic_write_text
from classifier.model_dir import (
    CARD_NAME,
    CATEGORIES,
    LABELS,
    Manifest,
    hash_files,
    write_manifest,
)
from classifier.text import Doc, analyze
from training.data import (
    ALL_CATEGORIES,
    CORPUS_NAME,
    LANGS,
    LabeledComment,
    LabeledData,
    corpus_paths,
    load_labeled,
)
from training.evaluate import LengthBaseline, evaluate
from training.model_card import (
    library_versions,
    manifest_training_data,
    render_card,
    training_summary,
)


@dataclass(frozen=True)
class NgramTrainingConfig:
    """Training settings; saved in the manifest of the model they produce."""

    seed: int = 13
    c_grid: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
    calibration_folds: int = 5
    # The category head's C, chosen on validation by how often the head names the labeled
    # category; without categories in validation, the middle value.
    category_c_grid: tuple[float, ...] = (4.0, 16.0, 64.0)
    max_iter: int = 3000
    featurizer: NgramConfig = field(default_factory=NgramConfig)

    def __post_init__(self) -> None:
        if not self.c_grid or any(c <= 0 for c in self.c_grid):
            raise ValueError(f"c_grid must hold positive values, got {self.c_grid}")
        if not self.category_c_grid or any(c <= 0 for c in self.category_c_grid):
            raise ValueError(
                f"category_c_grid must hold positive values, got {self.category_c_grid}"
            )
        if self.calibration_folds < 2:
            raise ValueError(f"calibration_folds must be >= 2, got {self.calibration_folds}")


class TrainingReport(Protocol):
    """What a training run adds beyond its own splits (real comments: :class:`training.real.
    RealReport`; a platform's labels: :class:`training.adapt.AdaptReport`): scores on its own
    rows, a card section, manifest entries, the card's title and how to reproduce the model."""

    def evaluate(self, score: Callable[[list[str]], np.ndarray]) -> dict[str, Any]: ...

    def card_section(self, metrics: dict[str, Any]) -> str: ...

    def manifest_extra(self) -> dict[str, Any]: ...

    def card_title(self) -> str: ...

    def reproduce(self, seed: int) -> str | None: ...


def _log(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def analyze_rows(texts: list[str], vi_segmenter: str, quiet: bool = False) -> list[Doc]:
    return [
        analyze(t, None, vi_segmenter)
        for t in tqdm(texts, desc="analyze", disable=quiet, file=sys.stderr, mininterval=1.0)
    ]


def _fit_binary(
    x: sp.csr_matrix,
    y: np.ndarray,
    c: float,
    config: NgramTrainingConfig,
    weight: np.ndarray | None = None,
) -> LogisticRegression:
    model = LogisticRegression(
        C=c,
        class_weight="balanced",
        max_iter=config.max_iter,
        solver="liblinear",
        random_state=config.seed,
    )
    return model.fit(x, y, sample_weight=weight)


def _platt(
    x: sp.csr_matrix,
    y: np.ndarray,
    c: float,
    config: NgramTrainingConfig,
    weight: np.ndarray | None = None,
) -> tuple[float, float]:
    """Platt scaling fitted on out-of-fold margins, so calibration is not fooled by training fit."""
    margins = np.zeros(len(y))
    folds = StratifiedKFold(
        n_splits=config.calibration_folds, shuffle=True, random_state=config.seed
    )
    for train_index, held_index in folds.split(np.zeros(len(y)), y):
        fold_weight = None if weight is None else weight[train_index]
        model = _fit_binary(x[train_index], y[train_index], c, config, fold_weight)
        margins[held_index] = model.decision_function(x[held_index])
    platt = LogisticRegression(C=1e4, solver="lbfgs").fit(
        margins.reshape(-1, 1), y, sample_weight=weight
    )
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


def row_weights(rows: list[Any]) -> np.ndarray | None:
    """Per-row training weights, or None when every row counts once (the plain case)."""
    weight = np.array([getattr(r, "weight", 1.0) for r in rows], dtype=np.float64)
    return None if np.all(weight == 1.0) else weight


def write_tensors(path: Path, tensors: dict[str, np.ndarray], file_format: str) -> None:
    """Write ``tensors`` to a safetensors file atomically, each in C order: safetensors writes
    an array's memory as it is and reads it back as C order, so a Fortran-ordered array (as
    scikit-learn's multinomial ``coef_`` can be) would come back scrambled."""
    from safetensors.numpy import save_file

    with atomic_path(path) as tmp:
        save_file(
            {name: np.ascontiguousarray(value) for name, value in tensors.items()},
            str(tmp),
            metadata={"format": file_format},
        )


# Fewer categorized training rows than this teach a category head nothing useful.
MIN_CATEGORIZED_ROWS = 20


@dataclass(frozen=True)
class CategoryHeadOrigin:
    """Where the category head learned from (printed by ``genuine train``, kept in the card
    and in the manifest's ``extra.category_head``)."""

    source: str  # the training data's sources with categories, or the shipped corpus
    rows: int  # categorized rows it learned from (0: no category head)
    categories: tuple[str, ...]
    reason: str
    validation_accuracy: float | None = None  # how often it names the labeled category
    validation_rows: int = 0

    def sentence(self) -> str:
        if not self.rows:
            return (
                f"none, because {self.reason}: predictions carry no category, and `genuine "
                "score` turns its category-mix signal off and finds bait with a phrase list."
            )
        accuracy = (
            f"; it names the labeled category of {self.validation_accuracy:.1%} of its "
            f"{self.validation_rows} validation comments"
            if self.validation_accuracy is not None
            else ""
        )
        return (
            f"learned from {self.source}: {self.rows} training rows with a category, "
            f"{len(self.categories)} categories, because {self.reason}{accuracy}."
        )


@dataclass
class TrainResult:
    model_dir: Path
    metrics: dict[str, Any]
    chosen_c: float
    category_head: CategoryHeadOrigin | None = None


def train_ngram(
    data: LabeledData,
    out_dir: str | Path,
    config: NgramTrainingConfig | None = None,
    *,
    real: TrainingReport | None = None,
    quiet: bool = False,
    category_rows: Sequence[LabeledComment] | None = None,
) -> TrainResult:
    """Train and write the model directory ``out_dir``.

    ``category_rows``: where the category head learns when ``data``'s training split has fewer
    than :data:`MIN_CATEGORIZED_ROWS` rows with a category (their train split fits it, their
    validation split measures it); None: the shipped corpus; ``()``: no category head then.
    """
    config = config or NgramTrainingConfig()
    out = Path(out_dir)
    train_rows, val_rows, test_rows = (
        data.split("train"),
        data.split("validation"),
        data.split("test"),
    )
    if len({r.label for r in train_rows}) < 2:
        raise ValueError(
            "the training split needs both labels; check the data's labels and split column"
        )
    _log(
        f"train {len(train_rows)}, validation {len(val_rows)}, test {len(test_rows)} comments",
        quiet,
    )
    seg = config.featurizer.vi_segmenter
    docs = {
        name: analyze_rows([r.text for r in rows], seg, quiet)
        for name, rows in (("train", train_rows), ("validation", val_rows), ("test", test_rows))
    }
    featurizer = Featurizer(config.featurizer).fit_idf(docs["train"])
    matrices = {name: featurizer.transform(d)[0] if d else None for name, d in docs.items()}
    y = {
        name: np.array([r.label == "substantive" for r in rows], dtype=int)
        for name, rows in (("train", train_rows), ("validation", val_rows), ("test", test_rows))
    }
    x_train = matrices["train"]
    assert x_train is not None
    w_train = row_weights(train_rows)
    chosen_c, best = config.c_grid[0], -1.0
    if matrices["validation"] is not None and len(set(y["validation"])) > 1:
        for c in tqdm(config.c_grid, desc="tune C on validation", disable=quiet, file=sys.stderr):
            score = f1_score(
                y["validation"],
                _fit_binary(x_train, y["train"], c, config, w_train).predict(
                    matrices["validation"]
                ),
                average="macro",
            )
            _log(f"  C={c:g}: validation macro-F1 {score:.4f}", quiet)
            if score > best + 1e-9:
                chosen_c, best = c, score
    _log(f"chosen C={chosen_c:g}; fitting final model and calibration", quiet)
    final = _fit_binary(x_train, y["train"], chosen_c, config, w_train)
    platt_a, platt_b = _platt(x_train, y["train"], chosen_c, config, w_train)
    weights = NgramWeights(
        coef=final.coef_[0].astype(np.float32),
        intercept=float(final.intercept_[0]),
        platt_a=platt_a,
        platt_b=platt_b,
    )
    categorized = sum(r.category is not None for r in train_rows)
    if categorized >= MIN_CATEGORIZED_ROWS:
        head = _fit_category_head(
            x_train,
            train_rows,
            (matrices["validation"], val_rows),
            featurizer.config,
            config,
            weights,
            quiet,
        )
        with_categories = [p.name for p in data.part_list() if p.categorized]
        origin = CategoryHeadOrigin(
            source=" and ".join(with_categories) or "the training data",
            rows=categorized,
            categories=head.names,
            reason="the training rows carry categories",
            validation_accuracy=head.validation_accuracy,
            validation_rows=head.validation_rows,
        )
    else:
        head, origin = _category_head_elsewhere(
            featurizer, weights, config, categorized, category_rows, quiet
        )
    categories, category_c = head.names, head.c
    backend = NgramBackend(featurizer, weights)
    baseline = LengthBaseline.fit(train_rows)
    metrics: dict[str, Any] = {}
    for name, rows in (("validation", val_rows), ("test", test_rows)):
        if rows:
            output = backend.predict(docs[name], explain=False)
            metrics[name] = evaluate(
                rows,
                output.scores,
                [d.lang for d in docs[name]],
                baseline,
                categories=output.categories,
            )
    if real is not None:
        metrics.update(
            real.evaluate(
                lambda texts: backend.predict(analyze_rows(texts, seg, True), explain=False).scores
            )
        )
    summary = training_summary(
        data, {"train": len(train_rows), "validation": len(val_rows), "test": len(test_rows)}
    )
    summary["category_head"] = origin.sentence()
    _write_model_dir(
        out,
        backend,
        config,
        chosen_c,
        category_c,
        categories,
        metrics,
        summary,
        real,
        category_head=origin,
    )
    _log(f"wrote {out}", quiet)
    return TrainResult(out, metrics, chosen_c, origin)


def _category_head_elsewhere(
    featurizer: Featurizer,
    weights: NgramWeights,
    config: NgramTrainingConfig,
    categorized: int,
    category_rows: Sequence[LabeledComment] | None,
    quiet: bool,
) -> tuple[CategoryHead, CategoryHeadOrigin]:
    """The category head when the training rows carry (almost) no categories: learned from
    ``category_rows`` (default: the shipped corpus, whose every row has one) on this model's
    own features and its binary head, at the middle C of the grid (one fit, not three)."""
    reason = (
        "the training data has no category column"
        if categorized == 0
        else f"the training data has only {categorized} rows with a category"
    )
    if category_rows is None:
        rows: Sequence[LabeledComment] = load_labeled(corpus_paths()).rows
        source = CORPUS_NAME
    else:
        rows, source = category_rows, "the rows given for the category head"
    fit_rows = [r for r in rows if r.category and r.split == "train"]
    if len(fit_rows) < MIN_CATEGORIZED_ROWS:
        return CategoryHead((), None), CategoryHeadOrigin(source, 0, (), reason)
    check_rows = [r for r in rows if r.category and r.split == "validation"]
    _log(f"{reason}: fitting the category head on {len(fit_rows)} rows of {source}", quiet)
    seg = config.featurizer.vi_segmenter
    x_fit = featurizer.transform(analyze_rows([r.text for r in fit_rows], seg, quiet))[0]
    x_check = (
        featurizer.transform(analyze_rows([r.text for r in check_rows], seg, True))[0]
        if check_rows
        else None
    )
    head = _fit_category_head(
        x_fit,
        fit_rows,
        (x_check, check_rows),
        featurizer.config,
        config,
        weights,
        quiet,
        tune=False,
    )
    origin = CategoryHeadOrigin(
        source=source,
        rows=len(fit_rows),
        categories=head.names,
        reason=reason,
        validation_accuracy=head.validation_accuracy,
        validation_rows=head.validation_rows,
    )
    return head, origin


@dataclass(frozen=True)
class CategoryHead:
    names: tuple[str, ...]  # () when there is no head
    c: float | None
    validation_accuracy: float | None = None
    validation_rows: int = 0


def _fit_category_head(
    x: sp.csr_matrix,
    rows: list[Any],
    validation: tuple[sp.csr_matrix | None, list[Any]],
    fconfig: NgramConfig,
    config: NgramTrainingConfig,
    weights: NgramWeights,
    quiet: bool,
    *,
    tune: bool = True,
) -> CategoryHead:
    """Fit the multinomial category head into ``weights``.

    ``tune``: pick C on the validation rows' category accuracy; otherwise fit once at the
    grid's middle C and only measure it on them.
    """
    labeled = [i for i, r in enumerate(rows) if r.category]
    if len(labeled) < MIN_CATEGORIZED_ROWS:
        return CategoryHead((), None)
    names = tuple(c for c in ALL_CATEGORIES if any(rows[i].category == c for i in labeled))
    word_start = fconfig.char_features
    dense_start = fconfig.char_features + fconfig.word_features
    sub = x[labeled]
    seen_words = np.unique(sub[:, word_start:dense_start].indices) + word_start
    columns = np.concatenate([seen_words, np.arange(dense_start, fconfig.n_columns)]).astype(
        np.int64
    )
    target = np.array([names.index(rows[i].category) for i in labeled])
    weight = row_weights([rows[i] for i in labeled])

    def fit(c: float) -> LogisticRegression:
        # newton-cg, not lbfgs: the same multinomial model, and at C 16-64 on the corpus it
        # converges in ~15 iterations where lbfgs takes thousands (minutes -> seconds).
        return LogisticRegression(
            C=c, solver="newton-cg", max_iter=config.max_iter, random_state=config.seed
        ).fit(sub[:, columns], target, sample_weight=weight)

    grid = config.category_c_grid
    x_val, val_rows = validation
    val_labeled = [i for i, r in enumerate(val_rows) if r.category in names]
    best: float | None = None
    if x_val is None or not val_labeled:
        chosen_c, head = grid[len(grid) // 2], fit(grid[len(grid) // 2])
    else:
        x_val = x_val[val_labeled]
        truth = np.array([names.index(val_rows[i].category) for i in val_labeled])
        # The head picks among the categories of the predicted label, as at prediction time.
        margins = np.asarray(x_val @ weights.coef, dtype=np.float64) + weights.intercept
        substantive = weights.platt_a * margins + weights.platt_b >= 0.0
        allowed = substantive[:, None] == np.array(
            [name in CATEGORIES["substantive"] for name in names]
        )
        chosen_c, head, best = grid[0], None, -1.0
        for c in tqdm(
            grid if tune else grid[len(grid) // 2 : len(grid) // 2 + 1],
            desc="tune category C" if tune else "category head",
            disable=quiet,
            file=sys.stderr,
        ):
            candidate = fit(c)
            logits = np.where(allowed, candidate.decision_function(x_val[:, columns]), -np.inf)
            accuracy = float((logits.argmax(axis=1) == truth).mean())
            _log(f"  category C={c:g}: validation category accuracy {accuracy:.4f}", quiet)
            if accuracy > best + 1e-9:
                chosen_c, head, best = c, candidate, accuracy
    assert head is not None
    weights.category_names = names
    weights.category_columns = columns
    weights.category_coef = head.coef_.astype(np.float32)
    weights.category_intercept = head.intercept_.astype(np.float64)
    return CategoryHead(names, chosen_c, best, len(val_labeled) if best is not None else 0)


def _write_model_dir(
    out: Path,
    backend: NgramBackend,
    config: NgramTrainingConfig,
    chosen_c: float,
    category_c: float | None,
    categories: tuple[str, ...],
    metrics: dict[str, Any],
    summary: dict[str, Any],
    real: TrainingReport | None = None,
    *,
    category_head: CategoryHeadOrigin | None = None,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_tensors(out / WEIGHTS_FILE, backend.tensors(), "genuine-ngram-v1")
    atomic_write_text(out / CONFIG_FILE, backend.featurizer.config.to_json())
    settings = {
        "seed": config.seed,
        "C (chosen on validation)": chosen_c,
        "C grid": list(config.c_grid),
        "category head C (chosen on validation)": category_c,
        "category head C grid": list(config.category_c_grid),
        "calibration": f"Platt scaling on {config.calibration_folds}-fold out-of-fold margins",
        **{k: v for k, v in asdict(config.featurizer).items() if k != "feature_names"},
    }
    versions = library_versions()
    card = render_card(
        title=real.card_title() if real is not None else "genuine n-gram (default)",
        backend_description=(
            "Hashed character 1-4 grams and word 1-2 grams (jieba for Chinese, syllables for Vietnamese, "
            "regex for English), sublinear TF-IDF, plus named features (length, emoji share, contact "
            "placeholders, question/experience/generic/promo/follow phrase hits) -> logistic regression "
            "(class-balanced) with Platt calibration; a multinomial head over word n-grams and named "
            "features guesses the category. Runs on CPU, no torch."
        ),
        data_summary=summary,
        metrics=metrics,
        settings=settings,
        versions=versions,
        extra_sections=real.card_section(metrics) if real is not None else "",
        reproduce=real.reproduce(config.seed) if real is not None else None,
    )
    atomic_write_text(out / CARD_NAME, card)
    names = [WEIGHTS_FILE, CONFIG_FILE]
    manifest = Manifest(
        backend="ngram",
        labels=LABELS,
        languages=LANGS,
        files=hash_files(out, names),
        training_data=manifest_training_data(summary),
        metrics={name: _headline(block) for name, block in metrics.items()},
        library_versions=versions,
        extra={
            "categories": list(categories),
            **({"category_head": asdict(category_head)} if category_head is not None else {}),
            **(real.manifest_extra() if real is not None else {}),
            "training_config": json.loads(json.dumps(asdict(config), default=list)),
        },
    )
    write_manifest(out, manifest)


def _headline(report: dict[str, Any]) -> dict[str, Any]:
    """The numbers worth keeping in the manifest (the card has the rest)."""
    return {
        "macro_f1": report["overall"].get("macro_f1"),
        "per_language_macro_f1": {
            k: v["model"].get("macro_f1") for k, v in report["per_language"].items()
        },
        "length_baseline_macro_f1": report["overall_length_baseline"].get("macro_f1"),
        "length_matched_macro_f1": report["length_matched"]["all"]["model"].get("macro_f1"),
        "ece": report["calibration"]["ece"],
    }
