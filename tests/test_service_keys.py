"""API keys and per-key quotas: the key file, ``genuine keys``, the service's 401/403/429."""

from __future__ import annotations

import json
import stat

import pytest
from fastapi.testclient import TestClient

import classifier.keys as keys_module
from classifier.keys import KeyFile, KeyRecord, UsageStore, hash_key, seconds_to_utc_midnight
from classifier.service import create_app
from classifier.service_access import Access
from genuine_cli.main import main

ANALYZE = "/v1alpha1/comments:analyze"
ONE_COMMENT = {"comment": {"text": "kb zalo 0912 345 678"}, "requestedAttributes": {"SPAM": {}}}


def add_key(path, name, **quotas) -> tuple[KeyRecord, str]:
    keys = KeyFile.load(path, missing_ok=True)
    record, key = keys.add(name, **quotas)
    keys.save(path)
    return record, key


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / "keys.json"


@pytest.fixture
def service(default_predictor, key_file, monkeypatch):
    """A service with keys (reloaded on every request) and its key file."""
    monkeypatch.setattr(keys_module, "RELOAD_EVERY_S", 0.0)
    add_key(key_file, "bootstrap")
    app = create_app(predictor=default_predictor, access=Access(key_file))
    with TestClient(app) as client:
        yield client


def error_of(response, code, status):
    assert response.status_code == code, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["status"] == status
    return error["message"]


# --- the key file and the command line ------------------------------------------------------


def test_key_file_stores_hashes_never_keys(key_file):
    record, key = add_key(key_file, "moderation-bot", qps=5, per_day=1000)
    text = key_file.read_text(encoding="utf-8")
    assert key not in text and hash_key(key) in text
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    loaded = KeyFile.load(key_file).keys
    assert loaded == [record] and record.qps == 5 and record.per_day == 1000
    assert key.startswith("gk_") and len(key) > 40


def test_keys_add_list_revoke_on_the_command_line(key_file, capsys):
    assert main(["keys", "add", "moderation-bot", "--file", str(key_file), "--qps", "2"]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("gk_") and "only time the key is shown" in err
    record = KeyFile.load(key_file).keys[0]
    assert record.sha256 == hash_key(key) and record.qps == 2

    assert main(["keys", "list", "--file", str(key_file)]) == 0
    listing = capsys.readouterr().out
    assert record.id in listing and "moderation-bot" in listing and "active" in listing
    assert key not in listing and record.sha256 not in listing

    assert main(["keys", "revoke", record.id, "--file", str(key_file)]) == 0
    assert KeyFile.load(key_file).keys[0].revoked is not None
    main(["keys", "list", "--file", str(key_file)])
    assert "revoked" in capsys.readouterr().out

    assert main(["keys", "revoke", "k_nope", "--file", str(key_file)]) == 2
    assert "no key with id 'k_nope'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["keys", "add", "x", "--qps", "0"], "--qps must be a positive number"),
        (["keys", "add", "x", "--per-day", "-3"], "--per-day must be a positive whole number"),
        (["keys", "list"], "not found"),
    ],
)
def test_keys_command_errors_are_clear(key_file, capsys, argv, message):
    assert main([*argv, "--file", str(key_file)]) == 2
    assert message in capsys.readouterr().err


def test_a_broken_key_file_is_named(key_file):
    key_file.write_text('{"format": "genuine-api-keys", "version": 1, "keys": [{"id": "k"}]}')
    with pytest.raises(keys_module.InputError, match="key 1: field 'name' is missing"):
        KeyFile.load(key_file)


# --- authentication ---------------------------------------------------------------------------


def test_no_key_is_401_and_reveals_nothing(service):
    for method, path in (
        ("POST", ANALYZE),
        ("POST", "/v1/predict"),
        ("GET", "/v1/model"),
        ("GET", "/metrics"),
        ("GET", "/no/such/path"),
    ):
        response = service.request(method, path, json=ONE_COMMENT)
        message = error_of(response, 401, "UNAUTHENTICATED")
        assert "?key=" in message and "Bearer" in message
        assert response.headers["www-authenticate"] == "Bearer"
        assert "model" not in response.text and "default" not in response.text


def test_wrong_key_is_403(service):
    response = service.post(ANALYZE, params={"key": "gk_wrong"}, json=ONE_COMMENT)
    assert "API key not valid" in error_of(response, 403, "PERMISSION_DENIED")


def test_key_in_query_bearer_header_or_goog_header(service, key_file):
    _record, key = add_key(key_file, "client")
    assert service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT).status_code == 200
    bearer = {"Authorization": f"Bearer {key}"}
    assert service.post(ANALYZE, headers=bearer, json=ONE_COMMENT).status_code == 200
    predict = service.post("/v1/predict", headers=bearer, json={"comments": [{"text": "hay"}]})
    assert predict.status_code == 200
    assert (
        service.post(ANALYZE, headers={"X-Goog-Api-Key": key}, json=ONE_COMMENT).status_code == 200
    )


def test_health_and_api_descriptions_stay_open(service):
    for path in ("/healthz", "/readyz", "/openapi.json", "/$discovery/rest"):
        assert service.get(path).status_code == 200, path


def test_keys_added_and_revoked_while_running_take_effect_without_restart(service, key_file):
    record, key = add_key(key_file, "late")
    assert service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT).status_code == 200
    assert main(["keys", "revoke", record.id, "--file", str(key_file)]) == 0
    response = service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT)
    assert "revoked" in error_of(response, 403, "PERMISSION_DENIED")


def test_a_broken_key_file_keeps_the_keys_loaded_before(service, key_file):
    _record, key = add_key(key_file, "kept")
    assert service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT).status_code == 200
    key_file.write_text("{ not json")
    assert service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT).status_code == 200
    assert service.post(ANALYZE, params={"key": "gk_wrong"}, json=ONE_COMMENT).status_code == 403


# --- quotas -------------------------------------------------------------------------------------


def test_queries_per_second_over_quota_get_429_with_retry_after(service, key_file):
    _record, key = add_key(key_file, "slow", qps=2)
    codes = [
        service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT).status_code for _ in range(3)
    ]
    assert codes[:2] == [200, 200] and codes[2] == 429
    response = service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT)
    assert "2 queries per second" in error_of(response, 429, "RESOURCE_EXHAUSTED")
    assert response.headers["retry-after"] == "1"


def test_comments_per_day_count_every_endpoint(service, key_file):
    record, key = add_key(key_file, "daily", per_day=3)
    bearer = {"Authorization": f"Bearer {key}"}
    two = {"comments": [{"text": "hay"}, {"text": "ib giá"}]}
    assert service.post("/v1/predict", headers=bearer, json=two).status_code == 200
    assert service.post(ANALYZE, headers=bearer, json=ONE_COMMENT).status_code == 200
    over = service.post(ANALYZE, headers=bearer, json=ONE_COMMENT)
    message = error_of(over, 429, "RESOURCE_EXHAUSTED")
    assert "3 comments per day" in message and "00:00 UTC" in message
    assert 0 < int(over.headers["retry-after"]) <= 86_400
    # a batch bigger than what is left is refused whole, and never counted
    fresh, fresh_key = add_key(key_file, "daily-2", per_day=3)
    big = {"comments": [{"text": "a"}] * 4}
    response = service.post("/v1/predict", params={"key": fresh_key}, json=big)
    assert "4 comments, more than the daily quota of 3" in error_of(
        response, 429, "RESOURCE_EXHAUSTED"
    )
    assert service.post("/v1/predict", params={"key": fresh_key}, json=two).status_code == 200
    del record, fresh


def test_metrics_count_per_key_id_never_the_key(service, key_file):
    record, key = add_key(key_file, "watched", qps=1)
    service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT)
    service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT)  # over the 1/s quota
    _other, reader = add_key(key_file, "prometheus")
    text = service.get("/metrics", headers={"Authorization": f"Bearer {reader}"}).text
    assert f'genuine_key_requests_total{{key_id="{record.id}"}} 1.0' in text
    assert f'genuine_key_comments_total{{key_id="{record.id}"}} 1.0' in text
    assert f'genuine_key_quota_refusals_total{{key_id="{record.id}",quota="qps"}} 1.0' in text
    assert key not in text and "watched" not in text and record.sha256 not in text


def test_token_bucket_refills_and_the_day_rolls_over(tmp_path):
    store = UsageStore(None)
    record = KeyRecord("k_1", "n", "0" * 64, "", qps=2.0, per_day=5)
    now = 1_800_000_000.0
    assert store.take_query(record, now) is None and store.take_query(record, now) is None
    refusal = store.take_query(record, now)
    assert (
        refusal is not None
        and refusal.quota == "qps"
        and refusal.retry_after_s == pytest.approx(0.5)
    )
    assert store.take_query(record, now + 0.5) is None  # half a second buys one query at 2/s
    assert store.charge_comments(record, 5, now) is None
    over = store.charge_comments(record, 1, now)
    assert over is not None and over.retry_after_s == pytest.approx(seconds_to_utc_midnight(now))
    assert store.charge_comments(record, 1, now + seconds_to_utc_midnight(now) + 1) is None


def test_quotas_are_shared_by_worker_processes_through_one_database(tmp_path):
    record = KeyRecord("k_1", "n", "0" * 64, "", qps=None, per_day=10)
    first, second = UsageStore(tmp_path / "usage.sqlite"), UsageStore(tmp_path / "usage.sqlite")
    assert first.charge_comments(record, 6) is None
    assert second.charge_comments(record, 5) is not None  # 6 + 5 > 10, seen by the other store
    assert second.charge_comments(record, 4) is None and first.comments_today("k_1") == 10


# --- genuine serve ----------------------------------------------------------------------------


def test_serve_refuses_to_listen_openly_without_keys(capsys, monkeypatch):
    from genuine_cli import serve_cmd
    from genuine_cli.main import build_parser

    monkeypatch.setenv(serve_cmd.KEYS_ENV, "")  # restored (absent) after the test
    assert not serve_cmd._check_keys(build_parser().parse_args(["serve", "--host", "0.0.0.0"]))
    err = capsys.readouterr().err
    assert "--keys FILE" in err and "--allow-no-keys" in err
    open_on_purpose = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--allow-no-keys"])
    assert serve_cmd._check_keys(open_on_purpose)
    assert "OPEN TO ALL" in capsys.readouterr().err


def test_serve_says_who_may_call_at_start_up(key_file, capsys, monkeypatch):
    from genuine_cli import serve_cmd
    from genuine_cli.main import build_parser

    monkeypatch.setenv(serve_cmd.KEYS_ENV, "")  # restored (absent) after the test
    args = build_parser().parse_args(["serve"])
    assert serve_cmd._check_keys(args)
    assert "listening on 127.0.0.1 only" in capsys.readouterr().err
    add_key(key_file, "a")
    args = build_parser().parse_args(["serve", "--keys", str(key_file), "--host", "0.0.0.0"])
    assert serve_cmd._check_keys(args)
    assert "1 active" in capsys.readouterr().err
    access = serve_cmd._access_from_env()
    assert isinstance(access, Access) and access.ring.path == key_file.resolve()


def test_key_file_json_is_readable(key_file):
    add_key(key_file, "a")
    data = json.loads(key_file.read_text())
    assert data["format"] == "genuine-api-keys" and data["version"] == 1


def test_a_broken_key_file_is_logged_once(service, key_file, caplog):
    _record, key = add_key(key_file, "kept")
    key_file.write_text("{ not json")
    with caplog.at_level("ERROR", logger="genuine.service"):
        for _ in range(3):
            service.post(ANALYZE, params={"key": key}, json=ONE_COMMENT)
    errors = [r.getMessage() for r in caplog.records if '"key_file"' in r.getMessage()]
    assert len(errors) == 1 and "keeping the keys loaded before" in errors[0]
