import math
import subprocess
import sys

import numpy as np
import pytest

from classifier import Prediction


def test_one_text_gives_one_result_and_a_list_gives_a_list(tiny_predictor):
    single = tiny_predictor.predict("hay quá")
    assert isinstance(single, Prediction)
    batch = tiny_predictor.predict(["hay quá"])
    assert isinstance(batch, list) and len(batch) == 1
    assert batch[0].score == pytest.approx(single.score)


def test_batch_keeps_order_and_length_across_chunks(tiny_predictor, monkeypatch):
    import classifier.predictor as predictor_module

    monkeypatch.setattr(predictor_module, "CHUNK_SIZE", 3)
    texts = [
        "hay quá",
        "这个粉底我用了一周，混油皮下午会浮粉",
        "nice pic",
        None,
        "màu này lên môi có khô không?",
        "互关",
        "ok",
    ]
    results = tiny_predictor.predict(texts)
    assert len(results) == len(texts)
    alone = [tiny_predictor.predict(t) if t is not None else None for t in texts]
    for got, expected in zip(results, alone, strict=True):
        if expected is not None:
            assert got.score == pytest.approx(expected.score)


@pytest.mark.parametrize(
    ("value", "error"),
    [(None, "missing"), ("", "empty"), ("   ", "empty"), (42, "int"), (b"\xff\xfe", "UTF-8")],
)
def test_bad_rows_get_a_defined_result_not_a_crash(tiny_predictor, value, error):
    results = tiny_predictor.predict(["hay quá", value, "nice"])
    bad = results[1]
    assert bad.label is None and math.isnan(bad.score) and error in bad.error
    assert results[0].label is not None and results[2].label is not None


def test_huge_and_strange_text(tiny_predictor):
    huge = "đẹp quá " * 20_000
    result = tiny_predictor.predict(huge)
    assert result.truncated and result.label is not None
    weird = tiny_predictor.predict("\u202eabc\u0301\u0301\u0301 \ud800 ‮ 🏳️‍🌈")
    assert weird.label is not None and 0.0 <= weird.score <= 1.0


def test_threshold_per_language_changes_labels(tiny_model_dir):
    import classifier

    strict = classifier.load(str(tiny_model_dir), thresholds_by_lang={"vi": 1.0})
    lenient = classifier.load(str(tiny_model_dir), threshold=0.0)
    assert strict.predict("màu son này lên môi có bị khô không? mình da dầu").label == "generic"
    assert lenient.predict("hay quá").label == "substantive"
    with pytest.raises(ValueError, match="within"):
        classifier.load(str(tiny_model_dir), threshold=1.5)


def test_predict_proba_columns_follow_labels(tiny_predictor):
    proba = tiny_predictor.predict_proba(["hay quá", "nice", None])
    assert proba.shape == (3, 2)
    assert np.allclose(proba[:2].sum(axis=1), 1.0)
    assert np.isnan(proba[2]).all()


def test_reasons_name_contact_bait(tiny_predictor):
    result = tiny_predictor.predict("kb zalo 0912 345 678 tư vấn miễn phí nha")
    assert any("zalo" in r for r in result.reasons)
    assert any("phone" in r for r in result.reasons)
    assert result.lang == "vi"


def test_prediction_to_dict_is_json_ready(tiny_predictor):
    import json

    data = tiny_predictor.predict(["nice", None])
    json.dumps([d.to_dict() for d in data])


def test_repeated_comments_in_a_batch_get_the_same_result_in_place(tiny_predictor):
    texts = [
        "hay quá",
        "which lens is this?",
        "hay quá",
        None,
        "hay quá",
        "x" * 25_000,
        "x" * 25_000,
    ]
    out = tiny_predictor.predict(texts)
    singles = [tiny_predictor.predict(t) for t in ("hay quá", "which lens is this?")]
    assert len(out) == len(texts)
    assert out[0] == out[2] == out[4] == singles[0]
    assert out[1] == singles[1]
    assert out[3].error == "missing text (None)"
    assert out[5].truncated and out[6].truncated and out[5].score == out[6].score
    # A language hint is part of what makes two comments the same.
    hinted = tiny_predictor.predict(["hay quá", "hay quá"], langs=["vi", "en"])
    assert [p.lang for p in hinted] == ["vi", "en"]


def test_predicting_with_the_default_model_does_not_import_scikit_learn():
    """scikit-learn takes most of a second to import: the cold start depends on leaving it out."""
    script = (
        "import sys, classifier\n"
        "p = classifier.load()\n"
        "print(p.predict(['hay quá', '好看', 'nice pic'])[0].label, 'sklearn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["generic", "False"]
