"""Runtime commands through the real SpiffWorkflow engine and a real database."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, update

from engine.audit import audit
from engine.errors import Conflict, NotFound, ScriptError, ValidationFailed
from engine.runtime import runtime
from engine.runtime.spiff import full_state
from engine.storage import eventlog
from engine.storage.db import StaleRow
from engine.storage.models import Event, HumanTask, Instance, TaskData, TaskSnapshot, Timer

START = {"submit_by": "2025-09-30", "departments": ["纪检监察", "公安"]}
NOMINATION = {"candidate_name": "示例机械厂技术科", "deeds": "攻克关键工艺难题。"}


def stored_state(db, instance_id):
    """Everything a command may change, to prove a failed one changed nothing."""
    with db.transaction(write=False) as s:
        inst = s.get(Instance, instance_id)
        return (
            inst.version, inst.snapshot, inst.last_seq, inst.last_hash, inst.id_counter,
            sorted(s.execute(select(TaskSnapshot.task_id, TaskSnapshot.body, TaskSnapshot.data_digest)
                             .where(TaskSnapshot.instance_id == instance_id)).all()),
            sorted(s.execute(select(TaskData.digest, TaskData.body).where(TaskData.instance_id == instance_id)).all()),
            sorted(s.execute(select(HumanTask.task_id, HumanTask.state).where(HumanTask.instance_id == instance_id)).all()),
            sorted(s.execute(select(Timer.task_id, Timer.status).where(Timer.instance_id == instance_id)).all()),
            s.scalar(select(func.count()).select_from(Event).where(Event.instance_id == instance_id)),
        )


def test_start_runs_to_first_wait_with_deadline(sample):
    view = sample.runtime.start("sample_nomination", START, actor="unit-staff")
    assert view.status == "running"
    assert [t["spec"] for t in view.ready_tasks] == ["Fill_nomination"]
    task = view.ready_tasks[0]
    assert task["lane"] == "推荐单位" and task["role"] == "staff" and task["form"] == "sample/nomination.json"
    # "2025-09-30前报送" ends at 24:00 Beijing time on the 30th.
    assert task["due_at"] == "2025-09-30T16:00:00+00:00"
    with sample.db.transaction(write=False) as s:
        timers = s.scalars(select(Timer).where(Timer.instance_id == view.id)).all()
        assert [(t.spec_name, t.status, t.due_at) for t in timers] == [
            ("Deadline_missed", "waiting", datetime(2025, 9, 30, 16, 0, tzinfo=timezone.utc))]
        events = s.scalars(select(Event).where(Event.instance_id == view.id)).all()
        assert [(e.seq, e.type, e.actor) for e in events] == [(1, "instance_started", "unit-staff")]


def test_complete_moves_on_and_computes_publicity_end(sample):
    view = sample.runtime.start("sample_nomination", START)
    task_id = view.ready_tasks[0]["task_id"]
    after = sample.runtime.complete_task(view.id, task_id, NOMINATION, "unit-staff", view.version)
    assert after.version == view.version + 1 and after.ready_tasks == []
    wf = sample.runtime.workflow(view.id)
    data = wf.get_tasks(spec_name="Publicity_period")[0].data
    # Posted Fri 2025-09-26: 26, Sun 28 (调休 workday), 29, 30, then the holiday to 8 Oct; day 5 is 9 Oct.
    assert data["publicity_posted_on"] == "2025-09-26"
    assert data["publicity_ends_at"] == "2025-10-10T00:00:00+08:00"
    with sample.db.transaction(write=False) as s:
        row = s.get(HumanTask, task_id)
        assert (row.state, row.completed_by) == ("completed", "unit-staff")
        statuses = dict(s.execute(select(Timer.spec_name, Timer.status).where(Timer.instance_id == view.id)).all())
        assert statuses == {"Deadline_missed": "cancelled", "Publicity_period": "waiting"}


def test_stale_version_is_a_conflict_and_changes_nothing(sample):
    view = sample.runtime.start("sample_nomination", START)
    before = stored_state(sample.db, view.id)
    with pytest.raises(Conflict, match="版本"):
        sample.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], NOMINATION, "u", view.version - 1)
    assert stored_state(sample.db, view.id) == before


def _another_writer_moves_the_row(db, monkeypatch, times: int) -> list:
    """While a command is being worked out (after its reads, before its writes), another
    transaction commits a change to the same instance, `times` times; returns the list of moves."""
    real_append, moves = eventlog.append, []

    def append_then_move_the_row(writes, instance, *args):
        real_append(writes, instance, *args)
        if len(moves) < times:
            with db.transaction() as other:
                table = Instance.__table__
                other.execute(update(table).where(table.c.id == instance.id).values(version=table.c.version + 1))
            moves.append(instance.id)

    monkeypatch.setattr(eventlog, "append", append_then_move_the_row)
    return moves


def test_a_row_moved_while_a_command_is_worked_out_is_a_conflict_and_changes_nothing(sample, monkeypatch):
    """A command's writes are guarded by the version it read: with the user's version given, a row
    moved in between is refused, not written over."""
    view = sample.runtime.start("sample_nomination", START)
    version, *rest = stored_state(sample.db, view.id)
    _another_writer_moves_the_row(sample.db, monkeypatch, times=1)
    with pytest.raises(Conflict, match="同时更新"):
        sample.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], NOMINATION, "u", view.version)
    assert stored_state(sample.db, view.id) == (version + 1, *rest)  # only the other writer's move


def test_a_command_without_a_version_is_worked_out_again_on_a_moved_row(sample, monkeypatch):
    view = sample.runtime.start("sample_nomination", START)
    moves = _another_writer_moves_the_row(sample.db, monkeypatch, times=1)
    after = sample.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], NOMINATION, "u", None)
    assert moves == [view.id] and after.version == view.version + 2  # the move, then the command once
    with sample.db.transaction(write=False) as s:
        types = s.scalars(select(Event.type).where(Event.instance_id == view.id).order_by(Event.seq)).all()
    assert types == ["instance_started", "task_completed"]
    assert audit.replay(sample, view.id).ok


def test_a_command_gives_up_on_a_row_that_keeps_moving(sample, monkeypatch):
    view = sample.runtime.start("sample_nomination", START)
    version, *rest = stored_state(sample.db, view.id)
    moves = _another_writer_moves_the_row(sample.db, monkeypatch, times=10)
    with pytest.raises(Conflict, match="同时更新"):
        sample.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], NOMINATION, "u", None)
    assert stored_state(sample.db, view.id) == (version + len(moves), *rest) and len(moves) == runtime._ATTEMPTS


def test_completing_twice_is_refused(sample):
    view = sample.runtime.start("sample_nomination", START)
    task_id = view.ready_tasks[0]["task_id"]
    after = sample.runtime.complete_task(view.id, task_id, NOMINATION, "u", view.version)
    before = stored_state(sample.db, view.id)
    with pytest.raises(Conflict, match="不能重复提交"):
        sample.runtime.complete_task(view.id, task_id, NOMINATION, "u", after.version)
    assert stored_state(sample.db, view.id) == before


def test_invalid_form_data_is_refused_with_field_errors(sample):
    view = sample.runtime.start("sample_nomination", START)
    before = stored_state(sample.db, view.id)
    with pytest.raises(ValidationFailed) as caught:
        sample.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], {"candidate_name": ""}, "u", view.version)
    assert "deeds" in caught.value.field_errors and "candidate_name" in caught.value.field_errors
    assert stored_state(sample.db, view.id) == before


def test_unknown_task_and_instance(sample):
    view = sample.runtime.start("sample_nomination", START)
    with pytest.raises(NotFound):
        sample.runtime.complete_task(view.id, "00000000-0000-0000-0000-000000000000", {}, "u", view.version)
    with pytest.raises(NotFound):
        sample.runtime.instance("not-an-id")


FAILING = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <bpmn:process id="failing_script" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Ask" />
    <bpmn:userTask id="Ask" name="填写"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Ask" targetRef="Compute" />
    <bpmn:scriptTask id="Compute" name="计算"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>ratio = count / total</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="Compute" targetRef="E" />
    <bpmn:endEvent id="E"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def test_failed_command_leaves_nothing_changed_and_runtime_recovers(services, tmp_path):
    from tests.conftest import deploy_folder

    (tmp_path / "failing").mkdir()
    (tmp_path / "failing" / "failing.bpmn").write_text(FAILING, encoding="utf-8")
    deploy_folder(services, tmp_path / "failing", lint=False)  # a form-less task; lint is not the point here
    view = services.runtime.start("failing_script", {})
    task_id = view.ready_tasks[0]["task_id"]
    before = stored_state(services.db, view.id)
    with pytest.raises(ScriptError, match="ZeroDivisionError"):
        services.runtime.complete_task(view.id, task_id, {"count": 1, "total": 0}, "u", view.version)
    assert stored_state(services.db, view.id) == before
    # The half-run workflow was not kept in memory: the same task can be completed properly now.
    done = services.runtime.complete_task(view.id, task_id, {"count": 1, "total": 4}, "u", view.version)
    assert done.status == "completed"
    assert services.runtime.workflow(view.id).last_task.data["ratio"] == 0.25


def run_to_opinions(services):
    view = services.runtime.start("sample_nomination", START)
    view = services.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], NOMINATION, "u", view.version)
    services.runtime.clock.set(datetime(2025, 10, 10, 1, 0, tzinfo=timezone.utc))
    assert services.runtime.fire_timers(view.id) is True
    return services.runtime.instance(view.id)


def test_multi_instance_opinions_one_per_department(sample):
    view = run_to_opinions(sample)
    assert sorted(t["unit"] for t in view.ready_tasks) == ["公安", "纪检监察"]
    assert {t["lane"] for t in view.ready_tasks} == {"征求意见部门"}


@pytest.mark.parametrize("adverse, end", [(False, "Final_review"), (True, "End_stopped")])
def test_adverse_opinion_gateway(sample, adverse, end):
    view = run_to_opinions(sample)
    for i, task in enumerate(view.ready_tasks):
        opinion = {"adverse": adverse and i == 0, "comment": "有问题" if adverse and i == 0 else "同意", "signer": "经办人"}
        view = sample.runtime.complete_task(view.id, task["task_id"], {"opinion": opinion}, "dept", view.version)
    wf = sample.runtime.workflow(view.id)
    if end == "Final_review":
        assert [t["spec"] for t in view.ready_tasks] == ["Final_review"]
        view = sample.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], {"approved": True}, "leader", view.version)
        assert view.status == "completed"
    else:
        assert view.status == "completed" and view.ready_tasks == []
        assert wf.get_tasks(spec_name="End_stopped")[0].state == 64  # COMPLETED


def test_cancel(sample):
    view = sample.runtime.start("sample_nomination", START)
    cancelled = sample.runtime.cancel(view.id, "admin", view.version, "推荐单位撤回")
    assert cancelled.status == "cancelled" and cancelled.ready_tasks == []
    with pytest.raises(Conflict):
        sample.runtime.cancel(view.id, "admin", cancelled.version, "again")


@pytest.mark.parametrize("same_instance_twice", [False, True])
def test_a_batch_stores_what_commands_one_by_one_store(sample, same_instance_twice):
    """A list act's writes are merged into one executemany per statement when its commands are on
    distinct instances, and run command by command when one instance appears twice; either way
    each instance ends as a fresh load from the database gives it, and replays."""
    rt = sample.runtime
    started = [rt.start("sample_nomination", START) for _ in range(3)]
    for v in started:
        rt.complete_task(v.id, v.ready_tasks[0]["task_id"], NOMINATION, "u", None)
    rt.clock.set(datetime(2025, 10, 10, 1, 0, tzinfo=timezone.utc))
    assert all(rt.fire_timers(v.id) for v in started)
    views = [rt.instance(v.id) for v in started]
    assert all(len(v.ready_tasks) == 2 for v in views)
    opinion = {"opinion": {"adverse": False, "comment": "同意", "signer": "经办人"}}
    items = [(v.id, t["task_id"], opinion, None) for v in views
             for t in (v.ready_tasks if same_instance_twice else v.ready_tasks[:1])]
    assert len({i for i, *_ in items}) == (3 if same_instance_twice else len(items))
    after = sample.runtime.complete_many(items, "dept")
    assert len(after) == len(items)
    for view in views:
        cached = sample.runtime._cache[view.id][1].workflow
        assert full_state(cached) == full_state(sample.runtime.workflow(view.id))
        assert audit.replay(sample, view.id).ok
        with sample.db.transaction(write=False) as s:
            done = s.scalars(select(HumanTask.unit).where(HumanTask.instance_id == view.id,
                                                          HumanTask.state == "completed")).all()
        assert len(done) == (2 if same_instance_twice else 1) + 1  # the nomination form, and the opinions


def test_loading_rows_that_moved_since_the_instance_was_read_is_refused(sample):
    """A workflow loaded from rows read across another transaction's commit could mix two versions
    (on PostgreSQL the command's reads run without a transaction): the load checks the version last."""
    view = sample.runtime.start("sample_nomination", START)
    with sample.db.transaction(write=False) as s:
        stale = s.get(Instance, view.id)
        s.expunge(stale)
    sample.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], NOMINATION, "u", view.version)
    with sample.db.transaction(write=False) as s:
        with pytest.raises(StaleRow, match="同时更新"):
            sample.runtime._load(s, stale)
        current = s.get(Instance, view.id)
        assert sample.runtime._load(s, current).workflow is not None
