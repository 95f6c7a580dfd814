"""`pingxuan calendar …`: query working days, compute publicity periods, import a year's schedule.

The root CLI puts a factory in ctx.obj["db"] returning an engine.storage.db.Database.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import click
from sqlalchemy import func, select

from engine.errors import PingxuanError
from engine.storage.models import Holiday
from engine.timekeeping.calendar_store import ensure_seeded, import_year_file, load_calendar
from engine.timekeeping.workdays import CONVENTIONS, WorkdayCalendar


def _database(ctx: click.Context):
    return ctx.obj["db"]()


def _seed_if_empty(db) -> None:
    # Check in a read transaction first so that ordinary queries never take SQLite's write lock.
    with db.transaction(write=False) as session:
        empty = not session.scalar(select(func.count()).select_from(Holiday))
    if empty:
        with db.transaction() as session:
            ensure_seeded(session)


def _calendar(ctx: click.Context) -> WorkdayCalendar:
    db = _database(ctx)
    _seed_if_empty(db)
    with db.transaction(write=False) as session:
        return load_calendar(session)


def _parse_date(value: str) -> date:
    # Parsed here rather than with click.DateTime so that the error reads in Chinese.
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"日期格式应为 YYYY-MM-DD（例如 2025-09-30），当前为：{value}") from None


def _parse_n(value: str) -> int:
    if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
        raise click.ClickException(f"工作日天数必须是不小于 1 的整数，当前为：{value}")
    return int(value)


@click.group("calendar", help="工作日日历：判断工作日、计算公示期截止日、导入节假日安排。")
def calendar() -> None:
    pass


@calendar.command("is-workday", help="判断某日是否为工作日，输出 workday 或 restday。")
@click.argument("day", metavar="DATE")
@click.pass_context
def is_workday(ctx: click.Context, day: str) -> None:
    when = _parse_date(day)
    try:
        result = _calendar(ctx).is_workday(when)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from None
    click.echo("workday" if result else "restday")


@calendar.command("workday-end", help="计算自 DATE 发布、为期 N 个工作日的期间的最后一天。")
@click.argument("day", metavar="DATE")
@click.argument("n", metavar="N")
@click.option(
    "--convention",
    default="posting-day",
    metavar="|".join(CONVENTIONS),
    show_default=True,
    help="posting-day：发布当日（如为工作日）计为第 1 天；next-day：自次日起算（民法典第二百零一条）。",
)
@click.pass_context
def workday_end(ctx: click.Context, day: str, n: str, convention: str) -> None:
    posting, count = _parse_date(day), _parse_n(n)
    try:
        last = _calendar(ctx).period_last_day(posting, count, convention)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(last.isoformat())


@calendar.command("import", help="从 JSON 文件导入一年的节假日安排（整年替换）。")
@click.argument("file")
@click.pass_context
def import_file(ctx: click.Context, file: str) -> None:
    db = _database(ctx)
    try:
        # Seed first, in its own transaction: importing 2027 into a fresh database must not leave
        # 2004–2026 unknown, and a rejected file must not undo the seed.
        _seed_if_empty(db)
        with db.transaction() as session:
            summary = import_year_file(session, Path(file))
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(summary.message())
