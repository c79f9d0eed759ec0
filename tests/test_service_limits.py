"""The holes found by attacking the HTTP service, each closed for every endpoint (in-process).

Connection-level limits (slow sockets, connection cap, chunked uploads on a real socket, log
flooding) are in tests/test_service_server.py; fuzzing in tests/test_hardening.py.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from classifier.service import ServiceLimits, create_app
from classifier.service_guard import MAX_JSON_DEPTH
from classifier.service_perspective import ANALYZE_PATH

JSON = {"content-type": "application/json"}
PREDICT_ONE = b'{"comments":[{"text":"x"}]}'
SCORE_ONE = b'{"comments":[{"creator_id":"a","post_id":"p","text":"x"}]}'
ANALYZE_ONE = b'{"comment":{"text":"x"},"requestedAttributes":{"SPAM":{}},"languages":["en"]}'
POST_ENDPOINTS = {
    "/v1/predict": PREDICT_ONE,
    "/v1/score": SCORE_ONE,
    "/v1alpha1/comments:analyze": ANALYZE_ONE,
}


@pytest.fixture(scope="module")
def client(tiny_predictor):
    app = create_app(
        predictor=tiny_predictor,
        limits=ServiceLimits(
            max_batch=50, max_body_bytes=200_000, max_comment_chars=300, max_request_chars=5_000
        ),
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def statuses_counted(client: TestClient) -> dict[tuple[str, str], float]:
    counted = {}
    for line in client.get("/metrics").text.splitlines():
        match = re.match(r'genuine_requests_total\{path="([^"]+)",status="(\d+)"\} (\S+)', line)
        if match:
            counted[(match[1], match[2])] = float(match[3])
    return counted


# 1. No input makes a 500: NaN, Infinity and lone surrogates, in every endpoint and field.
@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/v1/predict", b'{"comments":[{"text":"x"}],"threshold":NaN}', 400),
        ("/v1/predict", b'{"comments":[{"text":"x"}],"threshold":-Infinity}', 400),
        ("/v1/predict", b'{"comments":[{"text":"x"}],"threshold":1e999}', 400),
        ("/v1/predict", b'{"comments":[{"id":"\\udfff","text":"x"}]}', 200),
        ("/v1/predict", b'{"comments":[{"id":"a","text":"\\ud800\\ud800"}]}', 200),
        ("/v1/predict", b'{"comments":[{"text":5,"lang":"\\udfff"}]}', 422),
        ("/v1/score", b'{"comments":[{"creator_id":"\\udfff","post_id":"p","text":"x"}]}', 200),
        ("/v1/score", b'{"comments":[{"creator_id":"a","post_id":"p","text":"\\udfff"}]}', 200),
        (
            "/v1/score",
            b'{"comments":[{"creator_id":"a","post_id":"p","text":"x"}],'
            b'"creators":[{"creator_id":"a","followers":NaN}]}',
            400,
        ),
        (
            "/v1/score",
            b'{"comments":[{"creator_id":"a","post_id":"p","text":"x","\\udfff":1}]}',
            200,
        ),
        (
            "/v1alpha1/comments:analyze",
            b'{"comment":{"text":"x\\udfff"},"requestedAttributes":{"SPAM":{}},'
            b'"languages":["en"],"clientToken":"\\udfff"}',
            200,
        ),
        (
            "/v1alpha1/comments:analyze",
            b'{"comment":{"text":"x"},"requestedAttributes":{"SPAM":{"scoreThreshold":NaN}}}',
            400,
        ),
    ],
)
def test_non_finite_numbers_and_lone_surrogates_never_make_a_500(client, path, body, status):
    response = client.post(path, content=body, headers=JSON)
    assert response.status_code == status, response.text
    text = response.content.decode("utf-8")  # valid UTF-8, no lone surrogate escaped back
    assert "\\ud" not in text.lower()
    if status == 400 and b"NaN" in body:
        assert "NaN" in text and "offset" in text


def test_lone_surrogates_become_replacement_characters(client):
    response = client.post(
        "/v1/predict", content=b'{"comments":[{"id":"a\\udfffb","text":"x"}]}', headers=JSON
    )
    assert response.json()["results"][0]["id"] == "a\ufffdb"


class _Broken:
    """A predictor whose batch calls fail: a stand-in for any bug behind an endpoint."""

    def __init__(self, predictor: Any) -> None:
        self._predictor = predictor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._predictor, name)

    def predict(self, texts: Any, **kwargs: Any) -> Any:
        if isinstance(texts, str):
            return self._predictor.predict(texts, **kwargs)
        raise RuntimeError("boom")


def test_a_500_is_json_logged_and_counted(tiny_predictor, caplog):
    app = create_app(predictor=_Broken(tiny_predictor))
    caplog.set_level("INFO", logger="genuine.service")
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/v1/predict", json={"comments": [{"text": "hay quá"}] * 3})
        assert response.status_code == 500
        assert "request id" in response.json()["detail"]
        assert statuses_counted(client)[("/v1/predict", "500")] == 1
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "genuine.service"]
    logged = [line for line in lines if line.get("status") == 500]
    assert logged and logged[0]["path"] == "/v1/predict" and logged[0]["error"] == "RuntimeError"
    assert logged[0]["id"] in response.json()["detail"]


# 2. The body limit counts the bytes read, whatever Content-Length says or when it is absent.
def _chunked_body(total: int):
    yield b'{"comments":[{"text":"'
    for _ in range(total // 10_000):
        yield b"a" * 10_000
    yield b'"}]}'


@pytest.mark.parametrize("path", sorted(POST_ENDPOINTS))
def test_chunked_body_over_the_limit_is_413(client, path):
    response = client.post(path, content=_chunked_body(300_000), headers=JSON)
    assert response.status_code == 413, response.text
    assert "200000 bytes" in response.text


def test_a_lying_content_length_is_no_way_around_the_limit(client):
    response = client.post(
        "/v1/predict", content=_chunked_body(300_000), headers={**JSON, "content-length": "10"}
    )
    assert response.status_code in (400, 413)  # the server refuses to read past what it said


# 4. Work per request is bounded, and small requests do not queue behind big ones.
def test_characters_per_request_are_bounded(client):
    body = {"comments": [{"text": "đẹp quá " * 40}] * 20}  # 20 x 300 characters after cutting
    response = client.post("/v1/predict", json=body)
    assert response.status_code == 413
    assert "6,000 characters" in response.text and "5,000" in response.text


class _Slow:
    """A predictor that takes ``seconds_per_comment`` per comment of a batch."""

    def __init__(self, predictor: Any, seconds_per_comment: float) -> None:
        self._predictor = predictor
        self.seconds = seconds_per_comment

    def __getattr__(self, name: str) -> Any:
        return getattr(self._predictor, name)

    def predict(self, texts: Any, **kwargs: Any) -> Any:
        if not isinstance(texts, str):
            texts = list(texts)
            time.sleep(self.seconds * len(texts))
        return self._predictor.predict(texts, **kwargs)


def test_a_request_over_its_time_budget_gets_503(tiny_predictor):
    app = create_app(
        predictor=_Slow(tiny_predictor, 0.002),
        limits=ServiceLimits(request_timeout_s=0.3),
    )
    with TestClient(app) as client:
        started = time.perf_counter()
        response = client.post("/v1/predict", json={"comments": [{"text": "hay"}] * 1500})
        assert time.perf_counter() - started < 2.5  # stops at a chunk, not after all 3 s
        assert response.status_code == 503 and "time budget of 0.3 s" in response.text
        assert response.headers["retry-after"]
        comments = [
            {"creator_id": "a", "post_id": "p", "text": f"hay {i}", "author_id": f"u{i}"}
            for i in range(1500)
        ]
        response = client.post("/v1/score", json={"comments": comments})
        assert response.status_code == 503 and "time budget" in response.text


def test_a_small_request_does_not_wait_behind_big_ones(tiny_predictor):
    app = create_app(predictor=_Slow(tiny_predictor, 0.001))
    big = {"comments": [{"text": f"hay quá {i}"} for i in range(2000)]}  # 2 s each
    with TestClient(app) as client:
        threads = [
            threading.Thread(target=client.post, args=("/v1/predict",), kwargs={"json": big})
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        started = time.perf_counter()
        response = client.post("/v1/predict", json={"comments": [{"text": "ok"}] * 3})
        waited = time.perf_counter() - started
        for thread in threads:
            thread.join()
    assert response.status_code == 200
    assert waited < 1.0, f"a 3-comment request waited {waited:.1f} s behind big batches"


def _analyze_body(text: str, **extra: Any) -> dict[str, Any]:
    return {"comment": {"text": text}, "requestedAttributes": {"UNSUBSTANTIAL": {}}, **extra}


@contextlib.contextmanager
def _posting_meanwhile(client: TestClient, bodies: list[dict[str, Any]]) -> Iterator[None]:
    """/v1/predict of each body, sent from threads while the block runs (joined after it, so a
    failing block still leaves no request running)."""
    threads = [
        threading.Thread(target=client.post, args=("/v1/predict",), kwargs={"json": body})
        for body in bodies
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # let them take their threads
    try:
        yield
    finally:
        for thread in threads:
            thread.join()


def test_one_short_comment_analyze_is_scored_inline_while_every_thread_is_busy(tiny_predictor):
    """Issue 16: a single comment must not pay batch overhead. With both bulk threads on big
    batches and both small-lane threads taken (and more queued), comments:analyze of one short
    comment answers at once: it runs inline, as a 1-comment /v1/predict does."""
    app = create_app(predictor=_Slow(tiny_predictor, 0.1))
    pool = app.state.inference
    big = {"comments": [{"text": f"hay quá {i}"} for i in range(30)]}  # bulk lane, 3 s each
    small = {"comments": [{"text": f"ok {i}"} for i in range(16)]}  # small lane, 1.6 s each
    with TestClient(app) as client, _posting_meanwhile(client, [big, big, *[small] * 4]):
        before = dict(pool.lanes_used)
        started = time.perf_counter()
        response = client.post(ANALYZE_PATH, json=_analyze_body("is this in size M?"))
        waited = time.perf_counter() - started
        ran = {lane: pool.lanes_used[lane] - before.get(lane, 0) for lane in pool.lanes_used}
    assert response.status_code == 200, response.text
    assert "UNSUBSTANTIAL" in response.json()["attributeScores"]
    assert ran.get("inline") == 1, ran
    assert waited < 0.8, f"one short comment waited {waited:.1f} s behind other requests"


def test_a_longer_analyze_runs_in_the_small_lane_never_behind_bulk_batches(tiny_predictor):
    """A comment past the inline size (or asking for span scores) takes a small-lane thread,
    not a place in the bulk queue behind big batches."""
    app = create_app(predictor=_Slow(tiny_predictor, 0.1))
    pool = app.state.inference
    big = {"comments": [{"text": f"hay quá {i}"} for i in range(30)]}  # 3 s each
    long_text = "I bought this jacket in May and the zip broke after two weeks. " * 20
    assert len(long_text) > pool.inline_chars
    with TestClient(app) as client, _posting_meanwhile(client, [big, big, big]):
        before = dict(pool.lanes_used)
        started = time.perf_counter()
        long_one = client.post(ANALYZE_PATH, json=_analyze_body(long_text))
        spans = client.post(
            ANALYZE_PATH, json=_analyze_body("Nice. Is it M? Thanks.", spanAnnotations=True)
        )
        waited = time.perf_counter() - started
        ran = {lane: pool.lanes_used[lane] - before.get(lane, 0) for lane in pool.lanes_used}
    assert long_one.status_code == 200 and spans.status_code == 200, spans.text
    assert len(spans.json()["attributeScores"]["UNSUBSTANTIAL"]["spanScores"]) == 3
    assert ran.get("small") == 2 and not ran.get("inline"), ran
    assert waited < 1.5, f"two comments waited {waited:.1f} s behind big batches"


# 5. A 422 quotes a short excerpt of the bad value, never the whole input.
def test_422_echoes_an_excerpt_not_the_input(client):
    huge = "y" * 150_000
    response = client.post("/v1/predict", json={"comments": [{"text": 5, "id": huge}]})
    assert response.status_code == 422
    assert len(response.content) < 2_000
    shown = response.json()["detail"][0]["input"]
    assert shown.startswith("yyyy") and "150,000 characters" in shown
    many = client.post("/v1/predict", json={"comments": [{"text": 5}] * 45})
    detail = many.json()["detail"]
    assert len(detail) == 21 and "25 more errors" in detail[-1]["msg"]


# 6. Errors say what is wrong and where.
@pytest.mark.parametrize("path", sorted(POST_ENDPOINTS))
def test_wrong_content_type_is_415_naming_it(client, path):
    response = client.post(
        path, content=POST_ENDPOINTS[path], headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert "Content-Type" in response.text and "text/plain" in response.text
    missing = client.post(path, content=POST_ENDPOINTS[path])
    assert missing.status_code == 415 and "no Content-Type" in missing.text


def test_compressed_bodies_are_refused_clearly(client):
    response = client.post(
        "/v1/predict", content=PREDICT_ONE, headers={**JSON, "content-encoding": "gzip"}
    )
    assert response.status_code == 415 and "gzip" in response.text


def test_invalid_utf8_names_the_byte_and_offset(client):
    body = b'{"comments": [{"text": "\xff\xfe"}]}'
    response = client.post("/v1/predict", content=body, headers=JSON)
    assert response.status_code == 400
    assert "UTF-8" in response.text and "0xff" in response.text and "offset 24" in response.text


def test_deep_nesting_names_the_depth_and_offset(client):
    body = b'{"comments":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    response = client.post("/v1/predict", content=body, headers=JSON)
    assert response.status_code == 400
    assert "50001 levels deep" in response.text and "offset 50011" in response.text


@pytest.mark.parametrize("path", sorted(POST_ENDPOINTS))
@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 700, 90_000])  # 90k: under max_body_bytes
def test_nesting_past_the_limit_is_a_clear_400_on_every_endpoint(client, path, depth):
    # 700 levels around a lone surrogate parsed, then the surrogate fix ran out of stack:
    # a 500 on analyze, a bare "error parsing the body" on the others.
    body = b"[" * depth + b'"\\udfff"' + b"]" * depth
    response = client.post(path, content=body, headers=JSON)
    assert response.status_code == 400, response.text[:300]
    answer = response.json()
    message = answer["error"]["message"] if path == ANALYZE_PATH else answer["detail"]
    if path == ANALYZE_PATH:
        assert answer["error"]["status"] == "INVALID_ARGUMENT"
    assert f"{depth} levels deep" in message and f"offset {depth - 1}" in message
    assert f"at most {MAX_JSON_DEPTH}" in message


@pytest.mark.parametrize("path", sorted(POST_ENDPOINTS))
def test_nesting_at_the_limit_is_left_to_validation(client, path):
    body = b"[" * MAX_JSON_DEPTH + b'"\\udfff"' + b"]" * MAX_JSON_DEPTH
    response = client.post(path, content=body, headers=JSON)
    assert response.status_code in (400, 422), response.text[:300]
    assert "levels deep" not in response.text  # the schema refuses it, not the guard


def test_bad_json_syntax_names_the_offset(client):
    response = client.post("/v1/predict", content=b'{"comments": [', headers=JSON)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", 14]


def test_each_hole_answer_is_logged_and_counted(client):
    before = statuses_counted(client)
    client.post("/v1/predict", content=b"\xff", headers=JSON)
    client.post("/v1/predict", content=PREDICT_ONE, headers={"content-type": "text/plain"})
    after = statuses_counted(client)
    for status in ("400", "415"):
        assert after[("/v1/predict", status)] == before.get(("/v1/predict", status), 0) + 1


# The docs render offline: no asset from a CDN.
def test_docs_serve_their_own_assets(client):
    page = client.get("/docs").text
    assert "http://" not in page and "https://" not in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 1000, asset
    redoc = client.get("/redoc").text
    assert "https://" not in redoc.split("<body>")[0]


def test_request_ids_are_sanitized(client):
    response = client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    response = client.get("/healthz", headers={"x-request-id": "x" * 5000})
    assert len(response.headers["x-request-id"]) == 16
