"""Property-based and schema-driven tests: no input may crash the text pipeline, predictor or service."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier.text import analyze

ANY_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=300)
TRICKY = st.sampled_from(
    [
        "\u200b",
        "\u200d",
        "\u0301",
        "\u202e",
        "\ud800",
        "\udfff",
        "\ufeff",
        "️",
        "🏳️‍🌈",
        "ß",
        "İ",
        "\x00",
        "\r\n",
        "ǅ",
        "ﷺ",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(ANY_TEXT, TRICKY), min_size=1, max_size=5).map("".join))
def test_text_pipeline_accepts_any_unicode(text):
    doc = analyze(text)
    assert doc.lang in ("vi", "zh", "en", "other")
    assert isinstance(doc.text, str)
    doc.text.encode("utf-8")  # no lone surrogates survive


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(ANY_TEXT, TRICKY, st.none(), st.integers(), st.binary(max_size=20)),
        min_size=1,
        max_size=8,
    )
)
def test_predictor_returns_one_valid_result_per_row(tiny_predictor, rows):
    results = tiny_predictor.predict(rows)
    assert len(results) == len(rows)
    for result in results:
        if result.label is None:
            assert result.error and math.isnan(result.score)
        else:
            assert 0.0 <= result.score <= 1.0 and result.error is None


@pytest.mark.slow
def test_one_megabyte_comment(tiny_predictor):
    result = tiny_predictor.predict("a" * 500_000 + " 好看 " + "🔥" * 250_000)
    assert result.truncated and result.label is not None


def test_schemathesis_against_the_service_openapi(tiny_model_dir):
    import schemathesis
    from hypothesis import given as h_given

    from classifier.service import ServiceLimits, create_app

    app = create_app(str(tiny_model_dir), ServiceLimits(max_batch=20))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checked = []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        @h_given(case=op.as_strategy())
        def run(case):
            response = case.call()
            assert response.status_code < 500, (
                case.path,
                response.status_code,
                response.text[:300],
            )
            checked.append(response.status_code)

        run()
    assert len(checked) > 30
