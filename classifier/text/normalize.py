"""Unicode and surface normalization of one comment.

Order matters: NFKC (full-width to half-width, styled letters to plain) -> Vietnamese tone
placement -> zero-width/control removal -> lower-case -> placeholders for contact and link
tokens -> squash long character repeats. Placeholders are kept in the text as tokens such as
``_url_`` so the n-gram model sees them, and counted so reasons can name them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Placeholder tokens. Their names appear in reasons ("contact handle (zalo)").
PLACEHOLDERS = (
    "url",
    "email",
    "phone",
    "zalo",
    "wechat",
    "qq",
    "telegram",
    "whatsapp",
    "line",
    "mention",
    "hashtag",
)
CONTACT_PLACEHOLDERS = ("phone", "zalo", "wechat", "qq", "telegram", "whatsapp", "line", "email")


def placeholder_token(kind: str) -> str:
    return f"_{kind}_"


_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style tone placement on open syllables "òa", "óe", "úy" -> modern "oà", "oé", "uý",
# so "hòa" and "hoà" become the same string. Applied in NFD, then recomposed.
_OLD_TONE_OA = re.compile(rf"([oO])([{_TONES}])([aAeE])(?![^\W\d_]|[\u0300-\u036f])")
_OLD_TONE_UY = re.compile(rf"([uU])([{_TONES}])([yY])(?![^\W\d_]|[\u0300-\u036f])")

_OLD_TONE_HINT = re.compile(
    r"[òóỏõọùúủũụ][aey]|[ÒÓỎÕỌÙÚỦŨỤ][AEYaey]|[ouOU][\u0300\u0301\u0303\u0309\u0323]"
)
# Every match of _OLD_TONE_HINT holds one of these; a one-class scan is much cheaper.
_TONED_O_OR_U = re.compile("[òóỏõọùúủũụÒÓỎÕỌÙÚỦŨỤ\u0300\u0301\u0303\u0309\u0323]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad\u034f\u180e]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")

_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9\-]*\.(?:com|net|org|vn|cn|io|me|ly|co|info|xyz|shop|top|link|site|online|cc|tv|gg)(?:/\S*)?\b",
    re.IGNORECASE,
)
_TELEGRAM_LINK = re.compile(r"(?:https?://)?t\.me/\S+", re.IGNORECASE)
_WHATSAPP_LINK = re.compile(r"(?:https?://)?wa\.me/\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+\b", re.IGNORECASE)
# Handles: a keyword (with the disguised spellings spammers use) and an optional id after it.
_HANDLE_ID = r"(?:\s*[:：=]?\s*[a-z0-9][a-z0-9_\-.]{3,}(?![a-z0-9_\-.]))?"
# (kind, literals that every match contains one of, pattern). The literals are a cheap
# guard: most comments contain none, and a plain substring test costs far less than a regex.
_HANDLES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "zalo",
        ("za", "z@", "zl"),
        re.compile(r"(?<![a-z])(?:zalo|za\s?lo|zal0|z@lo|zl)(?![a-z])" + _HANDLE_ID, re.IGNORECASE),
    ),
    (
        "wechat",
        ("we", "信", "v芯", "vx", "wx", "➕v", "+v", "加v", "加微", "加薇"),
        re.compile(
            r"(?:wechat|weixin|微信|薇信|威信|徽信|维信|v信|v芯|vx|wx|➕v|\+v|加v|加微|加薇)(?![a-z])"
            + _HANDLE_ID,
            re.IGNORECASE,
        ),
    ),
    (
        "qq",
        ("qq", "扣", "企鹅", "q群", "+q", "加q"),
        re.compile(
            r"(?:(?<![a-z])qq|扣扣|企鹅|q群|\+q|加q|扣群)(?![a-z])" + _HANDLE_ID, re.IGNORECASE
        ),
    ),
    (
        "telegram",
        ("tele", "tg", "t.me/"),
        re.compile(
            r"(?<![a-z])(?:telegram|tele|tg|t\.me/\S+)(?![a-z])" + _HANDLE_ID, re.IGNORECASE
        ),
    ),
    (
        "whatsapp",
        ("whats", "wa.me/"),
        re.compile(
            r"(?<![a-z])(?:whatsapp|whats\s?app|wa\.me/\S+)(?![a-z])" + _HANDLE_ID, re.IGNORECASE
        ),
    ),
    ("line", ("line",), re.compile(r"(?<![a-z])line\s?id" + _HANDLE_ID, re.IGNORECASE)),
)
_DIGIT = re.compile(r"\d")
# Phone-like: 9-13 digits with common separators, optional +country code.
_PHONE = re.compile(r"(?<![\w.])\+?\d(?:[\s.\-]?\d){8,12}(?![\w])")
_MENTION = re.compile(r"(?<![\w@])@[\w.\-]+")
_HASHTAG = re.compile(r"(?<![\w&])#[^\s#@]+")
# Runs of 3+ of the same character (letters, punctuation, emoji, Han) -> 2 of them.
_REPEAT_CHAR = re.compile(r"([^\d\s])\1{2,}")
# "hahaha", "kkkk", "呵呵呵": runs of 3+ of the same 2-3 character unit -> 2 units.
_REPEAT_UNIT = re.compile(r"(\S{2,3}?)\1{2,}")


@dataclass(frozen=True)
class NormalizedText:
    """The normalized comment and what normalization found in it."""

    text: str
    placeholders: dict[str, int] = field(default_factory=dict)
    repeat_runs: int = 0


def fix_vietnamese_tones(text: str) -> str:
    """Move old-style tone marks ("hòa", "thủy") to the modern place ("hoà", "thuỷ")."""
    if not _TONED_O_OR_U.search(text) or not _OLD_TONE_HINT.search(text):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _OLD_TONE_OA.sub(r"\1\3\2", decomposed)
    decomposed = _OLD_TONE_UY.sub(r"\1\3\2", decomposed)
    return unicodedata.normalize("NFC", decomposed)


def clean_unicode(text: str) -> str:
    """NFKC, tone placement, no invisible/control characters or lone surrogates, single spaces."""
    if not text.isascii():  # NFKC, tones and invisible characters are all beyond ASCII
        text = _SURROGATE.sub("", text)
        text = unicodedata.normalize("NFKC", text)
        text = fix_vietnamese_tones(text)
        text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())  # str.split() and re's \s agree on what is whitespace


def _replace(pattern: re.Pattern[str], kind: str, text: str, found: dict[str, int]) -> str:
    replaced, count = pattern.subn(f" {placeholder_token(kind)} ", text)
    if count:
        found[kind] = found.get(kind, 0) + count
    return replaced


def _contains_any(text: str, literals: tuple[str, ...]) -> bool:
    # A plain loop: any() over a generator costs more than the substring tests themselves.
    for literal in literals:  # noqa: SIM110
        if literal in text:
            return True
    return False


def normalize(text: str) -> NormalizedText:
    """Normalize one comment for features and language ID."""
    found: dict[str, int] = {}  # a plain dict: Counter() alone cost a sixth of normalize
    cleaned = clean_unicode(text).lower()
    # Cheap guards first: most comments have no '@', '.', digits or handle keywords.
    if "@" in cleaned:
        cleaned = _replace(_EMAIL, "email", cleaned, found)
    if "." in cleaned:
        if "t.me/" in cleaned:
            cleaned = _replace(_TELEGRAM_LINK, "telegram", cleaned, found)
        if "wa.me/" in cleaned:
            cleaned = _replace(_WHATSAPP_LINK, "whatsapp", cleaned, found)
        cleaned = _replace(_URL, "url", cleaned, found)
    if len(_DIGIT.findall(cleaned)) >= 9:
        cleaned = _replace(_PHONE, "phone", cleaned, found)
    for kind, literals, pattern in _HANDLES:
        if _contains_any(cleaned, literals):
            cleaned = _replace(pattern, kind, cleaned, found)
    if "@" in cleaned:
        cleaned = _replace(_MENTION, "mention", cleaned, found)
    if "#" in cleaned:
        cleaned = _replace(_HASHTAG, "hashtag", cleaned, found)
    cleaned, char_runs = _REPEAT_CHAR.subn(r"\1\1", cleaned)
    cleaned, unit_runs = _REPEAT_UNIT.subn(r"\1\1", cleaned)
    if found:  # placeholders were put in with spaces around them
        cleaned = _WHITESPACE.sub(" ", cleaned).strip()
    return NormalizedText(cleaned, found, char_runs + unit_runs)
