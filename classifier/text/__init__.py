"""Text layer: normalize -> language -> segment, one comment at a time into a :class:`Doc`."""

from __future__ import annotations

from dataclasses import dataclass, field

from classifier.text.language import LANGUAGES, OTHER, detect_language
from classifier.text.normalize import NormalizedText, normalize
from classifier.text.segment import EMOJI_CHAR, segment

__all__ = ["LANGUAGES", "OTHER", "Doc", "analyze", "detect_language", "normalize", "segment"]


@dataclass(frozen=True)
class Doc:
    """One comment after the text layer: what features and reasons are computed from."""

    raw: str
    text: str
    lang: str
    tokens: tuple[str, ...]
    placeholders: dict[str, int] = field(default_factory=dict)
    repeat_runs: int = 0
    n_emoji: int = 0


def analyze(raw: str, lang: str | None = None, vi_segmenter: str = "syllable") -> Doc:
    """Normalize, identify the language (unless ``lang`` is given) and segment one comment."""
    normalized: NormalizedText = normalize(raw)
    detected = lang if lang in LANGUAGES else detect_language(normalized.text)
    tokens = tuple(segment(normalized.text, detected, vi_segmenter))
    return Doc(
        raw=raw,
        text=normalized.text,
        lang=detected,
        tokens=tokens,
        placeholders=normalized.placeholders,
        repeat_runs=normalized.repeat_runs,
        n_emoji=len(EMOJI_CHAR.findall(normalized.text)),
    )
