"""Which distillation recipe for the n-gram student: measured on the real validation sets.

The student's features are computed once (the default n-gram featurizer, IDF on the corpus
train split plus every real training and pool text); then each recipe fits the binary head
(C fixed, no calibration or category head: this ranks recipes, `genuine train` makes the
model) on

- the corpus train split at a corpus weight,
- our real training labels,
- the teacher's labels on the pools: none, soft (each comment once per label, weighted by the
  teacher's probability) or filtered (hard label where the teacher is at least 0.8 sure), at a
  pseudo-label weight,

and is scored per real validation source (never trained on; macro-F1, the spam-only Chinese
ads by generic recall) and on the corpus test split per language. Skips without real data.

Run: python benchmarks/distill_recipes.py --teacher models/teacher [--embedding-cache DIR]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=REAL)
    parser.add_argument("--teacher", default=str(ROOT / "models" / "teacher"))
    parser.add_argument("--embedding-cache", default=None)
    parser.add_argument("--c", type=float, default=4.0)
    parser.add_argument("--corpus-weights", default="0.3,1")
    parser.add_argument("--pseudo-weights", default="0.25,0.5,1")
    args = parser.parse_args()
    if not args.real.is_dir():
        print(f"skipped: {args.real} not found (real data is only on development machines)")
        return 0
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    from classifier.backends.ngram import Featurizer, NgramConfig
    from training.data import corpus_paths, load_labeled
    from training.distill import teacher_scores
    from training.ngram import analyze_rows
    from training.real import RealReport, load_real, select_sources

    real = load_real(args.real, select_sources())
    validation = RealReport.from_data(real, [], {}).validation
    corpus = load_labeled(corpus_paths())
    train, test = corpus.split("train"), corpus.split("test")
    p_teacher = np.array(
        teacher_scores(args.teacher, [c.text for c in real.pool], args.embedding_cache)
    )

    def docs(texts: list[str]) -> list[Any]:
        return analyze_rows(texts, "syllable", True)

    featurizer = Featurizer(NgramConfig())
    d_corpus, d_real, d_pool = (
        docs([r.text for r in train]),
        docs([r.text for r in real.train]),
        docs([c.text for c in real.pool]),
    )
    featurizer.fit_idf(d_corpus + d_real + d_pool)
    x_corpus, x_real, x_pool = (featurizer.transform(d)[0] for d in (d_corpus, d_real, d_pool))
    y_corpus = np.array([r.label == "substantive" for r in train])
    y_real = np.array([r.label == "substantive" for r in real.train])
    x_val = {
        n: featurizer.transform(docs([r.text for r in rows]))[0] for n, rows in validation.items()
    }
    y_val = {
        n: np.array([r.label == "substantive" for r in rows]) for n, rows in validation.items()
    }
    test_langs = {
        lang: [i for i, r in enumerate(test) if r.lang == lang] for lang in ("vi", "zh", "en")
    }
    x_test = featurizer.transform(docs([r.text for r in test]))[0]
    y_test = np.array([r.label == "substantive" for r in test])

    names = list(validation)
    print(
        "| teacher labels | corpus w | pseudo w | "
        + " | ".join(names)
        + " | mean (no ads) | corpus test vi / zh / en |"
    )
    print("|---|---|---|" + "---|" * (len(names) + 2))
    recipes = [("none", cw, 0.0) for cw in _floats(args.corpus_weights)]
    recipes += [
        (mode, cw, pw)
        for mode, cw, pw in itertools.product(
            ("soft", "filtered"), _floats(args.corpus_weights), _floats(args.pseudo_weights)
        )
    ]
    for mode, cw, pw in recipes:
        blocks = [x_corpus, x_real]
        ys = [y_corpus, y_real]
        ws = [np.full(len(y_corpus), cw), np.ones(len(y_real))]
        if mode == "soft":
            blocks += [x_pool, x_pool]
            ys += [np.ones(len(p_teacher), bool), np.zeros(len(p_teacher), bool)]
            ws += [pw * p_teacher, pw * (1 - p_teacher)]
        elif mode == "filtered":
            keep = np.maximum(p_teacher, 1 - p_teacher) >= 0.8
            blocks.append(x_pool[keep])
            ys.append(p_teacher[keep] >= 0.5)
            ws.append(np.full(int(keep.sum()), pw))
        model = LogisticRegression(
            C=args.c, class_weight="balanced", max_iter=3000, solver="liblinear"
        )
        model.fit(sp.vstack(blocks).tocsr(), np.concatenate(ys), sample_weight=np.concatenate(ws))
        cells, f1s = [], []
        for n in names:
            predicted = model.predict(x_val[n]).astype(bool)
            if y_val[n].sum() < 5:
                cells.append(f"grec {(~predicted[~y_val[n]]).mean():.3f}")
            else:
                f1 = f1_score(y_val[n], predicted, average="macro")
                f1s.append(f1)
                cells.append(f"{f1:.3f}")
        predicted_test = model.predict(x_test).astype(bool)
        corpus_f1 = " / ".join(
            f"{f1_score(y_test[idx], predicted_test[idx], average='macro'):.3f}"
            for idx in test_langs.values()
        )
        print(
            f"| {mode} | {cw:g} | {pw:g} | "
            + " | ".join(cells)
            + f" | {np.mean(f1s):.3f} | {corpus_f1} |",
            flush=True,
        )
    return 0


def _floats(spec: str) -> list[float]:
    return [float(v) for v in spec.split(",")]


if __name__ == "__main__":
    sys.exit(main())
