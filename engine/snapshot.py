"""Incremental snapshots: a workflow shell on the instance row plus one row per task.

A command rewrites only the tasks it touched, so the cost of a step does not grow with the length
of the history (spiff-arena re-serializes the whole workflow every step)."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .models import Instance, TaskSnapshot
from .spiff import ProcessSpecs, all_workflows, restore_workflow, task_body, workflow_shell


@dataclass
class LiveWorkflow:
    """A workflow in memory plus what is known to be stored for it."""

    workflow: BpmnWorkflow
    stored: dict[str, str] = field(default_factory=dict)  # task id -> workflow key, for every stored row
    open_bodies: dict[str, str] = field(default_factory=dict)  # stored body of each unfinished task


@dataclass
class Written:
    tasks: list[Task]  # tasks whose stored body changed in this command
    removed: list[str]  # ids of tasks that no longer exist


def load(session: Session, instance: Instance, specs: ProcessSpecs, script_engine) -> LiveWorkflow:
    rows = session.execute(
        select(TaskSnapshot.task_id, TaskSnapshot.workflow, TaskSnapshot.body)
        .where(TaskSnapshot.instance_id == instance.id)
        .order_by(TaskSnapshot.seq)
    ).all()
    grouped: dict[str, list[str]] = defaultdict(list)
    for _task_id, key, body in rows:
        grouped[key].append(body)
    wf = restore_workflow(specs, json.loads(instance.snapshot), grouped, script_engine)
    live = LiveWorkflow(wf, {task_id: key for task_id, key, _ in rows})
    live.open_bodies = {
        task_id: body for task_id, _key, body in rows
        if not _task(wf, task_id).has_state(TaskState.FINISHED_MASK)
    }
    return live


def _task(wf: BpmnWorkflow, task_id: str) -> Task:
    from uuid import UUID

    return wf.get_task_from_id(UUID(task_id))


def save(session: Session, instance: Instance, live: LiveWorkflow, since: float, creation_order: dict) -> Written:
    """Write the shell and every task changed since `since` (a state-change timestamp) or unfinished.

    Finished tasks do not change unless their state does, so they are skipped; unfinished ones are
    serialized and compared with what is stored, and written only if different."""
    if instance in session.new:
        session.flush()  # the task rows below reference it and are written with Core statements
    inserts, updates, written, current = [], [], [], {}
    for key, wf in all_workflows(live.workflow):
        for task in wf.tasks.values():
            task_id = str(task.id)
            current[task_id] = key
            finished = task.has_state(TaskState.FINISHED_MASK)
            is_new = task_id not in live.stored
            if not is_new and finished and task.last_state_change < since and task_id not in live.open_bodies:
                continue
            body = task_body(task)
            if not is_new and live.open_bodies.get(task_id) == body:
                continue
            if is_new:
                inserts.append({"instance_id": instance.id, "task_id": task_id, "seq": creation_order[task.id],
                                "workflow": key, "body": body})
            else:
                updates.append({"b_instance": instance.id, "b_task": task_id, "body": body})
            written.append(task)
            if finished:
                live.open_bodies.pop(task_id, None)
            else:
                live.open_bodies[task_id] = body
    removed = [task_id for task_id in live.stored if task_id not in current]
    if removed:
        session.execute(delete(TaskSnapshot).where(
            TaskSnapshot.instance_id == instance.id, TaskSnapshot.task_id.in_(removed)))
        for task_id in removed:
            live.open_bodies.pop(task_id, None)
    if inserts:
        session.connection().execute(insert(TaskSnapshot.__table__), inserts)
    if updates:
        table = TaskSnapshot.__table__
        session.connection().execute(
            update(table)
            .where(table.c.instance_id == bindparam("b_instance"), table.c.task_id == bindparam("b_task"))
            .values(body=bindparam("body")),
            updates,
        )
    live.stored = current
    instance.snapshot = json.dumps(workflow_shell(live.workflow), ensure_ascii=False, separators=(",", ":"))
    return Written(written, removed)
