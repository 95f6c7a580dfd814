"""/api/health."""
from __future__ import annotations

from .blueprint import Blueprint
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
