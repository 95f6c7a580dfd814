"""Keeps the human-task and timer tables in step with the workflow, from the tasks a command wrote."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .models import HumanTask, Timer
from .snapshot import Written

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


def sync(session: Session, instance_id: str, written: Written, lanes: dict, at: datetime, actor: str) -> None:
    _sync_human_tasks(session, instance_id, written, lanes, at, actor)
    _sync_timers(session, instance_id, written, at)


def _sync_human_tasks(session, instance_id, written, lanes, at, actor) -> None:
    manual = [t for t in written.tasks if t.task_spec.manual and t.state in _HUMAN_STATES]
    ids = [str(t.id) for t in manual] + written.removed
    if not ids:
        return
    existing = {row.task_id: row for row in session.scalars(select(HumanTask).where(HumanTask.task_id.in_(ids)))}
    for task in manual:
        state = _HUMAN_STATES[task.state]
        row = existing.get(str(task.id))
        if row is None:
            if state != "ready":
                continue
            lane = task.task_spec.lane
            lane_info = lanes.get(lane or "", {})
            unit_field = form_properties(task).get("unitField") or lane_info.get("unit_from")
            session.add(HumanTask(
                task_id=str(task.id), instance_id=instance_id, spec_name=task.task_spec.bpmn_id or task.task_spec.name,
                title=task.task_spec.bpmn_name or task.task_spec.name, lane=lane, role=lane_info.get("role"),
                unit=str(task.data.get(unit_field)) if unit_field and task.data.get(unit_field) is not None else None,
                form=form_properties(task).get("formJsonSchemaFilename"), due_at=_due_for(task),
                state="ready", created_at=at,
            ))
        elif row.state != state:
            row.state = state
            if state == "completed":
                row.completed_at, row.completed_by = at, actor
            elif state == "ready":  # reopened by 退回/撤回: its deadline is whatever waits now
                row.completed_at = row.completed_by = None
                row.due_at = _due_for(task)
    if written.removed:
        session.execute(update(HumanTask).where(
            HumanTask.task_id.in_(written.removed), HumanTask.state == "ready").values(state="cancelled"))


def _sync_timers(session, instance_id, written, at: datetime) -> None:
    candidates = [t for t in written.tasks if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)]
    ids = [str(t.id) for t in candidates] + written.removed
    if not ids:
        return
    existing = {row.task_id: row for row in session.scalars(
        select(Timer).where(Timer.instance_id == instance_id, Timer.task_id.in_(ids)))}
    for task in candidates:
        due, row = timer_due(task), existing.get(str(task.id))
        if due is not None:
            if row is None:
                session.add(Timer(instance_id=instance_id, task_id=str(task.id),
                                  spec_name=task.task_spec.bpmn_id or task.task_spec.name, due_at=due, status="waiting"))
            else:
                row.due_at, row.status, row.lease_owner, row.lease_until = due, "waiting", None, None
        elif row is not None and row.status == "waiting":
            fired = task.has_state(TaskState.READY | TaskState.COMPLETED)
            row.status, row.fired_at = ("fired", at) if fired else ("cancelled", None)
            row.lease_owner = row.lease_until = None
    for task_id in written.removed:
        row = existing.get(task_id)
        if row is not None and row.status == "waiting":
            row.status = "cancelled"
