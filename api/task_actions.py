"""/api/tasks/…: 退回 (return), 撤回 (withdraw), 转办 (transfer), 催办 (remind)."""
from __future__ import annotations

from dataclasses import asdict

from engine.tasks import task_actions

from .auth import user_dict
from .blueprint import Blueprint
from .schemas.auth import UserSchema
from .schemas.instances import InstanceViewSchema
from .schemas.tasks import RemindResultSchema, RemindSchema, ReturnSchema, TransferSchema, WithdrawSchema
from .security import current, requires, services

blp = Blueprint("task_actions", __name__, url_prefix="/api/tasks", description="退回、撤回、转办、催办")


@blp.route("/<task_id>/return", methods=["POST"])
@requires("tasks:act")
@blp.arguments(ReturnSchema)
@blp.response(200, InstanceViewSchema)
def return_task(body, task_id):
    """退回：把待办任务退回上一步，上一步重新变为待办（保留原填写内容）"""
    return asdict(task_actions.return_task(services(), current(), task_id, body["version"], body["reason"]))


@blp.route("/<task_id>/withdraw", methods=["POST"])
@requires("tasks:act")
@blp.arguments(WithdrawSchema)
@blp.response(200, InstanceViewSchema)
def withdraw(body, task_id):
    """撤回：撤回本人已提交的任务（下一步尚未开始办理时）"""
    return asdict(task_actions.withdraw(services(), current(), task_id, body["version"], body["reason"]))


@blp.route("/<task_id>/transfer", methods=["POST"])
@requires("tasks:transfer")
@blp.arguments(TransferSchema)
@blp.response(200, InstanceViewSchema)
def transfer(body, task_id):
    """转办：交给同一角色（及同一单位）的其他用户办理"""
    return asdict(task_actions.transfer(services(), current(), task_id, body["version"], body["to"], body["reason"]))


@blp.route("/<task_id>/transfer-candidates", methods=["GET"])
@requires("tasks:transfer")
@blp.response(200, UserSchema(many=True))
def transfer_candidates(task_id):
    """可转办的对象"""
    return [user_dict(u) for u in task_actions.transfer_candidates(services(), current(), task_id)]


@blp.route("/<task_id>/remind", methods=["POST"])
@requires("tasks:remind")
@blp.arguments(RemindSchema)
@blp.response(200, RemindResultSchema)
def remind(body, task_id):
    """催办：提醒经办人尽快办理（不改变流程状态）"""
    return {"task_id": task_id, "reminders": task_actions.remind(services(), current(), task_id, body["message"])}
