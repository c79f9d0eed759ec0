from classifier.text.segment import regex_tokens, segment


def test_chinese_is_cut_into_words_by_jieba():
    tokens = segment("这个粉底我用了一周", "zh")
    assert "粉底" in tokens and "一周" in tokens


def test_vietnamese_syllables_and_emoji_are_tokens():
    assert segment("màu son này 🔥🏻", "vi") == ["màu", "son", "này", "🔥"]


def test_vietnamese_underthesea_joins_words():
    tokens = segment("tôi thích mỹ phẩm hàn quốc", "vi", "underthesea")
    assert any("_" in t for t in tokens)


def test_english_tokens_keep_placeholders_timestamps_and_contractions():
    assert regex_tokens("the 3:40 tip isn't bad _url_ ❤️") == [
        "the",
        "3:40",
        "tip",
        "isn't",
        "bad",
        "_url_",
        "❤",
    ]


def test_mixed_text_in_a_latin_comment_still_segments_han():
    assert "链接" in segment("ootd 求链接", "en")
