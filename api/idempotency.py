"""`Idempotency-Key` on writes a client may need to retry (submit, list acts, nominations,
objections): a retry with the same key gets the first answer back (marked `Idempotent-Replayed`),
the same key on a different request is refused with 422, keys are kept for 24 hours."""
from __future__ import annotations

import hashlib
import re
from copy import deepcopy
from functools import wraps

from flask import current_app, request

from engine.errors import PingxuanError, ValidationFailed
from engine.runtime import idempotency

from .security import current, now, services

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, e.g. a UUID
DOC = {"in": "header", "name": HEADER, "required": False, "schema": {"type": "string", "maxLength": 200},
       "description": f"重试时使用同一个键：返回首次请求的结果，不会重复办理（保留 {int(idempotency.KEEP.total_seconds() // 3600)} 小时）"}


def _request_hash() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(answer: idempotency.StoredAnswer):
    response = current_app.response_class(answer.body, status=answer.status, mimetype=answer.content_type)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(fn):
    """Place under `@requires(...)`: the key belongs to the authenticated user."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return fn(*args, **kwargs)
        if not _KEY.match(key):
            raise ValidationFailed(f"{HEADER} 应为 1—200 个可见 ASCII 字符（如 UUID）", {HEADER: "格式不正确"})
        owner, request_hash, db = str(current().id), _request_hash(), services().db

        def stored():
            answer = idempotency.find(db, owner, key, now())
            if answer is not None and answer.request_hash != request_hash:
                raise ValidationFailed(f"该 {HEADER} 已用于另一个请求，请为新请求使用新的键", {HEADER: "已用于另一个请求"})
            return answer

        answer = stored()
        if answer is not None:
            return _replay(answer)
        try:
            response = fn(*args, **kwargs)
        except PingxuanError:
            # A concurrent first attempt with this key may have just succeeded (this one then
            # failed on the version it moved): answer as that one did.
            answer = stored()
            if answer is not None:
                return _replay(answer)
            raise
        if 200 <= response.status_code < 300:
            first = idempotency.remember(db, owner, key, idempotency.StoredAnswer(
                request_hash, response.status_code, response.mimetype or "application/json",
                response.get_data(as_text=True)), now())
            if first.request_hash == request_hash and first.body != response.get_data(as_text=True):
                return _replay(first)
        return response

    wrapper._apidoc = deepcopy(getattr(fn, "_apidoc", {}))
    wrapper._apidoc.setdefault("manual_doc", {}).setdefault("parameters", []).append(DOC)
    return wrapper
