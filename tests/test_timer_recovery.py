"""After kill -9 of a worker holding timer claims, a restarted worker fires them at once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.config import REPO_ROOT, Settings
from engine.services import build, seed_calendar
from engine.storage import migrate
from engine.storage.models import Instance, Timer
from engine.timekeeping.timers import LEASE, claim_due, renew
from tests.conftest import PG_URL, PgSchema, deploy_folder

HERE = Path(__file__).parent

CLAIMER = """
import sys, time
from datetime import datetime, timezone
from engine.services import build
from engine.timekeeping.timers import claim_due, worker_name
services = build()
claimed = claim_due(services.runtime, datetime.now(timezone.utc), worker_name(), limit=100)
print(len(claimed), flush=True)
time.sleep(600)  # killed here, mid-sweep, holding every claim
"""


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def live_db(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'timers.db'}"
        return
    schema = PgSchema()
    yield f"{PG_URL}?options=-csearch_path%3D{schema.name}"
    schema.drop()


def waiting(services) -> tuple[int, int]:
    with services.db.transaction(write=False) as s:
        total = s.scalar(select(func.count()).select_from(Timer).where(Timer.status == "waiting"))
        leased = s.scalar(select(func.count()).select_from(Timer).where(
            Timer.status == "waiting", Timer.lease_until > datetime.now(timezone.utc)))
    return total, leased


def test_a_killed_workers_claims_fire_within_seconds_of_the_restart(live_db):
    services = build(Settings(database_url=live_db))
    migrate.upgrade(services.db)
    seed_calendar(services.db)
    deploy_folder(services, HERE / "bpmn" / "timer_only")
    due = datetime.now(timezone.utc) + timedelta(seconds=2)
    ids = [services.runtime.start("timer_only", {"due": due.isoformat()}).id for _ in range(30)]
    time.sleep(max(0.0, (due - datetime.now(timezone.utc)).total_seconds()) + 0.2)
    env = dict(os.environ, DATABASE_URL=live_db)
    child = subprocess.Popen([sys.executable, "-c", CLAIMER], env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "30"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert waiting(services) == (30, 30)  # all claimed by the dead worker, leases running

    started = time.monotonic()
    restart = subprocess.run([sys.executable, "-m", "pingxuan.cli", "timers", "--once"], env=env, cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=60)
    assert restart.returncode == 0, restart.stderr
    assert time.monotonic() - started < 10
    assert "已推进 30 个流程实例" in restart.stdout
    with services.db.transaction(write=False) as s:
        statuses = s.scalars(select(Instance.status).where(Instance.id.in_(ids))).all()
    assert statuses == ["completed"] * 30
    services.db.dispose()


def test_leases_are_short_and_renewed_while_held(services, clock):
    deploy_folder(services, HERE / "bpmn" / "timer_only")
    view = services.runtime.start("timer_only", {"due": (clock() + timedelta(minutes=1)).isoformat()})
    clock.advance(minutes=2)
    sample = services
    assert LEASE <= timedelta(seconds=30)
    assert claim_due(sample.runtime, clock(), "host:1:1") == [view.id]
    clock.advance(seconds=25)
    assert renew(sample.runtime, "host:1:1", clock()) == 1
    clock.advance(seconds=25)  # past the first lease, within the renewed one: nobody else may take it
    assert claim_due(sample.runtime, clock(), "other:2:2") == []
    clock.advance(seconds=10)
    assert claim_due(sample.runtime, clock(), "other:2:2") == [view.id]
