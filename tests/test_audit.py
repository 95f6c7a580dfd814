"""Replay reproduces the stored snapshot; the hash chain names the first altered event."""
from __future__ import annotations

import json

from sqlalchemy import select, update

from engine.audit import audit
from engine.audit.replay import rebuild
from engine.runtime.spiff import full_state
from engine.storage.models import Event, Instance, TaskData, TaskSnapshot
from tests.test_runtime import run_to_opinions


def finished_instance(services):
    view = run_to_opinions(services)
    for task in view.ready_tasks:
        view = services.runtime.complete_task(
            view.id, task["task_id"], {"opinion": {"adverse": False, "comment": "同意", "signer": "甲"}}, "dept", view.version)
    return services.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], {"approved": True}, "leader", view.version)


def test_replay_reproduces_snapshot_exactly(sample):
    view = finished_instance(sample)
    report = audit.replay(sample, view.id)
    assert report.ok, report.differences
    with sample.db.transaction(write=False) as s:
        types = [e.type for e in s.scalars(select(Event).where(Event.instance_id == view.id).order_by(Event.seq))]
    # start, nomination, publicity timer, two departments' opinions, the decision
    assert types == ["instance_started", "task_completed", "timers_fired", "task_completed", "task_completed",
                     "task_completed"]
    assert report.events == len(types)


def test_state_as_of_an_earlier_event(sample):
    view = finished_instance(sample)
    with sample.db.transaction(write=False) as s:
        inst = s.get(Instance, view.id)
        wf, _ = rebuild(s, inst, sample.runtime.specs, sample.runtime.script_engine, upto=1)
    ready = [t.task_spec.name for t in wf.get_tasks(state=16)]  # READY
    assert ready == ["Fill_nomination"]


def test_chain_verification_names_first_altered_event(sample):
    view = finished_instance(sample)
    assert audit.verify_chain(sample, view.id).ok
    with sample.db.transaction() as s:
        event = s.scalar(select(Event).where(Event.instance_id == view.id, Event.seq == 2))
        payload = dict(event.payload)
        payload["data"] = {**payload["data"], "candidate_name": "被篡改的名称"}
        s.execute(update(Event).where(Event.id == event.id).values(payload=payload))
    report = audit.verify_chain(sample, view.id)
    assert (report.ok, report.first_bad_seq) == (False, 2)
    assert "第 2 号事件" in report.reason


def test_chain_verification_detects_truncation(sample):
    view = finished_instance(sample)
    with sample.db.transaction() as s:
        last = s.scalar(select(Instance.last_seq).where(Instance.id == view.id))
        s.execute(Event.__table__.delete().where(Event.instance_id == view.id, Event.seq == last))
    report = audit.verify_chain(sample, view.id)
    assert not report.ok and "截断" in report.reason


def test_replay_detects_an_altered_snapshot(sample):
    view = finished_instance(sample)
    with sample.db.transaction() as s:
        rows = s.execute(select(TaskSnapshot.task_id, TaskSnapshot.body, TaskSnapshot.data_digest)
                         .where(TaskSnapshot.instance_id == view.id)).all()
        task_id, digest = next((t, d) for t, b, d in rows if json.loads(b)["task_spec"] == "Final_review")
        altered = json.loads(s.scalar(select(TaskData.body).where(TaskData.instance_id == view.id,
                                                                  TaskData.digest == digest)))
        altered["approved"] = False
        s.execute(update(TaskData).where(TaskData.instance_id == view.id, TaskData.digest == digest)
                  .values(body=json.dumps(altered)))
    report = audit.replay(sample, view.id)
    assert not report.ok
    assert any("Final_review" in line and task_id in line and "data" in line for line in report.differences)


def test_cached_and_reloaded_workflows_agree(sample):
    """The in-memory cache must hold exactly what a load from the database gives."""
    view = run_to_opinions(sample)
    cached = sample.runtime._cache[view.id][1].workflow
    assert full_state(cached) == full_state(sample.runtime.workflow(view.id))
