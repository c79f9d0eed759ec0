"""API keys and quotas for every endpoint of the HTTP service, answered in Google's error shape.

:class:`Access` is built from a key file (``genuine serve --keys FILE``); :func:`install_access`
puts its middleware in front of the app. A request's key comes from ``?key=KEY`` (as
Perspective takes it), an ``Authorization: Bearer KEY`` header or an ``X-Goog-Api-Key`` header.
Without a valid, unrevoked key a request gets 401 or 403 before its body is read or any route
is matched, so it learns nothing about the service. Only the health checks, the API
descriptions (``/docs``, ``/openapi.json``, the discovery document) stay open.

Quotas: queries per second are checked here, comments per day by the endpoints through
:func:`charge_comments` once they know how many comments a request holds; over either one is
a 429 ``RESOURCE_EXHAUSTED`` with a ``Retry-After`` header. Per-key counts go to ``/metrics``
under the key's id, never the key.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry, Counter

from classifier.keys import KeyRecord, KeyRing, UsageStore, default_usage_path

LOGGER = logging.getLogger("genuine.service")

# Paths that never need a key: liveness/readiness and the API descriptions.
OPEN_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/openapi.json",
        "/$discovery/rest",
    }
)
OPEN_PREFIXES = ("/static/",)  # the docs' own assets, when served locally

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

HTTP_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    422: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


@dataclass
class GoogleError(Exception):
    """An error answered as ``{"error": {"code", "message", "status"[, "details"]}}``."""

    code: int
    message: str
    status: str | None = None
    details: list[dict[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> JSONResponse:
        return google_error_response(
            self.code, self.message, self.status, self.details, self.headers
        )


def google_error_response(
    code: int,
    message: str,
    status: str | None = None,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "status": status or HTTP_STATUS.get(code, "UNKNOWN"),
    }
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=code, headers=headers)


async def _google_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GoogleError)
    return exc.response()


def install_google_errors(app: FastAPI) -> None:
    app.add_exception_handler(GoogleError, _google_error_handler)


class _AccessMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "genuine_key_requests", "requests accepted per API key", ["key_id"], registry=registry
        )
        self.comments = Counter(
            "genuine_key_comments", "comments charged per API key", ["key_id"], registry=registry
        )
        self.refused = Counter(
            "genuine_key_quota_refusals",
            "requests refused for a quota, per API key",
            ["key_id", "quota"],
            registry=registry,
        )
        self.unauthorized = Counter(
            "genuine_auth_refusals",
            "requests refused for their key (missing, invalid, revoked)",
            ["reason"],
            registry=registry,
        )


class Access:
    """The key ring and the usage store of one service process."""

    def __init__(self, key_file: str | Path, usage_db: str | Path | None = None) -> None:
        self.ring = KeyRing(key_file)
        self.usage = UsageStore(default_usage_path(key_file) if usage_db is None else usage_db)
        self.metrics: _AccessMetrics | None = None

    @classmethod
    def in_memory(cls, key_file: str | Path) -> Access:
        """Quota counters in this process only (tests, one worker)."""
        access = cls.__new__(cls)
        access.ring = KeyRing(key_file)
        access.usage = UsageStore(None)
        access.metrics = None
        return access


def request_key(scope: Scope) -> str | None:
    """The API key of a request: ``?key=``, ``X-Goog-Api-Key`` or ``Authorization: Bearer``."""
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "key" and value:
            return value
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
    }
    if headers.get("x-goog-api-key"):
        return headers["x-goog-api-key"].strip()
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


_REFUSALS = {
    "missing": (
        401,
        "UNAUTHENTICATED",
        "The request is missing an API key: pass ?key=YOUR_KEY or an 'Authorization: Bearer YOUR_KEY' header.",
    ),
    "invalid": (403, "PERMISSION_DENIED", "API key not valid. Please pass a valid API key."),
    "revoked": (
        403,
        "PERMISSION_DENIED",
        "This API key has been revoked. Ask the service's operator for a new one.",
    ),
}


class AccessMiddleware:
    """Checks the key and the queries-per-second quota of every request but the open ones."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access
        self._reported: str | None = None  # the key-file problem last logged (logged once)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        access = self.access
        verdict = access.ring.check(request_key(scope))
        if access.ring.last_error != self._reported:
            self._reported = access.ring.last_error
            if self._reported:
                LOGGER.error(json.dumps({"event": "key_file", "error": self._reported}))
        metrics = access.metrics
        if verdict.record is None:
            problem = verdict.problem or "invalid"
            if metrics is not None:
                metrics.unauthorized.labels(problem).inc()
            code, status, message = _REFUSALS[problem]
            headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
            await google_error_response(code, message, status, headers=headers)(
                scope, receive, send
            )
            return
        record = verdict.record
        scope.setdefault("state", {})["api_key"] = record
        scope["state"]["key_id"] = record.id
        refusal = access.usage.take_query(record)
        if refusal is not None:
            if metrics is not None:
                metrics.refused.labels(record.id, refusal.quota).inc()
            await _quota_response(refusal.message, refusal.retry_after_s)(scope, receive, send)
            return
        if metrics is not None:
            metrics.requests.labels(record.id).inc()
        await self.app(scope, receive, send)


def _quota_response(message: str, retry_after_s: float) -> JSONResponse:
    return google_error_response(
        429,
        message,
        "RESOURCE_EXHAUSTED",
        headers={"Retry-After": str(max(1, math.ceil(retry_after_s)))},
    )


def install_access(app: FastAPI, access: Access | None, registry: CollectorRegistry) -> None:
    """Require keys on every endpoint but the open ones (no-op when ``access`` is None).

    Call it before the app's logging middleware is added, so that refusals are logged and
    counted like every other answer.
    """
    install_google_errors(app)
    app.state.access = access
    if access is None:
        return
    access.metrics = _AccessMetrics(registry)
    app.add_middleware(AccessMiddleware, access=access)  # type: ignore[arg-type]


def charge_comments(request: Request, count: int) -> None:
    """Count a request's comments against its key's daily quota; raise a 429 when over it."""
    access: Access | None = getattr(request.app.state, "access", None)
    record: KeyRecord | None = getattr(request.state, "api_key", None)
    if access is None or record is None:
        return
    refusal = access.usage.charge_comments(record, count)
    if refusal is not None:
        if access.metrics is not None:
            access.metrics.refused.labels(record.id, refusal.quota).inc()
        raise GoogleError(
            429,
            refusal.message,
            "RESOURCE_EXHAUSTED",
            headers={"Retry-After": str(max(1, math.ceil(refusal.retry_after_s)))},
        )
    if access.metrics is not None:
        access.metrics.comments.labels(record.id).inc(count)
