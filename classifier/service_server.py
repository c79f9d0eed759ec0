"""Connection-level limits for ``genuine serve``: what uvicorn's settings do not cover.

- :class:`GuardedH11Protocol` (uvicorn's h11 protocol plus two guards): a client must finish
  sending a request's headers within ``header_timeout_s`` of connecting or of its previous
  response (slowloris), and a worker holds at most ``max_connections`` sockets; one over that
  gets a 503 and is closed at once, so idle sockets cannot use up file descriptors. Headers
  are capped at 16 KiB (h11's limit, answered with 400), idle keep-alive connections close
  after ``keep_alive_s``, and a client that stops reading its answer for ``write_timeout_s``
  (the socket's buffers full) is dropped.
- :class:`RateLimitedLog`: a logging filter that lets through at most ``burst`` warnings or
  errors of one kind (logger and message template or JSON event) per ``window_s`` and then one
  line saying how many it dropped, so a flood of accept errors (a burst of connections past the
  open-file limit), protocol warnings or timeouts cannot fill the disk. The request log (one
  line per answer) is never dropped.

Settings reach uvicorn's worker processes through the environment (``GENUINE_SERVER_LIMITS``,
JSON), as the app's own settings do.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import time
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

ENV_VAR = "GENUINE_SERVER_LIMITS"
# asyncio accepts up to `backlog` sockets per loop tick before any protocol can refuse one, so
# the open-file limit must leave room for two ticks of them besides the capped connections
# (past it, Python 3.11's accept loop logs one error per pending socket).
BACKLOG = 256
FD_HEADROOM = 64 + 2 * BACKLOG
LOGGER = logging.getLogger("genuine.service")
_REFUSED = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: 36\r\n\r\ntoo many open connections; try again"
)


@dataclass(frozen=True)
class ServerLimits:
    """Per worker process: sockets held at once and how long a client may take."""

    max_connections: int = 1000
    header_timeout_s: float = 10.0
    keep_alive_s: int = 5
    write_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {value}")

    def to_env(self) -> str:
        return json.dumps(asdict(self))


@cache
def server_limits() -> ServerLimits:
    """The limits ``genuine serve`` put in the environment (defaults when run otherwise)."""
    raw = os.environ.get(ENV_VAR)
    return ServerLimits(**json.loads(raw)) if raw else ServerLimits()


def raise_open_file_limit(max_connections: int) -> int:
    """Raise this process's soft descriptor limit towards what ``max_connections`` needs and
    return the number of connections it allows (``max_connections`` or fewer)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + FD_HEADROOM
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new_soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
        soft = new_soft
    if soft == resource.RLIM_INFINITY:
        return max_connections
    return max(1, min(max_connections, soft - FD_HEADROOM))


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header timeout and a cap on open connections."""

    _header_timer: asyncio.TimerHandle | None = None
    _write_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        limits = server_limits()
        if len(self.connections) >= limits.max_connections:
            LOGGER.warning(
                json.dumps(
                    {
                        "event": "connection_refused",
                        "reason": f"{len(self.connections)} connections open, the limit is {limits.max_connections}",
                    }
                )
            )
            transport.write(_REFUSED)
            transport.close()
            return
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is None:  # refused in connection_made
            return
        self._cancel_header_timer()
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._header_timer is not None and self.conn.their_state is not h11.IDLE:
            self._cancel_header_timer()  # the request's headers are in

    def on_response_complete(self) -> None:
        if self.conn.their_state is h11.SEND_BODY:
            # answered (413, 408...) before the body was read: close rather than drain the rest
            self.transport.close()
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_header_timer()

    def timeout_keep_alive_handler(self) -> None:
        super().timeout_keep_alive_handler()
        # close() waits to flush; a client that never reads its response would hold the socket
        self.loop.call_later(server_limits().header_timeout_s, self.transport.abort)

    def pause_writing(self) -> None:
        super().pause_writing()
        # the client stopped reading its answer: drop it unless it drains within the timeout
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(
                server_limits().write_timeout_s, self._write_timeout
            )

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    def _write_timeout(self) -> None:
        self._write_timer = None
        LOGGER.warning(
            json.dumps({"event": "write_timeout", "seconds": server_limits().write_timeout_s})
        )
        self.transport.abort()

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(
            server_limits().header_timeout_s, self._header_timeout
        )

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timeout(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            LOGGER.warning(
                json.dumps(
                    {
                        "event": "header_timeout",
                        "seconds": server_limits().header_timeout_s,
                    }
                )
            )
            self.transport.abort()


class RateLimitedLog(logging.Filter):
    """At most ``burst`` records per kind (logger, message template) per ``window_s``."""

    def __init__(self, burst: int = 20, window_s: float = 10.0, max_kinds: int = 1000) -> None:
        super().__init__()
        self.burst = burst
        self.window_s = window_s
        self.max_kinds = max_kinds
        self._window_start = time.monotonic()
        self._counts: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or _is_request_line(record):
            return True  # the request log: one line per answer, bounded by the connection cap
        now = time.monotonic()
        if now - self._window_start >= self.window_s:
            self._flush_summary(record)
            self._window_start = now
            self._counts = {}
        kind = (record.name, str(record.msg).split(",")[0][:60])  # a template, or a JSON event
        if kind not in self._counts and len(self._counts) >= self.max_kinds:
            kind = ("*", "*")
        count = self._counts.get(kind, 0) + 1
        self._counts[kind] = count
        return count <= self.burst

    def _flush_summary(self, record: logging.LogRecord) -> None:
        dropped = sum(count - self.burst for count in self._counts.values() if count > self.burst)
        if dropped:
            summary = logging.LogRecord(
                "genuine.service",
                logging.WARNING,
                __file__,
                0,
                json.dumps(
                    {
                        "event": "log_rate_limited",
                        "dropped": dropped,
                        "window_s": self.window_s,
                        "burst": self.burst,
                    }
                ),
                None,
                None,
            )
            for handler in logging.getLogger().handlers:
                if self in handler.filters:  # emit() directly: this record must not be filtered
                    handler.acquire()
                    try:
                        handler.emit(summary)
                    finally:
                        handler.release()


def _is_request_line(record: logging.LogRecord) -> bool:
    return record.name == "genuine.service" and str(record.msg).startswith('{"event": "request"')


def configure_logging(level: str) -> None:
    """One stderr handler for every logger (uvicorn's and asyncio's included), rate-limited."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RateLimitedLog())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def uvicorn_settings(limits: ServerLimits) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run`` that enforce ``limits``."""
    return {
        "http": GuardedH11Protocol,
        "limit_concurrency": limits.max_connections,
        "backlog": BACKLOG,
        "timeout_keep_alive": limits.keep_alive_s,
        "h11_max_incomplete_event_size": 16 * 1024,
        "log_config": None,
        "access_log": False,
    }
