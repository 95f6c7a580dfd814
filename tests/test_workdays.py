"""Working-day arithmetic against the statutory schedules (worked out by hand) and chinesecalendar."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest

from engine.config import TIMEZONE
from engine.errors import CalendarError
from engine.timekeeping.workdays import WorkdayCalendar, deadline_end

D = date


@pytest.fixture(scope="module")
def cal() -> WorkdayCalendar:
    return WorkdayCalendar.from_chinesecalendar()


def test_national_day_2025(cal):
    # 2025 notice: 10/1–10/8 off; 9/28 (Sun) and 10/11 (Sat) are make-up workdays.
    # posting-day: 9/30 d1, 10/9 d2, 10/10 d3, 10/11 Sat d4, 10/12 Sun off, 10/13 d5.
    assert cal.period_last_day(D(2025, 9, 30), 5) == D(2025, 10, 13)
    # next-day: 10/9 d1, 10/10 d2, 10/11 d3, 10/13 d4, 10/14 d5.
    assert cal.period_last_day(D(2025, 9, 30), 5, "next-day") == D(2025, 10, 14)
    assert cal.is_workday(D(2025, 9, 28)) and cal.is_workday(D(2025, 10, 11))
    assert not any(cal.is_workday(D(2025, 10, d)) for d in range(1, 9))


def test_spring_festival_2026(cal):
    # 2026 notice: 2/15–2/23 off; 2/14 (Sat) and 2/28 (Sat) are make-up workdays.
    # posting-day from Thu 2/12: 2/12 d1, 2/13 d2, 2/14 Sat d3, 2/24 d4, 2/25 d5.
    assert cal.period_last_day(D(2026, 2, 12), 5) == D(2026, 2, 25)
    assert cal.period_last_day(D(2026, 2, 12), 5, "next-day") == D(2026, 2, 26)
    # Posted on the first holiday: 2/24 d1 … 2/27 d4, 2/28 Sat d5.
    assert cal.period_last_day(D(2026, 2, 15), 5) == D(2026, 2, 28)
    assert cal.period_last_day(D(2026, 2, 15), 5, "next-day") == D(2026, 2, 28)
    assert cal.holiday_name(D(2026, 2, 14)) == "春节"


def test_posting_on_ordinary_saturday_same_under_both_conventions(cal):
    saturday = D(2025, 3, 8)
    assert saturday.weekday() == 5 and not cal.is_workday(saturday)
    # Day 1 is Monday 3/10 either way, since neither Saturday nor Sunday counts.
    assert cal.period_last_day(saturday, 5) == D(2025, 3, 14)
    assert cal.period_last_day(saturday, 5, "next-day") == D(2025, 3, 14)
    # …whereas a Monday posting differs by one working day.
    assert cal.period_last_day(D(2025, 3, 10), 5) == D(2025, 3, 14)
    assert cal.period_last_day(D(2025, 3, 10), 5, "next-day") == D(2025, 3, 17)


def test_posting_on_make_up_saturday_counts_it(cal):
    assert cal.is_workday(D(2025, 10, 11)) and not cal.is_workday(D(2025, 10, 12))
    assert cal.period_last_day(D(2025, 10, 11), 1) == D(2025, 10, 11)
    assert cal.period_last_day(D(2025, 10, 11), 5) == D(2025, 10, 16)
    assert cal.period_last_day(D(2025, 10, 11), 5, "next-day") == D(2025, 10, 17)


def test_period_crossing_into_unknown_year(cal):
    # 2026-12-28 (Mon) … 12-31 (Thu) are four days; the fifth lies in 2027.
    assert cal.period_last_day(D(2026, 12, 28), 4) == D(2026, 12, 31)
    with pytest.raises(CalendarError) as exc:
        cal.period_last_day(D(2026, 12, 28), 5)
    assert "2027 年的节假日安排尚未导入" in exc.value.message
    assert exc.value.details["year"] == 2027
    with pytest.raises(CalendarError, match="2027 年"):
        cal.is_workday(D(2027, 1, 4))
    with pytest.raises(CalendarError, match="2003 年"):
        cal.is_workday(D(2003, 12, 31))


def _brute_force(posting: date, n: int, convention: str) -> date:
    day = posting if convention == "posting-day" else posting + timedelta(days=1)
    seen = 0
    while True:
        if chinese_calendar.is_workday(day):
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)


def test_matches_brute_force_walk_2024_to_2026(cal):
    mismatches = []
    posting = D(2024, 1, 1)
    while posting <= D(2026, 11, 30):
        for n in (1, 2, 3, 5, 7, 10, 15):
            for convention in ("posting-day", "next-day"):
                ours = cal.period_last_day(posting, n, convention)
                expected = _brute_force(posting, n, convention)
                if ours != expected:
                    mismatches.append((posting, n, convention, ours, expected))
        posting += timedelta(days=1)
    assert mismatches == []


def test_is_workday_matches_chinesecalendar_every_day(cal):
    day, wrong = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        if cal.is_workday(day) != chinese_calendar.is_workday(day):
            wrong.append(day)
        day += timedelta(days=1)
    assert wrong == []


def test_find_workday_is_a_day_late_from_a_rest_day(cal):
    # Why we don't use chinese_calendar.find_workday: read as "the n-th workday after `date`"
    # it is right when the start is a workday but one workday late when it is a rest day,
    # because find_workday(0, rest day) already jumps to the next workday and counts from there.
    saturday = D(2025, 3, 8)
    assert chinese_calendar.find_workday(5, saturday) == D(2025, 3, 17)  # Monday: wrong
    assert cal.period_last_day(saturday, 5, "next-day") == D(2025, 3, 14)  # Friday: 5 workdays
    workdays_counted = [
        saturday + timedelta(days=k)
        for k in range(1, 7)
        if chinese_calendar.is_workday(saturday + timedelta(days=k))
    ]
    assert len(workdays_counted) == 5 and workdays_counted[-1] == D(2025, 3, 14)
    # Same trap across a holiday: posted on 10/1/2025 (rest), 5 workdays after it end on 10/14.
    assert chinese_calendar.find_workday(5, D(2025, 10, 1)) == D(2025, 10, 15)
    assert cal.period_last_day(D(2025, 10, 1), 5, "next-day") == D(2025, 10, 14)
    # From a workday the two agree.
    monday = D(2025, 3, 10)
    assert chinese_calendar.find_workday(5, monday) == cal.period_last_day(monday, 5, "next-day")


def test_period_end_is_midnight_after_last_day_in_shanghai(cal):
    end = cal.period_end(D(2025, 9, 30), 5)
    assert end == datetime(2025, 10, 14, 0, 0, tzinfo=TIMEZONE)
    assert end.isoformat() == "2025-10-14T00:00:00+08:00"
    assert end.utcoffset() == timedelta(hours=8)
    assert cal.period_end(D(2025, 9, 30), 5, "next-day").isoformat() == "2025-10-15T00:00:00+08:00"


def test_cutoff_time(cal):
    end = cal.period_end(D(2025, 9, 30), 5, cutoff=time(17, 30))
    assert end.isoformat() == "2025-10-13T17:30:00+08:00"
    with pytest.raises(CalendarError, match="00:00"):
        cal.period_end(D(2025, 9, 30), 5, cutoff=time(0))
    with pytest.raises(CalendarError, match="不带时区"):
        cal.period_end(D(2025, 9, 30), 5, cutoff=time(17, tzinfo=TIMEZONE))


def test_deadline_end():
    assert deadline_end(D(2025, 8, 20)).isoformat() == "2025-08-21T00:00:00+08:00"
    assert deadline_end(D(2025, 8, 20), time(18)).isoformat() == "2025-08-20T18:00:00+08:00"
    assert WorkdayCalendar.deadline_end(D(2025, 12, 31)).isoformat() == "2026-01-01T00:00:00+08:00"
    with pytest.raises(TypeError):
        deadline_end(datetime(2025, 8, 20, 12))


@pytest.mark.parametrize("n", [0, -1, True, 1.5, "5"])
def test_n_must_be_a_positive_integer(cal, n):
    with pytest.raises(CalendarError, match="工作日天数必须是不小于 1 的整数"):
        cal.period_last_day(D(2025, 3, 10), n)


def test_unknown_convention(cal):
    with pytest.raises(CalendarError, match="未知的起算方式"):
        cal.period_last_day(D(2025, 3, 10), 5, "calendar-days")


def test_holiday_names(cal):
    assert cal.holiday_name(D(2025, 10, 1)) == "国庆节"
    assert cal.holiday_name(D(2025, 10, 6)) == "中秋节"  # official spelling, not the enum's "中秋"
    assert cal.holiday_name(D(2025, 4, 4)) == "清明节"
    assert cal.holiday_name(D(2025, 9, 28)) == "国庆节"  # make-up workday belongs to its holiday
    assert cal.holiday_name(D(2015, 9, 3)).startswith("中国人民抗日战争")
    assert cal.holiday_name(D(2025, 3, 10)) is None
    with pytest.raises(CalendarError):
        cal.holiday_name(D(2027, 1, 1))


def test_datetime_is_rejected(cal):
    with pytest.raises(TypeError):
        cal.is_workday(datetime(2025, 10, 11, 9))


def test_calendar_from_rows():
    # Fictional year: a weekday holiday, a weekend holiday and a make-up Sunday.
    cal = WorkdayCalendar(
        {D(2030, 1, 1): ("rest", "元旦"), D(2030, 1, 5): ("rest", "元旦"),
         D(2030, 1, 6): ("workday", "元旦")},
        years=[2030],
    )
    assert not cal.is_workday(D(2030, 1, 1))  # Tuesday, holiday
    assert cal.is_workday(D(2030, 1, 6))  # Sunday, make-up
    assert cal.is_workday(D(2030, 1, 2))
    assert cal.period_last_day(D(2030, 1, 1), 5) == D(2030, 1, 7)  # 1/2, 1/3, 1/4, 1/6, 1/7
    assert cal.years == frozenset({2030})
    with pytest.raises(ValueError):
        WorkdayCalendar({D(2030, 1, 1): ("holiday", "元旦")}, [2030])
