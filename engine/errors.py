"""Domain errors. Their messages are shown to users, so they are Chinese; `code` is for machines."""
from __future__ import annotations


class PingxuanError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class DefinitionError(PingxuanError):
    code = "definition_invalid"
    http_status = 422


class LintFailed(DefinitionError):
    code = "lint_failed"

    def __init__(self, messages):
        super().__init__("流程定义未通过部署检查：\n" + "\n".join(str(m) for m in messages))
        self.messages = list(messages)


class NotFound(PingxuanError):
    code = "not_found"
    http_status = 404


class Conflict(PingxuanError):
    """A stale expected version, or a task that is no longer open."""

    code = "conflict"
    http_status = 409


class ValidationFailed(PingxuanError):
    code = "validation_failed"
    http_status = 422

    def __init__(self, message: str, field_errors: dict[str, str] | None = None,
                 field_labels: dict[str, str] | None = None):
        super().__init__(message, field_errors=field_errors or {})
        self.field_errors = field_errors or {}
        self.field_labels = field_labels or {}  # {path: the field's title}, for a form's errors


class ScriptError(PingxuanError):
    code = "script_error"
    http_status = 422


class CalendarError(PingxuanError):
    code = "calendar_gap"
    http_status = 422
