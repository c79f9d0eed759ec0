"""Real comments labeled by our guide: sources, labels kept as hashes, joined to texts at run time.

The texts live outside the project (``../shared/data/real/`` on development machines, or any
directory a user names with ``--real DIR``); the project keeps only
``data/real_labels/<source>.ndjson`` (JSON Lines; not ``.jsonl``, which marks corpus files in
data/): one line per labeled comment with the full SHA-256 of
its text, our label and category, the split (``train`` or ``validation``: validation rows
are never trained on), how it was picked (``random`` or ``uncertain``) and who labeled it.

A *source* is one kind of comment section from one dataset (YouTube music videos, Globe and
Mail opinion comments, ...). Each has a pool of comments (labeled by us or not) and a
license; :data:`SOURCES` is the one list of them, and the model card quotes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classifier.io.problems import InputError
from classifier.model_dir import CATEGORIES, LABELS
from training.data import LabeledComment, text_key

LABELS_DIR = Path(__file__).resolve().parent.parent / "data" / "real_labels"
REAL_SPLITS = ("train", "validation")


@dataclass(frozen=True)
class Source:
    name: str
    lang: str
    pool: str  # file (relative to the real-data directory) that new labels and teacher labels come from
    extra_files: tuple[str, ...]  # other files whose texts labels may point to
    origin: str
    license: str
    commercial_use: bool  # False: research-only or non-commercial; left out by --commercial-only

    @property
    def files(self) -> tuple[str, ...]:
        return (self.pool, *self.extra_files)


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "en_youtube",
            "en",
            "en_youtube_spam.jsonl",
            (),
            "YouTube Spam Collection (Alberto et al., ICMLA 2015), comments on music videos",
            "CC BY 4.0",
            True,
        ),
        Source(
            "en_c3_news",
            "en",
            "pools/en_c3_news.jsonl",
            (),
            "C3 constructive comments (Kolhatkar et al. 2020), Globe and Mail opinion comments",
            "CC BY-SA 4.0 (believed; unverified)",
            True,
        ),
        Source(
            "vi_victsd_news",
            "vi",
            "pools/vi_victsd_news.jsonl",
            ("vi_victsd.jsonl",),
            "UIT-ViCTSD (Nguyen et al., 2021), comments on Vietnamese news",
            "research use only",
            False,
        ),
        Source(
            "vi_vispam_reviews",
            "vi",
            "pools/vi_vispam_reviews.jsonl",
            ("vi_vispamreviews.jsonl",),
            "ViSpamReviews (Van Dinh et al., 2022), e-commerce product reviews",
            "research use only",
            False,
        ),
        Source(
            "zh_weibo",
            "zh",
            "pools/zh_weibo_comments.jsonl",
            (),
            "CED Chinese rumor dataset (Song et al. 2018, THUNLP), Sina Weibo comments",
            "research use (no license stated; cite arXiv 1811.04175)",
            False,
        ),
        Source(
            "zh_ads",
            "zh",
            "zh_spam_ads.jsonl",
            (),
            "ChineseHarm-Bench (Liu et al., 2025), illicit-trade ads",
            "CC BY-NC 4.0 (non-commercial)",
            False,
        ),
    )
}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RealComment:
    text: str
    sha256: str
    source: str
    lang: str
    group: str | None  # post or article id: comments of one post share it
    context: str | None  # the post's text or the article's headline, when the data has it


@dataclass(frozen=True)
class RealLabel:
    sha256: str
    source: str
    label: str
    category: str | None
    split: str
    pick: str
    labeler: str


def _context(record: dict) -> str | None:
    if record.get("post"):
        return str(record["post"])
    group = record.get("group") or ""
    if group.startswith("victsd_article:"):
        return group.split(":", 1)[1]
    return None


def read_source(real_dir: Path, name: str, *, pool_only: bool = True) -> list[RealComment]:
    """Comments of one source, in file order (the pool, or every file of the source)."""
    source = SOURCES[name]
    comments = []
    for relative in (source.pool,) if pool_only else source.files:
        path = Path(real_dir) / relative
        if not path.is_file():
            raise InputError(
                f"real-data file {path} not found (source {name}); is --real the right directory?"
            )
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                text = record["text"]
                comments.append(
                    RealComment(
                        text,
                        sha256_text(text),
                        name,
                        source.lang,
                        record.get("group"),
                        _context(record),
                    )
                )
    return comments


def _parse_label(raw: dict, path: Path, line: int) -> RealLabel:
    where = f"{path.name} line {line}"
    source = raw.get("source") or path.stem
    if source not in SOURCES:
        raise InputError(f"{where}: unknown source {source!r}; known: {sorted(SOURCES)}")
    label = raw.get("label")
    if label not in LABELS:
        raise InputError(f"{where}, field 'label': {label!r} is not one of {list(LABELS)}")
    category = raw.get("category") or None
    if category is not None and category not in CATEGORIES[label]:
        raise InputError(f"{where}, field 'category': {category!r} does not belong to '{label}'")
    split = raw.get("split")
    if split not in REAL_SPLITS:
        raise InputError(f"{where}, field 'split': {split!r} is not one of {list(REAL_SPLITS)}")
    digest = raw.get("sha256", "")
    if len(digest) != 64:
        raise InputError(f"{where}, field 'sha256': expected the full 64-hex SHA-256 of the text")
    return RealLabel(
        digest, source, label, category, split, raw.get("pick", "random"), raw.get("labeler", "")
    )


def load_label_files(labels_dir: Path = LABELS_DIR) -> list[RealLabel]:
    """Every label of ``data/real_labels/*.ndjson`` (one file per source)."""
    labels = []
    for path in sorted(Path(labels_dir).glob("*.ndjson")):
        with path.open(encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, 1):
                if line.strip():
                    labels.append(_parse_label(json.loads(line), path, line_no))
    return labels


@dataclass(frozen=True)
class JoinedLabel:
    comment: RealComment
    label: RealLabel


def join_labels(
    real_dir: Path, labels: Sequence[RealLabel], sources: Iterable[str] | None = None
) -> list[JoinedLabel]:
    """Labels joined to their texts; a label whose text is missing from the data is an error."""
    wanted = set(sources) if sources is not None else set(SOURCES)
    by_source: dict[str, dict[str, RealComment]] = {}
    joined = []
    missing = []
    for label in labels:
        if label.source not in wanted:
            continue
        if label.source not in by_source:
            by_source[label.source] = {
                c.sha256: c for c in read_source(real_dir, label.source, pool_only=False)
            }
        comment = by_source[label.source].get(label.sha256)
        if comment is None:
            missing.append(f"{label.source}:{label.sha256[:12]}")
            continue
        joined.append(JoinedLabel(comment, label))
    if missing:
        raise InputError(
            f"{len(missing)} labels point to texts not found under {real_dir} "
            f"(first: {', '.join(missing[:3])}); the real-data files changed or --real is wrong"
        )
    return joined


def select_sources(leave_out: Iterable[str] = (), *, commercial_only: bool = False) -> list[str]:
    """Source names to use: all, less ``leave_out``, less research-only/non-commercial ones."""
    leave_out = list(leave_out)
    unknown = sorted(set(leave_out) - set(SOURCES))
    if unknown:
        raise InputError(
            f"--leave-out {unknown[0]!r} is not a real-data source; known: {sorted(SOURCES)}"
        )
    return [
        name
        for name, source in SOURCES.items()
        if name not in leave_out and (source.commercial_use or not commercial_only)
    ]


@dataclass
class RealData:
    """Real labeled rows (train and validation) and the unlabeled pool of the chosen sources."""

    sources: list[str]
    train: list[LabeledComment]
    validation: list[LabeledComment]
    pool: list[RealComment]

    def validation_by_source(self) -> dict[str, list[LabeledComment]]:
        out: dict[str, list[LabeledComment]] = {}
        for row in self.validation:
            out.setdefault(row.meta["source"], []).append(row)
        return out


def load_real(
    real_dir: str | Path,
    sources: Sequence[str],
    labels_dir: Path = LABELS_DIR,
    *,
    real_weight: float = 1.0,
    max_pool: int | None = 3000,
) -> RealData:
    """Our labels joined to their texts, and each source's pool less every labeled text.

    ``max_pool`` caps each source's pool at a seeded random sample of that many comments
    (the teacher embeds 16-50 comments/s on two cores; None keeps every comment).

    A pool comment whose text key (case, punctuation, digits folded) equals that of any
    labeled comment is dropped from the pool, so stock phrases of the validation set
    ("太强了") never come back through a teacher's label.
    """
    real_dir = Path(real_dir)
    if not real_dir.is_dir():
        raise InputError(
            f"--real {real_dir}: no such directory (it holds en_youtube_spam.jsonl, pools/, ...)"
        )
    labels = load_label_files(labels_dir)
    labeled_sources = {label.source for label in labels}
    # A source whose files are absent is skipped, unless we hold labels for it (then the
    # join below says which texts are missing).
    sources = [
        name
        for name in sources
        if name in labeled_sources or all((real_dir / f).is_file() for f in SOURCES[name].files)
    ]
    joined = join_labels(real_dir, labels, sources)
    train: list[LabeledComment] = []
    validation: list[LabeledComment] = []
    labeled_keys = set()
    for item in joined:
        labeled_keys.add(text_key(item.comment.text))
        row = LabeledComment(
            text=item.comment.text,
            label=item.label.label,
            lang=item.comment.lang,
            category=item.label.category,
            split=item.label.split,
            meta={"source": item.label.source, "pick": item.label.pick},
            weight=real_weight if item.label.split == "train" else 1.0,
        )
        (train if item.label.split == "train" else validation).append(row)
    pool = []
    seen = set(labeled_keys)
    for name in sources:
        # A fixed order per source (a hash of each text), so the sample stays the same as
        # labels are added: only the newly labeled comments drop out of it.
        ordered = sorted(
            read_source(real_dir, name),
            key=lambda c: hashlib.sha256(f"pool:{c.sha256}".encode()).digest(),
        )
        candidates: list[RealComment] = []
        for comment in ordered:
            if max_pool is not None and len(candidates) >= max_pool:
                break
            key = text_key(comment.text)
            if key and key not in seen:
                seen.add(key)
                candidates.append(comment)
        pool += candidates
    return RealData(list(sources), train, validation, pool)


def provenance(real: RealData, pseudo: Sequence[LabeledComment]) -> list[dict[str, object]]:
    """One line per source for the model card: origin, license, and how many rows went in."""
    lines = []
    for name in real.sources:
        source = SOURCES[name]
        lines.append(
            {
                "source": name,
                "lang": source.lang,
                "origin": source.origin,
                "license": source.license,
                "commercial_use": source.commercial_use,
                "labeled_train": sum(r.meta["source"] == name for r in real.train),
                "validation_held_out": sum(r.meta["source"] == name for r in real.validation),
                "teacher_labeled": len({r.text for r in pseudo if r.meta["source"] == name}),
            }
        )
    return lines


@dataclass
class RealReport:
    """What a trainer adds when real data went in: per-source scores on the real validation
    sets (never trained on) beside length alone, and the sources' provenance for the card."""

    validation: dict[str, list[LabeledComment]]
    train: dict[str, list[LabeledComment]]
    provenance: list[dict[str, object]]
    recipe: dict[str, object]

    @classmethod
    def from_data(
        cls, real: RealData, pseudo: Sequence[LabeledComment], recipe: dict[str, object]
    ) -> RealReport:
        train: dict[str, list[LabeledComment]] = {}
        for row in real.train:
            train.setdefault(row.meta["source"], []).append(row)
        return cls(real.validation_by_source(), train, provenance(real, pseudo), recipe)

    def evaluate(self, score: Callable[[list[str]], np.ndarray]) -> dict[str, Any]:
        from training.evaluate import baseline_for, evaluate

        out = {}
        for name, rows in self.validation.items():
            texts = [r.text for r in rows]
            out[f"real:{name}"] = evaluate(
                rows,
                np.asarray(score(texts)),
                [r.lang or "" for r in rows],
                baseline_for(rows, self.train.get(name, [])),
            )
        return out

    def card_title(self) -> str:
        return "genuine n-gram (default)"

    def manifest_extra(self) -> dict[str, Any]:
        return {"real_sources": self.provenance}

    def reproduce(self, seed: int) -> str:
        return (
            "`python -m training.build_default --real DIR --embedding-cache CACHE` rebuilds the "
            "teacher and this model; with the same labels, real data, teacher and cache, "
            f"`genuine train` (seed {seed}) writes byte-identical weights (teacher "
            "probabilities from fresh float32 embeddings differ slightly from cached float16 ones)."
        )

    def card_section(self, metrics: dict[str, Any]) -> str:
        lines = [
            "",
            "## Real comments",
            "",
            "Besides the corpus, this model learned from real comments labeled by our guide and "
            "from a teacher model's labels on unlabeled real comments (recipe: "
            + ", ".join(f"{k} {v}" for k, v in self.recipe.items())
            + "). Texts are not in the model or the project; the labels are "
            "`data/real_labels/` (text SHA-256 -> label).",
            "",
            "| source | lang | origin | license | commercial use | labeled (train) | teacher-labeled | validation (held out) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for p in self.provenance:
            lines.append(
                f"| {p['source']} | {p['lang']} | {p['origin']} | {p['license']} | "
                f"{'yes' if p['commercial_use'] else '**no**'} | {p['labeled_train']} | "
                f"{p['teacher_labeled']} | {p['validation_held_out']} |"
            )
        if any(not p["commercial_use"] for p in self.provenance):
            lines += [
                "",
                "**Licenses:** some sources above are research-only or non-commercial, and this "
                "model learned from them. For commercial use, retrain without them: "
                "`genuine train --real DIR --commercial-only ...` (see the README).",
            ]
        lines += [
            "",
            "Real validation sets (random samples labeled by our guide, never trained on; model "
            "choices such as C were made on them together with the corpus validation split):",
            "",
            "| source | n | macro-F1 | generic recall | substantive recall | length-only macro-F1 |",
            "|---|---|---|---|---|---|",
        ]
        for name in self.validation:
            block = metrics.get(f"real:{name}")
            if not block:
                continue
            m, b = block["overall"], block["overall_length_baseline"]
            truth = np.array([r.label == "substantive" for r in self.validation[name]])
            confusion = block["confusion"]["matrix"]
            generic_recall = confusion[0][0] / max(1, confusion[0][0] + confusion[0][1])
            if truth.sum() < 5:  # a spam-only set: only its generic recall means something
                lines.append(f"| {name} | {m['n']} | - | {generic_recall:.3f} | - | - |")
                continue
            lines.append(
                f"| {name} | {m['n']} | {m['macro_f1']:.3f} | {generic_recall:.3f} | "
                f"{m['recall']:.3f} | {b['macro_f1']:.3f} |"
            )
        return "\n".join(lines) + "\n"
