"""Unicode and surface normalization of one comment.

Order matters: disguised digits to plain ones (circled, parenthesized, keycap and dingbat
digits; then NFKC turns full-width and styled letters and digits plain) -> Vietnamese tone
placement -> zero-width, control and filler-mark removal -> lower-case -> digits a spammer
split up or spelled out (Han numerals, "O" for zero) joined again -> placeholders for contact
and link tokens -> squash long character repeats. Placeholders are kept in the text as tokens such as
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
# Combining marks outside the block Vietnamese uses, wedged between characters to dodge
# filters ("内࿆容࿆"); NFC has already composed every Vietnamese letter.
_FILLER_MARK = re.compile(
    r"[\u0483-\u0489\u0591-\u05bd\u0fc6\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
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
        (
            "we",
            "信",
            "v芯",
            "vx",
            "wx",
            "➕v",
            "+v",
            "加v",
            "加微",
            "加薇",
            "泡泡",
            "薇",
            "威",
            "v❤",
            "v♥",
        ),
        re.compile(
            r"(?:wechat|weixin|微信|薇信|威信|徽信|维信|v信|v芯|vx|wx|➕v|\+v|加v|加微|加薇|绿泡泡|绿色泡泡"
            # a bare 薇/威 or "v❤" counts only with an id after it (赵薇 is a name)
            r"|(?:薇|威|v[❤♥💗]+)(?=\s*[:：=]?\s*[a-z0-9][a-z0-9_\-.]{4,}))(?![a-z])" + _HANDLE_ID,
            re.IGNORECASE,
        ),
    ),
    (
        "qq",
        ("qq", "扣", "企鹅", "q群", "+q", "加q", "🐧"),
        re.compile(
            r"(?:(?<![a-z])qq|扣扣|企鹅|🐧|q群|\+q|加q|扣群|扣(?=\s*[:：]?\s*\d{5,}))(?![a-z])"
            + _HANDLE_ID,
            re.IGNORECASE,
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
# Digits NFKC leaves alone or turns into "(2)" / "2.": dingbat, negative-circled,
# double-circled and parenthesized digits, mapped before NFKC.
_DISGUISED_DIGITS = str.maketrans(
    {
        **{chr(0x2776 + i): str((i + 1) % 10) for i in range(10)},  # ❶..❿
        **{chr(0x2780 + i): str((i + 1) % 10) for i in range(10)},  # ➀..➉
        **{chr(0x278A + i): str((i + 1) % 10) for i in range(10)},  # ➊..➓
        **{chr(0x24F5 + i): str((i + 1) % 10) for i in range(10)},  # ⓵..⓾
        **{chr(0x2474 + i): str(i + 1) for i in range(9)},  # ⑴..⑼
        **{chr(0x2488 + i): str(i + 1) for i in range(9)},  # ⒈..⒐
        "\u24ea": "0",  # ⓪
        "\u24ff": "0",  # ⓿
        "\u20e3": "",  # combining keycap: "1️⃣" -> "1"
        "\ufe0f": "",  # the emoji selector inside a keycap
    }
)
_DISGUISE_HINT = re.compile("[\u2460-\u24ff\u2776-\u2793\u20e3]")
_HAN_DIGITS = str.maketrans("零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖两", "001234567891234567892")
# Six or more Han numerals in a row are a number spelled out to dodge digit filters
# (a phone or QQ number), never prose.
_HAN_NUMBER = re.compile("[零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖]{6,}")
# A number typed as single digits or pairs split by spaces, dots, dashes or emoji
# ("1 3 8 - 1 2 3 4", "13 81 🔥 23 45"): joined when it has 4+ groups. Ordinary grouping
# ("138 1234 5678", "1,000,000") and dates keep their groups: _PHONE reads the first.
_SPLIT_DIGITS = re.compile(
    r"(?<![\d.,])\d{1,2}(?:[\s.\-_·•~,，、/|*\u2600-\u27bf\U0001f300-\U0001faff]{1,3}\d{1,2}(?!\d)){3,}"
)
_NOT_DIGIT = re.compile(r"\D")
# "3O", "1OO": the letter O standing for zero inside a number.
_O_FOR_ZERO = re.compile(r"(?<![a-z])\d[\do]*o[\do]*(?![a-z])")
# Phone-like: 9-13 digits with common separators, optional +country code.
# Letters or digits may not touch it, Han characters may ("电话13812345678号").
_PHONE = re.compile(r"(?<![a-z0-9_.])\+?\d(?:[\s.\-]?\d){8,12}(?![a-z0-9_])")
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
    """NFKC, tone placement, no invisible/control characters, filler marks or lone surrogates,
    disguised digits made plain, single spaces."""
    if not text.isascii():  # NFKC, tones and invisible characters are all beyond ASCII
        text = _SURROGATE.sub("", text)
        if _DISGUISE_HINT.search(text):
            text = text.translate(_DISGUISED_DIGITS)
        text = unicodedata.normalize("NFKC", text)
        text = fix_vietnamese_tones(text)
        text = _INVISIBLE.sub("", text)
        text = _FILLER_MARK.sub("", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())  # str.split() and re's \s agree on what is whitespace


def join_disguised_numbers(text: str) -> str:
    """Han-numeral numbers, "O"-for-zero and digits split by separators, as plain digit runs
    (lower-cased text in, so the placeholders' phone and handle patterns can see them)."""
    if not text.isascii():
        text = _HAN_NUMBER.sub(lambda m: m.group().translate(_HAN_DIGITS), text)
    digits = len(_DIGIT.findall(text))
    if digits and "o" in text:
        text = _O_FOR_ZERO.sub(lambda m: m.group().replace("o", "0"), text)
    if digits >= 6:
        text = _SPLIT_DIGITS.sub(lambda m: _NOT_DIGIT.sub("", m.group()), text)
    return text


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
    if not cleaned.isascii() or _DIGIT.search(cleaned):
        cleaned = join_disguised_numbers(cleaned)
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
