"""Language ID on the corpus: genuine's identifier against py3langid and lingua alone.

Accuracy per language on the corpus test split (and on all rows), and time per 1,000
comments. Rows whose text has no letters (emoji only, "666") are counted apart: they have no
language to find, and genuine answers ``other`` for them by design. ``--write-results`` also
writes the README's table (test-split accuracy, time on the whole corpus once warm) to
benchmarks/results/langid.md.

Run: python benchmarks/langid.py [--write-results]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.readme_results import (  # noqa: E402
    Claim,
    Results,
    add_write_flag,
    measured_line,
    write_results,
)
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


GENUINE = "genuine: script rules + a no-diacritics lexicon, py3langid only for plain Latin text"


def readme_table(
    accuracy: dict[str, list[str]], ms_whole: dict[str, float], n_test: int, command: str
) -> Results:
    """The README's table: test-split accuracy per language, and ms per 1,000 comments on the
    whole corpus (measured after the test split, so every identifier is warm)."""
    lines = [
        f"| identifier ({n_test:,} test comments with letters) | vi | zh | en "
        "| ms per 1,000 comments (whole corpus, warm) |",
        "|---|---|---|---|---|",
    ]
    for name, cells in accuracy.items():
        lines.append(f"| {name} | {' | '.join(cells)} | {ms_whole[name]:.0f} |")
    note = "" if any("lingua" in n for n in accuracy) else "lingua is not installed here."
    return Results(
        "langid",
        (Claim(GENUINE.split(":")[0], "language-ID accuracy on the corpus test split"),),
        "\n".join(lines),
        measured_line(command, note),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_write_flag(parser, "langid")
    args = parser.parse_args()
    data = load_labeled(corpus_paths())
    detectors: dict[str, Callable[[str], str]] = {
        GENUINE: lambda t: detect_language(normalize(t).text),
        "py3langid restricted to vi/zh/en": py3langid_detector(),
    }
    lingua = lingua_detector()
    if lingua:
        detectors["lingua restricted to vi/zh/en"] = lingua
    accuracy: dict[str, list[str]] = {}
    ms_whole: dict[str, float] = {}
    n_test = 0
    for split in ("test", "all"):
        rows = data.rows if split == "all" else data.split(split)
        with_letters = [r for r in rows if any(ch.isalpha() for ch in r.text)]
        n_test = n_test or len(with_letters)
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
            if split == "test":
                accuracy[name] = cells
            else:
                ms_whole[name] = elapsed
    if args.write_results:
        command = "python benchmarks/langid.py --write-results"
        write_results(readme_table(accuracy, ms_whole, n_test, command))


if __name__ == "__main__":
    main()
