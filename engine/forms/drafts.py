"""A task as its handler sees it: facts, form (schema, UI schema, current data), drafts."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound
from engine.people.access import Forbidden, Principal, holds, may_read_task, require_holds
from engine.runtime.spiff import REGISTRY
from engine.storage.models import HumanTask, Instance, TaskData, TaskSnapshot
from engine.storage.storable import require_storable
from engine.storage.task_tables import TaskDraft, TaskReminder
from engine.tasks.inbox import task_row
from engine.tasks.task_subject import TaskSubject, candidate_ref, task_subject


@dataclass
class TaskDetail:
    task: HumanTask
    assignee: str | None
    version: int
    instance_status: str
    business_key: str | None
    process_id: str
    reminders: list[TaskReminder] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


@dataclass
class TaskForm:
    task_id: str
    form: str | None
    schema: dict
    ui_schema: dict | None
    data: dict
    draft_saved_at: datetime | None
    version: int
    subject: TaskSubject | None = None  # whom the task is about, shown read-only beside the form


def _readable(session: Session, principal: Principal, task_id: str) -> tuple[HumanTask, str | None]:
    found = task_row(session, task_id)
    if found is None:
        raise NotFound("任务不存在")
    row, assignee = found
    if not may_read_task(principal, row.role, row.unit, assignee, row.completed_by):
        raise Forbidden("您的角色或所属单位无权查看该任务")
    return row, assignee


def task_detail(services, principal: Principal, task_id: str) -> TaskDetail:
    with services.db.transaction(write=False) as session:
        row, assignee = _readable(session, principal, task_id)
        instance = session.get(Instance, row.instance_id)
        reminders = list(session.scalars(select(TaskReminder).where(TaskReminder.task_id == task_id)
                                         .order_by(TaskReminder.sent_at)))
    actions = []
    if row.state == "ready" and instance.status == "running":
        if holds(principal, row.role, row.unit, assignee):
            actions += ["save_draft", "submit", "return", "transfer"]
        elif principal.role == "admin":
            actions.append("transfer")
        if principal.role in ("office", "leading", "admin"):
            actions.append("remind")
    elif row.state == "completed" and row.completed_by == principal.name and instance.status == "running":
        actions.append("withdraw")  # offered; the command still checks the next step has not started
    return TaskDetail(row, assignee, instance.version, instance.status, instance.business_key, instance.process_id,
                      reminders, actions)


def task_form(services, principal: Principal, task_id: str) -> TaskForm:
    """The form to fill in: what the task's data already holds for the form's fields (prefilled at
    the start, or after a 退回 the earlier submission), with a saved draft over it."""
    with services.db.transaction(write=False) as session:
        row, _ = _readable(session, principal, task_id)
        version = session.scalar(select(Instance.version).where(Instance.id == row.instance_id))
        draft = session.get(TaskDraft, task_id)
        subject = task_subject(session, services.runtime.forms, row.instance_id, task_id)
        stored_data = session.scalar(select(TaskData.body).join(TaskSnapshot, and_(
            TaskSnapshot.instance_id == TaskData.instance_id, TaskSnapshot.data_digest == TaskData.digest)).where(
            TaskSnapshot.instance_id == row.instance_id, TaskSnapshot.task_id == task_id))
    forms = services.runtime.forms
    schema = forms.resolved(row.form) if row.form and forms is not None else {"type": "object", "properties": {}}
    ui = forms.ui_schema(row.form) if row.form and forms is not None else None
    task_data = REGISTRY.restore(json.loads(stored_data)) if stored_data else {}
    fields = schema.get("properties") or {}
    data = {k: v for k, v in task_data.items() if k in fields}
    if subject is not None and "candidate" in fields and "candidate" not in data:
        data["candidate"] = candidate_ref(subject)
    if draft is not None:
        # A draft holds what the user typed, which may be only part of the form: the fields the
        # task was given (a start's prefilled 推荐单位, an earlier submission) stay underneath it.
        data = {**data, **draft.data}
    return TaskForm(task_id, row.form, schema, ui, data, draft.saved_at if draft else None, version, subject)


def save_draft(services, principal: Principal, task_id: str, data: dict) -> datetime:
    require_storable(data)  # a draft every colleague's form reads back must be readable JSON
    now = services.runtime.now()
    with services.db.transaction() as session:
        found = task_row(session, task_id)
        if found is None:
            raise NotFound("任务不存在")
        row, assignee = found
        require_holds(principal, row.role, row.unit, assignee, "填写")
        if row.state != "ready":
            raise Conflict("该任务已办理或已失效，不能保存草稿")
        draft = session.get(TaskDraft, task_id)
        if draft is None:
            session.add(TaskDraft(task_id=task_id, data=data, saved_by=principal.name, saved_at=now))
        else:
            draft.data, draft.saved_by, draft.saved_at = data, principal.name, now
    return now
