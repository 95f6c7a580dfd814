"""Benchmark for issue 4: inbox query latency with 100,000 open tasks (target p95 <= 20 ms).

The task index is filled directly (bulk inserts into instances and human_tasks, plus completed
history and a few reassignments): what is measured is the inbox query, not how the tasks got
there. The distribution mimics a large campaign: 300 recommending units, 12 consulted departments,
the office lane and the leading body; 70 % of open tasks have a due date spread over 60 days.

Measured per user kind: engine.tasks.inbox.inbox() (two counts + the page query + instance facts, one
read transaction), and the whole HTTP request GET /api/tasks through Flask with bearer-token
authentication.

Usage: python benchmarks/bench_inbox.py [--open N] [--runs R] [--pg URL]
Prints a Markdown section to paste into benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from engine.people.access import Principal
from engine.people.users import create_user, issue_token
from engine.storage.db import Database
from engine.storage.models import Base, Deployment, HumanTask, Instance
from engine.storage.task_tables import TaskAssignment
from engine.tasks.inbox import InboxFilter, inbox

EXTRA_PG_OPTIONS = __import__("os").environ.get("BENCH_PG_OPTIONS", "")
NOW = datetime(2025, 10, 10, 2, 0, tzinfo=timezone.utc)
UNITS = [f"推荐单位{i:03d}" for i in range(300)]
DEPARTMENTS = [f"征求意见部门{i:02d}" for i in range(12)]
LANES = [  # lane, role, unit choices, share of open tasks
    ("推荐单位", "staff", UNITS, 0.50),
    ("征求意见部门", "staff", DEPARTMENTS, 0.30),
    ("专班办公室", "office", [None], 0.15),
    ("领导机构", "leading", [None], 0.05),
]


def populate(db: Database, n_open: int, seed: int = 4) -> None:
    rng = random.Random(seed)
    Base.metadata.create_all(db.engine)
    with db.transaction() as s:
        s.add(Deployment(id=1, name="bench", version=1, content_hash="0" * 64, files={}, process_ids=["p"],
                         deployed_by="bench", deployed_at=NOW))
    n_instances = n_open // 2
    instance_ids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(n_instances)]
    rows = [{"id": i, "deployment_id": 1, "process_id": "p", "status": "running", "version": 1, "snapshot": "{}",
             "id_counter": 0, "last_seq": 1, "last_hash": "0" * 64, "business_key": f"推荐对象{k}",
             "created_at": NOW, "updated_at": NOW} for k, i in enumerate(instance_ids)]
    _bulk(db, Instance, rows)
    tasks, assigned = [], []
    weights = [share for *_, share in LANES]
    for k in range(n_open + n_open // 2):  # plus completed history
        lane, role, units, _ = rng.choices(LANES, weights)[0]
        open_ = k < n_open
        due = NOW + timedelta(hours=rng.randint(-24 * 10, 24 * 50)) if rng.random() < 0.7 else None
        task_id = str(uuid.UUID(int=rng.getrandbits(128)))
        tasks.append({"task_id": task_id, "instance_id": rng.choice(instance_ids), "spec_name": "Task",
                      "title": f"{lane}待办", "lane": lane, "role": role, "unit": rng.choice(units),
                      "form": None, "due_at": due, "state": "ready" if open_ else "completed",
                      "created_at": NOW - timedelta(minutes=k), "completed_at": None if open_ else NOW,
                      "completed_by": None if open_ else "someone"})
        if open_ and rng.random() < 0.01:
            assigned.append({"task_id": task_id, "assignee": "someone_else", "assigned_by": "bench",
                             "assigned_at": NOW})
    _bulk(db, HumanTask, tasks)
    _bulk(db, TaskAssignment, assigned)
    # Statistics (and on PostgreSQL the visibility map) as autovacuum would leave them.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if db.is_postgres else "ANALYZE"))


def _bulk(db: Database, model, rows: list[dict], chunk: int = 5000) -> None:
    with db.transaction() as s:
        for i in range(0, len(rows), chunk):
            s.execute(insert(model), rows[i:i + chunk])


CASES = [  # label, principal, filter
    ("经办人员（推荐单位，约 170 条）第 1 页", Principal(1, "u", "staff", UNITS[7]), InboxFilter()),
    ("经办人员（征求意见部门，约 2,500 条）第 1 页", Principal(2, "d", "staff", DEPARTMENTS[3]), InboxFilter()),
    ("经办人员（征求意见部门）第 50 页", Principal(2, "d", "staff", DEPARTMENTS[3]), InboxFilter(page=50)),
    ("专班办公室（约 15,000 条）第 1 页", Principal(3, "o", "office"), InboxFilter()),
    ("专班办公室 已逾期 第 1 页", Principal(3, "o", "office"), InboxFilter(overdue=True)),
    ("专班办公室 第 600 页（越过有截止时间的部分）", Principal(3, "o", "office"), InboxFilter(page=600)),
    ("审计人员（全部 100,000 条）第 1 页", Principal(4, "a", "auditor"), InboxFilter()),
    ("审计人员 按创建时间倒序 第 1 页", Principal(4, "a", "auditor"), InboxFilter(sort="-created_at")),
]


def timed(fn, runs: int) -> tuple[float, float]:
    for _ in range(5):
        fn()  # warm caches and statement compilation
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def measure(db: Database, runs: int) -> list[tuple[str, float, float, int]]:
    out = []
    for label, principal, f in CASES:
        def query():
            return inbox(db, principal, f, NOW)
        total = query().total
        p50, p95 = timed(query, runs)
        out.append((label, p50, p95, total))
    return out


def measure_http(db: Database, runs: int) -> list[tuple[str, float, float, int]]:
    from api import create_app
    from engine.config import Settings
    from engine.services import build

    services = build(Settings(database_url=db.url), db=db, clock=lambda: NOW)
    client = create_app(services).test_client()
    out = []
    for label, name, role, unit, query in [
        ("GET /api/tasks 经办人员（推荐单位）", "bench_unit", "staff", UNITS[7], ""),
        ("GET /api/tasks 专班办公室", "bench_office", "office", None, ""),
        ("GET /api/tasks?overdue=true 审计人员", "bench_auditor", "auditor", None, "?overdue=true"),
    ]:
        with db.transaction() as s:
            p = create_user(s, name, role, NOW, unit=unit)
            token = issue_token(s, p.id, NOW, ttl=timedelta(days=1))[0]
        headers = {"Authorization": f"Bearer {token}"}

        def call():
            r = client.get(f"/api/tasks{query}", headers=headers)
            assert r.status_code == 200, r.get_data(as_text=True)
            return r.json["total"]
        total = call()
        p50, p95 = timed(call, runs)
        out.append((label, p50, p95, total))
    return out


def pg_database(url: str):
    schema = f"bench_inbox_{int(time.time())}"
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    db = Database(url, connect_args={"options": f"-csearch_path={schema} " + EXTRA_PG_OPTIONS})

    def drop():
        db.dispose()
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return db, drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=100_000, help="open tasks")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pg", help="PostgreSQL URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    print(f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()}: "
          f"`python benchmarks/bench_inbox.py --open {args.open} --runs {args.runs}"
          f"{' --pg ' + args.pg if args.pg else ''}`\n")
    for label in ["SQLite"] + (["PostgreSQL"] if args.pg else []):
        if label == "SQLite":
            tmp = tempfile.TemporaryDirectory()
            db, cleanup = Database(f"sqlite:///{Path(tmp.name) / 'bench.db'}"), tmp.cleanup
        else:
            db, cleanup = pg_database(args.pg)
        try:
            t0 = time.perf_counter()
            populate(db, args.open)
            print(f"### {label}\n\n{args.open:,} open tasks (+{args.open // 2:,} completed) loaded in "
                  f"{time.perf_counter() - t0:.0f} s; {args.runs} runs per row.\n")
            print("| query | tasks matched | p50 ms | p95 ms |\n|---|---|---|---|")
            for name, p50, p95, total in measure(db, args.runs) + measure_http(db, args.runs):
                print(f"| {name} | {total:,} | {p50:.2f} | {p95:.2f} |")
            print()
        finally:
            db.dispose()
            cleanup()


if __name__ == "__main__":
    main()
