"""Incremental snapshots: a workflow shell on the instance row plus one row per task, and each
distinct task data value once per instance.

A command rewrites only the tasks it touched, so the cost of a step does not grow with the length
of the history (spiff-arena re-serializes the whole workflow every step)."""
from __future__ import annotations

import json
import marshal
from collections import defaultdict
from dataclasses import dataclass, field
from hashlib import blake2b
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from engine.runtime.spiff import (
    ProcessSpecs,
    all_workflows,
    restore_workflow,
    subprocess_shell_json,
    task_data_json,
    task_shape_json,
    workflow_shell_json,
)
from engine.storage.db import StaleRow, Writes
from engine.storage.models import Instance, SubprocessShell, TaskData, TaskSnapshot

_MAY_CHANGE_IN_PLACE = TaskState.STARTED | TaskState.WAITING


@dataclass
class LiveWorkflow:
    """A workflow in memory plus what is known to be stored for it."""

    workflow: BpmnWorkflow
    stored: dict[UUID, str] = field(default_factory=dict)  # task id -> workflow key, for every stored row
    open_rows: dict[UUID, tuple[str, str]] = field(default_factory=dict)  # (shape, data digest) of each unfinished task
    data_digests: set[str] = field(default_factory=set)  # data values stored for the instance
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


def data_digest(task) -> tuple[str, str | None]:
    """A name for the task's data value (equal names mean equal values) and, when it took encoding
    the value to JSON, that JSON.

    Named by marshal's version-2 encoding where it can: half JSON's cost, no back-references (the
    bytes depend on the value alone) and, like JSON, it tells True from 1 from 1.0. Values marshal
    cannot encode are named by their JSON (as migration 0005 named every stored value). Two names
    for one value only cost a second row."""
    try:
        return blake2b(marshal.dumps(task.data, 2), digest_size=16, person=b"marshal").hexdigest(), None
    except ValueError:
        data = task_data_json(task)
        return json_digest(data), data


def json_digest(data_json: str) -> str:
    return blake2b(data_json.encode(), digest_size=16, person=b"json").hexdigest()


def load(session: Session, instance: Instance, specs: ProcessSpecs, script_engine) -> LiveWorkflow:
    rows = session.execute(
        select(TaskSnapshot.task_id, TaskSnapshot.workflow, TaskSnapshot.body, TaskSnapshot.data_digest)
        .where(TaskSnapshot.instance_id == instance.id)
        .order_by(TaskSnapshot.seq)
    ).all()
    values = dict(session.execute(select(TaskData.digest, TaskData.body).where(TaskData.instance_id == instance.id)).all())
    shell_rows = session.execute(
        select(SubprocessShell.subprocess_id, SubprocessShell.body, SubprocessShell.seq)
        .where(SubprocessShell.instance_id == instance.id).order_by(SubprocessShell.seq)).all()
    # Read last, with the version: each statement may see a later commit than the one before (on
    # PostgreSQL the reads run without a transaction), and every commit moves the version, so an
    # unchanged version means all of the above belong to the version the command read.
    top_shell, version = session.execute(
        select(Instance.snapshot, Instance.version).where(Instance.id == instance.id)).one()
    if version != instance.version:
        raise StaleRow()
    grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _task_id, key, body, digest in rows:
        grouped[key].append((body, values[digest]))
    shells = {key: json.loads(body) for key, body, _ in shell_rows}
    wf = restore_workflow(specs, json.loads(top_shell), shells, grouped, script_engine)
    live = LiveWorkflow(wf, {UUID(task_id): key for task_id, key, _, _ in rows},
                        data_digests=set(values),
                        shells={key: body for key, body, _ in shell_rows},
                        sealed={key for key, shell in shells.items() if shell.get("completed")},
                        next_shell_seq=shell_rows[-1][2] + 1 if shell_rows else 0)
    for task_id, _key, body, digest in rows:
        if not wf.get_task_from_id(UUID(task_id)).has_state(TaskState.FINISHED_MASK):
            live.open_rows[UUID(task_id)] = (body, digest)
    return live


def save(writes: Writes, instance: Instance, live: LiveWorkflow, since: float, creation_order: dict) -> Written:
    """Write the shell and every task that is new, changed state at `since` (the command's time),
    or is unfinished and serializes differently from what is stored; and each data value the
    instance has not stored yet.

    Finished tasks do not change unless their state does; skipping them without any other work is
    what keeps a step's cost independent of the history's length."""
    inserts, updates, written, current, new_values = [], [], [], {}, {}
    stored, open_rows, data_digests = live.stored, live.open_rows, live.data_digests
    for key, wf in all_workflows(live.workflow):
        current.update(dict.fromkeys(wf.tasks, key))
        for task_id, task in wf.tasks.items():
            finished = task._state & TaskState.FINISHED_MASK
            # Spiff changes a task's data or internal data without a state change only while it is
            # STARTED (a loop/multi-instance/subprocess parent merging its children) or WAITING (a
            # catch event recording its due time or message); any other task is unchanged unless its
            # state changed in this command. Replay verification would expose a miss.
            if (task_id in stored and task.last_state_change < since
                    and not task._state & _MAY_CHANGE_IN_PLACE and (finished or task_id in open_rows)):
                continue
            digest, data = data_digest(task)
            row = (task_shape_json(task), digest)
            if task_id in stored and open_rows.get(task_id) == row:
                continue
            if digest not in data_digests and digest not in new_values:
                new_values[digest] = data or task_data_json(task)
            if task_id in stored:
                updates.append({"b_instance": instance.id, "b_key": str(task_id), "body": row[0], "data_digest": digest})
            else:
                inserts.append({"instance_id": instance.id, "task_id": str(task_id), "seq": creation_order[task_id],
                                "workflow": key, "body": row[0], "data_digest": digest})
            written.append(task)
            if finished:
                open_rows.pop(task_id, None)
            else:
                open_rows[task_id] = row
    removed = sorted(str(task_id) for task_id in stored.keys() - current.keys())
    for task_id in removed:
        open_rows.pop(UUID(task_id), None)
    if new_values:
        writes.execute(_INSERT_VALUES, [{"instance_id": instance.id, "digest": digest, "body": body}
                                        for digest, body in new_values.items()])
        data_digests.update(new_values)
    _TASK_ROWS.write(writes, instance.id, inserts, updates, removed)
    live.stored = current
    _save_shells(writes, instance, live)
    return Written(written, removed)


def _save_shells(writes: Writes, instance: Instance, live: LiveWorkflow) -> None:
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
    _SHELL_ROWS.write(writes, instance.id, inserts, updates, removed)


class _BodyRows:
    """Statements for a table of (instance, key) -> body rows, built once: building and caching
    a statement anew costs more than running it."""

    def __init__(self, table, key, *columns):
        self.insert = insert(table)
        self.update = update(table).where(table.c.instance_id == bindparam("b_instance"), key == bindparam("b_key")) \
            .values({column: bindparam(column) for column in ("body", *columns)})
        self.delete = delete(table).where(table.c.instance_id == bindparam("b_instance"),
                                          key.in_(bindparam("b_keys", expanding=True)))

    def write(self, writes: Writes, instance_id: str, inserts: list[dict], updates: list[dict], removed: list[str]):
        if removed:
            writes.execute(self.delete, {"b_instance": instance_id, "b_keys": removed}, alone=True)
        if inserts:
            writes.execute(self.insert, inserts)
        if updates:
            writes.execute(self.update, updates)


_TASK_ROWS = _BodyRows(TaskSnapshot.__table__, TaskSnapshot.__table__.c.task_id, "data_digest")
_INSERT_VALUES = insert(TaskData.__table__)
_SHELL_ROWS = _BodyRows(SubprocessShell.__table__, SubprocessShell.__table__.c.subprocess_id)
