"""The holiday table on a real database (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import json
import os
import uuid
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from engine.errors import ValidationFailed
from engine.storage.db import Database, make_engine
from engine.storage.models import Base, CalendarYear, Holiday
from engine.timekeeping import calendar_store
from engine.timekeeping.calendar_store import (
    SEED_SOURCE,
    CalendarCache,
    import_year_file,
    load_calendar,
    seed_from_chinesecalendar,
)
from pingxuan.cli_calendar import calendar as calendar_cli

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "calendar-import-example.json"
PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def db(request, tmp_path):
    url, schema, kwargs = f"sqlite:///{tmp_path}/t.db", None, {}
    if request.param == "postgresql":  # a fresh schema per test isolates it from all others
        url, schema = PG_URL, f"t_{uuid.uuid4().hex[:16]}"
        kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}}
        _pg(f'CREATE SCHEMA "{schema}"')
    database = Database(url, **kwargs)
    try:
        Base.metadata.create_all(database.engine)
        yield database
    finally:
        database.dispose()
        if schema:
            _pg(f'DROP SCHEMA "{schema}" CASCADE')


def _pg(sql: str) -> None:
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(sql))
    admin.dispose()


def example(drop: str | None = None, **changes) -> dict:
    data = {**json.loads(EXAMPLE.read_text(encoding="utf-8")), **changes}
    data.pop(drop, None)
    return data


def snapshot(db) -> tuple:
    with db.transaction(write=False) as s:
        rows = s.execute(select(Holiday.day, Holiday.kind, Holiday.name, Holiday.source)
                         .order_by(Holiday.day)).all()
        years = s.execute(select(CalendarYear.year, CalendarYear.source, CalendarYear.imported_at)
                          .order_by(CalendarYear.year)).all()
    return rows, years


def test_seed_covers_every_chinesecalendar_year(db):
    with db.transaction() as s:
        assert seed_from_chinesecalendar(s) == list(range(2004, 2027))
    with db.transaction(write=False) as s:
        expected = len(chinese_calendar.constants.holidays) + len(chinese_calendar.constants.workdays)
        assert s.scalar(select(func.count()).select_from(Holiday)) == expected
        assert s.scalar(select(func.count()).select_from(CalendarYear)) == 23
        assert set(s.scalars(select(Holiday.source))) == {SEED_SOURCE}
        assert s.get(Holiday, date(2025, 10, 11)).kind == "workday"
        assert s.get(Holiday, date(2025, 10, 6)).name == "中秋节"
    assert SEED_SOURCE == "chinesecalendar 1.11.0（国务院办公厅节假日安排通知）"


def test_loaded_calendar_matches_chinesecalendar(db):
    with db.transaction() as s:
        seed_from_chinesecalendar(s)
    with db.transaction(write=False) as s:
        cal = load_calendar(s)
    every_day = (date(2004, 1, 1) + timedelta(days=k) for k in range(8401))  # through 2026-12-31
    assert [d for d in every_day if cal.is_workday(d) != chinese_calendar.is_workday(d)] == []
    assert cal.period_last_day(date(2025, 9, 30), 5) == date(2025, 10, 13)


def test_seed_is_idempotent_and_keeps_hand_imports(db):
    with db.transaction() as s:
        seed_from_chinesecalendar(s)
    hand_2026 = example(year=2026, holidays=[{"name": "国庆节", "rest": ["2026-10-01"]}])
    with db.transaction() as s:
        import_year_file(s, json.dumps(hand_2026, ensure_ascii=False))
    before = snapshot(db)
    with db.transaction() as s:
        assert seed_from_chinesecalendar(s) == []
    assert snapshot(db) == before
    with db.transaction(write=False) as s:
        assert s.get(CalendarYear, 2026).source == hand_2026["source"]
        assert load_calendar(s).is_workday(date(2026, 10, 2))  # no longer a holiday by hand


def test_import_round_trip_from_file(db):
    with db.transaction() as s:
        seed_from_chinesecalendar(s)
        summary = import_year_file(s, EXAMPLE)
    assert (summary.year, summary.rest_days, summary.workdays, summary.replaced_rows) == (2027, 29, 6, 0)
    assert summary.names[0] == "元旦" and "已导入 2027 年节假日安排" in summary.message()
    with db.transaction(write=False) as s:
        cal = load_calendar(s)
        assert 2027 in cal.years
        assert s.get(CalendarYear, 2027).source.startswith("国务院办公厅关于2027年")
    assert not cal.is_workday(date(2027, 2, 8)) and cal.is_workday(date(2027, 2, 20))
    assert cal.holiday_name(date(2027, 10, 9)) == "国庆节"
    # The period that failed before now runs into the imported year: 12/28–12/31, then 1/4.
    assert cal.period_last_day(date(2026, 12, 28), 5) == date(2027, 1, 4)


def test_reimport_replaces_the_year(db):
    with db.transaction() as s:
        import_year_file(s, str(EXAMPLE))  # a str path works too
    smaller = example(holidays=[{"name": "元旦", "rest": ["2027-01-01"], "workdays": []}])
    with db.transaction() as s:
        assert import_year_file(s, json.dumps(smaller, ensure_ascii=False)).replaced_rows == 35
    rows, years = snapshot(db)
    assert [r.day for r in rows] == [date(2027, 1, 1)] and [y.year for y in years] == [2027]


def _holiday(**fields):
    return example(holidays=[{"name": "春节", "rest": ["2027-02-08"], "workdays": [], **fields}])


BAD_INPUTS = [
    ("bad-json", '{"year": 2027,', None, "不是有效的 JSON"),
    ("not-object", "[1, 2]", None, "顶层应为 JSON 对象"),
    ("no-year", example(drop="year"), "year", "缺少年份"),
    ("year-type", example(year="2027"), "year", "年份应为"),
    ("no-source", example(drop="source"), "source", "缺少来源"),
    ("no-holidays", example(drop="holidays"), "holidays", "缺少节日列表"),
    ("unknown-key", example(holiday=[]), "holiday", "未知字段"),
    ("slash-date", _holiday(rest=["2027/02/08"]), "holidays[0].rest[0]", "YYYY-MM-DD"),
    ("impossible-date", _holiday(rest=["2027-02-30"]), "holidays[0].rest[0]", "不是有效的日期"),
    ("not-a-string", _holiday(rest=[20270208]), "holidays[0].rest[0]", "YYYY-MM-DD"),
    ("other-year", _holiday(rest=["2026-12-31"]), "holidays[0].rest[0]", "不在 2027 年内"),
    ("twice", _holiday(rest=["2027-02-08", "2027-02-08"]), "holidays[0].rest[1]", "重复出现"),
    ("rest-and-work", _holiday(workdays=["2027-02-08"]), "holidays[0].workdays[0]", "同时被列为"),
    ("weekday-workday", _holiday(workdays=["2027-02-15"]), "holidays[0].workdays[0]", "星期一"),
    ("empty-rest", _holiday(rest=[]), "holidays[0].rest", "非空数组"),
    ("no-name", _holiday(name=" "), "holidays[0].name", "节日名称"),
]


@pytest.mark.parametrize("payload,field,fragment", [b[1:] for b in BAD_INPUTS],
                         ids=[b[0] for b in BAD_INPUTS])
def test_import_errors_leave_state_unchanged(db, payload, field, fragment):
    with db.transaction() as s:
        import_year_file(s, EXAMPLE)
    before = snapshot(db)
    raw = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    with pytest.raises(ValidationFailed) as exc:
        with db.transaction() as s:
            import_year_file(s, raw)
    assert fragment in exc.value.message
    if field is not None:
        assert fragment in exc.value.field_errors[field]
    assert snapshot(db) == before


def test_weekend_rest_day_is_allowed(db):
    data = _holiday(rest=["2027-02-06", "2027-02-07", "2027-02-08"])  # Sat, Sun, Mon
    with db.transaction() as s:
        assert import_year_file(s, json.dumps(data, ensure_ascii=False)).rest_days == 3


def test_failure_half_way_rolls_back_even_if_caller_commits(db, monkeypatch):
    with db.transaction() as s:
        import_year_file(s, EXAMPLE)
    before = snapshot(db)

    def boom():  # called after the old rows are deleted and the new ones inserted
        raise RuntimeError("disk full")

    monkeypatch.setattr(calendar_store, "_now", boom)
    smaller = example(holidays=[{"name": "元旦", "rest": ["2027-01-01"]}])
    with db.transaction() as s:
        with pytest.raises(RuntimeError):
            import_year_file(s, json.dumps(smaller, ensure_ascii=False))
    assert snapshot(db) == before


def test_cache_reloads_only_when_stamp_changes(db):
    cache = CalendarCache()
    with db.transaction() as s:
        seed_from_chinesecalendar(s)
    with db.transaction(write=False) as s:
        first = cache.get(s)
    with db.transaction(write=False) as s:
        assert cache.get(s) is first
    with db.transaction() as s:
        import_year_file(s, EXAMPLE)
    with db.transaction(write=False) as s:
        second = cache.get(s)
    assert second is not first and 2027 in second.years
    with db.transaction() as s:  # same row counts, new imported_at
        import_year_file(s, EXAMPLE)
    with db.transaction(write=False) as s:
        assert cache.get(s) is not second


def run_cli(db, *args):
    return CliRunner().invoke(calendar_cli, list(args), obj={"db": lambda: db})


def test_cli_seeds_empty_database_and_answers(db):
    result = run_cli(db, "is-workday", "2025-10-11")
    assert (result.exit_code, result.output) == (0, "workday\n")
    assert run_cli(db, "is-workday", "2025-10-12").output == "restday\n"
    assert run_cli(db, "workday-end", "2025-09-30", "5").output == "2025-10-13\n"
    result = run_cli(db, "workday-end", "2025-09-30", "5", "--convention", "next-day")
    assert result.output == "2025-10-14\n"
    with db.transaction(write=False) as s:
        assert s.scalar(select(func.count()).select_from(CalendarYear)) == 23


@pytest.mark.parametrize("args,fragment", [
    (["workday-end", "2026-12-28", "5"], "2027 年的节假日安排尚未导入"),
    (["is-workday", "2025/10/11"], "日期格式应为 YYYY-MM-DD"),
    (["workday-end", "2025-09-30", "0"], "工作日天数必须是不小于 1 的整数"),
    (["workday-end", "2025-09-30", "五"], "工作日天数必须是不小于 1 的整数"),
    (["workday-end", "2025-09-30", "5", "--convention", "x"], "未知的起算方式"),
    (["import", "/nonexistent/2027.json"], "找不到节假日安排文件"),
])
def test_cli_errors(db, args, fragment):
    result = run_cli(db, *args)
    assert result.exit_code == 1
    assert fragment in result.output


def test_cli_import(db, tmp_path):
    result = run_cli(db, "import", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "已导入 2027 年节假日安排" in result.output and "放假 29 天，调休上班 6 天" in result.output
    assert run_cli(db, "workday-end", "2026-12-28", "5").output == "2027-01-04\n"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_holiday(workdays=["2027-02-15"]), ensure_ascii=False), "utf-8")
    result = run_cli(db, "import", str(bad))
    assert result.exit_code == 1 and "holidays[0].workdays[0]" in result.output
    assert run_cli(db, "is-workday", "2027-02-08").output == "restday\n"  # example still stored
