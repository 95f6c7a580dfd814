"""`pingxuan backup PATH` and `pingxuan restore PATH`."""
from __future__ import annotations

from pathlib import Path

import click

from engine.errors import PingxuanError


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, path: Path) -> None:
    """备份数据库到 PATH（SQLite 在线备份，服务可继续运行；PostgreSQL 调用 pg_dump）。"""
    from engine.storage import backup as service

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
    from engine.storage import backup as service

    if not yes:
        click.confirm("将用备份覆盖当前数据库的全部内容，是否继续？", abort=True)
    try:
        service.restore(ctx.obj["ctx"].settings.database_url, path)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已从 {path} 恢复；建议运行 pingxuan audit scan 核验全部实例")
