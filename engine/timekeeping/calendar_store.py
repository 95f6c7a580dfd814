"""The holiday table: seeding from chinesecalendar, importing a year's notice, loading a calendar."""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from engine.errors import ValidationFailed
from engine.storage.models import CalendarYear, Holiday
from engine.timekeeping.workdays import REST, WORKDAY, WorkdayCalendar, chinesecalendar_days

if TYPE_CHECKING:
    from engine.storage.db import Database

SEED_SOURCE = f"chinesecalendar {version('chinesecalendar')}（国务院办公厅节假日安排通知）"
_WEEKDAYS = "一二三四五六日"
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _year_span(year: int):
    return Holiday.day.between(date(year, 1, 1), date(year, 12, 31))


def seed_from_chinesecalendar(session: Session) -> list[int]:
    """Add every year chinesecalendar covers that is not yet in calendar_years; returns those years.

    Years already present are left alone, so a schedule imported by hand is never overwritten.
    """
    days, years = chinesecalendar_days()
    have = set(session.scalars(select(CalendarYear.year)))
    todo = [y for y in years if y not in have]
    if not todo:
        return []
    for year in todo:
        # Rows without a calendar_years entry are leftovers, not a known schedule: replace them.
        session.execute(delete(Holiday).where(_year_span(year)))
    _insert_days(session, {d: v for d, v in days.items() if d.year in todo}, SEED_SOURCE)
    session.execute(
        insert(CalendarYear), [{"year": y, "source": SEED_SOURCE, "imported_at": _now()} for y in todo]
    )
    return todo


def _insert_days(session: Session, days: dict[date, tuple[str, str]], source: str) -> None:
    # Bulk insert keeps these rows out of the identity map, so a later import in the same
    # session can delete and re-insert the same primary keys without conflicts.
    rows = [{"day": d, "kind": k, "name": n, "source": source} for d, (k, n) in sorted(days.items())]
    session.execute(insert(Holiday), rows)


def ensure_seeded(session: Session) -> bool:
    """Seed when the holiday table is empty (a fresh database); True if it did."""
    if session.scalar(select(func.count()).select_from(Holiday)):
        return False
    return bool(seed_from_chinesecalendar(session))


@dataclass(frozen=True)
class YearSchedule:
    year: int
    source: str
    names: list[str]
    days: dict[date, tuple[str, str]]  # day -> (kind, holiday name)


@dataclass(frozen=True)
class ImportSummary:
    year: int
    source: str
    names: list[str]
    rest_days: int
    workdays: int
    replaced_rows: int  # holiday rows of that year that existed before

    def message(self) -> str:
        replaced = f"，替换原有记录 {self.replaced_rows} 条" if self.replaced_rows else ""
        return (
            f"已导入 {self.year} 年节假日安排：{'、'.join(self.names)}，共 {len(self.names)} 个节日；"
            f"放假 {self.rest_days} 天，调休上班 {self.workdays} 天{replaced}。\n来源：{self.source}"
        )


def _read_text(path_or_text: str | Path) -> str:
    # A str that looks like JSON is the document itself (e.g. an upload); anything else is a path.
    if isinstance(path_or_text, str) and path_or_text.lstrip()[:1] in ("{", "["):
        return path_or_text
    path = Path(path_or_text)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationFailed(f"找不到节假日安排文件：{path}") from None
    except (OSError, UnicodeDecodeError):
        raise ValidationFailed(f"无法读取节假日安排文件（须为 UTF-8 编码的文本文件）：{path}") from None


def _unknown_keys(obj: dict, allowed: set[str], where: str, errors: dict[str, str]) -> None:
    for key in obj:
        if key not in allowed and not str(key).startswith("_"):
            errors[f"{where}{key}"] = "未知字段（注释字段请以下划线开头，如 _comment）"


def _parse_date(value, year: int, field: str, errors: dict[str, str]) -> date | None:
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        errors[field] = f"日期格式应为 YYYY-MM-DD，当前为：{value!r}"
    else:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            errors[field] = f"{value} 不是有效的日期"
            return None
        if day.year == year:
            return day
        errors[field] = f"{value} 不在 {year} 年内；跨年的日期请写入其所在年份的安排文件"
    return None


def parse_year_schedule(text: str) -> YearSchedule:
    """Validate one year's schedule; raises ValidationFailed listing every problem found."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"节假日安排文件不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有语法错误"
        ) from None
    if not isinstance(data, dict):
        raise ValidationFailed("节假日安排文件的顶层应为 JSON 对象（{…}）")
    errors: dict[str, str] = {}
    _unknown_keys(data, {"year", "source", "holidays"}, "", errors)
    year = data.get("year")
    if "year" not in data:
        errors["year"] = "缺少年份"
    elif isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = f"年份应为 2000–2100 之间的整数，当前为：{year!r}"
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        errors["source"] = "缺少来源（国务院办公厅通知的名称和文号）"
    elif len(source.strip()) > 300:
        errors["source"] = "来源不能超过 300 个字"
    holidays = data.get("holidays")
    if not isinstance(holidays, list) or not holidays:
        errors["holidays"] = "缺少节日列表（holidays 应为非空数组）"
        holidays = []
    if "year" in errors or not isinstance(year, int):
        # Without a valid year no date can be judged; report what we have so far.
        raise _failed(errors)

    days: dict[date, tuple[str, str]] = {}
    first_seen: dict[date, str] = {}
    names: list[str] = []
    for i, entry in enumerate(holidays):
        where = f"holidays[{i}]"
        if not isinstance(entry, dict):
            errors[where] = "每个节日应为 JSON 对象，包含 name、rest、workdays"
            continue
        _unknown_keys(entry, {"name", "rest", "workdays"}, f"{where}.", errors)
        name = entry.get("name")
        name = name.strip() if isinstance(name, str) else ""
        if not 1 <= len(name) <= 100:
            errors[f"{where}.name"] = "节日名称应为 1–100 个字的文字"
        elif name in names:
            errors[f"{where}.name"] = f"节日“{name}”重复出现，请合并为一项"
        names.append(name)
        rest, work = entry.get("rest"), entry.get("workdays", [])
        if not isinstance(rest, list) or not rest:
            errors[f"{where}.rest"] = "放假日期 rest 应为非空数组"
            rest = []
        if not isinstance(work, list):
            errors[f"{where}.workdays"] = "调休上班日期 workdays 应为数组（没有则写 []）"
            work = []
        for kind, key, values in ((REST, "rest", rest), (WORKDAY, "workdays", work)):
            for j, value in enumerate(values):
                field = f"{where}.{key}[{j}]"
                day = _parse_date(value, year, field, errors)
                if day is None:
                    continue
                if day in days:
                    errors[field] = (
                        f"{day} 同时被列为放假日和调休上班日" if days[day][0] != kind
                        else f"{day} 重复出现（{first_seen[day]} 已列出）"
                    )
                elif kind == WORKDAY and day.weekday() < 5:
                    errors[field] = f"{day} 是星期{_WEEKDAYS[day.weekday()]}，调休上班日必须是周六或周日"
                else:
                    days[day], first_seen[day] = (kind, name), field
    if errors:
        raise _failed(errors)
    return YearSchedule(year=year, source=str(source).strip(), names=names, days=days)


def _failed(errors: dict[str, str]) -> ValidationFailed:
    lines = "\n".join(f"- {field or '（顶层）'}：{msg}" for field, msg in errors.items())
    return ValidationFailed(f"节假日安排文件有 {len(errors)} 处错误：\n{lines}", field_errors=errors)


def import_year_file(session: Session, path_or_text: str | Path) -> ImportSummary:
    """Replace one year's rows with the schedule in a JSON file (or JSON text); all or nothing."""
    schedule = parse_year_schedule(_read_text(path_or_text))
    year, source = schedule.year, schedule.source
    # A savepoint, so that a failure half-way leaves the year untouched even if the caller
    # catches the exception and commits the surrounding transaction.
    with session.begin_nested():
        replaced = session.execute(delete(Holiday).where(_year_span(year))).rowcount
        session.execute(delete(CalendarYear).where(CalendarYear.year == year))
        _insert_days(session, schedule.days, source)
        session.execute(insert(CalendarYear), [{"year": year, "source": source, "imported_at": _now()}])
    kinds = [kind for kind, _ in schedule.days.values()]
    return ImportSummary(year, source, schedule.names, kinds.count(REST),
                         kinds.count(WORKDAY), replaced_rows=replaced)


def import_year(db: Database, path_or_text: str | Path) -> ImportSummary:
    with db.transaction() as session:
        return import_year_file(session, path_or_text)


def load_calendar(session: Session) -> WorkdayCalendar:
    rows = session.execute(select(Holiday.day, Holiday.kind, Holiday.name))
    years = session.scalars(select(CalendarYear.year))
    return WorkdayCalendar({day: (kind, name) for day, kind, name in rows}, years)


def calendar_stamp(session: Session) -> tuple:
    """Cheap fingerprint of the stored calendar: every import bumps imported_at or a count."""
    holidays = session.scalar(select(func.count()).select_from(Holiday))
    years = select(func.count(CalendarYear.year), func.max(CalendarYear.imported_at))
    return (holidays, *session.execute(years).one())


class CalendarCache:
    """Process-wide calendar that is rebuilt only when the stored calendar's stamp changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._calendar: WorkdayCalendar | None = None

    def get(self, session: Session) -> WorkdayCalendar:
        # Stamp before loading: the loaded data is then at least as new as the stamp, so a
        # concurrent import can cause an extra reload but never a stale calendar under a new stamp.
        stamp = calendar_stamp(session)
        with self._lock:
            if self._calendar is None or stamp != self._stamp:
                self._calendar = load_calendar(session)
                self._stamp = stamp
            return self._calendar
