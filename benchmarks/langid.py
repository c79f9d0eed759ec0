"""Language ID on the corpus: genuine's identifier against py3langid and lingua alone.

Accuracy per language on the corpus test split (and on all rows), and time per 1,000
comments. Rows whose text has no letters (emoji only, "666") are counted apart: they have no
language to find, and genuine answers ``other`` for them by design.
Run: python benchmarks/langid.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.text.language import detect_language  # noqa: E402
from classifier.text.normalize import normalize  # noqa: E402
from training.data import corpus_paths, load_labeled  # noqa: E402


def py3langid_detector() -> Callable[[str], str]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(["vi", "zh", "en"])
    return lambda text: model.classify(text)[0]


def lingua_detector() -> Callable[[str], str] | None:
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    detector = LanguageDetectorBuilder.from_languages(
        Language.VIETNAMESE, Language.CHINESE, Language.ENGLISH
    ).build()
    names = {Language.VIETNAMESE: "vi", Language.CHINESE: "zh", Language.ENGLISH: "en"}
    return lambda text: names.get(detector.detect_language_of(text), "other")  # type: ignore[arg-type]


def main() -> None:
    data = load_labeled(corpus_paths())
    detectors: dict[str, Callable[[str], str]] = {
        "genuine (script rules + lexicon + py3langid)": lambda t: detect_language(
            normalize(t).text
        ),
        "py3langid restricted to vi/zh/en": py3langid_detector(),
    }
    lingua = lingua_detector()
    if lingua:
        detectors["lingua restricted to vi/zh/en"] = lingua
    for split in ("test", "all"):
        rows = data.rows if split == "all" else data.split(split)
        with_letters = [r for r in rows if any(ch.isalpha() for ch in r.text)]
        print(
            f"\n#### {split} split: {len(with_letters)} comments with letters ({len(rows) - len(with_letters)} without, left out)\n"
        )
        print("| identifier | vi | zh | en | all | ms per 1,000 |\n|---|---|---|---|---|---|")
        for name, detect in detectors.items():
            start = time.perf_counter()
            predicted = [detect(r.text) for r in with_letters]
            elapsed = (time.perf_counter() - start) / max(1, len(with_letters)) * 1e6
            cells = []
            for lang in ("vi", "zh", "en"):
                pairs = [
                    (p, r.lang)
                    for p, r in zip(predicted, with_letters, strict=True)
                    if r.lang == lang
                ]
                cells.append(f"{sum(p == t for p, t in pairs) / max(1, len(pairs)):.3f}")
            overall = sum(p == r.lang for p, r in zip(predicted, with_letters, strict=True)) / max(
                1, len(with_letters)
            )
            print(f"| {name} | {' | '.join(cells)} | {overall:.3f} | {elapsed:.0f} |")


if __name__ == "__main__":
    main()
