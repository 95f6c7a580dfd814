"""What a user does to a task: submit (alone or a review list), 退回, 撤回, 转办, 催办.

Each checks that the user holds the task (engine.people.access), then runs one runtime command, so every
state change is an event in the instance's hash chain and replays through engine.runtime.appliers."""
from __future__ import annotations

from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound, ValidationFailed
from engine.people.access import Forbidden, Principal, holds, require_holds
from engine.people.users import find_user, users_with_role
from engine.runtime.runtime import Command, InstanceView
from engine.runtime.spiff import find_task
from engine.storage.models import Event, HumanTask
from engine.storage.task_tables import TaskAssignment, TaskDraft, TaskReminder
from engine.tasks.inbox import task_row

# Events after which "the next step has not started yet" still holds.
NO_STATE_CHANGE = ("task_reassigned",)


def _open_task(session: Session, principal: Principal, task_id: str, what: str) -> tuple[HumanTask, str | None]:
    found = task_row(session, task_id)
    if found is None:
        raise NotFound("任务不存在")
    row, assignee = found
    require_holds(principal, row.role, row.unit, assignee, what)
    if row.state != "ready":
        raise Conflict("该任务已办理或已不在可办理状态，不能重复提交" if row.state == "completed"
                       else "该任务已撤销或已失效")
    return row, assignee


def submit(services, principal: Principal, task_id: str, data: dict, version: int | None,
           correction_reason: str | None = None) -> InstanceView:
    """Complete a task with its form. `correction_reason`: an administrator's correction of a date
    already past (a publicity posted on paper last week, entered late), recorded in the event."""
    with services.db.transaction(write=False) as session:
        if correction_reason is None:
            row, _ = _open_task(session, principal, task_id, "办理")
        else:
            if principal.role != "admin":
                raise Forbidden("只有系统管理员可以更正已过去的日期")
            if not correction_reason.strip():
                raise ValidationFailed("请填写更正理由", field_errors={"correction_reason": "必填"})
            row, _ = _any_open(session, task_id)
        has_draft = session.get(TaskDraft, task_id) is not None
    if correction_reason is None:
        view = services.runtime.complete_task(row.instance_id, task_id, data, principal.name, version)
    else:
        correction = {"reason": correction_reason.strip()}
        view = services.runtime.command(Command(
            row.instance_id, "task_completed", {"task_id": task_id, "data": data, "correction": correction}, version,
            services.runtime.completion_check(task_id, data, correction=correction)), principal.name)
    if has_draft:
        with services.db.transaction() as session:
            session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id))
    return view


def submit_many(services, principal: Principal, items: list[tuple[str, dict, int | None]]) -> list[InstanceView]:
    """A review list, all or nothing: every item is checked first, so a refusal names its item."""
    if not items:
        raise ValidationFailed("请至少选择一项", field_errors={"items": "不能为空"})
    if len({task_id for task_id, _, _ in items}) != len(items):
        raise ValidationFailed("同一任务在列表中出现了多次", field_errors={"items": "任务不能重复"})
    commands = []
    with services.db.transaction(write=False) as session:
        for i, (task_id, data, version) in enumerate(items):
            try:
                row, _ = _open_task(session, principal, task_id, "办理")
                if row.form and services.runtime.forms is not None:
                    services.runtime.forms.validate(row.form, data)
            except ValidationFailed as exc:
                raise ValidationFailed(f"第 {i + 1} 项：{exc.message}",
                                       field_errors={f"items.{i}.data.{k}": v for k, v in exc.field_errors.items()},
                                       field_labels={f"items.{i}.data.{k}": v for k, v in exc.field_labels.items()}) from exc
            except (NotFound, Conflict, Forbidden) as exc:
                raise type(exc)(f"第 {i + 1} 项：{exc.message}") from exc
            commands.append((row.instance_id, task_id, data, version))
    views = services.runtime.complete_many(commands, principal.name)
    with services.db.transaction() as session:
        session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_([t for t, _, _ in items])))
    return views


def previous_user_task(wf, task: Task) -> Task | None:
    """The nearest completed user task on the path that led to `task` (across subprocesses)."""
    node = task.parent
    while node is not None:
        if node.task_spec.manual and node.state == TaskState.COMPLETED:
            return node
        if node.parent is None and node.workflow.parent_task_id is not None:
            node = find_task(wf, node.workflow.parent_task_id)
        else:
            node = node.parent
    return None


def return_task(services, principal: Principal, task_id: str, version: int | None, reason: str) -> InstanceView:
    """退回: send an open task back to the user task before it; that step becomes open again."""
    with services.db.transaction(write=False) as session:
        row, _ = _open_task(session, principal, task_id, "退回")
    def returned_to(live, _at):
        task = find_task(live.workflow, task_id)
        if task is None or task.state != TaskState.READY:
            raise Conflict("该任务已办理或已失效，不能退回")
        previous = previous_user_task(live.workflow, task)
        if previous is None:
            raise Conflict("该任务是流程的第一步，没有可退回的上一步")
        return {"task_id": task_id, "to_task_id": str(previous.id), "reason": reason}

    return services.runtime.command(Command(row.instance_id, "task_returned", returned_to, version), principal.name)


def withdraw(services, principal: Principal, task_id: str, version: int | None, reason: str) -> InstanceView:
    """撤回: the submitter takes back a submission while the next step has not started (nothing
    changed the workflow since, and no one has saved a draft of the tasks it opened)."""
    with services.db.transaction(write=False) as session:
        found = task_row(session, task_id)
        if found is None:
            raise NotFound("任务不存在")
        row, assignee = found
        if row.completed_by != principal.name or row.state != "completed":
            raise Forbidden("只能撤回本人已提交的任务")
        require_holds(principal, row.role, row.unit, assignee, "撤回")

    def check(session, live, _at):
        last = session.scalar(select(Event).where(Event.instance_id == row.instance_id,
                                                  Event.type.not_in(NO_STATE_CHANGE))
                              .order_by(Event.seq.desc()).limit(1))
        if last is None or last.type != "task_completed" or last.payload.get("task_id") != task_id \
                or last.actor != principal.name:
            raise Conflict("下一步已经开始办理，不能撤回；如需修改，请联系下一步经办人退回")
        drafted = session.scalar(select(func.count()).select_from(TaskDraft).join(
            HumanTask, HumanTask.task_id == TaskDraft.task_id).where(
            HumanTask.instance_id == row.instance_id, HumanTask.state == "ready"))
        if drafted:
            raise Conflict("下一步经办人已开始填写，不能撤回；如需修改，请联系其退回")
        task = find_task(live.workflow, task_id)
        if task is None or task.state != TaskState.COMPLETED:
            raise Conflict("该任务不在已提交状态，不能撤回")

    def still_open(_writes, live, _at):
        # The deadline binds a withdrawn submission again; past it, the timer would end the case.
        task = find_task(live.workflow, task_id)
        if task is None or task.state != TaskState.READY:
            raise Conflict("已过该环节的截止时间，撤回后将视为放弃，因此不能撤回")

    return services.runtime.command(Command(row.instance_id, "task_withdrawn", {"task_id": task_id, "reason": reason},
                                            version, check, still_open), principal.name)


def transfer(services, principal: Principal, task_id: str, version: int | None, to: str, reason: str) -> InstanceView:
    """转办: hand an open task to another user of the same role (and unit, where it has one)."""
    with services.db.transaction(write=False) as session:
        found = task_row(session, task_id)
        if found is None:
            raise NotFound("任务不存在")
        row, assignee = found
        if principal.role != "admin":
            require_holds(principal, row.role, row.unit, assignee, "转办")
        target = find_user(session, to)
    if target is None:
        raise ValidationFailed("转办对象不存在", field_errors={"to": f"用户 {to} 不存在或已停用"})
    if target.name == (assignee or principal.name):
        raise ValidationFailed("不能转办给当前经办人本人", field_errors={"to": "请选择其他经办人"})
    if not holds(target, row.role, row.unit, None):
        raise ValidationFailed("转办对象无权办理该任务",
                               field_errors={"to": "只能转办给同一角色（及同一单位）的其他用户"})

    def check(session, live, _at):
        task = find_task(live.workflow, task_id)
        if task is None or task.state != TaskState.READY:
            raise Conflict("该任务已办理或已失效，不能转办")

    def record(writes, _live, at):
        writes.execute(delete(TaskAssignment).where(TaskAssignment.task_id == task_id), {})
        writes.execute(insert(TaskAssignment), {"task_id": task_id, "assignee": target.name,
                                                "assigned_by": principal.name, "assigned_at": at})

    return services.runtime.command(Command(row.instance_id, "task_reassigned",
                                            {"task_id": task_id, "to": target.name, "reason": reason},
                                            version, check, record), principal.name)


def transfer_candidates(services, principal: Principal, task_id: str) -> list[Principal]:
    with services.db.transaction(write=False) as session:
        row, assignee = _open_task(session, principal, task_id, "转办") if principal.role != "admin" \
            else _any_open(session, task_id)
        users = users_with_role(session, row.role) if row.role else []
    current = assignee or principal.name
    return [u for u in users if u.name != current and holds(u, row.role, row.unit, None)]


def _any_open(session: Session, task_id: str):
    found = task_row(session, task_id)
    if found is None:
        raise NotFound("任务不存在")
    if found[0].state != "ready":
        raise Conflict("该任务已办理或已失效")
    return found


def remind(services, principal: Principal, task_id: str, message: str) -> int:
    """催办: a reminder on an open task; returns how many it has had. Not an event: it changes no
    state, and must not make the handler's open form stale."""
    with services.db.transaction() as session:
        _any_open(session, task_id)
        session.add(TaskReminder(task_id=task_id, sent_by=principal.name, sent_at=services.runtime.now(),
                                 message=message))
        session.flush()
        return session.scalar(select(func.count()).select_from(TaskReminder).where(TaskReminder.task_id == task_id))
