from __future__ import annotations

from engine.people.access import ROLES

from .base import BaseSchema, DateTime, Int, Nested, Str, between, length


class LoginSchema(BaseSchema):
    name = Str(required=True, validate=length(1, 100), metadata={"description": "用户名"})
    password = Str(required=True, validate=length(1, 200), load_only=True)


class UserSchema(BaseSchema):
    name = Str(required=True)
    display_name = Str(required=True)
    role = Str(required=True, metadata={"enum": list(ROLES)})
    role_name = Str(required=True, metadata={"description": "角色的中文名称"})
    unit = Str(allow_none=True, metadata={"description": "所属单位（经办人员必有）"})


class SessionSchema(BaseSchema):
    user = Nested(UserSchema, required=True)
    csrf_token = Str(required=True, metadata={"description": "使用会话 Cookie 发出修改类请求时放入 X-CSRF-Token 请求头"})
    expires_at = DateTime(required=True)


class TokenCreateSchema(BaseSchema):
    label = Str(load_default="", validate=length(max=100), metadata={"description": "令牌用途说明"})
    ttl_hours = Int(load_default=24 * 30, validate=between(1, 24 * 365), metadata={"description": "有效期（小时）"})


class TokenSchema(BaseSchema):
    id = Int(required=True)
    label = Str(required=True)
    created_at = DateTime(required=True)
    expires_at = DateTime(required=True)
    revoked_at = DateTime(allow_none=True)


class TokenCreatedSchema(TokenSchema):
    token = Str(required=True, metadata={"description": "访问令牌，仅在签发时显示一次"})


