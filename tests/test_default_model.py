"""Behaviour of the shipped default model on obvious real-world-style comments."""

import pytest

SUBSTANTIVE = [
    "màu son này lên môi có bị khô không?",
    "em dùng em này 2 tuần rồi, da dầu mà chiều vẫn không bị bóng",
    "这个粉底我用了一周，混油皮下午会浮粉",
    "混油皮能用吗？",
    "the 3:40 tip about tempering chocolate saved my cake",
    "what temperature did you bake the second batch at?",
]
GENERIC = [
    "kb zalo 0912 345 678 tư vấn miễn phí",
    "hay quá",
    "好看",
    "互关互关 求回关",
    "加薇信 abc12345 兼职日结",
    "nice pic 🔥",
    "check out my channel!! sub4sub",
    "😍😍😍",
]


@pytest.mark.parametrize("text", SUBSTANTIVE)
def test_specific_comments_are_substantive(default_predictor, text):
    assert default_predictor.predict(text).label == "substantive"


@pytest.mark.parametrize("text", GENERIC)
def test_generic_comments_are_generic(default_predictor, text):
    assert default_predictor.predict(text).label == "generic"


def test_obvious_spam_scores_below_point_two(default_predictor):
    for text in (
        "kb zalo 0912 345 678 tư vấn miễn phí",
        "加薇信 abc12345 兼职日结",
        "check out my channel!! sub4sub",
    ):
        assert default_predictor.predict(text).score < 0.2


def test_default_model_is_small_and_verified():
    from classifier.model_dir import DEFAULT_MODEL_DIR, open_model_dir

    model = open_model_dir(DEFAULT_MODEL_DIR)
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir())
    assert size < 30 * 1024 * 1024
    assert model.manifest.metrics["test"]["macro_f1"] > 0.85
