"""Property-based and schema-driven tests: no input may crash the text pipeline, predictor or service."""

import json
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


def test_schemathesis_against_the_service_openapi(request):
    schemathesis = pytest.importorskip(
        "schemathesis", reason="schemathesis is not installed (in '.[dev]', not '.[test]')"
    )
    tiny_model_dir = request.getfixturevalue("tiny_model_dir")  # only when it will be used
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


# Raw bodies against every POST endpoint: what a JSON schema never generates.
_FIELDS = ["comments", "text", "id", "lang", "threshold", "explain", "creator_id", "post_id"]
_FIELDS += ["creators", "followers", "posts", "views", "comment", "requestedAttributes"]
_FIELDS += ["SPAM", "UNSUBSTANTIAL", "languages", "clientToken", "spanAnnotations"]
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    ANY_TEXT,
    TRICKY,
)
_JSON_VALUES = st.recursive(
    _LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(_FIELDS) | ANY_TEXT, children, max_size=4)
    ),
    max_leaves=16,
)


def _templated(path: str, value: object) -> dict:
    """A body of the endpoint's shape with one fuzzed value in it."""
    if path == "/v1/score":
        return {"comments": [{"creator_id": value, "post_id": "p", "text": value}]}
    if path == "/v1alpha1/comments:analyze":
        return {"comment": {"text": value}, "requestedAttributes": {"SPAM": value}}
    return {"comments": [{"text": value, "id": value}], "threshold": value}


@st.composite
def _raw_bodies(draw, path: str) -> tuple[bytes, dict[str, str], bool]:
    value = draw(_JSON_VALUES)
    document = draw(st.sampled_from([value, _templated(path, value)]))
    text = json.dumps(document, allow_nan=True, ensure_ascii=draw(st.booleans()))
    body = text.encode("utf-8", "surrogatepass")  # lone surrogates as (invalid) raw UTF-8 too
    mutation = draw(st.sampled_from(["none", "none", "cut", "nest", "bytes"]))
    if mutation == "cut":
        body = body[: draw(st.integers(0, len(body)))]
    elif mutation == "nest":
        depth = draw(st.integers(1, 3000))
        body = b"[" * depth + body + b"]" * draw(st.sampled_from([depth, 0]))
    elif mutation == "bytes":
        body = draw(st.binary(max_size=200))
    content_type = draw(
        st.sampled_from(["application/json"] * 4 + ["text/plain", "", "application/json; x"])
    )
    headers = {"content-type": content_type} if content_type else {}
    return body, headers, draw(st.booleans())


def _post_raw(client, path: str, body: bytes, headers: dict[str, str], chunked: bool):
    if chunked:  # Transfer-Encoding: chunked, no Content-Length
        pieces = [body[i : i + 7] for i in range(0, len(body), 7)]
        return client.post(path, content=iter(pieces), headers=headers)
    return client.post(path, content=body, headers=headers)


def _fuzz_raw_bodies(client, max_examples: int) -> None:
    for path in ("/v1/predict", "/v1/score", "/v1alpha1/comments:analyze"):
        _fuzz_one_endpoint(client, path, max_examples)


def _fuzz_one_endpoint(client, path: str, max_examples: int) -> None:
    @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=_raw_bodies(path))
    def run(case):
        body, headers, chunked = case
        response = _post_raw(client, path, body, headers, chunked)
        assert response.status_code < 500, (path, body[:200], response.text[:300])
        json.loads(response.content.decode("utf-8"))  # always valid UTF-8 JSON back

    run()


@pytest.fixture(scope="module")
def fuzz_client(tiny_predictor):
    from fastapi.testclient import TestClient

    from classifier.service import ServiceLimits, create_app

    app = create_app(predictor=tiny_predictor, limits=ServiceLimits(max_body_bytes=64_000))
    with TestClient(app) as client:  # a server exception fails the test
        yield client


def test_raw_bodies_never_make_a_5xx(fuzz_client):
    _fuzz_raw_bodies(fuzz_client, max_examples=40)


@pytest.mark.slow
def test_raw_bodies_never_make_a_5xx_long(fuzz_client):
    _fuzz_raw_bodies(fuzz_client, max_examples=600)
