"""Working-day arithmetic over China's statutory calendar: weekends, statutory holidays, 调休 days.

Pure computation, no database. A calendar knows which years it covers; asking about any other year
is an error, never a guess, because next year's 调休 cannot be inferred from weekdays before the
State Council publishes it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

from engine.config import TIMEZONE
from engine.errors import CalendarError

REST = "rest"
WORKDAY = "workday"
CONVENTIONS = ("posting-day", "next-day")

# chinesecalendar's enum carries short Chinese names ("清明", "端午", "中秋"); the State Council
# notices, and therefore hand-imported files, say "清明节" etc. One spelling keeps names comparable.
_OFFICIAL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}

_ONE_DAY = timedelta(days=1)


def official_name(name: str) -> str:
    return _OFFICIAL_NAMES.get(name, name)


def deadline_end(day: date, cutoff: time | None = None) -> datetime:
    """End of "X月X日前": 24:00 of `day` (00:00 next day, Shanghai) or `cutoff` on `day`.

    Deliberately no rolling forward over holidays: a submission date fixed by a notice is the
    issuer's decision, unlike a counted period.
    """
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    if cutoff is None:
        return datetime.combine(day + _ONE_DAY, time(0), tzinfo=TIMEZONE)
    if cutoff.tzinfo is not None:
        raise CalendarError("截止时刻应为北京时间的钟点（不带时区），例如 17:30")
    if cutoff == time(0):
        # 00:00 "on the last day" would end the period before that day starts.
        raise CalendarError("截止时刻不能为 00:00；如截止到当日 24:00，请不要填写截止时刻")
    return datetime.combine(day, cutoff, tzinfo=TIMEZONE)


def _check_n(n) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise CalendarError(f"工作日天数必须是不小于 1 的整数，当前为：{n!r}")


class WorkdayCalendar:
    """Statutory working days for a set of known years.

    `days` maps each date that departs from the Mon–Fri rule to (kind, name), kind being "rest"
    (statutory holiday, possibly falling on a weekend) or "workday" (调休 make-up workday).
    """

    def __init__(self, days: Mapping[date, tuple[str, str]], years: Iterable[int]):
        self._days: dict[date, tuple[str, str]] = {}
        for day, (kind, name) in days.items():
            if kind not in (REST, WORKDAY):
                raise ValueError(f"unknown holiday kind {kind!r} on {day}")
            self._days[day] = (kind, name)
        self._years = frozenset(int(y) for y in years)

    @classmethod
    def from_chinesecalendar(cls) -> WorkdayCalendar:
        days, years = chinesecalendar_days()
        return cls(days, years)

    @property
    def years(self) -> frozenset[int]:
        return self._years

    def _known(self, day: date) -> date:
        # A datetime is a date subclass but never equals a date dict key, and its calendar day
        # depends on its time zone; make callers convert to a Shanghai date explicitly.
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"expected a date, got {type(day).__name__}")
        if day.year not in self._years:
            raise CalendarError(
                f"{day.year} 年的节假日安排尚未导入，无法计算工作日；请在国务院办公厅发布通知后导入",
                year=day.year,
            )
        return day

    def is_workday(self, day: date) -> bool:
        entry = self._days.get(self._known(day))
        if entry is not None:
            return entry[0] == WORKDAY
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """Name of the holiday a rest day or make-up workday belongs to; None for ordinary days."""
        entry = self._days.get(self._known(day))
        return entry[1] if entry else None

    def period_last_day(self, posting: date, n: int, convention: str = "posting-day") -> date:
        """Last day of an N-working-day period (e.g. a 5-working-day publicity) posted on `posting`.

        "posting-day": the posting day is day 1 if it is a workday (common practice in 公示 notices,
        "公示期自发布之日起5个工作日"). "next-day": Civil Code art. 201, the start day is not
        counted. The two differ only when the posting day is itself a workday.
        """
        _check_n(n)
        if convention == "posting-day":
            day = posting
        elif convention == "next-day":
            day = posting + _ONE_DAY
        else:
            raise CalendarError(
                f"未知的起算方式“{convention}”，可选：posting-day（发布当日起算）、next-day（次日起算）"
            )
        counted = 0
        while True:
            if self.is_workday(day):
                counted += 1
                if counted == n:
                    return day
            day += _ONE_DAY

    def period_end(
        self,
        posting: date,
        n: int,
        convention: str = "posting-day",
        cutoff: time | None = None,
    ) -> datetime:
        """Aware Asia/Shanghai instant at which the period is over (24:00 of its last day)."""
        return deadline_end(self.period_last_day(posting, n, convention), cutoff)

    deadline_end = staticmethod(deadline_end)


def chinesecalendar_days() -> tuple[dict[date, tuple[str, str]], list[int]]:
    """(days, years) from the installed chinesecalendar package, names in Chinese."""
    from chinese_calendar import constants

    days: dict[date, tuple[str, str]] = {}
    for table, kind in ((constants.holidays, REST), (constants.workdays, WORKDAY)):
        for day, english in table.items():
            # The dicts hold the enum *value*, which is the English name; Chinese is an attribute.
            days[day] = (kind, official_name(constants.Holiday(english).chinese))
    first = min(d.year for d in days)
    last = max(d.year for d in days)
    return days, list(range(first, last + 1))
