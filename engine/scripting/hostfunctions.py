"""The functions BPMN expressions may call, besides safe builtins. They return ISO strings, so
that timers stay standard `timeDate` expressions and every due date is visible in the task data."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from engine.config import TIMEZONE
from engine.errors import CalendarError
from engine.runtime.determinism import current_time
from engine.timekeeping.workdays import WorkdayCalendar
from engine.timekeeping.workdays import deadline_end as _deadline_end


def _as_date(value) -> date:
    """Accepts 'YYYY-MM-DD', an ISO datetime (taken in Beijing time), a date or a datetime."""
    if isinstance(value, datetime):
        return value.astimezone(TIMEZONE).date()
    if isinstance(value, date):
        return value
    try:
        text = str(value)
        return datetime.fromisoformat(text).astimezone(TIMEZONE).date() if "T" in text else date.fromisoformat(text)
    except ValueError as exc:
        raise CalendarError(f"日期格式不正确：{value!r}（应为 YYYY-MM-DD）") from exc


def _cutoff(value) -> time | None:
    return time.fromisoformat(value) if value else None


def host_functions(calendar: Callable[[], WorkdayCalendar]) -> dict[str, Callable]:
    def working_days_end(posting, n, convention="posting-day", cutoff=None) -> str:
        """End of an N-working-day period (e.g. a 5-day publicity) posted on `posting`."""
        return calendar().period_end(_as_date(posting), int(n), convention, _cutoff(cutoff)).isoformat()

    def working_days_last_day(posting, n, convention="posting-day") -> str:
        return calendar().period_last_day(_as_date(posting), int(n), convention).isoformat()

    def deadline_end(day, cutoff=None) -> str:
        """End of "X月X日前报送": 24:00 Beijing time of that day, or the cutoff time on it."""
        return _deadline_end(_as_date(day), _cutoff(cutoff)).isoformat()

    def is_workday(day) -> bool:
        return calendar().is_workday(_as_date(day))

    def now() -> str:
        return current_time().astimezone(TIMEZONE).isoformat()

    def today() -> str:
        return current_time().astimezone(TIMEZONE).date().isoformat()

    return {f.__name__: f for f in (working_days_end, working_days_last_day, deadline_end, is_workday, now, today)}
