"""One labeling session: the pool, the model's view of it, the label file and the current pick.

Every label is appended to the label file before the call returns (see
:mod:`classifier.labeling.store`), and the session's state is rebuilt from that file on start,
so a killed session resumes where it stopped: labeled or skipped comments are never shown
again. The HTTP layer (:mod:`classifier.labeling.server`) only calls :meth:`LabelSession.state`,
:meth:`LabelSession.give` and :meth:`LabelSession.undo`.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from classifier.labeling.estimate import F1Estimate, macro_f1_interval, too_few_labels
from classifier.labeling.picker import (
    RANDOM_SHARE,
    ActivePicker,
    Pick,
    QueuePicker,
    similarity_groups,
)
from classifier.labeling.pool import Pool
from classifier.labeling.store import (
    RECORD_LABELS,
    SKIP,
    LabelLog,
    LabelRecord,
    append_label,
    read_label_log,
    utc_now,
)
from classifier.model_dir import CATEGORIES, POSITIVE_LABEL


class LabelingError(ValueError):
    """A request the session cannot carry out (bad label, stale comment, nothing to undo)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class _Picker(Protocol):
    def mark(self, index: int) -> None: ...
    def unmark(self, index: int) -> None: ...
    def next(self, n_random: int, n_total: int) -> Pick | None: ...


@dataclass(frozen=True)
class ModelView:
    """What the current model says about each comment of the pool."""

    scores: np.ndarray  # probability of substantive
    thresholds: np.ndarray  # the threshold that applies to each comment (per language)

    @property
    def predicted_substantive(self) -> np.ndarray:
        return self.scores >= self.thresholds

    @property
    def margins(self) -> np.ndarray:
        """Distance from the decision: small is unsure."""
        return np.abs(self.scores - self.thresholds)


def model_view(pool: Pool, predictor: Any) -> ModelView:
    """Score every comment of the pool once with a :class:`classifier.Predictor`."""
    predictions = predictor.predict(pool.texts, explain=False)
    scores = np.array([p.score for p in predictions], dtype=float)
    thresholds = np.array([predictor.threshold_for(p.lang) for p in predictions], dtype=float)
    return ModelView(scores, thresholds)


@dataclass(frozen=True)
class SessionConfig:
    input: str  # the input path as the user gave it (written into every record)
    output: Path
    labeler: str
    first_labels: Path | None = None  # second-labeler mode: the other labeler's file
    random_share: float = RANDOM_SHARE
    seed: int = 0


class LabelSession:
    def __init__(self, pool: Pool, model: ModelView, config: SessionConfig) -> None:
        self.pool = pool
        self.model = model
        self.config = config
        self.position = pool.index_of()
        self._lock = threading.Lock()
        self.log: LabelLog = read_label_log(config.output)
        self.records: list[LabelRecord] = list(self.log.records)
        self.first_missing = 0  # second-labeler mode: labels of the first file not in the input
        self.picker: _Picker = self._make_picker()
        for record in self._standing().values():
            if record.text_hash in self.position:
                self.picker.mark(self.position[record.text_hash])
        self.current: Pick | None = None

    def _make_picker(self) -> _Picker:
        if self.config.first_labels is None:
            return ActivePicker(
                self.model.margins,
                similarity_groups(self.pool.texts),
                self.pool.count_array(),
                random_share=self.config.random_share,
                seed=self.config.seed,
            )
        first = read_label_log(self.config.first_labels).labels()
        order: list[int] = []
        kinds: list[str] = []
        for record in first.values():
            if record.text_hash in self.position:
                order.append(self.position[record.text_hash])
                kinds.append(record.pick)
            else:
                self.first_missing += 1
        return QueuePicker(len(self.pool), order, kinds)

    # --- what the label file says -----------------------------------------------------

    def _standing(self) -> dict[str, LabelRecord]:
        """The latest record per hash when it is a label or a skip (not undone)."""
        latest: dict[str, LabelRecord] = {}
        for record in self.records:
            latest[record.text_hash] = record
        return {h: r for h, r in latest.items() if not r.undone}

    def _next_pick(self) -> Pick | None:
        standing = self._standing().values()
        n_random = sum(r.pick == "random" for r in standing)
        return self.picker.next(n_random, len(standing))

    # --- the three actions ---------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The comment to label now (None when all are done) and the progress so far."""
        with self._lock:
            if self.current is None:
                self.current = self._next_pick()
            return self._state()

    def give(self, text_hash: str, label: str, category: str | None) -> dict[str, Any]:
        """Save a label (or ``skip``) for the comment shown now, then move to the next."""
        with self._lock:
            if label not in RECORD_LABELS:
                raise LabelingError(f"label must be one of {list(RECORD_LABELS)}, got {label!r}")
            if category is not None and category not in CATEGORIES.get(label, ()):
                raise LabelingError(
                    f"category {category!r} is not a category of {label!r}; expected one of "
                    f"{list(CATEGORIES.get(label, ()))} or none"
                )
            current = self.current
            if current is None or self.pool.hashes[current.index] != text_hash:
                raise LabelingError(
                    "that comment is not the one shown now (labeled in another tab?); "
                    "reload the page",
                    status=409,
                )
            record = LabelRecord(
                text_hash=text_hash,
                label=label,
                category=category,
                pick=current.kind,
                labeler=self.config.labeler,
                labeled_at=utc_now(),
                row=self.pool.rows[current.index],
                input=self.config.input,
            )
            append_label(self.config.output, record)
            self.records.append(record)
            self.picker.mark(current.index)
            self.current = self._next_pick()
            state = self._state()
            state["saved"] = {"label": label, "category": category, "row": record.row}
            return state

    def undo(self) -> dict[str, Any]:
        """Take back the last label or skip and show that comment again."""
        with self._lock:
            last = self._last_standing()
            if last is None:
                raise LabelingError("nothing to undo", status=409)
            undo = LabelRecord(
                text_hash=last.text_hash,
                label=None,
                category=None,
                pick=last.pick,
                labeler=self.config.labeler,
                labeled_at=utc_now(),
                row=last.row,
                input=last.input,
                undone=True,
            )
            append_label(self.config.output, undo)
            self.records.append(undo)
            index = self.position.get(last.text_hash)
            if index is not None:
                self.picker.unmark(index)
                self.current = Pick(index, last.pick)
            else:
                self.current = self._next_pick()
            state = self._state()
            state["undone"] = {"label": last.label, "category": last.category, "row": last.row}
            return state

    def _last_standing(self) -> LabelRecord | None:
        latest: dict[str, LabelRecord] = {}
        for record in self.records:
            latest[record.text_hash] = record
        for record in reversed(self.records):
            if not record.undone and latest[record.text_hash] is record:
                return record
        return None

    # --- progress ----------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        current = None
        if self.current is not None:
            i = self.current.index
            current = {
                "text_hash": self.pool.hashes[i],
                "text": self.pool.texts[i],
                "post": self.pool.posts[i],
                "row": self.pool.rows[i],
                "rows_with_this_text": self.pool.counts[i],
                "pick": self.current.kind,
            }
        return {
            "mode": "active" if self.config.first_labels is None else "second",
            "labeler": self.config.labeler,
            "input": self.config.input,
            "output": str(self.config.output),
            "current": current,
            "progress": self.progress(),
        }

    def progress(self) -> dict[str, Any]:
        standing = list(self._standing().values())
        labels = [r for r in standing if r.label != SKIP]
        estimate, need = self.random_sample_estimate()
        progress: dict[str, Any] = {
            "labeled": len(labels),
            "skipped": len(standing) - len(labels),
            "by_label": {label: sum(r.label == label for r in labels) for label in CATEGORIES},
            "by_category": dict(Counter(r.category or "(none)" for r in labels).most_common()),
            "random_labeled": sum(r.pick == "random" for r in labels),
            "left_to_pick": int(
                len(self.pool) - sum(r.text_hash in self.position for r in standing)
            ),
            "rows_left_out": len(self.pool.problems),  # unreadable input rows, named on stderr
            "estimate": None if estimate is None else asdict(estimate),
            "need": need,
        }
        if isinstance(self.picker, QueuePicker):
            progress["second"] = {
                "total": len(self.picker.order),
                "left": self.picker.remaining,
                "not_in_input": self.first_missing,
            }
        return progress

    def random_sample_estimate(self) -> tuple[F1Estimate | None, str | None]:
        """The model's macro-F1 on the random-sample labels, or why there are too few."""
        indices, truth = [], []
        for record in self._standing().values():
            if record.pick == "random" and record.is_label and record.text_hash in self.position:
                indices.append(self.position[record.text_hash])
                truth.append(record.label == POSITIVE_LABEL)
        truth_array = np.array(truth, dtype=bool)
        need = too_few_labels(truth_array)
        if need:
            return None, need
        predicted = self.model.predicted_substantive[np.array(indices, dtype=np.int64)]
        return macro_f1_interval(truth_array, predicted), None
