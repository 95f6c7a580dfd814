"""/api/calendar: is a date a working day, when does an N-working-day period end, import a year."""
from __future__ import annotations

import json
from dataclasses import asdict

from engine.timekeeping import calendar_store

from .blueprint import Blueprint
from .schemas.misc import DayArgsSchema, DaySchema, ImportSummarySchema, PeriodArgsSchema, PeriodSchema, YearScheduleSchema
from .security import requires, services

blp = Blueprint("calendar", __name__, url_prefix="/api/calendar", description="工作日日历")


@blp.route("/day", methods=["GET"])
@requires("calendar:read")
@blp.arguments(DayArgsSchema, location="query")
@blp.response(200, DaySchema)
def day(args):
    """某日是否为工作日（含调休）"""
    calendar = services().calendar.refresh()
    return {"date": args["date"], "workday": calendar.is_workday(args["date"]),
            "holiday": calendar.holiday_name(args["date"])}


@blp.route("/period-end", methods=["GET"])
@requires("calendar:read")
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, PeriodSchema)
def period_end(args):
    """N 个工作日期间（如 5 个工作日公示期）的最后一天与届满时刻"""
    calendar = services().calendar.refresh()
    last = calendar.period_last_day(args["start"], args["days"], args["convention"])
    return {**args, "last_day": last, "ends_at": calendar.deadline_end(last)}


@blp.route("/years", methods=["POST"])
@requires("calendar:write")
@blp.arguments(YearScheduleSchema)
@blp.response(200, ImportSummarySchema)
def import_year(body):
    """导入国务院办公厅公布的某一年节假日安排（整年替换）"""
    summary = calendar_store.import_year(services().db, json.dumps(body, ensure_ascii=False))
    services().calendar.invalidate()
    return {**asdict(summary), "message": summary.message()}
