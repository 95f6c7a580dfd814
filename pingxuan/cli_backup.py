"""`pingxuan backup PATH`, `pingxuan restore PATH` and `pingxuan audit scan`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.errors import PingxuanError


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, path: Path) -> None:
    """备份数据库到 PATH（SQLite 在线备份，服务可继续运行；PostgreSQL 调用 pg_dump）。"""
    from engine import backup as service

    try:
        service.backup(ctx.obj["ctx"].settings.database_url, path)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已备份到 {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="确认用备份覆盖当前数据库")
@click.pass_context
def restore(ctx: click.Context, path: Path, yes: bool) -> None:
    """用 PATH 的备份覆盖当前数据库（请先停止 Web 服务和定时器进程）。"""
    from engine import backup as service

    if not yes:
        click.confirm("将用备份覆盖当前数据库的全部内容，是否继续？", abort=True)
    try:
        service.restore(ctx.obj["ctx"].settings.database_url, path)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已从 {path} 恢复；建议运行 pingxuan audit scan 核验全部实例")


@click.command("scan")
@click.pass_context
def audit_scan(ctx: click.Context) -> None:
    """核验全部实例的哈希链并逐一重放（恢复备份或升级后使用）。"""
    from engine import audit as audit_service

    report = audit_service.scan(ctx.obj["ctx"].services())
    for line in report.failures[:100]:
        click.echo(f"  - {line}", err=True)
    if not report.ok:
        click.echo(f"核验失败：{len(report.failures)} / {report.instances} 个实例有问题", err=True)
        sys.exit(1)
    click.echo(f"全部 {report.instances} 个实例哈希链完整、重放一致")
