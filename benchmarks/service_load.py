"""Load test of the HTTP service on localhost (bounded in time and requests; loopback only).

Starts ``genuine serve`` on 127.0.0.1, then N clients (asyncio, one keep-alive connection each,
plain HTTP/1.1 written by hand so that the client costs little next to the server)
send requests for D seconds and the script prints requests/s, comments/s, latency p50/p99,
errors and the server's memory (RSS) over the run (growth should level off).

- ``--endpoint predict --batch 100``: batches to /v1/predict (the bulk workload);
- ``--endpoint analyze``: one comment per request to the Perspective-compatible
  /v1alpha1/comments:analyze, as Perspective callers send (``--batch`` is then 1);
- ``--rate R``: open loop, R requests/s in all, spread over the clients; latency is counted
  from each request's scheduled time, so a server that falls behind shows it (without
  ``--rate`` each client sends its next request as soon as the last one is answered);
- ``--keys K``: serve with ``--keys`` and K API keys made by ``genuine keys add`` (client i
  uses key i mod K); with ``--key-qps Q`` each key may send Q queries/s, 429s are expected and
  the script checks that each key got Q/s within 5%;
- ``--bulk-clients B``: B more clients send 2,000-comment batches meanwhile, to show that the
  small requests measured do not queue behind them.

Run: python benchmarks/service_load.py --endpoint analyze --clients 20 --rate 200 --seconds 60
     python benchmarks/service_load.py --endpoint predict --clients 50 --batch 100 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS_PER_CLIENT = 100_000  # a hard bound, whatever --seconds says
QUOTA_TOLERANCE = 0.05


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its worker processes (``--workers N`` forks them)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += rss_mb(int(child))
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server and its worker processes."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += cpu_seconds(int(child))
    return total


def texts() -> list[tuple[str, str]]:
    """(text, lang) pairs from the corpus."""
    rows = []
    for path in sorted((ROOT / "data" / "corpus").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                rows.append((row["text"], row.get("lang") or path.name[:2]))
    return rows or [
        ("hay quá", "vi"),
        ("màu son này lên môi có bị khô không?", "vi"),
        ("好看", "zh"),
    ]


def make_keys(count: int, qps: float | None, folder: Path) -> tuple[Path, list[str]]:
    """A key file with ``count`` keys made by ``genuine keys add``; returns it and the keys."""
    key_file = folder / "keys.json"
    keys = []
    for index in range(count):
        command = [sys.executable, "-m", "genuine_cli", "keys", "add", f"load-{index}"]
        command += ["--file", str(key_file)]
        if qps:
            command += ["--qps", str(qps)]
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
        keys.append(out.strip().splitlines()[-1].strip())
    return key_file, keys


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    send_lag: list[float] = field(default_factory=list)  # scheduled -> sent: the client's delay
    bulk_requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    accepted_by_key: Counter[int] = field(default_factory=Counter)


def request_body(
    endpoint: str, rng: random.Random, pool: list[tuple[str, str]], batch: int
) -> dict:
    if endpoint == "analyze":
        text, lang = rng.choice(pool)
        return {
            "comment": {"text": text},
            "requestedAttributes": {"SPAM": {}, "UNSUBSTANTIAL": {}},
            "languages": [lang],
        }
    return {"comments": [{"text": rng.choice(pool)[0]} for _ in range(batch)]}


class RawClient:
    """One keep-alive HTTP/1.1 connection, hand-written: a load generator must cost far less
    than the server it measures (httpx spends ~1 ms of CPU per request, as much as the server)."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def post(self, path: str, body: bytes) -> int:
        if self.writer is None or self.writer.is_closing():
            await self.connect()
        assert self.reader is not None and self.writer is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{self.extra}\r\n"
        )
        self.writer.write(head.encode("latin-1") + body)
        answer = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        length = int(answer.split("content-length:", 1)[1].split("\r\n", 1)[0])
        await self.reader.readexactly(length)
        if "connection: close" in answer:
            self.writer.close()
        return int(answer[9:12])

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def run_clients(args: argparse.Namespace, port: int, keys: list[str], tally: Tally) -> float:
    pool = texts()
    path = "/v1alpha1/comments:analyze" if args.endpoint == "analyze" else "/v1/predict"
    clients = []
    for index in range(args.clients):  # connected before the clock starts
        headers = {"Authorization": f"Bearer {keys[index % len(keys)]}"} if keys else {}
        http = RawClient(port, headers)
        await http.connect()
        clients.append(http)
    began = time.perf_counter()
    stop_at = began + args.seconds
    interval = args.clients / args.rate if args.rate else 0.0

    async def client(index: int, http: RawClient) -> None:
        rng = random.Random(index)
        key_index = index % len(keys) if keys else -1
        scheduled = began + (index / args.clients) * interval
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if interval:
                await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            start = scheduled if interval else time.perf_counter()
            if start >= stop_at:
                return
            body = json.dumps(request_body(args.endpoint, rng, pool, args.batch)).encode()
            sent = time.perf_counter()
            try:
                status = await asyncio.wait_for(http.post(path, body), timeout=30)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                status = 0
                tally.failures[type(exc).__name__] += 1
                await http.close()
            tally.latencies.append(time.perf_counter() - start)
            tally.send_lag.append(sent - start)
            tally.statuses[status] += 1
            if status == 200:
                tally.accepted_by_key[key_index] += 1
            scheduled += interval

    async def bulk_client(index: int, http: RawClient) -> None:
        rng = random.Random(10_000 + index)
        while time.perf_counter() < stop_at:
            body = {"comments": [{"text": rng.choice(pool)[0]} for _ in range(args.bulk_batch)]}
            try:
                await asyncio.wait_for(http.post("/v1/predict", json.dumps(body).encode()), 60)
                tally.bulk_requests += 1
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                await http.close()

    bulk = []
    for index in range(args.bulk_clients):
        http = RawClient(port, {"Authorization": f"Bearer {keys[0]}"} if keys else {})
        await http.connect()
        bulk.append(bulk_client(index, http))
    try:
        await asyncio.gather(*(client(i, http) for i, http in enumerate(clients)), *bulk)
    finally:
        for http in clients:
            await http.close()
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--endpoint", choices=("predict", "analyze"), default="predict")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--batch", type=int, default=32, help="comments per /v1/predict request")
    parser.add_argument("--rate", type=float, default=0, help="requests/s in all (open loop)")
    parser.add_argument("--keys", type=int, default=0, help="serve with this many API keys")
    parser.add_argument("--key-qps", type=float, default=None, help="queries/s quota of each key")
    parser.add_argument("--model", default=None)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--bulk-clients",
        type=int,
        default=0,
        help="more clients sending big /v1/predict batches meanwhile (not in the table): "
        "shows whether small requests wait behind them",
    )
    parser.add_argument("--bulk-batch", type=int, default=2000, help="comments per bulk batch")
    args = parser.parse_args()
    if args.endpoint == "analyze":
        args.batch = 1
    port = free_port()
    scratch = Path(tempfile.mkdtemp(prefix="genuine-load-"))
    command = [sys.executable, "-m", "genuine_cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--workers", str(args.workers)]
    keys: list[str] = []
    if args.keys:
        key_file, keys = make_keys(args.keys, args.key_qps, scratch)
        command += ["--keys", str(key_file)]
    if args.model:
        command += ["--model", args.model]
    server = subprocess.Popen(command, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            print("server did not become ready in 120 s")
            return 1
        tally = Tally()
        rss_start = rss_mb(server.pid)
        cpu_start = cpu_seconds(server.pid)
        samples: list[float] = []  # server RSS every few seconds: growth must level off
        sampling = threading.Event()

        def sample_memory() -> None:
            while not sampling.wait(max(1.0, args.seconds / 12)):
                samples.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        wall = asyncio.run(run_clients(args, port, keys, tally))
        sampling.set()
        rss_end = rss_mb(server.pid)
        cpu = cpu_seconds(server.pid) - cpu_start
        return report(args, tally, wall, cpu, (rss_start, rss_end), samples)
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(
    args: argparse.Namespace,
    tally: Tally,
    wall: float,
    cpu: float,
    rss: tuple[float, float],
    samples: list[float],
) -> int:
    lat = tally.latencies
    quantiles = statistics.quantiles(lat, n=100) if len(lat) > 1 else [float("nan")] * 99
    requests = len(lat)
    ok = tally.statuses[200]
    refused = tally.statuses[429] if args.key_qps else 0
    errors = requests - ok - refused
    print(
        "| endpoint | workers | clients | batch | offered req/s | keys | seconds | requests "
        "| req/s answered 200 | comments/s | p50 ms | p99 ms | errors | 429 | server CPU ms/request "
        "| server RSS start -> end MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.endpoint} | {args.workers} | {args.clients} | {args.batch} "
        f"| {args.rate or 'closed loop'} | {args.keys or '-'} | {wall:.0f} | {requests} "
        f"| {ok / wall:,.1f} | {ok * args.batch / wall:,.0f} | {quantiles[49] * 1000:.1f} "
        f"| {quantiles[98] * 1000:.1f} | {errors} | {refused} | {cpu * 1000 / max(requests, 1):.2f} "
        f"| {rss[0]:.0f} -> {rss[1]:.0f} |"
    )
    print(f"\nstatuses: {dict(sorted(tally.statuses.items()))}  failures: {dict(tally.failures)}")
    if args.bulk_clients:
        print(
            f"meanwhile {args.bulk_clients} bulk clients had {tally.bulk_requests} batches of "
            f"{args.bulk_batch} comments answered ({tally.bulk_requests * args.bulk_batch / wall:,.0f} comments/s)"
        )
    if args.rate and len(tally.send_lag) > 1:
        lag = statistics.quantiles(tally.send_lag, n=100)
        print(
            f"client lag (scheduled -> sent, part of the latency above): p50 {lag[49] * 1000:.1f} "
            f"ms, p99 {lag[98] * 1000:.1f} ms; client CPU {time.process_time():.1f} s"
        )
    print(f"server RSS during the run (MB): {' '.join(f'{m:.0f}' for m in samples)}")
    quota_ok = True
    if args.keys and args.key_qps:
        rates = [tally.accepted_by_key[i] / wall for i in range(args.keys)]
        clients_per_key = [len(range(i, args.clients, args.keys)) for i in range(args.keys)]
        expected = [
            min(args.key_qps, args.rate * n / args.clients) if args.rate else args.key_qps
            for n in clients_per_key
        ]
        worst = max(abs(rate / want - 1) for rate, want in zip(rates, expected, strict=True))
        quota_ok = worst <= QUOTA_TOLERANCE
        print(
            f"per-key accepted rate (quota {args.key_qps:g}/s, offered "
            f"{args.rate / args.keys if args.rate else 'unbounded'}/s): min {min(rates):.2f} "
            f"max {max(rates):.2f}; worst deviation {worst:.1%} "
            f"({'within' if quota_ok else 'OUTSIDE'} {QUOTA_TOLERANCE:.0%})"
        )
    return 0 if errors == 0 and quota_ok else 1


if __name__ == "__main__":
    sys.exit(main())
