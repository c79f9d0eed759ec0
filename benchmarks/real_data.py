"""The model on real, human-labeled comments it never saw (../shared/data/real/).

Per file and language: macro-F1, generic recall and substantive recall for the model and for
a length-only baseline trained on the corpus train split, plus the model's most confident
errors, to read by hand (the real datasets' labels agree with our guide on only 58-75% of
comments; see that folder's README). Skips cleanly when the folder is absent.
Run: python benchmarks/real_data.py [--model DIR] [--errors 8]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real"


def _metrics(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score

    out = {
        "generic_recall": float((~predicted[~truth]).mean()) if (~truth).any() else float("nan"),
        "substantive_recall": float(predicted[truth].mean()) if truth.any() else float("nan"),
    }
    out["macro_f1"] = (
        float(f1_score(truth, predicted, average="macro"))
        if truth.any() and (~truth).any()
        else float("nan")
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--errors", type=int, default=6, help="confident errors to print per file")
    args = parser.parse_args()
    if not REAL.is_dir():
        print(f"skipped: {REAL} not found (real data is only on development machines)")
        return 0
    import classifier
    from training.data import corpus_paths, load_labeled
    from training.evaluate import LengthBaseline

    predictor = classifier.load(args.model)
    baseline = LengthBaseline.fit(load_labeled(corpus_paths()).split("train"))
    print(f"model: {predictor.model_dir.path}\n")
    print(
        "| file | lang | n | subst. share | model macro-F1 | length-only macro-F1 | model generic recall | length generic recall | model subst. recall | length subst. recall |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    error_blocks = []
    for path in sorted(REAL.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        texts = [r["text"] for r in rows]
        truth = np.array([r["label"] == "substantive" for r in rows])
        predictions = predictor.predict(texts, langs=[r.get("lang") for r in rows], explain=False)
        scores = np.array([p.score for p in predictions])
        predicted = scores >= np.array([predictor.threshold_for(r.get("lang", "")) for r in rows])
        base = baseline.scores(texts) >= 0.5
        m, b = _metrics(truth, predicted), _metrics(truth, base)
        lang = rows[0].get("lang", "?")
        print(
            f"| {path.name} | {lang} | {len(rows)} | {truth.mean():.2f} | {m['macro_f1']:.3f} | {b['macro_f1']:.3f} | "
            f"{m['generic_recall']:.3f} | {b['generic_recall']:.3f} | {m['substantive_recall']:.3f} | {b['substantive_recall']:.3f} |"
        )
        wrong = np.flatnonzero(predicted != truth)
        worst = wrong[np.argsort(-np.abs(scores[wrong] - 0.5))][: args.errors]
        block = [f"\n{path.name}: most confident errors"]
        for i in worst:
            block.append(
                f"  truth={rows[i]['label']:<11} score={scores[i]:.2f}  {texts[i][:110]!r}"
            )
        error_blocks.append("\n".join(block))
    print("\n".join(error_blocks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
