"""The labeling page over HTTP (standard library only), for one person on this machine.

Routes: ``GET /`` the page, ``GET /page.js`` and ``/page.css`` its code, ``GET /guide`` the
labeling guide as text, ``GET /api/categories`` each category's rule, ``GET /api/state`` the
comment to label and the progress, ``POST /api/label`` ``{"text_hash", "label", "category"}``,
``POST /api/undo``. Every asset is packaged (``classifier/resources/label_page``): the page
works offline.

Bound to 127.0.0.1. Other web sites open in the same browser can send requests to it, so a
POST must be ``application/json`` (a cross-site JSON POST needs a CORS preflight, which this
server never grants) and the Host header must name this machine (against DNS rebinding).
"""

from __future__ import annotations

import json
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from classifier.labeling.guide import category_rules, guide_text
from classifier.labeling.session import LabelingError, LabelSession
from classifier.model_dir import CATEGORIES

MAX_BODY = 64 * 1024
_ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/page.js": ("page.js", "text/javascript; charset=utf-8"),
    "/page.css": ("page.css", "text/css; charset=utf-8"),
}
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


@cache
def _asset(name: str) -> bytes:
    return resources.files("classifier").joinpath(f"resources/label_page/{name}").read_bytes()


def categories_payload() -> dict[str, list[dict[str, Any]]]:
    rules = category_rules()
    return {label: [rules[c].to_dict() for c in cats] for label, cats in CATEGORIES.items()}


class LabelServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, session: LabelSession, host: str = "127.0.0.1", port: int = 0) -> None:
        self.session = session
        super().__init__((host, port), LabelHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"


class LabelHandler(BaseHTTPRequestHandler):
    server: LabelServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows the address and errors, not every request

    def do_GET(self) -> None:
        if not self._host_ok():
            return
        path = self.path.split("?", 1)[0]
        if path in _ASSETS:
            name, content_type = _ASSETS[path]
            self._send(HTTPStatus.OK, _asset(name), content_type)
        elif path == "/guide":
            self._send(HTTPStatus.OK, guide_text().encode("utf-8"), "text/plain; charset=utf-8")
        elif path == "/api/categories":
            self._json(HTTPStatus.OK, categories_payload())
        elif path == "/api/state":
            self._json(HTTPStatus.OK, self.server.session.state())
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no page at {path}"})

    def do_POST(self) -> None:
        if not self._host_ok():
            return
        content_type = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send application/json"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "request too large"})
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(body, dict):
                raise LabelingError("expected a JSON object")
            session = self.server.session
            if self.path == "/api/label":
                result = session.give(
                    str(body.get("text_hash", "")), str(body.get("label", "")), body.get("category")
                )
            elif self.path == "/api/undo":
                result = session.undo()
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no action at {self.path}"})
                return
        except json.JSONDecodeError:
            self._json(HTTPStatus.BAD_REQUEST, {"error": "the body is not JSON"})
        except LabelingError as exc:
            self._json(HTTPStatus(exc.status), {"error": str(exc)})
        except OSError as exc:  # the label file cannot be written: say so, never pretend
            self._json(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                {"error": f"could not save to {self.server.session.config.output}: {exc}"},
            )
        else:
            self._json(HTTPStatus.OK, result)

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if host in _LOCAL_HOSTS:
            return True
        self._json(HTTPStatus.FORBIDDEN, {"error": "open the page at 127.0.0.1"})
        return False

    def _json(self, status: HTTPStatus, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
        self.end_headers()
        self.wfile.write(body)
