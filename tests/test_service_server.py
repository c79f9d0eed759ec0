"""Connection-level limits of ``genuine serve`` on a real socket: chunked uploads, slow bodies,
slow headers (slowloris), a connection flood, clients that never read, and a bounded log."""

from __future__ import annotations

import contextlib
import json
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT_BYTES = 256 * 1024
MAX_CONNECTIONS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _serving(model_dir: Path, log_path: Path, extra: list[str], preexec=None):
    port = _free_port()
    command = [sys.executable, "-m", "genuine_cli", "serve", "--model", str(model_dir)]
    command += ["--port", str(port), "--log-level", "info", *extra]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log, preexec_fn=preexec)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
                assert process.poll() is None, log_path.read_text()
            else:
                pytest.fail("genuine serve did not become ready in 120 s")
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tiny_model_dir, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("serve") / "stderr.log"
    extra = ["--max-body-mb", str(LIMIT_BYTES / 1024 / 1024)]
    extra += ["--max-connections", str(MAX_CONNECTIONS), "--header-timeout", "1"]
    extra += ["--body-timeout", "2", "--keep-alive", "1"]
    with _serving(tiny_model_dir, log_path, extra) as port:
        yield port, log_path


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return sock


def _read_until_closed(sock: socket.socket, timeout_s: float) -> bytes:
    sock.settimeout(timeout_s)
    chunks = []
    try:
        while data := sock.recv(65536):
            chunks.append(data)
    except OSError:
        pass
    return b"".join(chunks)


def _closed_by_server(sock: socket.socket, wait_s: float) -> bool:
    """True when the server closed (or refused) the socket within ``wait_s``."""
    sock.settimeout(wait_s)
    try:
        data = sock.recv(65536)
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return data == b"" or data.startswith(b"HTTP/1.1 503") or data.startswith(b"HTTP/1.1 408")


def _healthy(port: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


def test_chunked_upload_is_cut_off_at_the_limit(server):
    port, _ = server
    sock = _connect(port)
    sock.sendall(
        b"POST /v1/predict HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    sent = 0
    try:
        while sent < 200 * 1024 * 1024:
            sock.sendall(chunk)
            sent += 65536
    except OSError:
        pass  # the server answered and closed: what we want
    answer = _read_until_closed(sock, timeout_s=10)
    sock.close()
    assert sent < 64 * 1024 * 1024, f"the server read {sent:,} bytes of a chunked body"
    assert answer.startswith(b"HTTP/1.1 413") and str(LIMIT_BYTES).encode() in answer


def test_a_trickled_body_gets_408(server):
    port, _ = server
    sock = _connect(port)
    sock.sendall(
        b"POST /v1/predict HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    started = time.monotonic()
    answer = _read_until_closed(sock, timeout_s=15)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 408") and b"within 2 s" in answer, answer
    assert time.monotonic() - started < 10


def test_slow_headers_are_dropped_and_new_requests_served(server):
    port, _ = server
    slow = []
    for _ in range(MAX_CONNECTIONS * 3):
        sock = _connect(port)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")  # never finishes its headers
        slow.append(sock)
    assert _healthy(port, within_s=5), "new requests were blocked by slow sockets"
    closed = sum(_closed_by_server(sock, wait_s=3) for sock in slow)
    for sock in slow:
        sock.close()
    assert closed == len(slow)


def test_a_client_that_never_reads_its_answer_is_dropped(server):
    port, _ = server
    asset = httpx.get(f"http://127.0.0.1:{port}/static/docs/swagger-ui-bundle.js", timeout=30)
    assert len(asset.content) > 1_400_000  # a big answer, read normally
    sock = _connect(port)
    request = b"GET /static/docs/swagger-ui-bundle.js HTTP/1.1\r\nHost: t\r\n\r\n"
    pipelined = 12  # 12 x 1.5 MB: more than the kernel's socket buffers hold
    sock.sendall(request * pipelined)
    time.sleep(6)  # the write timeout is 2 s
    received = len(_read_until_closed(sock, timeout_s=5))
    sock.close()
    assert 0 < received < pipelined * 1_400_000, received


def test_a_connection_flood_past_the_open_file_limit_leaves_the_log_bounded(
    tiny_model_dir, tmp_path
):
    def low_file_limit() -> None:  # a hard limit the service cannot raise
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    log_path = tmp_path / "stderr.log"
    extra = ["--header-timeout", "2"]
    with _serving(tiny_model_dir, log_path, extra, preexec=low_file_limit) as port:
        before = log_path.stat().st_size
        flood = []
        for _ in range(1500):
            try:
                flood.append(_connect(port))
            except OSError:
                break
        time.sleep(3)  # the flood's sockets time out after 2 s
        assert _healthy(port, within_s=8), "a connection flood blocked new requests"
        grown = log_path.stat().st_size - before
        for sock in flood:
            sock.close()
    assert grown < 20_000, f"the log grew by {grown:,} bytes during a flood of {len(flood)}"
    assert "open-file limit allows" in log_path.read_text()


def test_the_log_filter_drops_floods_but_never_request_lines():
    import logging

    from classifier.service_server import RateLimitedLog

    log_filter = RateLimitedLog(burst=5, window_s=60)

    def record(level: int, msg: str, args: tuple = ()) -> logging.LogRecord:
        return logging.LogRecord("genuine.service", level, __file__, 0, msg, args, None)

    warnings = [record(logging.WARNING, "socket.accept() failed: %s", (i,)) for i in range(100)]
    assert sum(map(log_filter.filter, warnings)) == 5
    requests = [record(logging.INFO, json.dumps({"event": "request", "id": i})) for i in range(100)]
    assert all(map(log_filter.filter, requests))
    errors = [
        record(logging.ERROR, json.dumps({"event": "request", "status": 500, "id": i}))
        for i in range(50)
    ]
    assert all(map(log_filter.filter, errors))
