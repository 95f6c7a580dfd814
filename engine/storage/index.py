"""Keeps the human-task and timer tables in step with the workflow, from the tasks a command wrote."""
from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.runtime.snapshot import LiveWorkflow, Written
from engine.runtime.stepping import ready_tasks
from engine.storage.db import Writes, built_once
from engine.storage.models import HumanTask, Timer

_HUMAN_STATES = {TaskState.READY: "ready", TaskState.COMPLETED: "completed", TaskState.CANCELLED: "cancelled"}


def form_properties(task: Task) -> dict:
    return (getattr(task.task_spec, "extensions", None) or {}).get("properties", {}) or {}


def timer_due(task: Task) -> datetime | None:
    """When a waiting timer task will fire, as Spiff computed it on entering the wait."""
    definition = getattr(task.task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition) or not task.has_state(TaskState.WAITING):
        return None
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        value = value["next"] if value.get("cycles", 0) != 0 else None
        return datetime.fromisoformat(value) if value else None
    return TimerEventDefinition.parse_time_or_duration(value)


def _due_for(task: Task) -> datetime | None:
    """The earliest boundary timer on this task or on an activity enclosing it (a multi-instance
    parent, an embedded subprocess), crossing from a subprocess to its parent task."""
    node = task
    for _ in range(8):
        parent = node.parent
        if parent is None:
            parent_id = getattr(node.workflow, "parent_task_id", None)
            if parent_id is None:
                return None
            parent = node.workflow.top_workflow.get_task_from_id(parent_id)
        if isinstance(parent.task_spec, BoundaryEventSplit):
            dues = [d for d in (timer_due(s) for s in parent.children) if d is not None]
            return min(dues) if dues else None
        node = parent
    return None


def human_task_fields(task: Task, lanes: dict) -> dict:
    """What the inbox shows of an open user task: its index row, and the command's view of it."""
    properties = form_properties(task)
    lane = task.task_spec.lane
    # A step whose actor depends on the path taken (an objection is verified by whoever posted the
    # publicity) names a task-data field holding the lane; an unknown value keeps the drawn lane.
    if (lane_field := properties.get("laneFrom")) and task.data.get(lane_field) in lanes:
        lane = task.data[lane_field]
    lane_info = lanes.get(lane or "", {})
    unit_field = properties.get("unitField") or lane_info.get("unit_from")
    unit = task.data.get(unit_field) if unit_field else None
    return {"task_id": str(task.id), "spec_name": task.task_spec.bpmn_id or task.task_spec.name,
            "title": task.task_spec.bpmn_name or task.task_spec.name, "lane": lane, "role": lane_info.get("role"),
            "unit": str(unit) if unit is not None else None, "form": properties.get("formJsonSchemaFilename"),
            "due_at": _due_for(task)}


def open_human_tasks(wf: BpmnWorkflow, lanes: dict) -> list[dict]:
    """The workflow's open user tasks as the index holds them, oldest first (tree order among
    tasks opened by the same command)."""
    ready = sorted(ready_tasks(wf, manual=True), key=lambda t: t.last_state_change)
    return [human_task_fields(t, lanes) for t in ready]


def sync(session: Session, writes: Writes, instance_id: str, live: LiveWorkflow, written: Written, lanes: dict,
         at: datetime, actor: str) -> list[str]:
    """Bring the index rows in step with the tasks the command wrote; returns the ids of user tasks
    that closed. Which rows exist, in which state, is kept with the cached workflow (read once when
    it was not cached), so a command reads nothing here and writes only the rows that change."""
    if live.human_states is None or live.timer_states is None:
        live.human_states = dict(session.execute(
            select(HumanTask.task_id, HumanTask.state).where(HumanTask.instance_id == instance_id)).all())
        live.timer_states = dict(session.execute(
            select(Timer.task_id, Timer.status).where(Timer.instance_id == instance_id)).all())
    closed = _sync_human_tasks(writes, instance_id, live.human_states, written, lanes, at, actor)
    _sync_timers(writes, instance_id, live.timer_states, written, at)
    return closed


def _sync_human_tasks(writes: Writes, instance_id, states, written, lanes, at, actor) -> list[str]:
    inserts, changes, closed = [], [], []
    for task in written.tasks:
        if not task.task_spec.manual or task.state not in _HUMAN_STATES:
            continue
        task_id, state = str(task.id), _HUMAN_STATES[task.state]
        known = states.get(task_id)
        if known is None:
            if state == "ready":
                inserts.append({**human_task_fields(task, lanes), "instance_id": instance_id,
                                "state": state, "created_at": at})
                states[task_id] = state
            continue
        if known == state:
            continue
        change: dict[str, object] = {"b_task": task_id, "state": state}
        if state == "completed":
            change.update(completed_at=at, completed_by=actor)
        elif state == "ready":  # reopened by 退回/撤回: its deadline is whatever waits now
            change.update(completed_at=None, completed_by=None, due_at=_due_for(task))
        changes.append(change)
        if known == "ready":
            closed.append(task_id)
        states[task_id] = state
    for task_id in written.removed:
        if states.get(task_id) == "ready":
            changes.append({"b_task": task_id, "state": "cancelled"})
            closed.append(task_id)
            states[task_id] = "cancelled"
    table = HumanTask.__table__
    _write(writes, table, inserts, changes, table.c.task_id == bindparam("b_task"))
    return closed


def _sync_timers(writes: Writes, instance_id, statuses, written, at: datetime) -> None:
    inserts, changes = [], []
    released = {"lease_owner": None, "lease_until": None}
    for task in written.tasks:
        if not isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            continue
        task_id, due = str(task.id), timer_due(task)
        known = statuses.get(task_id)
        if due is not None:
            if known is None:
                inserts.append({"instance_id": instance_id, "task_id": task_id, "due_at": due, "status": "waiting",
                                "spec_name": task.task_spec.bpmn_id or task.task_spec.name})
            else:
                changes.append({"b_task": task_id, "due_at": due, "status": "waiting", **released})
            statuses[task_id] = "waiting"
        elif known == "waiting":
            fired = task.has_state(TaskState.READY | TaskState.COMPLETED)
            status = "fired" if fired else "cancelled"
            changes.append({"b_task": task_id, "status": status, "fired_at": at if fired else None, **released})
            statuses[task_id] = status
    for task_id in written.removed:
        if statuses.get(task_id) == "waiting":
            changes.append({"b_task": task_id, "status": "cancelled", **released})
            statuses[task_id] = "cancelled"
    table = Timer.__table__
    for change in changes:
        change["b_instance"] = instance_id
    _write(writes, table, inserts, changes,
           (table.c.instance_id == bindparam("b_instance")) & (table.c.task_id == bindparam("b_task")))


def _write(writes: Writes, table, inserts: list[dict], changes: list[dict], where) -> None:
    """Insert new rows and apply changes, one executemany per shape of change."""
    if inserts:
        writes.execute(built_once(("insert", table.name), lambda: insert(table)), inserts)
    shapes: dict[tuple, list[dict]] = {}
    for change in changes:
        shapes.setdefault(tuple(sorted(change)), []).append(change)
    for keys, rows in shapes.items():
        # The WHERE of a table's updates is the same for every shape of change.
        statement = built_once(("update", table.name, keys), lambda: update(table).where(where).values(
            {k: bindparam(k) for k in keys if not k.startswith("b_")}))
        writes.execute(statement, rows)
