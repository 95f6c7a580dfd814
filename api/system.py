"""/api/health (liveness) and /api/health/ready (readiness: database reachable, schema current)."""
from __future__ import annotations

from engine.storage.migrate import schema_revisions

from .blueprint import Blueprint
from .errors import ApiError
from .schemas.base import BaseSchema, Str
from .security import public, services

blp = Blueprint("system", __name__, url_prefix="/api", description="系统状态")


class HealthSchema(BaseSchema):
    status = Str(required=True)
    database = Str(required=True)


@blp.route("/health", methods=["GET"])
@public
@blp.response(200, HealthSchema)
def health():
    """健康检查：数据库可连接"""
    return {"status": "ok", "database": services().db.ping()}


class NotReady(ApiError):
    code = "not_ready"
    http_status = 503


class ReadySchema(BaseSchema):
    status = Str(required=True)
    database = Str(required=True)
    schema_revision = Str(required=True)


@blp.route("/health/ready", methods=["GET"])
@public
@blp.response(200, ReadySchema)
@blp.alt_response(503, description="数据库不可用或结构不是最新版本")
def ready():
    """就绪检查：数据库可连接且结构为最新版本（负载均衡据此决定是否转发请求）"""
    try:
        database = services().db.ping()
        current_revision, head = schema_revisions(services().db)
    except Exception as exc:  # noqa: BLE001  (whatever keeps the database away, the answer is "not ready")
        raise NotReady("数据库不可连接") from exc
    if current_revision != head:
        raise NotReady(f"数据库结构版本为 {current_revision or '无'}，应为 {head}：请运行 pingxuan db upgrade")
    return {"status": "ready", "database": database, "schema_revision": current_revision}
