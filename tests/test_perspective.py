"""The Perspective-compatible surface: POST /v1alpha1/comments:analyze and the discovery document.

Contract tests on every request and response field and on Google's error shape, then the
real google-api-python-client against a running service, in English, Vietnamese and Chinese.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient

from classifier.service import create_app

ANALYZE = "/v1alpha1/comments:analyze"
SPAM_BY_LANG = {
    "en": "dm me on whatsapp +44 7700 900123 for investment, 300% profit guaranteed",
    "vi": "kb zalo 0912 345 678 tư vấn free, vay tiền nhanh không thế chấp",
    "zh": "加薇信 abc12345 兼职日结，刷单一单一结",
}
SUBSTANTIVE_BY_LANG = {
    "en": "I bought this jacket in May and the zip broke after two weeks; did yours hold up?",
    "vi": "màu son này lên môi có bị khô không? mình da môi hay bong tróc",
    "zh": "这个粉底我用了一周，混油皮下午会浮粉，T区要补妆两次",
}


@pytest.fixture(scope="module")
def client(default_predictor):
    with TestClient(create_app(predictor=default_predictor)) as test_client:
        yield test_client


def analyze(client, body, **kwargs):
    return client.post(ANALYZE, json=body, **kwargs)


def assert_google_error(response, code, status, *fragments, error_type=None):
    assert response.status_code == code, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["status"] == status
    for fragment in fragments:
        assert fragment in error["message"], (fragment, error["message"])
    if error_type is not None:
        assert error["details"][0]["errorType"] == error_type
    return error


def test_response_has_every_perspective_field(client):
    body = {
        "comment": {"text": SPAM_BY_LANG["vi"], "type": "PLAIN_TEXT"},
        "requestedAttributes": {"SPAM": {}, "UNSUBSTANTIAL": {"scoreType": "PROBABILITY"}},
        "languages": ["vi"],
        "doNotStore": True,
        "clientToken": "comment-53922",
        "sessionId": "s-1",
        "communityId": "/forum/shop",
        "context": {"entries": [{"text": "Giày chạy bộ mới về", "type": "PLAIN_TEXT"}]},
    }
    response = analyze(client, body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data) == {"attributeScores", "languages", "detectedLanguages", "clientToken"}
    assert set(data["attributeScores"]) == {"SPAM", "UNSUBSTANTIAL"}
    for scores in data["attributeScores"].values():
        assert set(scores) == {"summaryScore"}  # spanScores only when asked
        assert scores["summaryScore"]["type"] == "PROBABILITY"
        assert 0.0 <= scores["summaryScore"]["value"] <= 1.0
    assert data["languages"] == ["vi"] and data["detectedLanguages"] == ["vi"]
    assert data["clientToken"] == "comment-53922"


def test_no_client_token_means_none_echoed_and_detected_language_is_reported(client):
    response = analyze(
        client,
        {"comment": {"text": SUBSTANTIVE_BY_LANG["zh"]}, "requestedAttributes": {"SPAM": {}}},
    )
    data = response.json()
    assert "clientToken" not in data
    assert data["languages"] == ["zh"] and data["detectedLanguages"] == ["zh"]


@pytest.mark.parametrize("lang", ["en", "vi", "zh"])
def test_spam_and_unsubstantial_mean_what_they_say(client, default_predictor, lang):
    def scores(text):
        body = {
            "comment": {"text": text},
            "requestedAttributes": {"SPAM": {}, "UNSUBSTANTIAL": {}, "GENUINE_SUBSTANTIVE": {}},
        }
        data = analyze(client, body).json()["attributeScores"]
        return {name: value["summaryScore"]["value"] for name, value in data.items()}

    spam, substantive = scores(SPAM_BY_LANG[lang]), scores(SUBSTANTIVE_BY_LANG[lang])
    assert spam["SPAM"] > 0.5 > substantive["SPAM"]
    assert spam["UNSUBSTANTIAL"] > 0.5 > substantive["UNSUBSTANTIAL"]
    # UNSUBSTANTIAL is the native score's complement, GENUINE_SUBSTANTIVE the score itself
    native = default_predictor.predict(SUBSTANTIVE_BY_LANG[lang]).score
    assert substantive["UNSUBSTANTIAL"] == pytest.approx(1 - native, abs=1e-5)
    assert substantive["GENUINE_SUBSTANTIVE"] == pytest.approx(native, abs=1e-5)


def test_our_own_attributes_and_categories(client):
    body = {
        "comment": {"text": SPAM_BY_LANG["zh"]},
        "requestedAttributes": {
            "GENUINE_GENERIC": {},
            "GENUINE_SUBSTANTIVE": {},
            "GENUINE_CATEGORY_CONTACT_BAIT": {},
            "GENUINE_CATEGORY_QUESTION": {},
        },
    }
    data = analyze(client, body).json()["attributeScores"]
    value = {name: item["summaryScore"]["value"] for name, item in data.items()}
    assert value["GENUINE_GENERIC"] + value["GENUINE_SUBSTANTIVE"] == pytest.approx(1.0, abs=2e-6)
    assert value["GENUINE_CATEGORY_CONTACT_BAIT"] > value["GENUINE_CATEGORY_QUESTION"]


def test_span_scores_are_per_sentence_in_utf16_units(client):
    text = "😀 Great song! Follow me for free giftcards at bit.ly/x.\n这首歌真好听。"
    body = {
        "comment": {"text": text},
        "requestedAttributes": {"SPAM": {}, "UNSUBSTANTIAL": {}},
        "spanAnnotations": True,
        "languages": ["en"],
    }
    data = analyze(client, body).json()["attributeScores"]
    spans = data["SPAM"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [(0, 14), (15, 56), (57, 64)]
    encoded = text.encode("utf-16-le")
    pieces = [encoded[2 * s["begin"] : 2 * s["end"]].decode("utf-16-le") for s in spans]
    assert pieces == [
        "😀 Great song!",
        "Follow me for free giftcards at bit.ly/x.",
        "这首歌真好听。",
    ]
    assert all(s["score"]["type"] == "PROBABILITY" for s in spans)
    assert [(s["begin"], s["end"]) for s in data["UNSUBSTANTIAL"]["spanScores"]] == [
        (0, 14),
        (15, 56),
        (57, 64),
    ]


def test_sentence_spans_keep_numbers_whole():
    from classifier.attributes import sentence_spans, utf16_offset

    text = "Rated 3.5 out of 5. Worth it!"
    assert [text[b:e] for b, e in sentence_spans(text)] == ["Rated 3.5 out of 5.", "Worth it!"]
    assert utf16_offset("a😀b", 2) == 3


def test_score_threshold_leaves_a_low_attribute_out(client):
    body = {
        "comment": {"text": SUBSTANTIVE_BY_LANG["en"]},
        "requestedAttributes": {
            "SPAM": {"scoreThreshold": 0.9},
            "GENUINE_SUBSTANTIVE": {"scoreThreshold": 0.1},
        },
    }
    data = analyze(client, body).json()
    assert set(data["attributeScores"]) == {"GENUINE_SUBSTANTIVE"}


def test_bcp47_languages_are_accepted_and_echoed(client):
    body = {
        "comment": {"text": SUBSTANTIVE_BY_LANG["zh"]},
        "requestedAttributes": {"SPAM": {}},
        "languages": ["zh-TW", "en-US"],
    }
    data = analyze(client, body).json()
    assert data["languages"] == ["zh-TW", "en-US"] and data["detectedLanguages"] == ["zh"]


def test_snake_case_field_names_are_accepted_as_google_accepts_them(client):
    body = {
        "comment": {"text": SPAM_BY_LANG["en"]},
        "requested_attributes": {"SPAM": {"score_type": "PROBABILITY"}},
        "client_token": "t",
        "span_annotations": True,
    }
    data = analyze(client, body).json()
    assert data["clientToken"] == "t" and "spanScores" in data["attributeScores"]["SPAM"]


def test_emoji_only_comments_are_scored_without_a_language(client):
    data = analyze(
        client, {"comment": {"text": "😍😍😍"}, "requestedAttributes": {"UNSUBSTANTIAL": {}}}
    ).json()
    assert data["attributeScores"]["UNSUBSTANTIAL"]["summaryScore"]["value"] > 0.5
    assert data["languages"] == [] and data["detectedLanguages"] == []


OK_COMMENT = {"text": "nice"}


@pytest.mark.parametrize(
    ("body", "error_type", "fragments"),
    [
        (
            {"comment": OK_COMMENT, "requestedAttributes": {"TOXICITY": {}, "SPAM": {}}},
            "INVALID_REQUEST",
            ["Unknown requested attribute: TOXICITY", "SPAM", "UNSUBSTANTIAL"],
        ),
        (
            {"comment": OK_COMMENT, "requestedAttributes": {"SPAM": {}}, "languages": ["fr"]},
            "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            ["Attribute SPAM does not support request languages: fr", "vi, zh, en"],
        ),
        (
            {"comment": {"text": "สวัสดีครับ วันนี้อากาศดีมาก"}, "requestedAttributes": {"SPAM": {}}},
            "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            ["does not support", "vi, zh, en"],
        ),
        (
            {"comment": {"text": "é" * 10_241}, "requestedAttributes": {"SPAM": {}}},
            "COMMENT_TOO_LONG",
            ["20482 bytes", "20480 bytes (20 KB)"],
        ),
        (
            {"comment": {"text": "  "}, "requestedAttributes": {"SPAM": {}}},
            "COMMENT_EMPTY",
            ["non-empty"],
        ),
        ({"requestedAttributes": {"SPAM": {}}}, "COMMENT_EMPTY", ["comment.text is missing"]),
        (
            {"comment": OK_COMMENT},
            "NO_REQUESTED_ATTRIBUTES",
            ["Missing requested_attributes", "SPAM"],
        ),
        ({"comment": OK_COMMENT, "requestedAttributes": {}}, "NO_REQUESTED_ATTRIBUTES", ["SPAM"]),
        (
            {"comment": {"text": "<b>hi</b>", "type": "HTML"}, "requestedAttributes": {"SPAM": {}}},
            "INVALID_REQUEST",
            ["only 'PLAIN_TEXT'"],
        ),
        (
            {
                "comment": OK_COMMENT,
                "requestedAttributes": {"SPAM": {"scoreType": "STD_DEV_SCORE"}},
            },
            "INVALID_REQUEST",
            ["score type STD_DEV_SCORE is not supported by attribute SPAM"],
        ),
        (
            {"comment": OK_COMMENT, "requestedAttributes": {"SPAM": {"scoreThreshold": 1.5}}},
            "INVALID_REQUEST",
            ["scoreThreshold must be within [0, 1]"],
        ),
        (
            {"comment": OK_COMMENT, "requestedAttributes": {"SPAM": {}}, "verbose": True},
            "INVALID_REQUEST",
            ["'verbose'", "Unknown name"],
        ),
        (
            {"comment": {"text": 5}, "requestedAttributes": {"SPAM": {}}},
            "INVALID_REQUEST",
            ["'comment.text'"],
        ),
        (
            {
                "comment": OK_COMMENT,
                "requestedAttributes": {"SPAM": {}},
                "context": {
                    "entries": [{"text": "a"}],
                    "articleAndParentComment": {"article": {"text": "b"}},
                },
            },
            "INVALID_REQUEST",
            ["either entries or articleAndParentComment"],
        ),
    ],
)
def test_bad_requests_get_400_in_googles_shape(client, body, error_type, fragments):
    assert_google_error(
        analyze(client, body), 400, "INVALID_ARGUMENT", *fragments, error_type=error_type
    )


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (
            b'{"comment": {"text": "hi"}, "requestedAttributes": {"SPAM": {"scoreThreshold": NaN}}}',
            "NaN",
        ),
        (b'{"comment": {"text": "hi"', "Invalid JSON payload"),
        (b'["not", "an", "object"]', "JSON object"),
    ],
)
def test_malformed_bodies_get_400_in_googles_shape(client, raw, fragment):
    response = client.post(ANALYZE, content=raw, headers={"content-type": "application/json"})
    assert_google_error(response, 400, "INVALID_ARGUMENT", fragment)


def test_drop_unsupported_attributes_leaves_them_out_never_zero(client):
    body = {
        "comment": {"text": SPAM_BY_LANG["en"]},
        "requestedAttributes": {"TOXICITY": {}, "SPAM": {}},
        "dropUnsupportedAttributes": True,
    }
    data = analyze(client, body).json()
    assert set(data["attributeScores"]) == {"SPAM"}


def test_suggest_score_is_refused_clearly(client):
    response = client.post("/v1alpha1/comments:suggestscore", json={"comment": OK_COMMENT})
    assert_google_error(response, 501, "UNIMPLEMENTED", "not offered")


def test_alt_other_than_json_is_refused(client):
    response = client.post(
        f"{ANALYZE}?alt=proto", json={"comment": OK_COMMENT, "requestedAttributes": {"SPAM": {}}}
    )
    assert_google_error(response, 400, "INVALID_ARGUMENT", "alt=proto")


def test_discovery_document_points_at_this_service(client):
    response = client.get("/$discovery/rest", params={"version": "v1alpha1"})
    assert response.status_code == 200
    doc = response.json()
    assert doc["rootUrl"] == "http://testserver/" and doc["servicePath"] == ""
    method = doc["resources"]["comments"]["methods"]["analyze"]
    assert method["path"] == "v1alpha1/comments:analyze" and method["httpMethod"] == "POST"
    assert method["request"]["$ref"] in doc["schemas"] and "key" in doc["parameters"]
    other = client.get("/$discovery/rest", params={"version": "v1"})
    assert_google_error(other, 404, "NOT_FOUND", "v1alpha1")


def test_openapi_documents_the_request_shape(client):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"][ANALYZE]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"comment", "requestedAttributes", "languages", "spanAnnotations"} <= set(
        schema["properties"]
    )
    assert "$defs" not in json.dumps(schema)


# --- the real Google client against a running service --------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def running_service(default_predictor, tmp_path_factory):
    uvicorn = pytest.importorskip("uvicorn")
    from classifier.keys import KeyFile
    from classifier.service_access import Access

    key_file = tmp_path_factory.mktemp("keys") / "keys.json"
    keys = KeyFile()
    _record, key = keys.add("google-client")
    keys.save(key_file)
    app = create_app(predictor=default_predictor, access=Access(key_file))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", key
    server.should_exit = True
    thread.join(timeout=10)


def _google_client(base: str, key: str):
    discovery = pytest.importorskip("googleapiclient.discovery")
    return discovery.build(
        "commentanalyzer",
        "v1alpha1",
        developerKey=key,
        discoveryServiceUrl=f"{base}/$discovery/rest?version=v1alpha1",
        static_discovery=False,
    )


@pytest.mark.parametrize("lang", ["en", "vi", "zh"])
def test_googles_python_client_works_unchanged_but_for_the_url(running_service, lang):
    base, key = running_service
    client = _google_client(base, key)
    for text, spam in ((SPAM_BY_LANG[lang], True), (SUBSTANTIVE_BY_LANG[lang], False)):
        analyze_request = {
            "comment": {"text": text},
            "requestedAttributes": {"SPAM": {}, "UNSUBSTANTIAL": {}},
            "clientToken": f"{lang}-1",
        }
        response = client.comments().analyze(body=analyze_request).execute()
        value = response["attributeScores"]["SPAM"]["summaryScore"]["value"]
        assert (value > 0.5) is spam, (lang, text, value)
        assert response["detectedLanguages"] == [lang] and response["clientToken"] == f"{lang}-1"


def test_googles_client_sees_googles_errors(running_service):
    errors = pytest.importorskip("googleapiclient.errors")
    base, key = running_service
    client = _google_client(base, key)
    with pytest.raises(errors.HttpError) as raised:
        client.comments().analyze(
            body={"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}
        ).execute()
    assert raised.value.status_code == 400 and "TOXICITY" in raised.value.reason
    wrong = _google_client(base, "gk_not-a-key")
    with pytest.raises(errors.HttpError) as refused:
        wrong.comments().analyze(
            body={"comment": {"text": "hi"}, "requestedAttributes": {"SPAM": {}}}
        ).execute()
    assert refused.value.status_code == 403 and "API key not valid" in refused.value.reason


def test_a_model_without_category_head_offers_no_spam():
    from types import SimpleNamespace

    from classifier.attributes import BASE_ATTRIBUTES, supported_attributes

    transformer_like = SimpleNamespace(backend=SimpleNamespace(vi_segmenter="syllable"))
    assert supported_attributes(transformer_like) == BASE_ATTRIBUTES  # type: ignore[arg-type]
    assert "SPAM" not in BASE_ATTRIBUTES and "UNSUBSTANTIAL" in BASE_ATTRIBUTES
