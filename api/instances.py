"""/api/instances: start an instance (one per candidate), its state, current tasks, diagram."""
from __future__ import annotations

from dataclasses import asdict

from engine.tasks import instance_views

from .blueprint import Blueprint
from .schemas.instances import (
    InstanceDiagramSchema,
    InstanceListArgsSchema,
    InstanceListSchema,
    InstanceSchema,
    StartSchema,
    TaskBriefSchema,
)
from .security import current, requires, services

blp = Blueprint("instances", __name__, url_prefix="/api/instances", description="流程实例（推荐对象）")


def state_dict(state: instance_views.InstanceState) -> dict:
    return {**asdict(state.view), "process_id": state.process_id,
            "deployment": {"id": state.deployment_id, "name": state.deployment_name, "version": state.deployment_version},
            "business_key": state.business_key, "created_at": state.created_at, "updated_at": state.updated_at}


@blp.route("", methods=["POST"])
@requires("instances:start")
@blp.arguments(StartSchema)
@blp.response(201, InstanceSchema)
def start(body):
    """发起流程实例，运行到第一个等待点；经办人员以本单位名义发起"""
    view = instance_views.start(services(), current(), body["process_id"], body["data"], body["business_key"])
    return state_dict(instance_views.state(services(), current(), view.id))


@blp.route("", methods=["GET"])
@requires("instances:read")
@blp.arguments(InstanceListArgsSchema, location="query")
@blp.response(200, InstanceListSchema)
def listing(args):
    """本人可见的流程实例，新的在前"""
    rows, total = instance_views.listing(services(), current(), args.get("status"), args.get("process_id"),
                                         args["page"], args["per_page"])
    return {"items": rows, "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<instance_id>", methods=["GET"])
@requires("instances:read")
@blp.response(200, InstanceSchema)
def show(instance_id):
    """实例状态与当前待办"""
    return state_dict(instance_views.state(services(), current(), instance_id))


@blp.route("/<instance_id>/tasks", methods=["GET"])
@requires("instances:read")
@blp.response(200, TaskBriefSchema(many=True))
def current_tasks(instance_id):
    """实例当前的待办任务"""
    return instance_views.state(services(), current(), instance_id).view.ready_tasks


@blp.route("/<instance_id>/diagram", methods=["GET"])
@requires("instances:read")
@blp.response(200, InstanceDiagramSchema)
def diagram(instance_id):
    """实例的流程图 XML，以及已完成和当前活动的元素"""
    return asdict(instance_views.diagram(services(), current(), instance_id))
