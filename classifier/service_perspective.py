"""A drop-in for the Perspective API's ``comments:analyze``, in Vietnamese, Chinese and English.

    POST /v1alpha1/comments:analyze           Perspective's request and response shapes
    GET  /$discovery/rest?version=v1alpha1     a discovery document whose rootUrl is this service

Callers of Perspective's ``SPAM`` and ``UNSUBSTANTIAL`` change one URL (and the key): the
discovery document lets google-api-python-client's ``discovery.build("commentanalyzer",
"v1alpha1", discoveryServiceUrl=...)`` work unchanged. Scores are this model's calibrated
probabilities (:mod:`classifier.attributes`), not Perspective's. Errors come in Google's shape
(``{"error": {"code", "message", "status", "details": [{"errorType"...}]}}``) with
Perspective's error types, so clients that skip ``LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE`` keep
working. Request fields Perspective accepts and this service does not use (``context``,
``sessionId``, ``communityId``, ``doNotStore``: nothing is ever stored) are accepted and
ignored; unknown fields are refused, as Google refuses them. docs/perspective_migration.md
has the mapping.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import AliasChoices, AliasGenerator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_snake
from starlette.exceptions import HTTPException

from classifier.attributes import (
    CATEGORY_PREFIX,
    score_attributes,
    sentence_spans,
    supported_attributes,
    utf16_offset,
)
from classifier.predictor import Predictor
from classifier.service_access import GoogleError, charge_comments, install_google_errors
from classifier.text import LANGUAGES, OTHER, detect_language, normalize

API_VERSION = "v1alpha1"
ANALYZE_PATH = f"/{API_VERSION}/comments:analyze"
MAX_TEXT_BYTES = 20 * 1024  # Perspective's limit on comment.text, in UTF-8 bytes
MAX_TOKEN_CHARS = 4096  # clientToken, sessionId, communityId
PROBABILITY = "PROBABILITY"
_SCORE_TYPES_OK = (None, "", "SCORE_TYPE_UNSPECIFIED", PROBABILITY)
_ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"


class Runner(Protocol):
    """Runs the model call of one comment off the event loop, or inline when it is short
    (``InferencePool.run_small``): ``rows`` texts of ``chars`` characters in all."""

    def __call__(self, work: Callable[[], Any], *, rows: int, chars: int) -> Awaitable[Any]: ...


def _aliases(name: str) -> AliasChoices:
    # Google's JSON parser takes the proto field name (snake_case) as well as camelCase.
    return AliasChoices(name, to_snake(name))


class _GoogleMessage(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=AliasGenerator(validation_alias=_aliases)
    )


class TextEntry(_GoogleMessage):
    text: str | None = Field(default=None, description="UTF-8 text, at most 20 KB")
    type: str | None = Field(default=None, description="PLAIN_TEXT (the default); HTML is refused")


class ArticleAndParentComment(_GoogleMessage):
    article: TextEntry | None = None
    parentComment: TextEntry | None = None


class Context(_GoogleMessage):
    entries: list[TextEntry] | None = None
    articleAndParentComment: ArticleAndParentComment | None = None


class AttributeParameters(_GoogleMessage):
    scoreType: str | None = Field(default=None, description="PROBABILITY (the only type)")
    scoreThreshold: float | None = Field(
        default=None, description="leave the attribute out when its score is below this"
    )


class AnalyzeCommentRequest(_GoogleMessage):
    """Perspective's AnalyzeCommentRequest: every field it documents is accepted."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "comment": {"text": "kb zalo 0912 345 678 tư vấn free"},
                    "requestedAttributes": {"SPAM": {}, "UNSUBSTANTIAL": {}},
                    "languages": ["vi"],
                    "clientToken": "comment-42",
                }
            ]
        }
    )
    comment: TextEntry | None = None
    context: Context | None = Field(default=None, description="accepted, not used")
    requestedAttributes: dict[str, AttributeParameters] | None = None
    languages: list[str] | None = Field(
        default=None,
        description="ISO 639-1 or BCP-47 codes (en, vi, zh, zh-TW...); detected when absent",
    )
    doNotStore: bool | None = Field(default=None, description="accepted: nothing is ever stored")
    clientToken: str | None = Field(default=None, max_length=MAX_TOKEN_CHARS)
    sessionId: str | None = Field(default=None, max_length=MAX_TOKEN_CHARS)
    communityId: str | None = Field(default=None, max_length=MAX_TOKEN_CHARS)
    spanAnnotations: bool | None = Field(default=None, description="also score each sentence")
    dropUnsupportedAttributes: bool | None = Field(
        default=None,
        description="leave out unknown attributes and unsupported languages instead of a 400",
    )


class Score(BaseModel):
    value: float
    type: str = PROBABILITY


class SpanScore(BaseModel):
    begin: int = Field(description="UTF-16 code units from the start of comment.text")
    end: int = Field(description="exclusive")
    score: Score


class AttributeScores(BaseModel):
    summaryScore: Score
    spanScores: list[SpanScore] | None = None


class AnalyzeCommentResponse(BaseModel):
    attributeScores: dict[str, AttributeScores]
    languages: list[str]
    detectedLanguages: list[str]
    clientToken: str | None = None


def _invalid(message: str, error_type: str = "INVALID_REQUEST", **extra: Any) -> GoogleError:
    detail: dict[str, Any] = {"@type": _ERROR_TYPE, "errorType": error_type, **extra}
    return GoogleError(400, message, "INVALID_ARGUMENT", [detail])


def _parse_body(raw: bytes) -> AnalyzeCommentRequest:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid(
            f"Invalid JSON payload received: the body is not valid UTF-8 (byte {exc.start})."
        ) from None

    def refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        data = json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise _invalid(
            f"Invalid JSON payload received: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except (ValueError, RecursionError) as exc:
        raise _invalid(f"Invalid JSON payload received: {str(exc)[:200]}.") from None
    if not isinstance(data, dict):
        raise _invalid("Invalid JSON payload received: the body must be a JSON object.")
    bad = _first_lone_surrogate(data, "")
    if bad is not None:
        raise _invalid(
            f"Invalid JSON payload received at '{bad}': the string holds a lone UTF-16 surrogate, which is not text."
        )
    try:
        return AnalyzeCommentRequest.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:3]:
            where = ".".join(str(part) for part in error["loc"]) or "body"
            what = (
                "Unknown name: cannot find field"
                if error["type"] == "extra_forbidden"
                else error["msg"]
            )
            problems.append(f"'{where}': {what}")
        more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
        raise _invalid(f"Invalid JSON payload received at {'; '.join(problems)}{more}.") from None


def _first_lone_surrogate(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where or "body"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            found = _first_lone_surrogate(key, path) or _first_lone_surrogate(item, path)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _first_lone_surrogate(item, f"{where}[{index}]")
            if found:
                return found
    return None


def _primary_language(code: str) -> str:
    return code.strip().replace("_", "-").split("-")[0].lower()


def _describe(names: tuple[str, ...]) -> str:
    ours = [n for n in names if not n.startswith(CATEGORY_PREFIX)]
    categories = [n for n in names if n.startswith(CATEGORY_PREFIX)]
    text = ", ".join(ours)
    if categories:
        text += f" and {CATEGORY_PREFIX}<category> ({', '.join(c[len(CATEGORY_PREFIX) :] for c in categories)})"
    return text


class _Plan:
    """What one valid request asks for: attributes (as requested -> ours), language hint."""

    def __init__(self, body: AnalyzeCommentRequest, supported: tuple[str, ...]) -> None:
        drop = bool(body.dropUnsupportedAttributes)
        comment = body.comment
        if comment is None or comment.text is None:
            raise _invalid("Comment must be non-empty: comment.text is missing.", "COMMENT_EMPTY")
        if not comment.text.strip():
            raise _invalid("Comment must be non-empty.", "COMMENT_EMPTY")
        if comment.type not in (None, "", "TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT"):
            message = (
                "Currently, only 'PLAIN_TEXT' comments are supported: send the text without HTML."
                if comment.type == "HTML"
                else f"Unknown text type {comment.type!r}: use PLAIN_TEXT."
            )
            raise _invalid(message)
        size = len(comment.text.encode("utf-8"))
        if size > MAX_TEXT_BYTES:
            raise _invalid(
                f"Comment text too long: {size} bytes of UTF-8; the limit is {MAX_TEXT_BYTES} bytes (20 KB).",
                "COMMENT_TOO_LONG",
            )
        context = body.context
        if context is not None and context.entries and context.articleAndParentComment is not None:
            raise _invalid(
                "Context can have either entries or articleAndParentComment, but both fields were populated."
            )
        self.text = comment.text
        if not body.requestedAttributes:
            raise _invalid(
                f"Missing requested_attributes: ask for one or more of {_describe(supported)}.",
                "NO_REQUESTED_ATTRIBUTES",
            )
        self.attributes: dict[str, tuple[str, AttributeParameters]] = {}
        unknown = []
        for requested, parameters in body.requestedAttributes.items():
            name = requested.strip().upper()
            if name not in supported:
                unknown.append(requested)
                continue
            if parameters.scoreType not in _SCORE_TYPES_OK:
                raise _invalid(
                    f"Requested score type {parameters.scoreType} is not supported by attribute "
                    f"{requested}: this service returns PROBABILITY scores only."
                )
            threshold = parameters.scoreThreshold
            if threshold is not None and not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
                raise _invalid(
                    f"requestedAttributes.{requested}.scoreThreshold must be within [0, 1], got {threshold}."
                )
            self.attributes[requested] = (name, parameters)
        if unknown and not drop:
            listed = ", ".join(unknown)
            raise _invalid(
                f"Unknown requested attribute{'s' if len(unknown) > 1 else ''}: {listed}. "
                f"This service scores {_describe(supported)}; it has no other models "
                "(pass dropUnsupportedAttributes: true to leave unknown ones out).",
                attribute=unknown[0],
                supportedAttributes=list(supported),
            )
        self.requested_languages = list(body.languages or [])
        primaries = [_primary_language(code) for code in self.requested_languages]
        unsupported = [
            code
            for code, primary in zip(self.requested_languages, primaries, strict=True)
            if primary not in LANGUAGES
        ]
        self.detected = detect_language(normalize(self.text).text)
        self.hint: str | None
        self.unsupported_language: str | None = None
        if unsupported:
            self.unsupported_language = ", ".join(unsupported)
            self.hint = None
        elif primaries:
            self.hint = self.detected if self.detected in primaries else primaries[0]
        elif self.detected in LANGUAGES:
            self.hint = self.detected
        elif any(char.isalpha() for char in self.text):
            self.unsupported_language = "not en, vi or zh (detected)"
            self.hint = None
        else:
            self.hint = None  # emoji, digits, punctuation: no language to find; scored as they are
        if self.unsupported_language is not None and self.attributes and not drop:
            first = next(iter(self.attributes))
            raise _invalid(
                f"Attribute {first} does not support request languages: {self.unsupported_language}. "
                f"Supported languages: {', '.join(LANGUAGES)}.",
                "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
                languageNotSupportedByAttributeError={
                    "attribute": first,
                    "requestedLanguages": self.requested_languages,
                    "detectedLanguages": self._detected_list(),
                    "supportedLanguages": list(LANGUAGES),
                },
            )
        if self.unsupported_language is not None:
            self.attributes = {}  # dropUnsupportedAttributes: nothing can be scored
        self.span_annotations = bool(body.spanAnnotations)
        self.spans = sentence_spans(self.text) if self.span_annotations else []

    def texts_to_score(self) -> list[str]:
        """The comment, then each of its sentences when spans are asked for (none when no
        attribute is left to score)."""
        if not self.attributes:
            return []
        return [self.text, *(self.text[begin:end] for begin, end in self.spans)]

    def _detected_list(self) -> list[str]:
        return [self.detected] if self.detected != OTHER else []

    def languages(self) -> list[str]:
        if self.requested_languages:
            return self.requested_languages
        return self._detected_list()


def _score(value: float) -> dict[str, Any]:
    return {"value": round(float(value), 6), "type": PROBABILITY}


def analyze_comment(predictor: Predictor, plan: _Plan) -> dict[str, dict[str, Any]]:
    """attributeScores of one planned request (runs the model)."""
    texts = plan.texts_to_score()
    if not texts:
        return {}
    results = score_attributes(predictor, texts, [plan.hint] * len(texts))
    summary, pieces = results[0], results[1:]
    scores: dict[str, dict[str, Any]] = {}
    for requested, (name, parameters) in plan.attributes.items():
        value = summary.values[name]
        threshold = parameters.scoreThreshold
        if threshold is not None and value < threshold:
            continue
        entry: dict[str, Any] = {"summaryScore": _score(value)}
        if plan.span_annotations:
            entry["spanScores"] = [
                {
                    "begin": utf16_offset(plan.text, begin),
                    "end": utf16_offset(plan.text, end),
                    "score": _score(piece.values[name]),
                }
                for (begin, end), piece in zip(plan.spans, pieces, strict=True)
            ]
        scores[requested] = entry
    return scores


def install_perspective(
    app: FastAPI,
    predictor: Predictor,
    run: Runner,
    count_comments: Callable[[int], None] = lambda n: None,
) -> None:
    """Add the Perspective-compatible endpoint and its discovery document to ``app``.

    ``run(fn, rows=, chars=)`` runs the model call ``fn`` as the service runs a small request:
    inline when it is a short comment, else in the small-request lane, never behind bulk
    batches; ``count_comments(n)`` feeds the service's comment counter.
    """
    install_google_errors(app)
    supported = supported_attributes(predictor)
    request_schema = _inlined(AnalyzeCommentRequest.model_json_schema())

    @app.post(
        ANALYZE_PATH,
        summary="Perspective-compatible: SPAM, UNSUBSTANTIAL and our attributes of one comment",
        description=(
            "Perspective's AnalyzeComment. Attributes: "
            + _describe(supported)
            + ". Languages: en, vi, zh. Errors in Google's shape."
        ),
        responses={
            200: {"model": AnalyzeCommentResponse},
            400: {"description": "INVALID_ARGUMENT, with Perspective's errorType in details"},
            401: {"description": "UNAUTHENTICATED: no API key"},
            403: {"description": "PERMISSION_DENIED: wrong or revoked API key"},
            429: {"description": "RESOURCE_EXHAUSTED: over the key's quota; see Retry-After"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": request_schema}},
            }
        },
    )
    async def analyze(request: Request) -> JSONResponse:
        _check_alt(request)
        try:
            body = _parse_body(await request.body())
            plan = _Plan(body, supported)
            request.state.batch_size = 1
            charge_comments(request, 1)
            texts = plan.texts_to_score()
            scores = await run(
                lambda: analyze_comment(predictor, plan),
                rows=len(texts),
                chars=sum(len(text) for text in texts),
            )
        except HTTPException as exc:  # the service's body and time limits, in Google's shape
            raise GoogleError(
                exc.status_code, str(exc.detail), headers=dict(exc.headers or {})
            ) from None
        count_comments(1)
        response: dict[str, Any] = {
            "attributeScores": scores,
            "languages": plan.languages(),
            "detectedLanguages": plan._detected_list(),
        }
        if body.clientToken is not None:
            response["clientToken"] = body.clientToken
        return JSONResponse(response)

    @app.post(
        f"/{API_VERSION}/comments:suggestscore",
        summary="Not offered: genuine learns from labeled data, not score suggestions",
        include_in_schema=False,  # a deliberate 501, not an endpoint to call
    )
    async def suggest_score() -> JSONResponse:
        raise GoogleError(
            501,
            "SuggestCommentScore is not offered by this service: nothing sent to it is stored. "
            "To teach the model, label comments and train (genuine train).",
            "UNIMPLEMENTED",
        )

    @app.get(
        "/$discovery/rest",
        summary="Discovery document for Google API clients (version=v1alpha1)",
        include_in_schema=True,
    )
    async def discovery(request: Request, version: str = API_VERSION) -> JSONResponse:
        if version != API_VERSION:
            raise GoogleError(
                404,
                f"No API version {version!r} here; this service offers {API_VERSION}.",
                "NOT_FOUND",
            )
        return JSONResponse(discovery_document(str(request.base_url), supported))


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its ``$defs`` references replaced by the definitions (for openapi_extra,
    where ``#/$defs/...`` would point into the OpenAPI document itself)."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return dict(resolve(schema))


def _check_alt(request: Request) -> None:
    alt = request.query_params.get("alt")
    if alt not in (None, "", "json"):
        raise _invalid(f"alt={alt} is not offered: this service answers JSON only (alt=json).")


def _text_entry_schema() -> dict[str, Any]:
    return {
        "id": "TextEntry",
        "type": "object",
        "description": "Represents a body of text.",
        "properties": {
            "text": {"type": "string", "description": "UTF-8 encoded text."},
            "type": {
                "type": "string",
                "description": "Type of the text field.",
                "enum": ["TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT", "HTML"],
            },
        },
    }


def _score_schema() -> dict[str, Any]:
    return {
        "id": "Score",
        "type": "object",
        "description": "Analysis scores are described by a value and a ScoreType.",
        "properties": {
            "value": {"type": "number", "format": "float", "description": "Score value."},
            "type": {
                "type": "string",
                "description": "The type of the above value.",
                "enum": [
                    "SCORE_TYPE_UNSPECIFIED",
                    "PROBABILITY",
                    "STD_DEV_SCORE",
                    "PERCENTILE",
                    "RAW",
                ],
            },
        },
    }


def discovery_document(root_url: str, supported: tuple[str, ...]) -> dict[str, Any]:
    """The Google API discovery document of this service, rooted at ``root_url``."""
    if not root_url.endswith("/"):
        root_url += "/"
    string = {"type": "string"}

    def query(description: str, **extra: Any) -> dict[str, Any]:
        return {"type": "string", "location": "query", "description": description, **extra}

    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": f"commentanalyzer:{API_VERSION}",
        "name": "commentanalyzer",
        "version": API_VERSION,
        "revision": "genuine",
        "title": "genuine: Perspective-compatible Comment Analyzer API",
        "description": (
            "Self-hosted, Perspective-compatible scores of comments in Vietnamese, Chinese and "
            "English: " + _describe(supported) + "."
        ),
        "protocol": "rest",
        "rootUrl": root_url,
        "servicePath": "",
        "baseUrl": root_url,
        "basePath": "/",
        "batchPath": "batch",
        "parameters": {
            "key": query("API key (or an 'Authorization: Bearer KEY' header)."),
            "alt": query("Data format for response.", default="json", enum=["json"]),
            "$.xgafv": query("V1 error format.", enum=["1", "2"]),
            "fields": query("Accepted; the whole response is always returned."),
            "prettyPrint": {"type": "boolean", "location": "query", "default": "true"},
            "quotaUser": query("Accepted; quotas are per API key."),
            "access_token": query("Not used: this service takes API keys."),
            "oauth_token": query("Not used: this service takes API keys."),
            "callback": query("Not used."),
            "uploadType": query("Not used."),
            "upload_protocol": query("Not used."),
        },
        "resources": {
            "comments": {
                "methods": {
                    "analyze": {
                        "id": "commentanalyzer.comments.analyze",
                        "path": f"{API_VERSION}/comments:analyze",
                        "flatPath": f"{API_VERSION}/comments:analyze",
                        "httpMethod": "POST",
                        "description": "Analyzes the provided text and returns scores for requested attributes.",
                        "parameters": {},
                        "parameterOrder": [],
                        "request": {"$ref": "AnalyzeCommentRequest"},
                        "response": {"$ref": "AnalyzeCommentResponse"},
                    }
                }
            }
        },
        "schemas": {
            "AnalyzeCommentRequest": {
                "id": "AnalyzeCommentRequest",
                "type": "object",
                "description": "The comment analysis request message.",
                "properties": {
                    "comment": {"$ref": "TextEntry", "description": "The comment to analyze."},
                    "context": {"$ref": "Context", "description": "Accepted, not used."},
                    "requestedAttributes": {
                        "type": "object",
                        "description": "Attribute name -> parameters. Offered: "
                        + ", ".join(supported),
                        "additionalProperties": {"$ref": "AttributeParameters"},
                    },
                    "languages": {"type": "array", "items": string},
                    "doNotStore": {"type": "boolean", "description": "Nothing is ever stored."},
                    "clientToken": {"type": "string"},
                    "sessionId": {"type": "string"},
                    "communityId": {"type": "string"},
                    "spanAnnotations": {"type": "boolean"},
                    "dropUnsupportedAttributes": {"type": "boolean"},
                },
            },
            "AnalyzeCommentResponse": {
                "id": "AnalyzeCommentResponse",
                "type": "object",
                "description": "The comment analysis response message.",
                "properties": {
                    "attributeScores": {
                        "type": "object",
                        "additionalProperties": {"$ref": "AttributeScores"},
                    },
                    "languages": {"type": "array", "items": string},
                    "detectedLanguages": {"type": "array", "items": string},
                    "clientToken": {"type": "string"},
                },
            },
            "AttributeParameters": {
                "id": "AttributeParameters",
                "type": "object",
                "properties": {
                    "scoreType": {
                        "type": "string",
                        "enum": ["SCORE_TYPE_UNSPECIFIED", "PROBABILITY"],
                    },
                    "scoreThreshold": {"type": "number", "format": "float"},
                },
            },
            "AttributeScores": {
                "id": "AttributeScores",
                "type": "object",
                "properties": {
                    "summaryScore": {"$ref": "Score"},
                    "spanScores": {"type": "array", "items": {"$ref": "SpanScore"}},
                },
            },
            "SpanScore": {
                "id": "SpanScore",
                "type": "object",
                "properties": {
                    "begin": {"type": "integer", "format": "int32"},
                    "end": {"type": "integer", "format": "int32"},
                    "score": {"$ref": "Score"},
                },
            },
            "Score": _score_schema(),
            "TextEntry": _text_entry_schema(),
            "Context": {
                "id": "Context",
                "type": "object",
                "properties": {
                    "entries": {"type": "array", "items": {"$ref": "TextEntry"}},
                    "articleAndParentComment": {"$ref": "ArticleAndParentComment"},
                },
            },
            "ArticleAndParentComment": {
                "id": "ArticleAndParentComment",
                "type": "object",
                "properties": {
                    "article": {"$ref": "TextEntry"},
                    "parentComment": {"$ref": "TextEntry"},
                },
            },
        },
    }
