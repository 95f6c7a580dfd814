"""`pingxuan demo` and `pingxuan simulate`: live demo campaigns, and whole simulated campaigns."""
from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from sqlalchemy import select

from engine.campaigns.campaign_models import Campaign
from engine.config import TIMEZONE, Settings
from engine.errors import PingxuanError

from .actors import Actors
from .clock import FastClock

DEMO_PREFIX = "【演示】"
# Fictional candidates: (name, award type, candidate type, tags); units come from the variant's quota table.
DEMO_PEOPLE: list[tuple] = [("演示机加工车间", "collective", "国有企业", []), ("演示技术员甲", "individual", "非公企业", []),
               ("演示工程师乙", "individual", "国有企业", []), ("演示研发中心", "collective", "非公企业", []),
               ("演示班组长丙", "individual", "国有企业", [])]


def _variants(settings: Settings) -> list[str]:
    return sorted(p.parent.name for p in settings.processes_dir.glob("*/campaign.json"))


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """为每个流程变体创建一个演示评选活动（虚构的推荐对象），各推荐对象停在不同环节。"""
    from engine.services import build

    app = ctx.obj["ctx"]
    # The demo's history starts 60 days ago so that publicity periods can really have elapsed by
    # now: the clock only ever moves forward and never past the present.
    now = datetime.now(timezone.utc)
    clock = FastClock(now - timedelta(days=60))
    services = build(app.settings, db=app.db(), clock=clock)
    last_day = (now + timedelta(days=30)).astimezone(TIMEZONE).date()
    for variant in _variants(services.settings):
        deadline = services.campaigns.deadlines_ending(variant, last_day)
        name = f"{DEMO_PREFIX}{services.campaigns.config_title(variant)}"
        with services.db.transaction(write=False) as session:
            if session.scalar(select(Campaign.id).where(Campaign.name == name)):
                click.echo(f"{variant}: 演示活动已存在，跳过")
                continue
        clock.now = now - timedelta(days=60)
        try:
            count = _seed_demo_campaign(services, variant, name, deadline, clock, now)
        except PingxuanError as exc:
            raise click.ClickException(f"{variant}: {exc.message}") from exc
        click.echo(f"{variant}: 已创建演示活动「{name}」，{count} 个推荐对象")


def _seed_demo_campaign(services, variant, name, deadline, clock, now) -> int:
    from engine.timekeeping.timers import sweep

    campaign_id = services.campaigns.create(variant, "演示数据", name=name, deadlines=deadline)
    config = services.campaigns.config(campaign_id)
    people = [p for p in DEMO_PEOPLE if p[1] in config["award_types"]] or DEMO_PEOPLE[:1]
    units = [q["unit"] for q in config["quotas"] if any(q["limits"].values())]
    for i, (person, award_type, candidate_type, tags) in enumerate(people):
        candidate_type = candidate_type if candidate_type in config["candidate_types"] else config["candidate_types"][0]
        services.campaigns.nominate(campaign_id, unit=units[i % len(units)], award_type=award_type,
                                    candidate_type=candidate_type, name=person, actor="演示数据", tags=tags)
    actors = Actors(services)
    # Candidate k is moved on in k rounds; between rounds 9 days pass so publicities elapse.
    for held in range(1, len(people)):
        for _ in range(3):
            actors.act_on(campaign_id, skip=held)
        clock.set(min(clock.now + timedelta(days=9), now))
        sweep(services.runtime)
    return len(people)


@click.command()
@click.option("--variant", required=True, help="流程变体，例如 001")
@click.option("--candidates", "count", default=100, show_default=True, type=click.IntRange(1, 100000))
@click.option("--database", default=None, help="数据库 URL（默认：临时 SQLite 文件，运行结束后删除，不影响正式数据）")
@click.option("--workers", default=None, type=click.IntRange(1, 16),
              help="并行的模拟进程数（按推荐单位分工）；默认为 CPU 核数")
@click.pass_context
def simulate(ctx: click.Context, variant: str, count: int, database: str | None, workers: int | None) -> None:
    """用模拟的经办人把整个评选活动运行到审定结束（时钟快进），输出各结局的数量。"""
    from . import simulation

    settings = ctx.obj["ctx"].settings
    if variant not in _variants(settings):
        raise click.ClickException(f"没有变体 {variant}；可用：{'、'.join(_variants(settings))}")
    with tempfile.TemporaryDirectory(prefix="pingxuan-simulate-") as scratch:
        url = database or f"sqlite:///{Path(scratch) / 'simulate.db'}"
        if workers is None:
            workers = os.cpu_count() or 1
        try:
            shares = simulation.prepare(settings, url, variant, count, workers)
            result = simulation.run(shares, count)
        except PingxuanError as exc:
            raise click.ClickException(exc.message) from exc
    click.echo(f"\n变体 {variant}，{count} 个推荐对象，{len(shares)} 个模拟进程，用时 {result.seconds:.1f} 秒"
               f"（{result.dialect}）：")
    for outcome, n in sorted(result.outcomes.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {outcome}: {n}")
