"""Incremental snapshots: a workflow shell on the instance row plus one row per task.

A command rewrites only the tasks it touched, so the cost of a step does not grow with the length
of the history (spiff-arena re-serializes the whole workflow every step)."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .models import Instance, TaskSnapshot
from .spiff import ProcessSpecs, all_workflows, restore_workflow, task_body, workflow_shell_json


_MAY_CHANGE_IN_PLACE = TaskState.STARTED | TaskState.WAITING


@dataclass
class LiveWorkflow:
    """A workflow in memory plus what is known to be stored for it."""

    workflow: BpmnWorkflow
    stored: dict[UUID, str] = field(default_factory=dict)  # task id -> workflow key, for every stored row
    open_bodies: dict[UUID, str] = field(default_factory=dict)  # stored body of each unfinished task
    # State of each human-task row and timer row by task id (None: not read yet); see index.sync.
    human_states: dict[str, str] | None = None
    timer_states: dict[str, str] | None = None


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
    live = LiveWorkflow(wf, {UUID(task_id): key for task_id, key, _ in rows})
    for task_id, _key, body in rows:
        if not wf.get_task_from_id(UUID(task_id)).has_state(TaskState.FINISHED_MASK):
            live.open_bodies[UUID(task_id)] = body
    return live


def save(session: Session, instance: Instance, live: LiveWorkflow, since: float, creation_order: dict) -> Written:
    """Write the shell and every task that is new, changed state at `since` (the command's time),
    or is unfinished and serializes differently from what is stored.

    Finished tasks do not change unless their state does; skipping them without any other work is
    what keeps a step's cost independent of the history's length."""
    if instance in session.new:
        session.flush()  # the task rows below reference it and are written with Core statements
    inserts, updates, written, current = [], [], [], {}
    stored, open_bodies = live.stored, live.open_bodies
    for key, wf in all_workflows(live.workflow):
        current.update(dict.fromkeys(wf.tasks, key))
        for task_id, task in wf.tasks.items():
            finished = task._state & TaskState.FINISHED_MASK
            # Spiff changes a task's data or internal data without a state change only while it is
            # STARTED (a loop/multi-instance/subprocess parent merging its children) or WAITING (a
            # catch event recording its due time or message); any other task is unchanged unless its
            # state changed in this command. Replay verification would expose a miss.
            if (task_id in stored and task.last_state_change < since
                    and not task._state & _MAY_CHANGE_IN_PLACE and (finished or task_id in open_bodies)):
                continue
            body = task_body(task)
            if task_id in stored and open_bodies.get(task_id) == body:
                continue
            if task_id in stored:
                updates.append({"b_instance": instance.id, "b_task": str(task_id), "body": body})
            else:
                inserts.append({"instance_id": instance.id, "task_id": str(task_id),
                                "seq": creation_order[task_id], "workflow": key, "body": body})
            written.append(task)
            if finished:
                open_bodies.pop(task_id, None)
            else:
                open_bodies[task_id] = body
    removed = [str(task_id) for task_id in stored.keys() - current.keys()]
    if removed:
        session.execute(delete(TaskSnapshot).where(
            TaskSnapshot.instance_id == instance.id, TaskSnapshot.task_id.in_(removed)))
        for task_id in removed:
            open_bodies.pop(UUID(task_id), None)
    table = TaskSnapshot.__table__
    if inserts:
        session.connection().execute(insert(table), inserts)
    if updates:
        session.connection().execute(
            update(table)
            .where(table.c.instance_id == bindparam("b_instance"), table.c.task_id == bindparam("b_task"))
            .values(body=bindparam("body")),
            updates,
        )
    live.stored = current
    instance.snapshot = workflow_shell_json(live.workflow)
    return Written(written, removed)
