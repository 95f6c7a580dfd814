"""Schemas of the smaller resources: timers, calendar, uploads."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import INCLUDE

from engine.timekeeping.workdays import CONVENTIONS

from .base import BaseSchema, Bool, Date, DateTime, Dict, Float, Int, List, QueryInt, Str, between, one_of


class UpcomingArgsSchema(BaseSchema):
    within_days = QueryInt(validate=between(1, 3650), metadata={"description": "只看这么多天内到期的"})
    limit = QueryInt(load_default=100, validate=between(1, 1000))


class TimerSchema(BaseSchema):
    instance_id = Str(required=True)
    task_id = Str(required=True)
    spec = Str(required=True, metadata={"description": "BPMN 元素 ID"})
    due_at = DateTime(required=True)
    process_id = Str(required=True)
    business_key = Str(allow_none=True)


class DayArgsSchema(BaseSchema):
    date = Date(required=True)


class DaySchema(BaseSchema):
    date = Date(required=True)
    workday = Bool(required=True)
    holiday = Str(allow_none=True, metadata={"description": "所属节日（放假日或调休上班日）"})


class PeriodArgsSchema(BaseSchema):
    start = Date(required=True, metadata={"description": "发布（张贴）日期"})
    days = QueryInt(required=True, validate=between(1, 366), metadata={"description": "工作日天数"})
    convention = Str(load_default="posting-day", validate=one_of(CONVENTIONS))


class PeriodSchema(BaseSchema):
    start = Date(required=True)
    days = Int(required=True)
    convention = Str(required=True)
    last_day = Date(required=True)
    ends_at = DateTime(required=True, metadata={"description": "期间届满时刻（最后一天北京时间 24:00）"})


class YearScheduleSchema(BaseSchema):
    class Meta:
        unknown = INCLUDE

    year = Int(required=True)
    source = Str(required=True)
    holidays = List(Dict(), required=True, metadata={"description": "[{name, rest: [日期…], workdays: [日期…]}]"})


class ImportSummarySchema(BaseSchema):
    year = Int(required=True)
    source = Str(required=True)
    names = List(Str(), required=True)
    rest_days = Int(required=True)
    workdays = Int(required=True)
    replaced_rows = Int(required=True)
    message = Str(required=True)


class ChineseUpload(Upload):
    default_error_messages = {"required": "必填", "null": "不能为空值", "invalid": "应为上传的文件"}


class PhotoUploadSchema(BaseSchema):
    file = ChineseUpload(required=True, metadata={"description": "JPG 照片，50—500 KB"})


class PhotoSchema(BaseSchema):
    id = Str(required=True)
    file_name = Str(required=True)
    file_format = Str(required=True)
    size_kb = Float(required=True)
    sha256 = Str(required=True)
    width = Int(allow_none=True)
    height = Int(allow_none=True)
