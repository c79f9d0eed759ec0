"""Short reasons in a vetter's words, from the explicit signals of a comment.

Every backend can use these; the n-gram backend adds its strongest n-grams.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from classifier.features import Signals, signals
from classifier.text import Doc
from classifier.text.normalize import CONTACT_PLACEHOLDERS

MAX_REASONS = 3


def _first(hits: tuple[str, ...]) -> str:
    """The most telling (longest) phrase that fired."""
    return max(hits, key=len).strip()


def generic_reasons(doc: Doc, found: Signals) -> list[str]:
    """Signals that a comment is generic, strongest first."""
    reasons: list[str] = []
    contacts = [k for k in CONTACT_PLACEHOLDERS if doc.placeholders.get(k) and k != "phone"]
    if contacts:
        reasons.append(f"contact handle ({', '.join(contacts)})")
    if doc.placeholders.get("phone"):
        reasons.append("phone number")
    if found.hits["follow"]:
        reasons.append(f'follow-for-follow phrase "{_first(found.hits["follow"])}"')
    if found.hits["promo"] and not contacts:
        reasons.append(f'self-promotion phrase "{_first(found.hits["promo"])}"')
    if doc.placeholders.get("url"):
        reasons.append("contains a link")
    if found.values["mention_only"]:
        reasons.append("only tags someone")
    if found.hits["request"] and not found.hits["question"]:
        reasons.append(f'bare purchase request "{_first(found.hits["request"])}"')
    if found.values["no_letters"]:
        reasons.append("emoji or symbols only")
    if found.values["keyboard_mash"]:
        reasons.append("keyboard mash")
    if found.values["low_variety"] >= 0.5 or found.values["repeated_clause"]:
        reasons.append("repeats the same words")
    if found.hits["generic_phrase"]:
        reasons.append(f'generic phrase "{_first(found.hits["generic_phrase"])}"')
    words = sum(1 for t in doc.tokens if t[:1].isalnum())
    if 0 < words <= 2 and not found.values["question_mark"]:
        reasons.append(f"very short ({words} word{'s' if words > 1 else ''})")
    return reasons


def substantive_reasons(doc: Doc, found: Signals) -> list[str]:
    """Signals that a comment engages with the post, strongest first."""
    reasons: list[str] = []
    if found.values["question_mark"] or found.hits["question"]:
        phrase = f' ("{_first(found.hits["question"])}")' if found.hits["question"] else ""
        reasons.append(f"asks a question{phrase}")
    if found.hits["experience"]:
        reasons.append(f'personal experience ("{_first(found.hits["experience"])}")')
    if found.values["timestamp"]:
        reasons.append("mentions a timestamp")
    elif found.values["has_number"] and not doc.placeholders.get("phone"):
        reasons.append("mentions specific numbers")
    words = sum(1 for t in doc.tokens if t[:1].isalnum())
    if words >= 12:
        reasons.append(f"long, specific comment ({words} words)")
    return reasons


def rule_reasons(doc: Doc, found: Signals, substantive: bool) -> list[str]:
    """Reasons for the predicted side first, then (fewer) for the other side."""
    if substantive:
        return substantive_reasons(doc, found)
    return generic_reasons(doc, found)


def rule_reasons_for(docs: Sequence[Doc], scores: np.ndarray) -> list[tuple[str, ...]]:
    """Rule reasons for each doc's predicted side (score >= 0.5 is substantive), for backends
    without reasons of their own."""
    return [
        tuple(rule_reasons(doc, signals(doc), bool(score >= 0.5))[:MAX_REASONS])
        for doc, score in zip(docs, scores, strict=True)
    ]
