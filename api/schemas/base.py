"""Marshmallow building blocks whose validation messages are Chinese, and the shared schemas
(problem details, paging). Every request and response schema derives from these."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from engine.config import TIMEZONE

_COMMON = {"required": "必填", "null": "不能为空值", "validator_failed": "取值不正确"}


class Str(fields.String):
    default_error_messages = {**_COMMON, "invalid": "应为文本", "invalid_utf8": "不是有效的 UTF-8 文本"}


class Int(fields.Integer):
    default_error_messages = {**_COMMON, "invalid": "应为整数", "too_large": "数值过大"}

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


class QueryInt(fields.Integer):
    """Integers in a query string arrive as text."""

    default_error_messages = {**_COMMON, "invalid": "应为整数", "too_large": "数值过大"}


class Float(fields.Float):
    default_error_messages = {**_COMMON, "invalid": "应为数字", "too_large": "数值过大", "special": "不能是 NaN 或无穷大"}


class Bool(fields.Boolean):
    default_error_messages = {**_COMMON, "invalid": "应为 true 或 false"}


class DateTime(fields.AwareDateTime):
    """ISO 8601; a time without a zone is Beijing time."""

    default_error_messages = {**_COMMON, "invalid": "应为 ISO 8601 日期时间，如 2025-09-30T17:00:00+08:00",
                              "invalid_awareness": "日期时间缺少时区", "format": "日期时间无法格式化"}

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=TIMEZONE, **kwargs)


class Date(fields.Date):
    default_error_messages = {**_COMMON, "invalid": "应为 YYYY-MM-DD 格式的有效日期", "format": "日期无法格式化"}


class Dict(fields.Dict):
    default_error_messages = {**_COMMON, "invalid": "应为 JSON 对象"}


class List(fields.List):
    default_error_messages = {**_COMMON, "invalid": "应为数组"}


class Nested(fields.Nested):
    default_error_messages = {**_COMMON, "type": "应为 JSON 对象"}


def length(min: int | None = None, max: int | None = None):  # noqa: A002
    if min is not None and max is not None:
        error = f"长度应在 {min}—{max} 个字符之间"
    elif min is not None:
        error = "不能为空" if min == 1 else f"不能少于 {min} 个字符"
    else:
        error = f"不能超过 {max} 个字符"
    return validate.Length(min=min, max=max, error=error)


def between(min: int | None = None, max: int | None = None):  # noqa: A002
    if min is not None and max is not None:
        error = f"应在 {min}—{max} 之间"
    else:
        error = f"不能小于 {min}" if min is not None else f"不能大于 {max}"
    return validate.Range(min=min, max=max, error=error)


def one_of(choices):
    return validate.OneOf(list(choices), error="请从以下选项中选择：" + "、".join(map(str, choices)))


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    error_messages = {"unknown": "不允许的字段", "type": "应为 JSON 对象"}


class LintMessageSchema(BaseSchema):
    file = Str(required=True)
    element_id = Str(allow_none=True)
    element_name = Str(allow_none=True)
    message = Str(required=True)


class CapStatusSchema(BaseSchema):
    """One ratio cap (比例限制) evaluated over a set of candidates."""

    id = Str(required=True)
    label = Str(required=True)
    count = Int(required=True, metadata={"description": "范围内带该标签的人数"})
    base = Int(required=True, metadata={"description": "范围内总数"})
    ratio = Float(required=True)
    limit = Float(required=True)
    kind = Str(required=True, metadata={"enum": ["max", "min"]})
    ok = Bool(required=True)
    description = Str(required=True)


class ProblemSchema(BaseSchema):
    """RFC 7807 problem details (application/problem+json)."""

    type = Str(metadata={"description": "问题类型（URN）"})
    title = Str(required=True, metadata={"description": "简短说明"})
    status = Int(required=True)
    detail = Str(metadata={"description": "具体说明"})
    instance = Str(metadata={"description": "出错的请求路径"})
    code = Str(metadata={"description": "供程序判断的错误代码"})
    errors = Dict(keys=Str(), values=Str(), metadata={"description": "字段级错误：字段路径 → 说明"})
    lint = List(Nested(LintMessageSchema), metadata={"description": "部署检查发现的问题"})
    caps = List(Nested(CapStatusSchema), metadata={"description": "超出比例限制时：各项比例的当前值"})


class PageArgsSchema(BaseSchema):
    page = QueryInt(load_default=1, validate=between(1, 100000))
    per_page = QueryInt(load_default=20, validate=between(1, 100))


class PageMetaSchema(BaseSchema):
    total = Int(required=True)
    page = Int(required=True)
    per_page = Int(required=True)
