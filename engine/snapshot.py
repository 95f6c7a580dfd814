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

from .models import Instance, SubprocessShell, TaskSnapshot
from .spiff import ProcessSpecs, all_workflows, restore_workflow, subprocess_shell_json, task_body, workflow_shell_json


_MAY_CHANGE_IN_PLACE = TaskState.STARTED | TaskState.WAITING


@dataclass
class LiveWorkflow:
    """A workflow in memory plus what is known to be stored for it."""

    workflow: BpmnWorkflow
    stored: dict[UUID, str] = field(default_factory=dict)  # task id -> workflow key, for every stored row
    open_bodies: dict[UUID, str] = field(default_factory=dict)  # stored body of each unfinished task
    shells: dict[str, str] = field(default_factory=dict)  # stored shell of each subprocess, by key
    sealed: set[str] = field(default_factory=set)  # subprocesses stored as completed: they stay so
    next_shell_seq: int = 0
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
    shell_rows = session.execute(
        select(SubprocessShell.subprocess_id, SubprocessShell.body, SubprocessShell.seq)
        .where(SubprocessShell.instance_id == instance.id).order_by(SubprocessShell.seq)).all()
    shells = {key: json.loads(body) for key, body, _ in shell_rows}
    wf = restore_workflow(specs, json.loads(instance.snapshot), shells, grouped, script_engine)
    live = LiveWorkflow(wf, {UUID(task_id): key for task_id, key, _ in rows},
                        shells={key: body for key, body, _ in shell_rows},
                        sealed={key for key, shell in shells.items() if shell.get("completed")},
                        next_shell_seq=shell_rows[-1][2] + 1 if shell_rows else 0)
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
                updates.append({"b_instance": instance.id, "b_key": str(task_id), "body": body})
            else:
                inserts.append({"instance_id": instance.id, "task_id": str(task_id),
                                "seq": creation_order[task_id], "workflow": key, "body": body})
            written.append(task)
            if finished:
                open_bodies.pop(task_id, None)
            else:
                open_bodies[task_id] = body
    removed = sorted(str(task_id) for task_id in stored.keys() - current.keys())
    for task_id in removed:
        open_bodies.pop(UUID(task_id), None)
    _TASK_ROWS.write(session.connection(), instance.id, inserts, updates, removed)
    live.stored = current
    _save_shells(session, instance, live)
    return Written(written, removed)


def _save_shells(session: Session, instance: Instance, live: LiveWorkflow) -> None:
    """The top shell on the instance row; each subprocess's shell in its own row, written when it
    changed. A subprocess stored as completed does not change again, so it is not even encoded."""
    instance.snapshot = workflow_shell_json(live.workflow)  # its last task moves with every command
    stored = live.shells
    inserts, updates, current = [], [], set()
    for sp_id, sp in live.workflow.subprocesses.items():
        key = str(sp_id)
        current.add(key)
        if sp.completed and key in live.sealed:
            continue
        body = subprocess_shell_json(sp)
        if sp.completed:
            live.sealed.add(key)
        else:  # reopened (退回 into it): it must be encoded again once it completes anew
            live.sealed.discard(key)
        if stored.get(key) == body:
            continue
        if key in stored:
            updates.append({"b_instance": instance.id, "b_key": key, "body": body})
        else:
            inserts.append({"instance_id": instance.id, "subprocess_id": key, "seq": live.next_shell_seq, "body": body})
            live.next_shell_seq += 1
        stored[key] = body
    removed = sorted(stored.keys() - current)
    for key in removed:
        del stored[key]
        live.sealed.discard(key)
    _SHELL_ROWS.write(session.connection(), instance.id, inserts, updates, removed)


class _BodyRows:
    """Statements for a table of (instance, key) -> body rows, built once: building and caching
    a statement anew costs more than running it."""

    def __init__(self, table, key):
        self.insert = insert(table)
        self.update = update(table).where(table.c.instance_id == bindparam("b_instance"),
                                          key == bindparam("b_key")).values(body=bindparam("body"))
        self.delete = delete(table).where(table.c.instance_id == bindparam("b_instance"),
                                          key.in_(bindparam("b_keys", expanding=True)))

    def write(self, connection, instance_id: str, inserts: list[dict], updates: list[dict], removed: list[str]):
        if removed:
            connection.execute(self.delete, {"b_instance": instance_id, "b_keys": removed})
        if inserts:
            connection.execute(self.insert, inserts)
        if updates:
            connection.execute(self.update, updates)


_TASK_ROWS = _BodyRows(TaskSnapshot.__table__, TaskSnapshot.__table__.c.task_id)
_SHELL_ROWS = _BodyRows(SubprocessShell.__table__, SubprocessShell.__table__.c.subprocess_id)
