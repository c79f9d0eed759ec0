import pytest

from classifier.text import analyze
from classifier.text.language import detect_language
from classifier.text.normalize import normalize


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("màu son này lên môi có bị khô không?", "vi"),
        ("sp dep qua shop oi", "vi"),
        ("cho minh hoi size L con ko", "vi"),
        ("ib gia", "vi"),
        ("hay qua", "vi"),
        ("xin link", "vi"),
        ("这个粉底我用了一周，混油皮下午会浮粉", "zh"),
        ("這個好好看", "zh"),
        ("OOTD求链接", "zh"),
        ("互关", "zh"),
        ("nice pic 🔥", "en"),
        ("the 3:40 tip about tempering chocolate saved my cake", "en"),
        ("so cute omg", "en"),
        ("check out my channel guys", "en"),
        ("🔥🔥🔥", "other"),
        ("666", "other"),
        ("bonjour mon ami comment ça va", "other"),
        ("こんにちは、かわいい", "other"),
    ],
)
def test_hard_short_comments(text, lang):
    assert detect_language(normalize(text).text) == lang


def test_a_language_hint_wins():
    assert analyze("ok", lang="vi").lang == "vi"
    assert analyze("ok", lang="xx").lang in ("vi", "en", "other")
