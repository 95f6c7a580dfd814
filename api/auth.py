"""/api/auth: log in and out (browser session), who am I, personal access tokens."""
from __future__ import annotations

from datetime import timedelta

from flask import g, make_response, request

from engine.people import users
from engine.people.access import ROLES, Principal

from .blueprint import Blueprint
from .schemas.auth import LoginSchema, SessionSchema, TokenCreatedSchema, TokenCreateSchema, TokenSchema, UserSchema
from .security import CSRF_COOKIE, SESSION_COOKIE, current, now, public, requires, services

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="登录、会话与访问令牌")


def user_dict(p: Principal) -> dict:
    return {"name": p.name, "display_name": p.display_name or p.name, "role": p.role,
            "role_name": ROLES.get(p.role, p.role), "unit": p.unit}


@blp.route("/login", methods=["POST"])
@public
@blp.arguments(LoginSchema)
@blp.response(200, SessionSchema)
def login(body):
    """登录（浏览器）：设置会话 Cookie，返回 CSRF 令牌"""
    with services().db.transaction() as session:
        principal = users.authenticate(session, body["name"], body["password"])
        raw, token = users.issue_token(session, principal.id, now(), kind="session", ttl=users.SESSION_TTL,
                                       label="浏览器会话")
    csrf = users.csrf_token_for(raw)
    response = make_response(SessionSchema().dump(
        {"user": user_dict(principal), "csrf_token": csrf, "expires_at": token.expires_at}))
    secure = request.is_secure
    max_age = int(users.SESSION_TTL.total_seconds())
    response.set_cookie(SESSION_COOKIE, raw, max_age=max_age, httponly=True, samesite="Lax", secure=secure, path="/")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="Lax", secure=secure, path="/")
    return response


@blp.route("/logout", methods=["POST"])
@requires("self")
@blp.response(204)
def logout():
    """退出登录：注销当前会话（或当前访问令牌）"""
    with services().db.transaction() as session:
        users.revoke_token(session, g.auth[1], current().id, now())
    response = make_response("", 204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@blp.route("/me", methods=["GET"])
@requires("self")
@blp.response(200, UserSchema)
def me():
    """当前用户"""
    return user_dict(current())


@blp.route("/tokens", methods=["GET"])
@requires("self")
@blp.response(200, TokenSchema(many=True))
def list_tokens():
    """本人的访问令牌（不含令牌值）"""
    with services().db.transaction(write=False) as session:
        return users.list_tokens(session, current().id)


@blp.route("/tokens", methods=["POST"])
@requires("self")
@blp.arguments(TokenCreateSchema)
@blp.response(201, TokenCreatedSchema)
def create_token(body):
    """签发访问令牌（供 API 客户端以 Bearer 方式使用）；令牌值只显示这一次"""
    with services().db.transaction() as session:
        raw, token = users.issue_token(session, current().id, now(), kind="api",
                                       ttl=timedelta(hours=body["ttl_hours"]), label=body["label"])
        return {"id": token.id, "label": token.label, "created_at": token.created_at,
                "expires_at": token.expires_at, "revoked_at": None, "token": raw}


@blp.route("/tokens/<int(max=2147483647):token_id>", methods=["DELETE"])
@requires("self")
@blp.response(204)
def revoke_token(token_id):
    """注销本人的一个访问令牌"""
    with services().db.transaction() as session:
        users.revoke_token(session, token_id, current().id, now())
