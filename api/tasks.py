"""/api/tasks: the inbox, a task's details and form, drafts, submit (alone or a review list)."""
from __future__ import annotations

from dataclasses import asdict

from engine.forms import drafts
from engine.tasks import inbox, task_actions

from .blueprint import Blueprint
from .idempotency import idempotent
from .schemas.instances import InstanceViewSchema
from .schemas.tasks import (
    BatchResultSchema,
    BatchSubmitSchema,
    CorrectionSchema,
    DraftSavedSchema,
    DraftSchema,
    InboxArgsSchema,
    InboxPageSchema,
    SubmitSchema,
    TaskDetailSchema,
    TaskFormSchema,
)
from .security import current, now, requires, services

blp = Blueprint("tasks", __name__, url_prefix="/api/tasks", description="待办、表单与提交")


@blp.route("", methods=["GET"])
@requires("tasks:read")
@blp.arguments(InboxArgsSchema, location="query")
@blp.response(200, InboxPageSchema)
def inbox_page(args):
    """待办/已办列表：按泳道、单位、状态、截止时间筛选，分页，默认按截止时间排序"""
    f = inbox.InboxFilter(
        state=None if args["state"] == "all" else args["state"], lane=args.get("lane"), unit=args.get("unit"),
        role=args.get("role"), spec=args.get("spec"), instance_id=args.get("instance_id"),
        due_before=args.get("due_before"), overdue=args["overdue"], completed_by_me=args["mine"],
        sort=args["sort"], page=args["page"], per_page=args["per_page"], campaign_id=args.get("campaign_id"),
        name_contains=args.get("q"), after=args.get("after"))
    return asdict(inbox.inbox(services().db, current(), f, now()))


@blp.route("/<task_id>", methods=["GET"])
@requires("tasks:read")
@blp.response(200, TaskDetailSchema)
def detail(task_id):
    """任务详情、实例版本号、催办记录、本人可执行的操作"""
    d = drafts.task_detail(services(), current(), task_id)
    t = d.task
    return {"task_id": t.task_id, "instance_id": t.instance_id, "spec": t.spec_name, "title": t.title, "lane": t.lane,
            "role": t.role, "unit": t.unit, "form": t.form, "state": t.state, "due_at": t.due_at,
            "overdue": t.state == "ready" and t.due_at is not None and t.due_at < now(),
            "created_at": t.created_at, "completed_at": t.completed_at, "completed_by": t.completed_by,
            "assignee": d.assignee, "business_key": d.business_key, "process_id": d.process_id, "version": d.version,
            "instance_status": d.instance_status, "reminders": d.reminders, "actions": d.actions}


@blp.route("/<task_id>/form", methods=["GET"])
@requires("tasks:read")
@blp.response(200, TaskFormSchema)
def form(task_id):
    """表单：JSON Schema、UI Schema 与当前数据（草稿优先）"""
    return asdict(drafts.task_form(services(), current(), task_id))


@blp.route("/<task_id>/draft", methods=["PUT"])
@requires("tasks:act")
@blp.arguments(DraftSchema)
@blp.response(200, DraftSavedSchema)
def save_draft(body, task_id):
    """保存草稿（不校验，提交时才校验）"""
    return {"task_id": task_id, "saved_at": drafts.save_draft(services(), current(), task_id, body["data"])}


@blp.route("/<task_id>/submit", methods=["POST"])
@requires("tasks:act")
@idempotent
@blp.arguments(SubmitSchema)
@blp.response(200, InstanceViewSchema)
def submit(body, task_id):
    """提交：按表单 Schema 校验后办结任务；版本已变或任务已办理返回 409"""
    return asdict(task_actions.submit(services(), current(), task_id, body["data"], body["version"]))


@blp.route("/<task_id>/correct", methods=["POST"])
@requires("tasks:correct")
@blp.arguments(CorrectionSchema)
@blp.response(200, InstanceViewSchema)
def correct(body, task_id):
    """系统管理员更正提交：允许已过去的日期（如补录线下已张贴的公示），理由记入事件"""
    return asdict(task_actions.submit(services(), current(), task_id, body["data"], body["version"], body["reason"]))


@blp.route("/batch-submit", methods=["POST"])
@requires("tasks:act")
@idempotent
@blp.arguments(BatchSubmitSchema)
@blp.response(200, BatchResultSchema)
def batch_submit(body):
    """批量提交（如审核名单）：全部成功或全部不提交，出错时指明第几项"""
    items = [(i["task_id"], i["data"] if "data" in i else body["data"], i["version"]) for i in body["items"]]
    return {"results": [asdict(v) for v in task_actions.submit_many(services(), current(), items)]}
