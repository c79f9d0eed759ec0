import unicodedata

import pytest

from classifier.text.normalize import clean_unicode, fix_vietnamese_tones, normalize


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hòa", "hoà"),
        ("Hòa bình", "Hoà bình"),
        ("thủy", "thuỷ"),
        ("khỏe", "khoẻ"),
        ("hoàng", "hoàng"),
        ("quý", "quý"),
    ],
)
def test_vietnamese_tone_placement_is_unified(old, new):
    assert fix_vietnamese_tones(old) == new
    assert normalize(old).text == normalize(new).text


def test_decomposed_vietnamese_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "màu son này lên môi có bị khô không")
    assert normalize(decomposed).text == "màu son này lên môi có bị khô không"


def test_full_width_zero_width_and_control_characters():
    assert clean_unicode("ＡＢＣ１２３") == "ABC123"
    assert clean_unicode("好\u200b看\u200d") == "好看"
    assert clean_unicode("a\x00b\tc") == "a b c"
    assert clean_unicode("\ud800lone surrogate") == "lone surrogate"


def test_styled_letters_spammers_use_become_plain():
    assert normalize("𝓯𝓸𝓵𝓵𝓸𝔀 me").text == "follow me"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("đẹppppp quá!!!!!", "đẹpp quá!!"),
        ("哈哈哈哈哈", "哈哈"),
        ("soooo good", "soo good"),
        ("hahahahaha", "haha"),
    ],
)
def test_long_repeats_are_squashed_and_counted(raw, expected):
    result = normalize(raw)
    assert result.text == expected
    assert result.repeat_runs >= 1


def test_prices_and_timestamps_keep_their_digits():
    assert normalize("giá 150.000đ, đoạn 3:40").text == "giá 150.000đ, đoạn 3:40"
    assert normalize("giá 150.000đ").placeholders == {}


@pytest.mark.parametrize(
    ("raw", "kinds"),
    [
        ("kb zalo 0912 345 678 nha", {"zalo", "phone"}),
        ("ib e 09.12.345.678 nhé", {"phone"}),
        ("+84 912 345 678", {"phone"}),
        ("加薇信 abc12345 私信", {"wechat"}),
        ("V信: abc_123 兼职日结", {"wechat"}),
        ("扣扣 12345678", {"qq"}),
        ("dm me on whatsapp +44 7700 900123", {"whatsapp", "phone"}),
        ("join t.me/cryptopump", {"telegram"}),
        ("check my channel https://youtu.be/abc", {"url"}),
        ("mail me at a.b@gmail.com", {"email"}),
        ("@lan xem nè #review", {"mention", "hashtag"}),
    ],
)
def test_contact_links_and_tags_become_typed_placeholders(raw, kinds):
    result = normalize(raw)
    assert set(result.placeholders) == kinds
    for kind in kinds:
        assert f"_{kind}_" in result.text


@pytest.mark.parametrize("text", ["dep wa shop oi", "赵薇好看", "权威发布", "i saw it on tv"])
def test_ordinary_words_are_not_mistaken_for_handles(text):
    assert normalize(text).placeholders == {}
