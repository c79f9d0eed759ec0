"""Word segmentation: jieba for Chinese, syllables or underthesea for Vietnamese, regex for English.

Emoji and placeholders (``_url_``) are kept as tokens. Segmenters load lazily behind a lock
(jieba's dictionary, underthesea's model) so importing this module costs nothing.

Vietnamese words are space-separated syllables already; underthesea's ``word_tokenize`` joins
multi-syllable words ("mỹ_phẩm") but is ~10x slower than everything else on the predict path,
so the shipped model uses syllables plus word bigrams (which cover two-syllable words) and
underthesea is an option of the model config (``vi_segmenter="underthesea"``).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff\u3030\u303d\u3297\u3299\u2764"
EMOJI_CHAR = re.compile(f"[{_EMOJI}]")
_TOKEN = re.compile(
    rf"_[a-z]+_|\d+(?:[.,:]\d+)*|[{_EMOJI}]|[\u3400-\u4dbf\u4e00-\u9fff]+|[^\W\d_]+(?:['’][^\W\d_]+)?|[^\w\s]",
)
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_SKIN_TONE_AND_VS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f]")

_jieba_lock = threading.Lock()
_jieba: Any = None
_underthesea_lock = threading.Lock()
_underthesea_tokenize: Callable[[str], list[str]] | None = None


def _get_jieba() -> Any:
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def _get_underthesea() -> Callable[[str], list[str]]:
    global _underthesea_tokenize
    if _underthesea_tokenize is None:
        with _underthesea_lock:
            if _underthesea_tokenize is None:
                try:
                    from underthesea import word_tokenize
                except ImportError:
                    raise ImportError(
                        "Vietnamese word segmentation needs underthesea: "
                        "pip install 'genuine[vi-words]'"
                    ) from None

                _underthesea_tokenize = word_tokenize
    assert _underthesea_tokenize is not None
    return _underthesea_tokenize


def regex_tokens(text: str) -> list[str]:
    """Words, numbers, Han runs, single emoji, placeholders and punctuation marks."""
    return _TOKEN.findall(_SKIN_TONE_AND_VS.sub("", text))


@lru_cache(maxsize=2**16)
def _jieba_words(han_run: str) -> tuple[str, ...]:
    """jieba's words for one run of Han characters. Cached: short runs ("好看", "支持一下")
    recur all through real comment streams, and jieba's DAG search is the costliest step of
    segmentation."""
    return tuple(_get_jieba().lcut(han_run, HMM=False))


def chinese_tokens(text: str) -> list[str]:
    """Regex tokens with every run of Han characters cut into words by jieba."""
    tokens: list[str] = []
    for token in regex_tokens(text):
        if _HAN_RUN.fullmatch(token):
            tokens.extend(_jieba_words(token))
        else:
            tokens.append(token)
    return tokens


def vietnamese_tokens(text: str, segmenter: str = "syllable") -> list[str]:
    """Syllable tokens, or underthesea words joined with '_' when ``segmenter='underthesea'``."""
    if segmenter == "underthesea":
        words = _get_underthesea()(text)
        return [
            t.replace(" ", "_")
            for word in words
            for t in ([word] if " " in word else regex_tokens(word))
        ]
    return regex_tokens(text)


def segment(text: str, lang: str, vi_segmenter: str = "syllable") -> list[str]:
    """Tokens of a normalized comment in language ``lang``."""
    if lang == "zh" or (_HAN_RUN.search(text) is not None):
        return chinese_tokens(text)
    if lang == "vi":
        return vietnamese_tokens(text, vi_segmenter)
    return regex_tokens(text)
