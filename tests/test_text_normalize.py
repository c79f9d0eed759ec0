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


@pytest.mark.parametrize(
    ("raw", "kinds"),
    [
        # circled, parenthesized, dingbat and keycap digits read as the number they spell
        ("加我 ⑴⑶⑻①②③④⑤⑥⑦⑧ 日结", {"phone"}),
        ("❶❸❽➊➋➌➍➎➏➐➑ 兼职", {"phone"}),
        ("1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣ 打字员", {"phone"}),
        ("电话１３８１２３４５６７８", {"phone"}),  # full-width
        ("电话13812345678号", {"phone"}),  # Han text touching the number
        # digits split up, spelled in Han numerals, or with O for zero
        ("电话 1 3 8 - 1 2 3 4 - 5 6 7 8 刷单返佣", {"phone"}),
        ("v 1 3 5 🔥 7 9 2 4 6 8 宝妈兼职", {"phone"}),
        ("qq一三五七九二四六八 打字员", {"qq"}),
        ("call 0912 345 67O", {"phone"}),
        # disguised handle keywords
        ("➕一下🐧 12345678 给你介绍", {"qq"}),
        ("扣 :567891 带你赚钱", {"qq"}),
        ("薇：abc12345 充值返利", {"wechat"}),
        ("v❤ wx8866123", {"wechat"}),
        ("加绿泡泡 good8899 日结", {"wechat"}),
    ],
)
def test_disguised_contacts_become_placeholders(raw, kinds):
    assert set(normalize(raw).placeholders) == kinds


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("内\u0fc6容\u0fc6就\u0fc6是", "内容就是"),  # filler marks between Han characters
        ("⑵⓪⑤⑧⑧⑤⑥", "2058856"),
        ("一天3O~1OO", "一天30~100"),
    ],
)
def test_filler_marks_and_disguised_digits_are_made_plain(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "赵薇的新电影什么时候上映",  # 薇 in a name, no id after it
        "giá 1.500.000đ nha shop",  # a price keeps its grouping
        "I paid 1,000,000 dong for it",
        "12/12/2012 là ngày cưới",
        "1on1 coaching session",
        "一二三四五 (five numerals is a count, not a number)",
        "màu son này lên môi có bị khô không?",
    ],
)
def test_ordinary_numbers_and_names_stay_as_they_are(text):
    result = normalize(text)
    assert result.placeholders == {}
    assert result.text == text.lower()
