"""A step's own deadline ("于X月X日前报送"), named by the task's `deadline` extension property (the key
of a campaign deadline in the task data, e.g. submit_by). The BPMN's boundary timer ends a candidate
that misses it; this check refuses a completion the timer has not caught yet (the timer worker was
down, or the sweep has not run since the deadline passed), so lateness never depends on a worker."""
from __future__ import annotations

from datetime import date, datetime

from engine.errors import Conflict
from engine.timekeeping.workdays import deadline_end

DEFAULT_CONSEQUENCE = "视为放弃"


class DeadlinePassed(Conflict):
    code = "deadline_passed"


def chinese_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check(properties: dict, data: dict, at: datetime) -> None:
    """Refuse when the command's time `at` is at or past the end (24:00 Beijing time) of the day the
    task's `deadline` property names; a task without the property, or whose deadline is not in its
    data, has none."""
    key = properties.get("deadline")
    value = data.get(key) if key else None
    if not value:
        return
    day = date.fromisoformat(str(value)[:10])
    if at >= deadline_end(day):
        consequence = properties.get("deadlineMissed") or DEFAULT_CONSEQUENCE
        raise DeadlinePassed(f"已超过报送截止日期（{chinese_day(day)}），{consequence}")
