"""Request hardening for every endpoint of the HTTP service (app-level, not per route).

:class:`RequestGuard` is a pure ASGI middleware around the app's ``receive``: the first time a
route reads the body it gets the whole body at once, after these checks (each failure is an
``HTTPException`` raised where the route reads its body, so the app's own error handlers give
it the endpoint's error shape):

- size on the bytes actually read, chunked bodies included (413), and a declared
  ``Content-Length`` over the limit before anything is read;
- a deadline for the whole body (408), against clients that trickle bytes;
- ``Content-Type`` must be JSON and ``Content-Encoding`` absent (415, saying what was sent);
- strict JSON: UTF-8 (400 naming the byte), no ``NaN``/``Infinity``/out-of-range numbers
  (400 naming the offset), arrays/objects nested at most :data:`MAX_JSON_DEPTH` levels (400
  naming depth and offset). Lone UTF-16 surrogates (``"\\udfff"``) become U+FFFD so that no
  endpoint echoes text that cannot be encoded. Syntax errors are left to FastAPI's 422
  ``json_invalid``.

:func:`validation_error_response` renders a 422 that quotes a short excerpt of each bad value,
never the whole input.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from itertools import chain
from typing import Any

import anyio
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

EXCERPT_CHARS = 80
# Requests need four levels of arrays/objects. Past this, every later walk of the body (the
# surrogate fix below, the route's own parse, validation) could reach Python's recursion limit.
MAX_JSON_DEPTH = 64
MAX_ERRORS_SHOWN = 20
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|-?Infinity|NaN|-?\d[\d.eE+-]*', re.DOTALL)
_JSON_TYPES = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


class RequestBodyError(HTTPException):
    """A body the service will not read: too large, too slow, wrong type or not strict JSON."""


class RequestGuard:
    """Body size, body deadline, Content-Type and strict JSON for every request that has a body."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, body_timeout_s: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = _GuardedBody(scope, receive, self.max_body_bytes, self.body_timeout_s)
        await self.app(scope, body.receive, send)


class _GuardedBody:
    def __init__(self, scope: Scope, receive: Receive, max_bytes: int, timeout_s: float) -> None:
        self.scope = scope
        self.upstream = receive
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self.started = time.monotonic()
        self.delivered = False

    async def receive(self) -> Message:
        if self.delivered:
            return await self.upstream()
        self.delivered = True
        headers = _headers(self.scope)
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            raise RequestBodyError(413, _too_large(self.max_bytes))
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self._next_message()
            if message["type"] != "http.request":
                return message  # the client went away; Starlette turns this into ClientDisconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise RequestBodyError(413, _too_large(self.max_bytes))
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body:
            _check_content_headers(headers)
            body = checked_json(body)
        return {"type": "http.request", "body": body, "more_body": False}

    async def _next_message(self) -> Message:
        remaining = self.started + self.timeout_s - time.monotonic()
        try:
            with anyio.fail_after(max(remaining, 0.001)):
                return await self.upstream()
        except TimeoutError:
            raise RequestBodyError(
                408,
                f"the request body did not arrive within {self.timeout_s:g} s; "
                "send it in one go or send smaller batches",
            ) from None


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _too_large(limit: int) -> str:
    return f"request body is larger than {limit} bytes; send smaller batches"


def _check_content_headers(headers: dict[str, str]) -> None:
    content_type = headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if not _JSON_TYPES.match(media_type):
        sent = f"Content-Type {excerpt(content_type)!r}" if content_type else "no Content-Type"
        raise RequestBodyError(
            415,
            f"the body must be JSON sent with Content-Type: application/json, got {sent} "
            "(curl: --json '...' or -H 'Content-Type: application/json')",
        )
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise RequestBodyError(
            415,
            f"Content-Encoding {excerpt(encoding)!r} is not supported; send the body uncompressed",
        )


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> float:
    raise _NonFiniteNumber(name)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NonFiniteNumber(literal)
    return value


def checked_json(body: bytes) -> bytes:
    """The body to hand on (lone surrogates replaced), or :class:`RequestBodyError` (400)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestBodyError(
            400,
            f"the body is not valid UTF-8: byte 0x{body[exc.start]:02x} at offset {exc.start} "
            f"({exc.reason}); JSON must be sent as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except _NonFiniteNumber as exc:
        offset = _offset_of_number(text, str(exc))
        raise RequestBodyError(
            400,
            f"{exc} at offset {offset} (near {excerpt(text[max(0, offset - 30) : offset + 10])!r}) "
            "is not a JSON number: JSON has no NaN or Infinity, and numbers must fit a "
            "64-bit float; send a finite number or null",
        ) from None
    except RecursionError:
        raise _too_deep(text) from None
    except json.JSONDecodeError:
        return body  # FastAPI answers 422 json_invalid with the offset and the parser's message
    except ValueError as exc:  # an integer with more digits than Python converts
        raise RequestBodyError(
            400, f"a number in the body is too long to read ({excerpt(str(exc))})"
        ) from None
    if _nesting_depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise _too_deep(text)
    if not _SURROGATE_ESCAPE.search(text):
        return body
    cleaned, changed = _replace_surrogates(value)
    return json.dumps(cleaned, ensure_ascii=False).encode("utf-8") if changed else body


def _offset_of_number(text: str, literal: str) -> int:
    for match in _JSON_TOKEN.finditer(text):
        if match.group() == literal:
            return match.start()
    return -1


def _nesting_depth(value: Any, limit: int) -> int:
    """How many levels of arrays/objects ``value`` nests, counted level by level (no recursion),
    stopping once past ``limit``."""
    level = [value] if type(value) in (dict, list) else []
    depth = 0
    while level and depth <= limit:
        depth += 1
        children = chain.from_iterable(
            item.values() if type(item) is dict else item for item in level
        )
        level = [child for child in children if type(child) in (dict, list)]
    return depth


def _too_deep(text: str) -> RequestBodyError:
    depth, offset = _deepest(text)
    return RequestBodyError(
        400,
        f"the JSON nests arrays/objects {depth} levels deep (the deepest opens at offset "
        f"{offset}); at most {MAX_JSON_DEPTH} are accepted and requests need only a few",
    )


def _deepest(text: str) -> tuple[int, int]:
    depth = deepest = 0
    where = -1
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
        elif token in "]}":
            depth -= 1
    return deepest, where


def _replace_surrogates(value: Any) -> tuple[Any, bool]:
    if isinstance(value, str):
        cleaned = _SURROGATE.sub("\ufffd", value)
        return cleaned, cleaned != value
    if isinstance(value, list):
        pairs = [_replace_surrogates(item) for item in value]
        return [item for item, _ in pairs], any(changed for _, changed in pairs)
    if isinstance(value, dict):
        changed = False
        out = {}
        for key, item in value.items():
            new_key, key_changed = _replace_surrogates(key)
            new_item, item_changed = _replace_surrogates(item)
            out[new_key] = new_item
            changed = changed or key_changed or item_changed
        return out, changed
    return value, False


def excerpt(value: Any, limit: int = EXCERPT_CHARS, depth: int = 0) -> Any:
    """A JSON-safe, short stand-in for ``value``: long strings cut (with their length), lone
    surrogates replaced, non-finite floats as text, big or deep containers summarized."""
    if isinstance(value, str):
        value = _SURROGATE.sub("\ufffd", value)
        if len(value) <= limit:
            return value
        return f"{value[:limit]}… ({len(value):,} characters)"
    if isinstance(value, bool | int | None):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        if len(value) <= 8 and depth < 3:
            return {excerpt(str(k), limit): excerpt(v, limit, depth + 1) for k, v in value.items()}
        return f"<an object of {len(value):,} fields>"
    if isinstance(value, list | tuple):
        if len(value) <= 8 and depth < 3:
            return [excerpt(v, limit, depth + 1) for v in value]
        return f"<an array of {len(value):,} items>"
    return excerpt(repr(value), limit)


def safe_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI/pydantic validation errors with every echoed value made short and encodable."""
    shown = []
    for error in errors[:MAX_ERRORS_SHOWN]:
        item: dict[str, Any] = {
            "type": error.get("type"),
            "loc": [excerpt(part) if isinstance(part, str) else part for part in error["loc"]],
            "msg": excerpt(str(error.get("msg", "")), 300),
        }
        if "input" in error:
            item["input"] = excerpt(error["input"])
        if error.get("ctx"):
            item["ctx"] = {str(k): excerpt(v) for k, v in error["ctx"].items()}
        shown.append(item)
    if len(errors) > MAX_ERRORS_SHOWN:
        shown.append(
            {
                "type": "more_errors",
                "loc": ["body"],
                "msg": f"{len(errors) - MAX_ERRORS_SHOWN} more errors not shown; fix these first",
            }
        )
    return shown


async def validation_error_response(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 shape, each bad value quoted as a short excerpt."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        status_code=422, content={"detail": safe_validation_errors(list(exc.errors()))}
    )


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestLog:
    """Outermost middleware: a request id, one JSON log line and the metrics for every answer,
    the 500 of an unhandled error included (never the comment text)."""

    def __init__(
        self, app: ASGIApp, *, requests: Any, latency: Any, logger: logging.Logger
    ) -> None:
        self.app = app
        self.requests = requests
        self.latency = latency
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        sent_id = _headers(scope).get("x-request-id", "")
        request_id = sent_id if _REQUEST_ID.fullmatch(sent_id) else uuid.uuid4().hex[:16]
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        id_header = (b"x-request-id", request_id.encode())
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), id_header]}
            await send(message)

        error: str | None = None
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            error = type(exc).__name__
            raise
        finally:
            elapsed = time.perf_counter() - start
            answered = status if status is not None else 500
            path = getattr(scope.get("route"), "path", None) or "other"
            self.requests.labels(path, str(answered)).inc()
            self.latency.labels(path).observe(elapsed)
            level = logging.ERROR if answered >= 500 else logging.INFO
            if self.logger.isEnabledFor(level):
                self._log(level, request_id, scope, path, answered, elapsed, error)

    def _log(
        self,
        level: int,
        request_id: str,
        scope: Scope,
        path: str,
        status: int,
        elapsed: float,
        error: str | None,
    ) -> None:
        state = scope["state"]
        line: dict[str, Any] = {
            "event": "request",
            "id": request_id,
            "method": scope.get("method"),
            "path": path,
            "status": status,
            "ms": round(elapsed * 1000, 2),
            "batch": state.get("batch_size"),
        }
        if state.get("key_id") is not None:
            line["key"] = state["key_id"]
        if error is not None:
            line["error"] = error
        self.logger.log(level, json.dumps(line))
