"""Language identification for vi / zh / en comments, with ``other`` when none fits.

Short comments defeat statistical identifiers, so script evidence decides first:
Han characters mean Chinese, Vietnamese-only letters (ă â đ ê ô ơ ư and tone marks) mean
Vietnamese, kana/hangul/Thai/Cyrillic/Arabic mean ``other``. Only Latin text without
diacritics ("sp dep qua shop oi", "nice pic") goes to py3langid restricted to vi/en, helped
by a small lexicon of Vietnamese no-diacritics and teencode words. Text with no letters at
all (emoji, digits) is ``other``: there is no language to find in it.
"""

from __future__ import annotations

import re
import threading
from typing import Any

LANGUAGES = ("vi", "zh", "en")
OTHER = "other"

MAX_CHARS = 300  # the start of a comment tells its language; long ones cost time, not accuracy
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_FOREIGN_SCRIPT = re.compile(
    r"[\u3040-\u30ff\uac00-\ud7af\u1100-\u11ff\u0e00-\u0e7f\u0400-\u04ff\u0600-\u06ff\u0590-\u05ff\u0900-\u097f]"
)
# Letters used by Vietnamese and (almost) no other Latin-script language we meet.
_VI_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_LATIN_WORD = re.compile(r"[a-zà-ỹ]+")
_PLACEHOLDER = re.compile(r"_[a-z]+_")
# Frequent Vietnamese words written without diacritics, and teencode.
_VI_PLAIN_WORDS = frozenset(
    [
        "a",
        "ad",
        "ak",
        "ah",
        "anh",
        "ban",
        "bn",
        "bao",
        "bh",
        "bít",
        "ca",
        "cai",
        "cam",
        "cho",
        "chi",
        "chua",
        "chu",
        "co",
        "con",
        "cua",
        "cung",
        "da",
        "dc",
        "dep",
        "di",
        "do",
        "duoc",
        "dau",
        "em",
        "gi",
        "gia",
        "hay",
        "hoi",
        "hok",
        "hong",
        "hem",
        "hum",
        "ib",
        "j",
        "k",
        "ko",
        "kg",
        "khong",
        "kh",
        "khum",
        "la",
        "lam",
        "lun",
        "luon",
        "m",
        "mih",
        "minh",
        "mik",
        "mn",
        "moi",
        "mua",
        "nao",
        "nay",
        "nha",
        "nhe",
        "nhen",
        "nhiu",
        "nhieu",
        "noi",
        "oi",
        "ok",
        "qua",
        "ri",
        "roi",
        "sao",
        "shop",
        "sp",
        "thi",
        "thui",
        "tot",
        "trc",
        "uh",
        "va",
        "vay",
        "ve",
        "voi",
        "vs",
        "xin",
        "xinh",
        "yeu",
        "z",
        "zay",
        "zui",
        "ntn",
        "bnhieu",
        "sz",
        "mau",
        "ms",
        "kb",
        "ns",
        "mk",
        "ck",
        "vk",
        "nhe",
        "dzo",
        "tinh",
        "mat",
        "ngay",
        "lai",
        "roi",
        "nhu",
        "the",
        "nhung",
        "cung",
        "rat",
        "ngon",
        "hang",
        "ao",
        "quan",
        "giay",
        "dau",
        "toc",
        "da",
        "mat",
        "nuoc",
        "chi",
        "anh",
        "em",
        "be",
        "me",
        "ba",
        "ong",
        "nguoi",
        "nha",
        "lanh",
        "nong",
        "dat",
        "re",
        "mac",
        "vua",
        "chat",
        "moi",
        "cu",
        "xau",
        "biet",
        "thay",
    ]
)
_EN_COMMON = frozenset(
    [
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "this",
        "that",
        "it",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "my",
        "your",
        "to",
        "of",
        "in",
        "on",
        "for",
        "with",
        "and",
        "or",
        "but",
        "so",
        "love",
        "nice",
        "good",
        "great",
        "like",
        "what",
        "how",
        "why",
        "when",
        "where",
        "which",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "not",
        "no",
        "yes",
        "omg",
        "lol",
        "pls",
        "please",
        "thanks",
        "thank",
        "wow",
        "cute",
        "best",
        "me",
        "its",
        "it's",
        "im",
        "i'm",
        "u",
        "ur",
        "ok",
    ]
)


class LanguageIdentifier:
    """Thread-safe, lazily loaded vi/zh/en identifier. Use :func:`detect_language` for the default one."""

    def __init__(self) -> None:
        self._langid: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        if self._langid is None:
            with self._lock:
                if self._langid is None:
                    from py3langid.langid import MODEL_FILE
                    from py3langid.langid import LanguageIdentifier as _PyLangid

                    self._langid = _PyLangid.from_model_file(MODEL_FILE, norm_probs=True)
        return self._langid

    def _latin_language(self, words: list[str], lexicon_hits: int) -> str:
        """vi, en or other for Latin text without Vietnamese letters, with one model call mostly."""
        text = " ".join(words[:40])
        model = self._model()
        label, confidence = model.classify(text)
        if label in ("vi", "en"):
            return str(label)
        # A longer comment confidently in a third language (es, fr, id...) is 'other'.
        if len(words) >= 4 and lexicon_hits <= 1 and confidence > 0.5:
            return OTHER
        return next(lang for lang, _ in model.rank(text) if lang in ("vi", "en"))

    def detect(self, text: str) -> str:
        """Language of a normalized (lower-cased) comment: 'vi', 'zh', 'en' or 'other'."""
        text = text[:MAX_CHARS]
        latin_words = _LATIN_WORD.findall(_PLACEHOLDER.sub(" ", text) if "_" in text else text)
        if not text.isascii():  # Han, Vietnamese letters and other scripts are beyond ASCII
            han = len(_HAN.findall(text))
            if han and han >= sum(map(len, latin_words)) * 0.25:
                return "zh"
            if _VI_LETTERS.search(text):
                return "vi"
            if _FOREIGN_SCRIPT.search(text):
                return "zh" if han else OTHER
            if han:
                return "zh"
        if not latin_words:
            return OTHER
        vi_hits = sum(w in _VI_PLAIN_WORDS for w in latin_words)
        en_hits = sum(w in _EN_COMMON for w in latin_words)
        if vi_hits != en_hits and (vi_hits >= 2 or en_hits >= 2 or len(latin_words) <= 2):
            return "vi" if vi_hits > en_hits else "en"
        return self._latin_language(latin_words, vi_hits + en_hits)


_DEFAULT = LanguageIdentifier()


def detect_language(text: str) -> str:
    """Language of a normalized comment with the module's shared identifier."""
    return _DEFAULT.detect(text)
