"""Load test of the HTTP service on localhost (bounded in time and requests; loopback only).

Starts ``genuine serve`` on 127.0.0.1, then N client threads send 32-comment batches to
/v1/predict for D seconds. Prints throughput, latency p50/p99, errors and the server's memory
(RSS) at the start and end of the run (growth should be flat).
Run: python benchmarks/service_load.py [--clients 20] [--seconds 60] [--batch 32] [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS_PER_CLIENT = 100_000  # a hard bound, whatever --seconds says


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


def texts() -> list[str]:
    rows = []
    for path in sorted((ROOT / "data" / "corpus").glob("*.jsonl")):
        rows += [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    return rows or ["hay quá", "màu son này lên môi có bị khô không?", "好看", "nice pic"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--model", default=None)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args()
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "classifier",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--workers",
        str(args.workers),
    ]
    if args.model:
        command += ["--model", args.model]
    server = subprocess.Popen(command, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            print("server did not become ready in 60 s")
            return 1
        pool = texts()
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        rss_start = rss_mb(server.pid)
        stop_at = time.time() + args.seconds

        def client(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            with httpx.Client(base_url=base, timeout=30) as http:
                for _ in range(MAX_REQUESTS_PER_CLIENT):
                    if time.time() >= stop_at:
                        return
                    body = {"comments": [{"text": rng.choice(pool)} for _ in range(args.batch)]}
                    start = time.perf_counter()
                    try:
                        ok = http.post("/v1/predict", json=body).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies.append(elapsed)
                        errors += not ok

        samples: list[float] = []  # server RSS every few seconds: growth must level off

        def sample_memory() -> None:
            while time.time() < stop_at:
                samples.append(rss_mb(server.pid))
                time.sleep(max(1.0, args.seconds / 12))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        threads.append(threading.Thread(target=sample_memory))
        began = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.time() - began
        rss_end = rss_mb(server.pid)
        quantiles = (
            statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
        )
        print(
            "| workers | clients | batch | seconds | requests | comments/s | p50 ms | p99 ms | errors | server RSS start -> end MB |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        print(
            f"| {args.workers} | {args.clients} | {args.batch} | {wall:.0f} | {len(latencies)} | {len(latencies) * args.batch / wall:,.0f} | "
            f"{quantiles[49] * 1000:.0f} | {quantiles[98] * 1000:.0f} | {errors} | {rss_start:.0f} -> {rss_end:.0f} |"
        )
        print(f"\nserver RSS during the run (MB): {' '.join(f'{m:.0f}' for m in samples)}")
        return 0 if errors == 0 else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
