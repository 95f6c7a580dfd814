"""`pingxuan audit scan`: every instance (or a campaign's) verified, chain and replay, failures named."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update

from engine.audit import audit_scan
from engine.config import REPO_ROOT, Settings
from engine.errors import NotFound
from engine.runtime import spiff
from engine.services import build
from engine.storage.models import Event, TaskData, TaskSnapshot
from tests.test_runtime import NOMINATION, START

OPINION = {"opinion": {"adverse": False, "comment": "同意", "signer": "经办人"}}


def scan(services, campaign_id=None):
    ticks = []
    report = audit_scan.scan(services, audit_scan.instances_to_scan(services, campaign_id), ticks.append)
    assert sum(ticks) == report.checked
    return report


def at_opinions(services, n):
    """n instances of the sample waiting for their departments' opinions (moved on together: the
    runtime's clock never goes back)."""
    views = [services.runtime.start("sample_nomination", START) for _ in range(n)]
    views = [services.runtime.complete_task(v.id, v.ready_tasks[0]["task_id"], NOMINATION, "u", v.version)
             for v in views]
    services.runtime.clock.set(datetime(2025, 10, 10, 1, 0, tzinfo=timezone.utc))
    assert all(services.runtime.fire_timers(v.id) for v in views)
    return [services.runtime.instance(v.id) for v in views]


def finished(services, n):
    done = []
    for view in at_opinions(services, n):
        for task in view.ready_tasks:
            view = services.runtime.complete_task(view.id, task["task_id"], OPINION, "dept", view.version)
        done.append(services.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], {"approved": True},
                                                   "leader", view.version).id)
    return done


def alter_final_decision(services, instance_id):
    """Change the stored data of the final review (the snapshot), not its event."""
    with services.db.transaction() as s:
        rows = s.execute(select(TaskSnapshot.body, TaskSnapshot.data_digest)
                         .where(TaskSnapshot.instance_id == instance_id)).all()
        digest = next(d for b, d in rows if json.loads(b)["task_spec"] == "Final_review")
        body = json.loads(s.scalar(select(TaskData.body).where(TaskData.instance_id == instance_id,
                                                               TaskData.digest == digest)))
        s.execute(update(TaskData).where(TaskData.instance_id == instance_id, TaskData.digest == digest)
                  .values(body=json.dumps({**body, "approved": False})))


def alter_event(services, instance_id, seq=2):
    with services.db.transaction() as s:
        event = s.scalar(select(Event).where(Event.instance_id == instance_id, Event.seq == seq))
        s.execute(update(Event).where(Event.id == event.id).values(payload={**event.payload, "extra": 1}))


def test_scan_names_exactly_the_instances_that_fail(sample):
    good, snapshot_altered, event_altered = finished(sample, 3)
    running = sample.runtime.start("sample_nomination", START).id
    assert scan(sample).ok and scan(sample).checked == 4
    alter_final_decision(sample, snapshot_altered)
    alter_event(sample, event_altered)
    report = scan(sample)
    assert report.checked == 4 and not report.ok
    failures = {f.instance_id: f for f in report.failures}
    assert set(failures) == {snapshot_altered, event_altered}
    assert failures[snapshot_altered].reason.startswith("重放与存储快照不一致")
    assert "的 data 不一致" in failures[snapshot_altered].reason and failures[snapshot_altered].differences >= 1
    assert failures[event_altered].reason.startswith("哈希链校验失败") and "第 2 号事件" in failures[event_altered].reason
    assert good not in failures and running not in failures


def test_scan_finds_an_instance_stuck_by_unmerged_opinions(sample, monkeypatch):
    """The defect of issue 9 item 4, recreated: a second process whose specs are not wired takes
    the answers of a round the first process opened; the candidate waits with nothing to wait for."""
    [stuck] = at_opinions(sample, 1)
    monkeypatch.setattr(spiff, "wire_loop_merges", lambda process_spec: None)
    other = build(Settings(database_url=sample.db.url), db=sample.db, clock=sample.runtime.clock)
    view = stuck
    for task in stuck.ready_tasks:
        view = other.runtime.complete_task(stuck.id, task["task_id"], OPINION, "dept", view.version)
    assert view.ready_tasks == [] and view.status == "running"
    report = scan(sample)
    assert [f.instance_id for f in report.failures] == [stuck.id]
    assert report.failures[0].differences > 1


def test_a_history_that_cannot_be_replayed_is_a_failure_not_a_crash(sample):
    broken, fine = finished(sample, 2)
    with sample.db.transaction() as s:  # the first event is no start: nothing to rebuild from
        s.execute(update(Event).where(Event.instance_id == broken, Event.seq == 1).values(type="task_completed"))
    report = scan(sample)
    assert [f.instance_id for f in report.failures] == [broken] and report.checked == 2
    assert fine not in {f.instance_id for f in report.failures}


def test_scan_of_one_campaign(services, clock):
    from tests.scenarios.helpers import setup
    from tests.scenarios.test_000 import V000, nominate

    first = setup(services, clock, V000)
    second = services.campaigns.create("000", "专班办公室")
    a = nominate(services, first, V000["unit"], "collective", V000["collective"]).id
    b = nominate(services, second, V000["unit"], "collective", V000["collective"]).id
    alter_event(services, b, seq=1)
    assert [t[0] for t in audit_scan.instances_to_scan(services, first)] == [a]
    assert scan(services, first).ok
    assert [f.instance_id for f in scan(services, second).failures] == [b]
    assert [f.name for f in scan(services).failures] == [V000["collective"]["name"]]
    with pytest.raises(NotFound, match="评选活动 .* 不存在"):
        audit_scan.instances_to_scan(services, "no-such-campaign")


def test_the_command_lists_failures_and_exits_non_zero(tmp_path):
    database = tmp_path / "cli.db"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "pingxuan.cli", *args], env=env, cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=300)

    assert run("simulate", "--variant", "001", "--candidates", "3", "--workers", "1",
               "--database", f"sqlite:///{database}").returncode == 0
    with sqlite3.connect(database) as conn:
        campaign = conn.execute("SELECT id FROM campaigns WHERE name LIKE '模拟%'").fetchone()[0]
        victim, name = conn.execute("SELECT id, name FROM candidates ORDER BY name LIMIT 1").fetchone()
    passed = run("audit", "scan", "--campaign", campaign)
    assert passed.returncode == 0, passed.stderr
    assert "共核验 3 个流程实例，全部通过" in passed.stdout and "核验实例" in passed.stderr
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE events SET actor = '冒名者' WHERE instance_id = ? AND seq = 2", (victim,))
    failed = run("audit", "scan")
    assert failed.returncode == 1
    assert "共核验 3 个流程实例，1 个未通过" in failed.stdout
    assert victim in failed.stdout and name in failed.stdout and "第 2 号事件" in failed.stdout
    unknown = run("audit", "scan", "--campaign", "no-such-campaign")
    assert unknown.returncode == 1 and "评选活动 no-such-campaign 不存在" in unknown.stderr
