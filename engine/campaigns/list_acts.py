"""A user's acts on a list of candidates' tasks (审核名单, 公示名单): the same holder check as a single
submission, then one all-or-nothing campaign command, then the list's drafts cleared."""
from __future__ import annotations

from sqlalchemy import delete

from engine.errors import NotFound, ValidationFailed
from engine.people.access import Forbidden, Principal, require_holds
from engine.runtime.runtime import InstanceView
from engine.storage.task_tables import TaskDraft
from engine.tasks.inbox import task_row


def require_holds_all(services, principal: Principal, task_ids: list[str], what: str = "办理") -> None:
    """The caller must hold every listed task: the same rule as submitting a single task."""
    if len(set(task_ids)) != len(task_ids):
        raise ValidationFailed("同一任务在列表中出现了多次", {"task_ids": "任务不能重复"})
    with services.db.transaction(write=False) as session:
        for i, task_id in enumerate(task_ids):
            found = task_row(session, task_id)
            if found is None:
                raise NotFound(f"第 {i + 1} 项：任务 {task_id} 不存在")
            row, assignee = found
            try:
                require_holds(principal, row.role, row.unit, assignee, what)
            except Forbidden as exc:
                raise Forbidden(f"第 {i + 1} 项：{exc.message}") from exc


def clear_drafts(services, task_ids: list[str]) -> None:
    with services.db.transaction() as session:
        session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(task_ids)))


def preview_review(services, principal: Principal, campaign_id: str, task_ids: list[str], decisions: list[dict]) -> dict:
    """What a review list would do to every rule it checks, before it is submitted (changes nothing)."""
    require_holds_all(services, principal, task_ids, "审核")
    return services.campaigns.preview_review(campaign_id, task_ids, decisions)


def review(services, principal: Principal, campaign_id: str, task_ids: list[str], form: dict,
           override_reason: str | None) -> list[InstanceView]:
    require_holds_all(services, principal, task_ids, "审核")
    views = services.campaigns.batch_review(campaign_id, task_ids, form, principal.name,
                                            override_reason=override_reason)
    clear_drafts(services, task_ids)
    return views


def post_publicity(services, principal: Principal, campaign_id: str, task_ids: list[str], form: dict) -> list[InstanceView]:
    require_holds_all(services, principal, task_ids, "张贴公示")
    views = services.campaigns.post_publicity(campaign_id, task_ids, form, principal.name)
    clear_drafts(services, task_ids)
    return views
