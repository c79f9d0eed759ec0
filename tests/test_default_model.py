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
    from classifier.model_dir import default_model_dir, open_model_dir

    model = open_model_dir(default_model_dir())
    size = sum(p.stat().st_size for p in default_model_dir().iterdir())
    assert size < 30 * 1024 * 1024
    assert model.manifest.metrics["test"]["macro_f1"] > 0.85


DISGUISED_CHINESE_SPAM = [
    "想赚零花钱的加我 ⑴⑶⑼⑵⑻⑺⑹⑸⑷⑶⑵ 日结",
    "首充一百送五十八，棋牌新平台，🐧 ⑧⑦⑥⑤④③②",
    "招打字员 宝妈学生都可以 一单一结 薇：work5566",
    "刷单返佣 本金秒退 联系 1 3 9 - 2 4 6 8 - 1 3 5 7",
    "抖音代发作品 一条五块 次日结算 不看播放量",
]


@pytest.mark.parametrize("text", DISGUISED_CHINESE_SPAM)
def test_disguised_chinese_scams_and_contacts_are_generic(default_predictor, text):
    assert default_predictor.predict(text).label == "generic"


def test_default_model_card_names_every_real_source_and_its_license():
    from classifier.model_dir import default_model_dir, open_model_dir
    from training.real import SOURCES

    manifest = open_model_dir(default_model_dir()).manifest
    used = {s["source"]: s for s in manifest.extra["real_sources"]}
    assert set(used) == set(SOURCES)
    card = (default_model_dir() / "MODEL_CARD.md").read_text(encoding="utf-8")
    for name, source in SOURCES.items():
        assert source.license in card, name
        assert used[name]["commercial_use"] == source.commercial_use
    assert "--commercial-only" in card
    for name in SOURCES:
        assert f"real:{name}" in manifest.metrics  # scored on its own validation set
