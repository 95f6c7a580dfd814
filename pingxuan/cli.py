"""`pingxuan`: the command line. Thin: parses arguments, calls engine services, prints results."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from engine.config import Settings
from engine.definitions import definitions
from engine.errors import PingxuanError
from engine.storage import migrate
from engine.storage.db import Database

from .cli_backup import backup, restore
from .cli_calendar import calendar
from .cli_campaigns import demo, simulate
from .cli_export import export
from .cli_user import user


class _Context:
    """Lazily built so `pingxuan --help` touches no database."""

    def __init__(self):
        self.settings = Settings()
        self._db = self._services = None

    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.settings.database_url)
        return self._db

    def services(self):
        if self._services is None:
            from engine.services import build

            self._services = build(self.settings, self.db())
        return self._services


def _fail(exc: PingxuanError) -> click.ClickException:
    return click.ClickException(exc.message)


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """评选表彰（两审三公示）流程系统。"""
    from engine.services import tune_gc

    tune_gc()
    context = _Context()
    ctx.obj = {"ctx": context, "db": context.db}


def _app(ctx: click.Context) -> _Context:
    return ctx.obj["ctx"]


@main.group()
def db() -> None:
    """数据库管理。"""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """创建或升级数据库结构，并导入内置的节假日数据。"""
    from engine.services import seed_calendar

    database = _app(ctx).db()
    migrate.upgrade(database)
    seeded = seed_calendar(database)
    click.echo("数据库已是最新结构" + ("，已导入内置节假日数据" if seeded else ""))


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--actor", default="cli", help="记录在部署版本上的操作人")
@click.pass_context
def deploy(ctx: click.Context, path: Path, actor: str) -> None:
    """部署 PATH 下的流程定义（一个流程目录，或包含多个流程目录的 processes/）。"""
    from engine.definitions.catalog import deploy_bundles

    try:
        results = deploy_bundles(_app(ctx).services(), definitions.bundles_under(path), actor)
    except PingxuanError as exc:
        raise _fail(exc) from exc
    for name, deployment, created in results:
        state = "新版本" if created else "内容未变，沿用"
        click.echo(f"{name}: {state} v{deployment.version}（{', '.join(deployment.process_ids)}）")


@main.command()
@click.argument("process_id")
@click.option("--data", default="{}", help="启动数据（JSON 对象）")
@click.option("--actor", default="cli")
@click.pass_context
def start(ctx: click.Context, process_id: str, data: str, actor: str) -> None:
    """启动流程实例，运行到第一个等待点，输出实例编号。"""
    try:
        payload = json.loads(data)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"--data 不是合法的 JSON：{exc.msg}（第 {exc.pos} 个字符）") from exc
    if not isinstance(payload, dict):
        raise click.ClickException("--data 必须是 JSON 对象，例如 '{\"submit_by\": \"2026-12-31\"}'")
    try:
        view = _app(ctx).services().runtime.start(process_id, payload, actor)
    except PingxuanError as exc:
        raise _fail(exc) from exc
    click.echo(view.id)


@main.command()
@click.option("--once", is_flag=True, help="只扫描一次到期定时器后退出")
@click.pass_context
def timers(ctx: click.Context, once: bool) -> None:
    """独立的定时器工作进程：触发所有到期的定时器。"""
    from engine.timekeeping.timers import sweep, worker_name

    services = _app(ctx).services()
    owner = worker_name()
    if once:
        click.echo(f"已推进 {sweep(services.runtime, owner)} 个流程实例")
        return
    import time

    click.echo(f"定时器工作进程 {owner} 已启动，每 {services.settings.timer_sweep_seconds:g} 秒扫描一次（Ctrl+C 退出）")
    while True:
        sweep(services.runtime, owner)
        time.sleep(services.settings.timer_sweep_seconds)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--workers", default=0, type=int, help="工作进程数，0 表示每个 CPU 核一个")
@click.option("--threads", default=4, type=int, show_default=True, help="每个工作进程的线程数")
@click.option("--timeout", default=60, type=int, show_default=True, help="工作进程无响应多少秒后重启")
@click.option("--graceful-timeout", default=30, type=int, show_default=True,
              help="收到 TERM/HUP 后，进行中的请求最多再处理多少秒")
@click.option("--keep-alive", default=5, type=int, show_default=True, help="空闲长连接保持秒数")
@click.option("--read-timeout", default=10.0, type=float, show_default=True, help="读取一个请求的最长秒数")
@click.option("--no-timers", is_flag=True, help="不在 Web 进程中运行定时器（另行运行 pingxuan timers）")
@click.option("--pidfile", default=None, help="主进程 PID 文件（kill -HUP 平滑重启）")
def serve(host: str, port: int, workers: int, threads: int, timeout: int, graceful_timeout: int,
          keep_alive: int, read_timeout: float, no_timers: bool, pidfile: str | None) -> None:
    """启动 Web 服务（gunicorn；含定时器调度）。kill -HUP 主进程可平滑重启工作进程。"""
    from .server import ServeOptions
    from .server import serve as run

    options = ServeOptions(host=host, port=port, workers=workers, threads=threads, timeout=timeout,
                           graceful_timeout=graceful_timeout, keepalive=keep_alive, read_timeout=read_timeout,
                           timers=not no_timers, pidfile=pidfile)
    click.echo(f"评选系统已启动：http://{host}:{port}/（{options.worker_count} 个工作进程 × {threads} 线程）")
    run(options)


@main.group()
def audit() -> None:
    """审计：核验事件哈希链、重放历史。"""


@audit.command("verify")
@click.argument("instance_id")
@click.pass_context
def audit_verify(ctx: click.Context, instance_id: str) -> None:
    """逐条核验实例事件的哈希链，指出第一条被改动的事件。"""
    from engine.audit import audit as audit_service

    try:
        report = audit_service.verify_chain(_app(ctx).services(), instance_id)
    except PingxuanError as exc:
        raise _fail(exc) from exc
    if report.ok:
        click.echo(f"哈希链完整：共 {report.events} 条事件")
    else:
        click.echo(f"哈希链校验失败：{report.reason}（第一条异常事件：第 {report.first_bad_seq} 号）", err=True)
        sys.exit(1)


@audit.command("replay")
@click.argument("instance_id")
@click.pass_context
def audit_replay(ctx: click.Context, instance_id: str) -> None:
    """仅凭流程定义和事件重建实例，并与存储的快照比对。"""
    from engine.audit import audit as audit_service

    try:
        report = audit_service.replay(_app(ctx).services(), instance_id)
    except PingxuanError as exc:
        raise _fail(exc) from exc
    if report.ok:
        click.echo(f"重放一致：{report.events} 条事件重建的状态与存储快照完全相同")
    else:
        click.echo("重放结果与存储快照不一致：", err=True)
        for line in report.differences[:50]:
            click.echo(f"  - {line}", err=True)
        sys.exit(1)


@audit.command("scan")
@click.option("--campaign", "campaign_id", default=None, help="只核验该评选活动的推荐对象（评选活动编号）")
@click.pass_context
def audit_scan(ctx: click.Context, campaign_id: str | None) -> None:
    """核验全部（或某个评选活动的）流程实例：哈希链与重放，列出未通过的实例；有未通过的则以状态 1 退出。"""
    from engine.audit.audit_scan import instances_to_scan, scan

    services = _app(ctx).services()
    try:
        targets = instances_to_scan(services, campaign_id)
    except PingxuanError as exc:
        raise _fail(exc) from exc
    # Progress goes to stderr, the findings to stdout (an operator may redirect them to a file).
    with click.progressbar(length=len(targets), label="核验实例", file=sys.stderr, show_pos=True) as bar:
        failures = scan(services, targets, on_progress=bar.update).failures
    if not failures:
        click.echo(f"共核验 {len(targets)} 个流程实例，全部通过（哈希链完整，重放与存储快照一致）")
        return
    click.echo(f"共核验 {len(targets)} 个流程实例，{len(failures)} 个未通过：")
    for failure in failures:
        more = f"（共 {failure.differences} 处差异）" if failure.differences > 1 else ""
        reason = failure.reason if len(failure.reason) <= 200 else failure.reason[:200] + "……"
        click.echo(f"  {failure.instance_id}  {failure.name or ''}  {reason}{more}")
    click.echo("逐个查看：pingxuan audit replay <实例编号>")
    sys.exit(1)


main.add_command(backup)
main.add_command(restore)
main.add_command(calendar)
main.add_command(demo)
main.add_command(export)
main.add_command(simulate)
main.add_command(user)

if __name__ == "__main__":
    main()
