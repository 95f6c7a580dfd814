"""/api/definitions: lint an uploaded bundle, deploy it as a version, list versions, diagram XML."""
from __future__ import annotations

from dataclasses import asdict

from engine.definitions import catalog

from .blueprint import Blueprint
from .schemas.definitions import (
    BundleSchema,
    DefinitionsArgsSchema,
    DeploymentSchema,
    DeployResultSchema,
    DiagramArgsSchema,
    DiagramXmlSchema,
    LintReportSchema,
)
from .security import current, requires, services

blp = Blueprint("definitions", __name__, url_prefix="/api/definitions", description="流程定义：检查、部署、版本")


def deployment_dict(d) -> dict:
    return {"id": d.id, "name": d.name, "version": d.version, "content_hash": d.content_hash,
            "process_ids": list(d.process_ids), "files": sorted(d.files), "deployed_by": d.deployed_by,
            "deployed_at": d.deployed_at}


@blp.route("", methods=["GET"])
@requires("definitions:read")
@blp.arguments(DefinitionsArgsSchema, location="query")
@blp.response(200, DeploymentSchema(many=True))
def list_versions(args):
    """部署版本列表（可按名称筛选），新版本在前"""
    return [deployment_dict(d) for d in catalog.deployments(services(), args.get("name"))]


@blp.route("/lint", methods=["POST"])
@requires("definitions:write")
@blp.arguments(BundleSchema)
@blp.response(200, LintReportSchema)
def lint(body):
    """检查上传的 BPMN/DMN 文件（不部署），一次列出全部问题"""
    messages = catalog.lint(services(), body["files"])
    return {"ok": not messages, "messages": [asdict(m) for m in messages]}


@blp.route("", methods=["POST"])
@requires("definitions:write")
@blp.arguments(BundleSchema)
@blp.response(201, DeployResultSchema)
@blp.alt_response(200, schema=DeployResultSchema, description="内容与已有版本相同，沿用该版本")
def deploy(body):
    """检查并部署为新版本；未通过检查时返回 422 并列出问题"""
    deployment, created = catalog.deploy(services(), body["name"], body["files"], current().name)
    result = {"created": created, "deployment": deployment_dict(deployment)}
    return result, 201 if created else 200


@blp.route("/<int(max=2147483647):deployment_id>", methods=["GET"])
@requires("definitions:read")
@blp.response(200, DeploymentSchema)
def show(deployment_id):
    """一个部署版本"""
    return deployment_dict(catalog.deployment(services(), deployment_id))


@blp.route("/<int(max=2147483647):deployment_id>/diagram", methods=["GET"])
@requires("definitions:read")
@blp.arguments(DiagramArgsSchema, location="query")
@blp.response(200, DiagramXmlSchema)
def diagram(args, deployment_id):
    """部署版本中某个流程的 BPMN XML（供流程图查看器使用）"""
    process_id, file, xml = catalog.diagram_xml(services(), deployment_id, args.get("process_id"))
    return {"process_id": process_id, "file": file, "xml": xml}
