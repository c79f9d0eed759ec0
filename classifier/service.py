"""HTTP service: FastAPI app around one loaded predictor.

    genuine serve --model DIR --port 8000

Endpoints: ``POST /v1/predict``, ``POST /v1/score``, ``GET /v1/model``, ``GET /healthz``,
``GET /readyz``, ``GET /metrics`` (Prometheus), and the Perspective-compatible
``POST /v1alpha1/comments:analyze`` with its discovery document
(:mod:`classifier.service_perspective`). With a key file, every endpoint but the health checks
and the API descriptions needs an API key, with per-key quotas (:mod:`classifier.service_access`,
:mod:`classifier.keys`). The model loads once when the app is built;
a missing or tampered model stops start-up with :class:`ModelLoadError`. Inference runs in worker
threads, never on the event loop, small requests in their own lane (:mod:`classifier.service_pool`).
Client mistakes get 4xx answers naming the field; limits (body size and read time, batch size,
comment length, characters and time per request) are set by :class:`ServiceLimits` and apply to
every endpoint (:mod:`classifier.service_guard`); 422s quote short excerpts of the bad values.
Logs: one JSON line per request on the ``genuine.service`` logger (latency, batch size, status,
500s included; never the comment text). The library configures no handlers; ``genuine serve``
does. ``/docs`` serves its own assets (no CDN).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from anyio import to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from starlette.middleware import Middleware

from classifier._version import __version__
from classifier.io.problems import InputError
from classifier.predictor import Prediction, Predictor, load
from classifier.service_access import (
    Access,
    charge_comments,
    google_error_response,
    install_access,
)
from classifier.service_guard import RequestGuard, RequestLog, validation_error_response
from classifier.service_perspective import install_perspective
from classifier.service_pool import InferencePool

LOGGER = logging.getLogger("genuine.service")


@dataclass(frozen=True)
class ServiceLimits:
    """What one request may ask for. Comments longer than ``max_comment_chars`` are cut and flagged.

    ``max_request_chars`` bounds the text of one /v1/predict request (after cutting);
    ``request_timeout_s`` bounds the work of any request (503 past it); ``body_timeout_s``
    bounds the time to receive a body (408).
    """

    max_body_bytes: int = 8 * 1024 * 1024
    max_batch: int = 2048
    max_comment_chars: int = 5000
    max_score_comments: int = 200_000
    max_request_chars: int = 1_000_000
    request_timeout_s: float = 30.0
    body_timeout_s: float = 30.0
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


def _number_or_text(value: Any) -> Any:
    """A count or price as sent: numbers and text pass (the scorer checks them per row, so
    "$1,200" or -5 is reported for its row and the rest is scored); what can never be a value
    (an object, an array, true/false) is refused here, naming the field."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    kind = {bool: "true/false", dict: "an object", list: "an array"}.get(
        type(value), "not a number"
    )
    raise ValueError(f"expected a number, got {kind}")


# Checked per row by the scorer (classifier.scoring.inputs.checked_numbers), not here.
NumberOrText = Annotated[float | str | None, BeforeValidator(_number_or_text)]


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
    views: NumberOrText = None
    likes: NumberOrText = None
    comments_count: NumberOrText = Field(
        default=None, description="the platform's comment count (may exceed the comments sent)"
    )


class CreatorIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    creator_id: str
    followers: NumberOrText = Field(
        default=None, description="above 0; a bad value is reported in flags.problems"
    )
    platform: str | None = None
    language: str | None = None
    price: NumberOrText = Field(
        default=None,
        description="price per post, at least 0; a bad value is reported in flags.problems",
    )
    currency: str | None = Field(default=None, description="ISO 4217 code of the price, e.g. USD")


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: float = Field(gt=0, description="the budget, in currency")
    currency: str = Field(description="ISO 4217 code; only creators priced in it are picked")


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
    budget: BudgetIn | None = Field(
        default=None, description="pick the creators that give the most genuine engagement for it"
    )


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
    access: Access | None = None,
) -> FastAPI:
    """Build the app with the model loaded (raises ModelLoadError on a missing or tampered model).

    With ``access`` (API keys from a key file), every endpoint but the health checks and the
    API descriptions needs a key, and per-key quotas apply.
    """
    limits = limits or ServiceLimits()
    predictor = predictor or load(model)
    pool = InferencePool(bulk_threads=limits.inference_threads, budget_s=limits.request_timeout_s)
    metrics = _Metrics()
    identity = predictor.model_dir.identity
    model_name = identity.name
    app = FastAPIOffline(
        title="genuine",
        version=__version__,
        description="Label comments substantive/generic and score creators' genuine engagement.",
        static_url="/static/docs",  # the Swagger UI/ReDoc assets, shipped by fastapi-offline
        lifespan=_warm_up(predictor),
        middleware=[
            Middleware(
                RequestGuard,  # type: ignore[arg-type]
                max_body_bytes=limits.max_body_bytes,
                body_timeout_s=limits.body_timeout_s,
            )
        ],
    )
    app.state.inference = pool
    app.add_exception_handler(RequestValidationError, validation_error_response)
    app.add_exception_handler(Exception, _internal_error)
    # keys and quotas before the body checks; the request log (added last) still logs refusals
    install_access(app, access, metrics.registry)
    install_perspective(
        app,
        predictor,
        pool.run_small,
        metrics.comments.inc,
    )

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
        chars = sum(len(text) for text in texts)
        if chars > limits.max_request_chars:
            raise HTTPException(
                413,
                f"the batch holds {chars:,} characters of text (each comment cut to "
                f"{limits.max_comment_chars:,}), over the limit of {limits.max_request_chars:,} "
                "per request; split it",
            )
        charge_comments(request, len(body.comments))
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
        results = await pool.predict(
            runner, texts, langs=langs, explain=body.explain, deadline=pool.deadline()
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
        description=(
            "Rows with a bad value (a price or count written as text such as '$1,200', "
            "followers at or below 0, an unknown currency code, a comment without text) are "
            "reported in flags.problems, each with source (comments, posts or creators), "
            "index (its position in that array, from 0), line (from 1), field and problem; "
            "the rest is scored. Figures that need the bad value are null, never 0."
        ),
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
        charge_comments(request, len(body.comments))
        budgeted = pool.budgeted(predictor, pool.deadline())
        try:
            return await pool.call(
                lambda: _score(body, budgeted, limits),
                lane=pool.bulk,
                deadline=pool.deadline(),
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
        result = await pool.call(
            lambda: predictor.predict("ok", explain=False),
            lane=pool.small,
            deadline=pool.deadline(),
        )
        if result.label is None:
            raise HTTPException(503, "model did not answer")
        return {"status": "ready", "model": model_name}

    @app.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    # added last, so outermost: it logs and counts every answer, refusals and 500s included
    app.add_middleware(
        RequestLog,  # type: ignore[arg-type]
        requests=metrics.requests,
        latency=metrics.latency,
        logger=LOGGER,
    )
    return app


# One comment per language: the first Chinese comment loads jieba's dictionary (~1.7 s), the
# first of any kind the model's lazy parts; at start-up, not in the first callers' requests.
_WARM_UP_TEXTS = ["ok", "màu son này lên môi có bị khô không?", "这个粉底我用了一周，会浮粉"]


def _warm_up(predictor: Predictor) -> Any:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            await to_thread.run_sync(lambda: predictor.predict(_WARM_UP_TEXTS))
        except Exception:  # serve anyway: /readyz and each request report what fails
            LOGGER.exception(json.dumps({"event": "warm_up_failed"}))
        yield

    return lifespan


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug answers 500 with the request id to find its traceback in the log (never the input)."""
    request_id = request.scope.get("state", {}).get("request_id", "?")
    message = f"internal error; the server log has the details under request id {request_id}"
    if request.url.path.startswith("/v1alpha1/"):
        return google_error_response(500, message, "INTERNAL")
    return JSONResponse(status_code=500, content={"detail": message})


def _score(body: ScoreRequest, predictor: Any, limits: ServiceLimits) -> dict[str, Any]:
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
        budget=body.budget.amount if body.budget else None,
        currency=body.budget.currency if body.budget else None,
    )
    flags = report.flags()
    flags["problems"] = [_request_problem(problem) for problem in flags["problems"]]
    result = {"creators": report.creator_records(), "flags": flags}
    if report.budget is not None:
        result["budget"] = report.budget.to_dict()
    return json.loads(_json_safe(result))


# The scorer names a DataFrame input "<creators DataFrame>" and counts its rows from 1; a
# caller of /v1/score knows the arrays of its request, and positions in them from 0.
_REQUEST_ARRAYS = {f"<{name} DataFrame>": name for name in ("comments", "posts", "creators")}


def _request_problem(problem: dict[str, Any]) -> dict[str, Any]:
    """A row problem of the scorer, located in the request: array name and index."""
    array = _REQUEST_ARRAYS.get(str(problem.get("source")))
    if array is None:
        return problem
    return {**problem, "source": array, "index": int(problem["line"]) - 1}


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
