"""`pingxuan user …`: local users. Passwords are read from standard input, never from arguments."""
from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

import click

from engine.errors import PingxuanError
from engine.people import users
from engine.people.access import ROLES

# Created by `make run` (via `pingxuan user demo`) so that every role can be tried at once.
DEMO_PASSWORD = "pingxuan-demo"
DEMO_USERS = [
    ("designer", "designer", None, "流程设计员"),
    ("unit", "staff", "两江新区", "两江新区经办人（推荐单位）"),
    ("jijian", "staff", "纪检监察", "纪检监察部门经办人"),
    ("gongan", "staff", "公安", "公安部门经办人"),
    ("office", "office", None, "专班办公室"),
    ("leader", "leading", None, "领导机构"),
    ("auditor", "auditor", None, "审计人员"),
    ("admin", "admin", None, "系统管理员"),
]


def _db(ctx: click.Context):
    return ctx.obj["db"]()


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@click.group("user", help="用户管理：添加用户、创建演示用户、签发访问令牌。")
def user() -> None:
    pass


@user.command("add", help="添加用户；密码从标准输入读取（如 echo 密码 | pingxuan user add 张三 --role staff --unit 某单位）。")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(list(ROLES)), help="角色")
@click.option("--unit", default=None, help="所属单位（经办人员必填：推荐单位或审核、征求意见部门）")
@click.option("--display-name", default=None, help="显示名称")
@click.pass_context
def add(ctx: click.Context, name: str, role: str, unit: str | None, display_name: str | None) -> None:
    password = _read_password()
    if not password:
        raise click.ClickException("没有从标准输入读到密码")
    try:
        with _db(ctx).transaction() as session:
            created = users.create_user(session, name, role, datetime.now(timezone.utc), unit=unit,
                                        password=password, display_name=display_name)
    except PingxuanError as exc:
        detail = "；".join(f"{k}：{v}" for k, v in getattr(exc, "field_errors", {}).items())
        raise click.ClickException(exc.message + (f"（{detail}）" if detail else "")) from None
    click.echo(f"已添加用户 {created.name}（{ROLES[created.role]}{'，' + created.unit if created.unit else ''}）")


@user.command("demo", help=f"创建演示用户（已存在的跳过），密码均为 {DEMO_PASSWORD}；仅供演示。")
@click.pass_context
def demo(ctx: click.Context) -> None:
    now = datetime.now(timezone.utc)
    with _db(ctx).transaction() as session:
        for name, role, unit, display in DEMO_USERS:
            if users.find_user(session, name) is None:
                users.create_user(session, name, role, now, unit=unit, password=DEMO_PASSWORD, display_name=display)
                click.echo(f"已创建演示用户 {name}（{ROLES[role]}{'，' + unit if unit else ''}）")


@user.command("token", help="为用户签发访问令牌（Bearer），输出令牌值。")
@click.argument("name")
@click.option("--days", default=30, type=click.IntRange(1, 365), show_default=True, help="有效天数")
@click.option("--label", default="命令行签发")
@click.pass_context
def token(ctx: click.Context, name: str, days: int, label: str) -> None:
    with _db(ctx).transaction() as session:
        found = users.find_user(session, name)
        if found is None:
            raise click.ClickException(f"用户 {name} 不存在或已停用")
        raw, _ = users.issue_token(session, found.id, datetime.now(timezone.utc), kind="api",
                                   ttl=timedelta(days=days), label=label)
    click.echo(raw)
