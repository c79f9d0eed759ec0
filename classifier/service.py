"""HTTP service: FastAPI app around one loaded predictor.

    genuine serve --model DIR --port 8000

Endpoints: ``POST /v1/predict``, ``POST /v1/score``, ``GET /v1/model``, ``GET /healthz``,
``GET /readyz``, ``GET /metrics`` (Prometheus). The model loads once when the app is built;
a missing or tampered model stops start-up with :class:`ModelLoadError`. Inference runs in a
worker thread, never on the event loop. Client mistakes get 4xx answers naming the field;
limits (body size, batch size, comment length) are set by :class:`ServiceLimits`.
Logs: one JSON line per request on the ``genuine.service`` logger (latency, batch size, status;
never the comment text). The library configures no handlers; ``genuine serve`` does.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel, ConfigDict, Field

from classifier._version import __version__
from classifier.io.problems import InputError
from classifier.predictor import Prediction, Predictor, load

LOGGER = logging.getLogger("genuine.service")


@dataclass(frozen=True)
class ServiceLimits:
    """What one request may ask for. Comments longer than ``max_comment_chars`` are cut and flagged."""

    max_body_bytes: int = 8 * 1024 * 1024
    max_batch: int = 2048
    max_comment_chars: int = 5000
    max_score_comments: int = 200_000
    inference_threads: int = 2

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {value}")


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(
        default=None, description="your id for the comment, echoed back", max_length=256
    )
    text: str = Field(description="the comment text")
    lang: str | None = Field(
        default=None, description="known language (vi, zh, en); detected when absent"
    )


class PredictRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "comments": [
                        {"id": "c1", "text": "màu son này lên môi có bị khô không?"},
                        {"id": "c2", "text": "kb zalo 0912 345 678"},
                    ]
                }
            ]
        },
    )
    comments: list[CommentIn] = Field(description="the comments to label, in order")
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="score at or above which a comment is substantive"
    )
    explain: bool = Field(default=True, description="include reasons")


class PredictionOut(BaseModel):
    id: str | None
    label: str | None = Field(
        description="substantive or generic; null when the text could not be scored"
    )
    score: float | None = Field(
        description="calibrated probability that the comment is substantive"
    )
    lang: str
    category: str | None
    reasons: list[str]
    truncated: bool
    error: str | None


class PredictResponse(BaseModel):
    model: str
    results: list[PredictionOut]


class ScoreComment(BaseModel):
    model_config = ConfigDict(extra="allow")
    creator_id: str
    post_id: str
    text: str
    comment_id: str | None = None
    author_id: str | None = None
    created_at: str | None = None


class PostIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    post_id: str
    creator_id: str | None = None
    posted_at: str | None = None
    sponsored: bool | None = None
    views: float | None = None
    likes: float | None = None


class CreatorIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    creator_id: str
    followers: float | None = Field(default=None, ge=0)
    platform: str | None = None
    language: str | None = None


class ScoreRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "comments": [
                        {
                            "creator_id": "cr1",
                            "post_id": "p1",
                            "author_id": "a1",
                            "created_at": "2026-11-01T10:00:00Z",
                            "text": "size M có không ạ?",
                        }
                    ],
                    "creators": [{"creator_id": "cr1", "followers": 25000}],
                }
            ]
        },
    )
    comments: list[ScoreComment] = Field(min_length=1)
    posts: list[PostIn] | None = None
    creators: list[CreatorIn] | None = None
    exclude_authors: list[str] | None = None


def _prediction_out(comment_id: str | None, prediction: Prediction) -> PredictionOut:
    data = prediction.to_dict()
    return PredictionOut(id=comment_id, **data)


class _Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "genuine_requests", "HTTP requests", ["path", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "genuine_request_seconds",
            "request latency",
            ["path"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.comments = Counter("genuine_comments", "comments labeled", registry=self.registry)


def create_app(
    model: str | None = None,
    limits: ServiceLimits | None = None,
    predictor: Predictor | None = None,
) -> FastAPI:
    """Build the app with the model loaded (raises ModelLoadError on a missing or tampered model)."""
    limits = limits or ServiceLimits()
    predictor = predictor or load(model)
    limiter = CapacityLimiter(limits.inference_threads)
    metrics = _Metrics()
    identity = predictor.model_dir.identity
    model_name = identity.name
    app = FastAPI(
        title="genuine",
        version=__version__,
        description="Label comments substantive/generic and score creators' genuine engagement.",
    )

    @app.middleware("http")
    async def guard_and_log(request: Request, call_next: Any) -> Response:
        start = time.perf_counter()
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limits.max_body_bytes):
            response: Response = JSONResponse(
                status_code=413,
                content={
                    "detail": f"request body is larger than {limits.max_body_bytes} bytes; send smaller batches"
                },
            )
        else:
            response = await call_next(request)
        elapsed = time.perf_counter() - start
        path = request.url.path if request.url.path in _KNOWN_PATHS else "other"
        metrics.requests.labels(path, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(elapsed)
        response.headers["x-request-id"] = request_id
        LOGGER.info(
            json.dumps(
                {
                    "event": "request",
                    "id": request_id,
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "ms": round(elapsed * 1000, 2),
                    "batch": getattr(request.state, "batch_size", None),
                }
            )
        )
        return response

    @app.post(
        "/v1/predict",
        response_model=PredictResponse,
        summary="Label a batch of comments",
        responses={
            413: {"description": "body or batch too large"},
            422: {"description": "invalid request"},
        },
    )
    async def predict(body: PredictRequest, request: Request) -> PredictResponse:
        if len(body.comments) > limits.max_batch:
            raise HTTPException(
                413,
                f"batch of {len(body.comments)} comments is over the limit of {limits.max_batch}; split it",
            )
        request.state.batch_size = len(body.comments)
        texts = [c.text[: limits.max_comment_chars] for c in body.comments]
        cut = [len(c.text) > limits.max_comment_chars for c in body.comments]
        langs = [c.lang for c in body.comments]
        runner = (
            predictor
            if body.threshold is None
            else Predictor(
                predictor.model_dir,
                predictor.backend,
                threshold=body.threshold,
                thresholds_by_lang={},
            )
        )
        results = await to_thread.run_sync(
            lambda: runner.predict(texts, langs=langs, explain=body.explain), limiter=limiter
        )
        metrics.comments.inc(len(texts))
        out = []
        for comment, result, was_cut in zip(body.comments, results, cut, strict=True):
            item = _prediction_out(comment.id, result)
            item.truncated = item.truncated or was_cut
            out.append(item)
        return PredictResponse(model=model_name, results=out)

    @app.post(
        "/v1/score",
        summary="Score creators from their comments",
        responses={
            413: {"description": "too many comments"},
            422: {"description": "invalid request"},
        },
    )
    async def score(body: ScoreRequest, request: Request) -> dict[str, Any]:
        if len(body.comments) > limits.max_score_comments:
            raise HTTPException(
                413,
                f"{len(body.comments)} comments is over the limit of {limits.max_score_comments}",
            )
        request.state.batch_size = len(body.comments)
        try:
            return await to_thread.run_sync(
                lambda: _score(body, predictor, limits), limiter=limiter
            )
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.get("/v1/model", summary="The loaded model's manifest and card summary")
    async def model_info() -> dict[str, Any]:
        manifest = json.loads(predictor.manifest.to_json())
        card = predictor.model_dir.card
        return {
            "name": identity.name,
            "version": identity.version,
            "sha256": identity.sha256,
            "manifest": manifest,
            "threshold": predictor.threshold,
            "card_summary": card.split("## Model")[0].strip()[:2000],
        }

    @app.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="Readiness: the model is loaded and answers")
    async def readyz() -> dict[str, str]:
        result = await to_thread.run_sync(
            lambda: predictor.predict("ok", explain=False), limiter=limiter
        )
        if result.label is None:
            raise HTTPException(503, "model did not answer")
        return {"status": "ready", "model": model_name}

    @app.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


_KNOWN_PATHS = {
    "/v1/predict",
    "/v1/score",
    "/v1/model",
    "/healthz",
    "/readyz",
    "/metrics",
    "/docs",
    "/openapi.json",
}


def _score(body: ScoreRequest, predictor: Predictor, limits: ServiceLimits) -> dict[str, Any]:
    import pandas as pd

    from classifier.scoring import score_creators

    comments = pd.DataFrame([c.model_dump() for c in body.comments])
    comments["text"] = comments["text"].str.slice(0, limits.max_comment_chars)
    posts = pd.DataFrame([p.model_dump() for p in body.posts]) if body.posts else None
    creators = pd.DataFrame([c.model_dump() for c in body.creators]) if body.creators else None
    report = score_creators(
        comments,
        posts=posts,
        creators=creators,
        predictor=predictor,
        exclude_authors=body.exclude_authors,
    )
    result = {"creators": report.creator_records(), "flags": report.flags()}
    return json.loads(_json_safe(result))


def _json_safe(value: Any) -> str:
    """JSON text with NaN/inf turned into null (JSON has no NaN)."""
    import math

    def clean(item: Any) -> Any:
        if isinstance(item, float) and not math.isfinite(item):
            return None
        if isinstance(item, dict):
            return {str(k): clean(v) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [clean(v) for v in item]
        return item

    return json.dumps(clean(json.loads(json.dumps(value, default=str))), allow_nan=False)
