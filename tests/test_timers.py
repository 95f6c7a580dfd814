"""Durable timers: the sweep, deadlines, catching up after downtime, and exactly-once firing."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.storage.models import Event, HumanTask, Instance, Timer
from engine.timekeeping.timers import start_scheduler, sweep
from tests.conftest import PG_URL, deploy_folder
from tests.test_runtime import NOMINATION, START

HERE = Path(__file__).parent


def test_missed_deadline_ends_as_withdrawn(sample):
    view = sample.runtime.start("sample_nomination", START)
    sample.runtime.clock.set(datetime(2025, 9, 30, 15, 59, tzinfo=timezone.utc))  # 23:59 Beijing, still in time
    assert sweep(sample.runtime) == 0
    sample.runtime.clock.set(datetime(2025, 9, 30, 16, 0, 1, tzinfo=timezone.utc))
    assert sweep(sample.runtime) == 1
    after = sample.runtime.instance(view.id)
    assert after.status == "completed" and after.ready_tasks == []
    wf = sample.runtime.workflow(view.id)
    assert wf.get_tasks(spec_name="End_withdrawn")[0].state == 64
    with sample.db.transaction(write=False) as s:
        assert s.get(HumanTask, view.ready_tasks[0]["task_id"]).state == "cancelled"
        event = s.scalar(select(Event).where(Event.instance_id == view.id, Event.type == "timers_fired"))
        assert event.actor == "timer" and len(event.payload["timers"]) == 1
        timer = s.scalar(select(Timer).where(Timer.instance_id == view.id))
        assert (timer.status, timer.fired_at) == ("fired", event.at)


def test_publicity_timer_waits_for_its_working_days(sample):
    view = sample.runtime.start("sample_nomination", START)
    view = sample.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], NOMINATION, "u", view.version)
    sample.runtime.clock.set(datetime(2025, 10, 9, 15, 59, tzinfo=timezone.utc))  # 9 Oct 23:59: day 5 not over
    assert sweep(sample.runtime) == 0
    sample.runtime.clock.set(datetime(2025, 10, 9, 16, 0, 1, tzinfo=timezone.utc))
    assert sweep(sample.runtime) == 1
    assert len(sample.runtime.instance(view.id).ready_tasks) == 2


def test_timer_due_while_nothing_ran_fires_when_scheduler_starts(services):
    deploy_folder(services, HERE / "bpmn" / "timer_only")
    view = services.runtime.start("timer_only", {"due": "2025-09-27T09:00:00+08:00"})
    services.runtime.clock.set(datetime(2025, 10, 1, tzinfo=timezone.utc))  # the server was down past the due time
    scheduler = start_scheduler(services.runtime, every_seconds=3600)
    try:
        deadline = time.monotonic() + 20
        while services.runtime.instance(view.id).status != "completed" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert services.runtime.instance(view.id).status == "completed"


@pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (CI always sets it)")
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_worker_processes_fire_each_of_1000_timers_exactly_once(services):
    deploy_folder(services, HERE / "bpmn" / "timer_only")
    # Due in 2025 by the test clock, long past by the wall clock the worker processes use.
    ids = [services.runtime.start("timer_only", {"due": "2025-10-01T00:00:00+08:00"}).id for _ in range(1000)]
    env = dict(os.environ, DATABASE_URL=f"{PG_URL}?options=-csearch_path%3D{services.db.pg_schema}")
    workers = [subprocess.Popen([sys.executable, "-m", "pingxuan.cli", "timers", "--once"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=600) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    advanced = [int(re.search(r"已推进 (\d+) 个", out).group(1)) for out, _ in outputs]
    assert sum(advanced) == 1000
    with services.db.transaction(write=False) as s:
        fired = s.execute(select(Event.instance_id, func.count()).where(Event.type == "timers_fired")
                          .group_by(Event.instance_id)).all()
        assert len(fired) == 1000 and all(count == 1 for _, count in fired)
        assert s.scalar(select(func.count()).select_from(Timer).where(Timer.status == "fired")) == 1000
        done = s.scalar(select(func.count()).select_from(Instance).where(Instance.id.in_(ids), Instance.status == "completed"))
        assert done == 1000
