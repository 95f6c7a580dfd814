"""Every error leaves as RFC 7807 problem details (application/problem+json), in Chinese:
engine domain errors keep their status and message, schema validation becomes field errors."""
from __future__ import annotations

import logging
from dataclasses import asdict

from flask import Flask, current_app, json, request
from werkzeug.exceptions import HTTPException

from engine.errors import LintFailed, PingxuanError, ValidationFailed

log = logging.getLogger(__name__)
PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "请求格式错误", 401: "未登录或身份凭证无效", 403: "无权执行此操作", 404: "未找到",
    405: "不支持该请求方法", 406: "无法提供所要求的内容格式", 409: "操作冲突", 413: "请求体过大",
    415: "不支持的内容类型", 422: "提交的数据未通过校验", 429: "请求过于频繁", 500: "服务器内部错误", 503: "服务暂不可用",
}
DETAILS = {
    400: "请求格式不正确", 404: "请求的资源或接口不存在", 405: "该接口不支持此请求方法",
    406: "无法提供所要求的内容格式", 415: "请使用 application/json 或 multipart/form-data 提交",
    500: "服务器处理请求时出错，已记录日志，请稍后重试或联系管理员",
}


class ApiError(PingxuanError):
    """Errors that only the HTTP layer can detect (authentication, CSRF, malformed bodies)."""


class BadRequest(ApiError):
    code = "bad_request"
    http_status = 400


class Unauthorized(ApiError):
    code = "unauthenticated"
    http_status = 401


class RoleForbidden(ApiError):
    """The user's role may not call this endpoint at all (engine.people.access.Forbidden: not this task)."""

    code = "role_forbidden"
    http_status = 403


class CsrfFailed(ApiError):
    code = "csrf_failed"
    http_status = 403


def problem(status: int, detail: str, code: str, errors: dict | None = None, **extra):
    body = {"type": f"urn:pingxuan:problem:{code}", "title": TITLES.get(status, "请求未能完成"),
            "status": status, "detail": detail, "instance": request.path, "code": code}
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pingxuan"'
    return response


def _flatten(messages, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow nest messages by location and field; we want 'a.b.0.c': '说明'."""
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                key = ""
            path = f"{prefix}.{key}" if prefix and key != "" else (prefix or str(key))
            out.update(_flatten(value, path))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        out[prefix or "_body"] = "；".join(messages)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            out.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "_body"] = str(messages)
    return out


def field_errors(messages) -> dict[str, str]:
    """Drop the body location ("json", "files", "form"); keep "query"/"path" so it is clear."""
    if isinstance(messages, dict):
        flat = {}
        for location, inner in messages.items():
            prefix = "" if location in ("json", "files", "form", "json_or_form") else location
            flat.update(_flatten(inner, prefix))
        return flat
    return _flatten(messages)


def handle_domain(exc: PingxuanError):
    extra: dict[str, object] = {}
    if isinstance(exc, LintFailed):
        extra["lint"] = [{"file": m.file, "element_id": m.element_id, "element_name": m.element_name,
                          "message": m.message} for m in exc.messages]
    statuses = getattr(exc, "statuses", None)  # engine.campaigns.campaigns.RatioCapBreached: every cap, for the list screen
    if statuses:
        extra["caps"] = [{**asdict(s), "description": s.describe()} for s in statuses]
    errors = exc.field_errors if isinstance(exc, ValidationFailed) else None
    if isinstance(exc, ValidationFailed) and exc.field_labels:
        extra["labels"] = exc.field_labels
    return problem(exc.http_status, exc.message, exc.code, errors, **extra)


def handle_http(exc: HTTPException):
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    if status == 422 and "messages" in data:
        return problem(422, "提交的数据格式不正确，请按提示修改", "validation_failed", field_errors(data["messages"]))
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return problem(413, f"请求体超过上限（{limit / 1024 / 1024:g} MB）", "payload_too_large")
    if status >= 500:
        original = getattr(exc, "original_exception", None)
        if original is not None:
            log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
        return problem(500, DETAILS[500], "internal_error")
    return problem(status, DETAILS.get(status, TITLES.get(status, "请求未能完成")), f"http_{status}")


def handle_unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(500, DETAILS[500], "internal_error")


def register(app: Flask) -> None:
    app.register_error_handler(PingxuanError, handle_domain)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
