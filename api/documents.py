"""/api/documents: the printed documents (审批表, 汇总表, 征求意见表, 公示, 表彰名单, 工作情况报告,
照片) as downloads, and whole-campaign generation in the background. Who may print what is the
engine's rule (engine.documents.records): a unit's staff print only their own unit's candidates."""
from __future__ import annotations

from dataclasses import asdict
from urllib.parse import quote

from flask import Response, current_app

from engine.documents.export import KINDS, export, list_postings
from engine.documents.files import MEDIA_TYPES
from engine.documents.jobs import DocumentJobs
from engine.errors import NotFound

from .blueprint import Blueprint
from .schemas.documents import DocumentArgsSchema, JobArgsSchema, JobSchema, PostingSchema
from .security import current, requires, services

blp = Blueprint("documents", __name__, url_prefix="/api/documents", description="打印材料")

_BINARY = {"200": {"description": "文件内容", "content": {
    media: {"schema": {"type": "string", "format": "binary"}} for media in sorted(set(MEDIA_TYPES.values()))}}}


def _download(generated) -> Response:
    # RFC 5987 file name: the names are Chinese
    disposition = f"attachment; filename*=UTF-8''{quote(generated.file_name)}"
    return Response(generated.content, mimetype=generated.media_type,
                    headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"})


def _jobs() -> DocumentJobs:
    if "pingxuan_document_jobs" not in current_app.extensions:
        current_app.extensions["pingxuan_document_jobs"] = DocumentJobs(services())
    return current_app.extensions["pingxuan_document_jobs"]


@blp.route("/<kind>/<target>", methods=["GET"])
@requires("documents:read")
@blp.arguments(DocumentArgsSchema, location="query")
@blp.doc(responses=_BINARY, description="kind：" + "、".join(f"{k}（{v.label}，{v.target}）" for k, v in KINDS.items()))
def download(args, kind, target):
    """下载打印材料：推荐审批表、征求意见表按推荐对象，公示按公示编号，其余按评选活动"""
    if kind not in KINDS:
        raise NotFound(f"没有“{kind}”这种材料")
    options = {k: args[k] for k in ("unit", "department") if args.get(k)}
    return _download(export(services(), current(), kind, target, args.get("format"), **options))


@blp.route("/campaigns/<campaign_id>/postings", methods=["GET"])
@requires("documents:read")
@blp.response(200, PostingSchema(many=True))
def postings(campaign_id):
    """评选活动的各次公示（公示期按工作日历计算）"""
    return [asdict(p) for p in list_postings(services(), current(), campaign_id)]


@blp.route("/campaigns/<campaign_id>/jobs", methods=["POST"])
@requires("documents:bundle")
@blp.arguments(JobArgsSchema)
@blp.response(202, JobSchema)
def start_job(args, campaign_id):
    """在后台生成评选活动的全部材料（zip），返回任务以查询进度"""
    return _job(_jobs().start(current(), campaign_id, args["pdf"]))


@blp.route("/jobs/<job_id>", methods=["GET"])
@requires("documents:bundle")
@blp.response(200, JobSchema)
def job(job_id):
    """后台生成任务的进度"""
    return _job(_jobs().get(current(), job_id))


@blp.route("/jobs/<job_id>/file", methods=["GET"])
@requires("documents:bundle")
@blp.doc(responses=_BINARY)
def job_file(job_id):
    """下载后台生成的全部材料"""
    return _download(_jobs().result(current(), job_id))


def _job(job) -> dict:
    return {k: getattr(job, k) for k in ("id", "campaign_id", "state", "done", "total", "error", "file_name")}
