import json
import shutil

import pytest
from fastapi.testclient import TestClient

from classifier.model_dir import ModelLoadError
from classifier.service import ServiceLimits, create_app


@pytest.fixture(scope="module")
def client(tiny_model_dir):
    app = create_app(
        str(tiny_model_dir),
        ServiceLimits(max_batch=50, max_body_bytes=200_000, max_comment_chars=300),
    )
    with TestClient(app) as test_client:
        yield test_client


def test_predict_returns_results_in_order(client):
    comments = [
        {"id": "a", "text": "hay quá"},
        {"id": "b", "text": "这个粉底我用了一周，混油皮下午会浮粉"},
        {"text": "nice", "lang": "en"},
    ]
    response = client.post("/v1/predict", json={"comments": comments})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a", "b", None]
    assert all(r["label"] in ("substantive", "generic") and 0 <= r["score"] <= 1 for r in results)
    assert results[1]["lang"] == "zh"
    assert response.headers["x-request-id"]


def test_empty_text_is_a_row_error_not_a_request_error(client):
    response = client.post("/v1/predict", json={"comments": [{"text": ""}, {"text": "ok"}]})
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["label"] is None and first["error"] == "empty text"
    assert second["label"] is not None


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"comments": [{"text": 5}]}, ["body", "comments", 0, "text"]),
        ({"comments": [{"id": "x"}]}, ["body", "comments", 0, "text"]),
        ({"texts": ["a"]}, ["body", "comments"]),
        ({"comments": "hay"}, ["body", "comments"]),
        ({"comments": [], "threshold": 2}, ["body", "threshold"]),
    ],
)
def test_wrong_shapes_get_422_with_the_field_path(client, body, where):
    response = client.post("/v1/predict", json=body)
    assert response.status_code == 422
    locations = [e["loc"] for e in response.json()["detail"]]
    assert where in locations


def test_malformed_json_and_bad_bytes_are_4xx(client):
    assert (
        client.post(
            "/v1/predict", content=b'{"comments": [', headers={"content-type": "application/json"}
        ).status_code
        == 422
    )
    assert client.post(
        "/v1/predict",
        content=b'{"comments": [{"text": "\xff\xfe"}]}',
        headers={"content-type": "application/json"},
    ).status_code in (400, 422)
    escaped_surrogate = b'{"comments": [{"text": "lone \\ud800 surrogate"}]}'
    response = client.post(
        "/v1/predict", content=escaped_surrogate, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200 and response.json()["results"][0]["label"] is not None


def test_limits_give_clear_413(client):
    too_many = {"comments": [{"text": "hay"}] * 51}
    response = client.post("/v1/predict", json=too_many)
    assert response.status_code == 413 and "limit of 50" in response.json()["detail"]
    huge = {"comments": [{"text": "x" * 250_000}]}
    response = client.post("/v1/predict", json=huge)
    assert response.status_code == 413 and "larger than" in response.json()["detail"]


def test_long_comments_are_truncated_with_a_flag(client):
    response = client.post("/v1/predict", json={"comments": [{"text": "đẹp quá " * 100}]})
    result = response.json()["results"][0]
    assert result["truncated"] is True and result["label"] is not None


def test_threshold_per_request(client):
    response = client.post(
        "/v1/predict", json={"comments": [{"text": "hay quá"}], "threshold": 0.0}
    )
    assert response.json()["results"][0]["label"] == "substantive"


def test_model_health_ready_and_metrics(client):
    model = client.get("/v1/model").json()
    assert model["manifest"]["backend"] == "ngram" and "Model card" in model["card_summary"]
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    client.post("/v1/predict", json={"comments": [{"text": "hay"}]})
    metrics = client.get("/metrics").text
    assert "genuine_requests_total" in metrics and "genuine_comments_total" in metrics


def test_logs_are_json_lines_without_comment_text(client, caplog):
    caplog.set_level("INFO", logger="genuine.service")
    client.post("/v1/predict", json={"comments": [{"text": "secret comment text"}]})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "genuine.service"]
    assert lines and lines[-1]["path"] == "/v1/predict" and lines[-1]["batch"] == 1
    assert "secret" not in caplog.text


def test_service_refuses_to_start_on_a_tampered_model(tiny_model_dir, tmp_path):
    model = tmp_path / "m"
    shutil.copytree(tiny_model_dir, model)
    (model / "ngram_config.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="SHA-256"):
        create_app(str(model))


def test_openapi_document_has_examples(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/predict", "/v1/score", "/v1/model", "/healthz", "/readyz"} <= set(spec["paths"])
    assert "examples" in json.dumps(spec["components"]["schemas"]["PredictRequest"])


def test_score_endpoint_returns_ranked_creators(client):
    comments = []
    for i in range(12):
        comments.append(
            {
                "creator_id": "good",
                "post_id": f"p{i % 3}",
                "author_id": f"u{i}",
                "created_at": f"2026-11-0{1 + i % 3}T1{i % 10}:00:00Z",
                "text": [
                    "size M có không ạ, mình cao 1m60?",
                    "em dùng 2 tuần da đỡ mụn hẳn",
                    "đoạn 2:15 chị dùng cọ gì vậy",
                ][i % 3]
                + f" {i}",
            }
        )
        comments.append(
            {
                "creator_id": "bought",
                "post_id": f"q{i % 3}",
                "author_id": f"bot{i % 4}",
                "created_at": "2026-11-01T10:00:00Z",
                "text": "hay quá 😍😍",
            }
        )
    response = client.post(
        "/v1/score",
        json={"comments": comments, "creators": [{"creator_id": "good", "followers": 20000}]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    ids = [c["creator_id"] for c in body["creators"]]
    assert set(ids) == {"good", "bought"}
    assert ids[0] == "good"
    assert "clusters" in json.dumps(body["flags"])


def test_score_endpoint_rejects_missing_fields(client):
    response = client.post("/v1/score", json={"comments": [{"creator_id": "a", "text": "hi"}]})
    assert response.status_code == 422
    assert ["body", "comments", 0, "post_id"] in [e["loc"] for e in response.json()["detail"]]


def _comments_of(creator: str, posts: int = 2, per_post: int = 6) -> list[dict[str, str]]:
    texts = ["size M có không ạ, mình cao 1m60?", "em dùng 2 tuần da đỡ mụn hẳn", "hay quá"]
    return [
        {
            "creator_id": creator,
            "post_id": f"{creator}-p{p}",
            "author_id": f"{creator}-u{p}-{i}",
            "text": f"{texts[i % 3]} {p}{i}",
        }
        for p in range(posts)
        for i in range(per_post)
    ]


def test_score_reports_bad_values_per_row_and_scores_the_rest(client):
    """Issue 17: a price as text, followers below 0, an unknown currency or a count as text is a
    problem of its row (a 200 naming array, index and field), not a 422 for the whole request."""
    creators = ["good", "text_price", "negative", "bad_code"]
    body = {
        "comments": [row for creator in creators for row in _comments_of(creator)],
        "posts": [
            {"post_id": f"{c}-p{p}", "creator_id": c, "likes": 300, "comments_count": 12}
            for c in creators
            for p in range(2)
        ],
        "creators": [
            {"creator_id": "good", "followers": 20000, "price": 400, "currency": "USD"},
            {"creator_id": "text_price", "followers": 20000, "price": "$1,200", "currency": "USD"},
            {"creator_id": "negative", "followers": -5, "price": 300, "currency": "USD"},
            {"creator_id": "bad_code", "followers": "20000", "price": 250, "currency": "US$"},
        ],
    }
    body["posts"][1]["likes"] = "1.2k"  # good-p1
    response = client.post("/v1/score", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    problems = {(p["source"], p["index"], p["field"]): p for p in result["flags"]["problems"]}
    assert problems[("creators", 1, "price")]["problem"] == (
        "price is not a number ('$1,200'); cost figures are off for this creator"
    )
    assert problems[("creators", 1, "price")]["line"] == 2  # counted from 1, as in files
    assert problems[("creators", 2, "followers")]["problem"].startswith(
        "followers must be above 0, got -5"
    )
    assert "unknown currency code 'US$'" in problems[("creators", 3, "currency")]["problem"]
    assert problems[("posts", 1, "likes")]["problem"].startswith("likes is not a number ('1.2k')")
    assert len(problems) == 4

    rows = {row["creator_id"]: row for row in result["creators"]}
    assert set(rows) == set(creators)  # every creator scored
    good = rows["good"]
    assert good["tier"] == "micro" and good["price"] == 400
    assert good["cost_per_genuine_comment"] > 0 and good["cost_per_1k_genuine_engagements"] > 0
    priced_as_text = rows["text_price"]
    assert priced_as_text["tier"] == "micro"  # its followers were fine
    for figure in ("price", "cost_per_genuine_comment", "cost_per_1k_genuine_engagements"):
        assert priced_as_text[figure] is None, figure  # null, never 0
    negative = rows["negative"]
    assert negative["tier"] is None and negative["engagement_rate"] is None
    assert negative["cost_per_genuine_comment"] > 0  # the price was fine
    assert rows["bad_code"]["tier"] == "micro"  # "20000" as text is a number
    assert rows["bad_code"]["cost_per_genuine_comment"] is None


def test_score_refuses_a_value_that_cannot_be_a_number_naming_the_field(client):
    body = {
        "comments": _comments_of("a"),
        "creators": [{"creator_id": "a", "price": {"amount": 400, "currency": "USD"}}],
        "posts": [{"post_id": "a-p0", "likes": [1, 2]}, {"post_id": "a-p1", "views": True}],
    }
    response = client.post("/v1/score", json=body)
    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert errors == {
        ("body", "creators", 0, "price"): "Value error, expected a number, got an object",
        ("body", "posts", 0, "likes"): "Value error, expected a number, got an array",
        ("body", "posts", 1, "views"): "Value error, expected a number, got true/false",
    }
