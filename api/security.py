"""Authentication (bearer tokens for API clients, a session cookie plus CSRF header for the
browser) and authorization by role. Deny by default: `create_app` refuses to start if any view
is neither `@requires(permission)` nor `@public`."""
from __future__ import annotations

import hmac
from copy import deepcopy
from datetime import datetime
from functools import wraps

from flask import Flask, current_app, g, request

from engine.people.access import ROLES, Principal
from engine.people.users import csrf_token_for, verify
from engine.services import Services

from .errors import CsrfFailed, RoleForbidden, Unauthorized

SESSION_COOKIE = "pingxuan_session"
CSRF_COOKIE = "pingxuan_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALL = frozenset(ROLES)

# Which roles may call which endpoints. Finer rules (which tasks, which instances) are the
# engine's: engine.people.access and the services check lanes, units and assignees.
PERMISSIONS: dict[str, frozenset[str]] = {
    "self": ALL,
    "calendar:read": ALL,
    "calendar:write": frozenset({"admin"}),
    "definitions:read": frozenset({"designer", "office", "auditor", "admin"}),
    "definitions:write": frozenset({"designer"}),
    "instances:start": frozenset({"staff", "office"}),
    "instances:read": frozenset({"staff", "office", "leading", "auditor", "admin"}),
    "tasks:read": frozenset({"staff", "office", "leading", "auditor", "admin"}),
    "tasks:act": frozenset({"staff", "office", "leading"}),
    "tasks:correct": frozenset({"admin"}),
    "tasks:transfer": frozenset({"staff", "office", "leading", "admin"}),
    "tasks:remind": frozenset({"office", "leading", "admin"}),
    "timers:read": frozenset({"office", "leading", "auditor", "admin"}),
    "audit:read": frozenset({"auditor", "admin"}),
    "uploads:write": frozenset({"staff", "office"}),
    "uploads:read": frozenset({"staff", "office", "leading", "auditor", "admin"}),
    "campaigns:list": ALL,
    "campaigns:read": frozenset({"staff", "office", "leading", "auditor", "admin"}),
    "campaigns:write": frozenset({"office", "admin"}),
    "campaigns:nominate": frozenset({"staff", "admin"}),
    "campaigns:review": frozenset({"staff", "office", "leading"}),
    "campaigns:publicity": frozenset({"staff", "office", "leading"}),
    "objections:write": frozenset({"staff", "office", "admin"}),
    "documents:read": frozenset({"staff", "office", "leading", "auditor", "admin"}),
    "documents:bundle": frozenset({"office", "leading", "auditor", "admin"}),
}
SECURITY: list[dict] = [{"bearerAuth": []}, {"cookieAuth": [], "csrfHeader": []}]
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "POST /api/auth/tokens 签发的访问令牌"},
    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE, "description": "浏览器登录会话"},
    "csrfHeader": {"type": "apiKey", "in": "header", "name": CSRF_HEADER,
                   "description": "使用会话 Cookie 时，修改类请求须带登录时返回的 csrf_token"},
}


def services() -> Services:
    return current_app.extensions["pingxuan"]


def now() -> datetime:
    return services().runtime.now()


def authenticate() -> Principal:
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise Unauthorized("Authorization 请求头应为“Bearer 访问令牌”")
        principal, token_id = verify(services().db, raw.strip(), now())
        g.auth = ("bearer", token_id)
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise Unauthorized("请先登录，或在 Authorization 请求头中提供访问令牌")
    principal, token_id = verify(services().db, cookie, now(), kind="session")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), csrf_token_for(cookie).encode()):
            raise CsrfFailed(f"缺少或错误的 CSRF 令牌（请求头 {CSRF_HEADER}），请刷新页面后重试")
    g.auth = ("cookie", token_id)
    return principal


def current() -> Principal:
    return g.principal


def requires(permission: str):
    roles = PERMISSIONS[permission]

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            principal = authenticate()
            if principal.role not in roles:
                raise RoleForbidden(f"{ROLES.get(principal.role, principal.role)}无权执行此操作")
            g.principal = principal
            return fn(*args, **kwargs)

        wrapper._pingxuan_access = permission
        wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
        wrapper._apidoc.setdefault("manual_doc", {})["x-pingxuan-roles"] = sorted(roles)
        return wrapper

    return decorator


def public(fn):
    fn._pingxuan_access = "public"
    fn._apidoc = deepcopy(getattr(fn, "_apidoc", {}))
    fn._apidoc.setdefault("manual_doc", {})["security"] = []
    return fn


def check_guarded(app: Flask, exempt: set[str]) -> None:
    """Deny by default: every view must say who may call it."""
    unguarded = [name for name, view in app.view_functions.items()
                 if name not in exempt and not hasattr(view, "_pingxuan_access")]
    if unguarded:
        raise RuntimeError(f"views without an access rule: {sorted(unguarded)}")
