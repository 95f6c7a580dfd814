"""Profile one task completion through the whole WSGI request path (authentication, CSRF,
argument parsing, form validation, the runtime command, the response) on SQLite, in process.

Usage: python benchmarks/profile_submit.py [--n 300] [--profile] — prints p50/p90 and, with
--profile, the top of a cProfile by cumulative and by own time."""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api import create_app  # noqa: E402
from engine.config import REPO_ROOT, Settings  # noqa: E402
from engine.definitions import catalog, definitions  # noqa: E402
from engine.people import users  # noqa: E402
from engine.services import build, seed_calendar, tune_gc  # noqa: E402
from engine.storage import migrate  # noqa: E402
from engine.storage.db import Database  # noqa: E402

START = {"submit_by": "2030-01-01", "departments": ["公安"]}
FORM = {"candidate_name": "示例机械厂技术科", "deeds": "攻克关键工艺难题。"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    tune_gc()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'p.db'}"
    db = Database(url)
    migrate.upgrade(db)
    seed_calendar(db)
    services = build(Settings(database_url=url), db=db)
    catalog.deploy(services, "sample", definitions.bundle_from_folder(REPO_ROOT / "processes" / "sample"), "bench")
    with db.transaction() as session:
        user = users.create_user(session, "unit", "staff", datetime.now(timezone.utc), unit="示例机械厂")
        token, _ = users.issue_token(session, user.id, datetime.now(timezone.utc), ttl=timedelta(days=1))
    client = create_app(services).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    tasks = []
    for _ in range(args.n):
        inst = client.post("/api/instances", json={"process_id": "sample_nomination", "data": START}, headers=headers).json
        tasks.append((inst["ready_tasks"][0]["task_id"], inst["version"]))
    profiler = cProfile.Profile() if args.profile else None
    times = []
    for task_id, version in tasks:
        if profiler:
            profiler.enable()
        t0 = time.perf_counter()
        r = client.post(f"/api/tasks/{task_id}/submit", json={"version": version, "data": FORM}, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        if profiler:
            profiler.disable()
        assert r.status_code == 200, r.get_data(as_text=True)
    times.sort()
    print(f"{args.n} submits in process on SQLite: p50 {statistics.median(times):.2f} ms, "
          f"p90 {times[int(len(times) * 0.9)]:.2f} ms")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
