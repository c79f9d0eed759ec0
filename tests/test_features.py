"""The named features behind the reasons: real comments in, values a vetter can trust out."""

from __future__ import annotations

import pytest
from processes import stdout_under_hash_seeds

from classifier.features import FEATURE_NAMES, feature_matrix, signals
from classifier.text import analyze


@pytest.mark.parametrize(
    "text",
    [
        "Sản phẩm tốt nhé hdjsksjdjsk ndjdkxnxm",
        "Ndhdwjwsjbdbdvdnsbssjksnsbsvsjxbdksbsj",
        "good quality fast shipping kjhgfdsazxcvbnm",
    ],
)
def test_keyboard_mash_is_found(text: str) -> None:
    assert signals(analyze(text)).values["keyboard_mash"] > 0


@pytest.mark.parametrize(
    "text",
    [
        "the strengths of this rhythm section at 2:31 are underrated",
        "Thuế trước bạ giảm 50% có áp dụng cho xe nhập không hay chỉ xe lắp ráp trong nước?",
        "nguyễn thị nghiêng người chụp ảnh khuyến mãi",
        "这个粉底我用了一周，混油皮下午会浮粉",
    ],
)
def test_real_words_are_not_keyboard_mash(text: str) -> None:
    assert signals(analyze(text)).values["keyboard_mash"] == 0


def test_filler_repeated_to_reach_a_length_has_low_variety() -> None:
    filler = signals(analyze("50 ký tự 50 ký tự 50 ký tự 50 ký tự 50 ký tự 50 ký tự")).values
    review = signals(
        analyze("Áo mặc vừa, vải hơi mỏng so với giá 350k, đường may ở tay áo bị lệch một chút")
    ).values
    assert filler["low_variety"] > 0.6
    assert review["low_variety"] < 0.2
    # Short reactions repeat naturally and are not counted.
    assert signals(analyze("hay hay hay")).values["low_variety"] == 0


def test_feature_matrix_has_one_column_per_named_feature() -> None:
    docs = [analyze(t) for t in ("hay quá", "加薇信 abc12345", "which lens is this?")]
    matrix, found = feature_matrix(docs)
    assert matrix.shape == (3, len(FEATURE_NAMES))
    assert [s.values["contact_handle"] for s in found] == [0.0, 1.0, 0.0]
    assert found[2].values["question_mark"] == 1.0


def test_reasons_name_keyboard_mash_and_repeats(default_predictor) -> None:
    mash, repeated = default_predictor.predict(
        [
            "Sản phẩm tốt hdjskdjskdj nxnxmxmxm bdbdjdjs",
            "50 ký tự 50 ký tự 50 ký tự 50 ký tự 50 ký tự",
        ]
    )
    assert mash.label == "generic" and "keyboard mash" in mash.reasons
    assert repeated.label == "generic" and "repeats the same words" in repeated.reasons


def test_han_phrases_are_found_in_text_order() -> None:
    assert signals(analyze("加油！好看")).hits["generic_phrase"] == ("加油", "好看")
    assert signals(analyze("好看好看，支持一下，加油")).hits["generic_phrase"] == (
        "好看",
        "支持",
        "加油",
    )


def test_reasons_do_not_depend_on_the_process_hash_seed() -> None:
    """Han phrases were once kept in a set: which phrase a reason named changed from one
    process to the next."""
    script = (
        "from classifier import load\n"
        "texts = ['私信我兼职日结', '好看好看，支持一下，加油', '价格多少？同款哪里买', "
        "'我用了一周，之前是干皮，昨天又买了']\n"
        "print([p.reasons for p in load().predict(texts)])\n"
    )
    outputs = stdout_under_hash_seeds(script)
    assert len(outputs) == 1
