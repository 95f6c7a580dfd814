"""Time to interactive of the first page (待办) in headless Chromium with 100,000 open tasks.

The task index is filled as benchmarks/bench_inbox.py does; the real app (built web/dist, Flask,
engine) runs on a free localhost port. Each run opens a fresh browser context that is already signed
in (session cookie from POST /api/auth/login), loads "/", and stops when the first task row's link is
on screen — the user can click it (the filter counts may still be arriving). Reported: the wall time
from navigation start, and the browser's own domInteractive for comparison.

Usage (after `make web`): .venv/bin/python benchmarks/web_tti.py [--open N] [--runs R] [--who office|staff]"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inbox import DEPARTMENTS, NOW, populate  # noqa: E402

from api import create_app  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.people import users  # noqa: E402
from engine.services import build, seed_calendar  # noqa: E402
from engine.storage.db import Database  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "Bench-password-1"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = tempfile.TemporaryDirectory()
    db = Database(f"sqlite:///{Path(tmp.name) / 'tti.db'}")
    t0 = time.perf_counter()
    populate(db, args.open)
    seed_calendar(db)
    services = build(Settings(database_url=db.url), db=db, clock=lambda: NOW)
    with db.transaction() as s:
        users.create_user(s, "bench_office", "office", NOW, password=PASSWORD, display_name="专班")
        users.create_user(s, "bench_dept", "staff", NOW, unit=DEPARTMENTS[3], password=PASSWORD, display_name="部门")
    loaded = time.perf_counter() - t0
    __import__("logging").getLogger("werkzeug").setLevel("ERROR")
    server = make_server("127.0.0.1", 0, create_app(services), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    print(f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()} "
          f"(SQLite, {args.open:,} open tasks loaded in {loaded:.0f} s), {args.runs} runs each:\n")
    print("| user | p50 ms (row clickable) | max ms | domInteractive p50 ms |\n|---|---|---|---|")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            for who, label in (("bench_dept", "经办人员（征求意见部门，约 2,500 条）"), ("bench_office", "专班办公室（约 15,000 条）")):
                walls, dom = [], []
                for run in range(args.runs + 1):  # the first run warms the server's caches
                    context = browser.new_context(viewport={"width": 1366, "height": 768})
                    context.request.post(base + "/api/auth/login", data={"name": who, "password": PASSWORD})
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(base + "/")
                    page.locator("tbody tr a").first.wait_for()
                    wall = (time.perf_counter() - start) * 1000
                    interactive = page.evaluate("performance.getEntriesByType('navigation')[0].domInteractive")
                    context.close()
                    if run:
                        walls.append(wall)
                        dom.append(interactive)
                print(f"| {label} | {statistics.median(walls):.0f} | {max(walls):.0f} | {statistics.median(dom):.0f} |")
            browser.close()
    finally:
        server.shutdown()
        db.dispose()
        tmp.cleanup()


if __name__ == "__main__":
    main()
