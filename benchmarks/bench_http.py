"""Task completions over HTTP against a real `pingxuan serve` (gunicorn): 1 client vs 16 clients.

Each client logs in once (a session cookie, so every request is authenticated and CSRF-checked
as the browser's are), starts its instances beforehand, then submits each first task (form
validation, the runtime command, its commit): one submit is one completion.

Usage: python benchmarks/bench_http.py [--pg URL] [--per-client N] [--workers W]
Prints a Markdown table for benchmarks/RESULTS.md."""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.live_server import LiveServer, prepared_env  # noqa: E402

START = {"submit_by": "2030-01-01", "departments": ["公安"]}
FORM = {"candidate_name": "示例机械厂技术科", "deeds": "攻克关键工艺难题。"}


class Client:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        status, body, headers = self.call("POST", "/api/auth/login", {"name": "unit", "password": "pingxuan-demo"})
        assert status == 200, body
        cookie = "; ".join(h.split(";", 1)[0] for k, h in headers if k.lower() == "set-cookie")
        self.headers = {"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": body["csrf_token"]}

    def call(self, method, path, body=None):
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                          headers=getattr(self, "headers", {"Content-Type": "application/json"}))
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"null"), response.getheaders()

    def prepare(self, n: int) -> list[tuple[str, int]]:
        tasks = []
        for _ in range(n):
            status, inst, _ = self.call("POST", "/api/instances", {"process_id": "sample_nomination", "data": START})
            assert status == 201, inst
            tasks.append((inst["ready_tasks"][0]["task_id"], inst["version"]))
        return tasks

    def complete(self, tasks, latencies: list[float]) -> None:
        for task_id, version in tasks:
            t0 = time.perf_counter()
            status, body, _ = self.call("POST", f"/api/tasks/{task_id}/submit", {"version": version, "data": FORM})
            latencies.append(time.perf_counter() - t0)
            assert status == 200, body


def run(port: int, clients: int, per_client: int) -> dict:
    pool = [Client(port) for _ in range(clients)]
    work = [c.prepare(per_client) for c in pool]
    latencies: list[float] = []
    threads = [threading.Thread(target=c.complete, args=(w, latencies)) for c, w in zip(pool, work)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    return {"clients": clients, "completions": len(ms), "per_s": len(ms) / elapsed,
            "p50": statistics.median(ms), "p99": ms[min(len(ms) - 1, int(len(ms) * 0.99))]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="PostgreSQL URL (an empty database or schema is migrated)")
    parser.add_argument("--per-client", type=int, default=30)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--clients", default="1,16")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_http_"))
    url = args.pg or f"sqlite:///{tmp / 'bench.db'}"
    env = prepared_env(url, {"PINGXUAN_TIMER_SWEEP_SECONDS": "3600"})
    server = LiveServer(env, tmp, "--workers", str(args.workers), "--keep-alive", "300")
    try:
        rows = [run(server.port, int(n), args.per_client if n == "1" else max(5, args.per_client // 2))
                for n in args.clients.split(",")]
    finally:
        server.stop()
    print(f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores), "
          f"{'PostgreSQL' if args.pg else 'SQLite'}, workers={args.workers or os.cpu_count()}\n")
    print("| clients | completions | completions/s | p50 ms | p99 ms |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['clients']} | {r['completions']} | {r['per_s']:.1f} | {r['p50']:.2f} | {r['p99']:.2f} |")
    if len(rows) > 1:
        print(f"\n{rows[-1]['clients']} clients / 1 client throughput: {rows[-1]['per_s'] / rows[0]['per_s']:.2f}x")


if __name__ == "__main__":
    main()
