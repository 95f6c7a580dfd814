"""`pingxuan demo` and `pingxuan simulate`: live demo campaigns, and whole simulated campaigns."""
from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from sqlalchemy import func, select

from engine import definitions, migrate
from engine.catalog import deploy
from engine.campaign_models import Campaign, Candidate
from engine.config import Settings, TIMEZONE
from engine.db import Database
from engine.errors import PingxuanError

from .actors import Actors

DEMO_PREFIX = "【演示】"
# Fictional candidates: (name, award type, candidate type, tags); units come from the variant's quota table.
DEMO_PEOPLE = [("演示机加工车间", "collective", "国有企业", []), ("演示技术员甲", "individual", "非公企业", []),
               ("演示工程师乙", "individual", "国有企业", []), ("演示研发中心", "collective", "非公企业", []),
               ("演示班组长丙", "individual", "国有企业", [])]


class FastClock:
    """Starts at a given instant and only moves when the simulation moves it."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, value: datetime) -> None:
        self.now = max(self.now, value)


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
    deadline = {"submit_by": (now + timedelta(days=30)).astimezone(TIMEZONE).date().isoformat()}
    for variant in _variants(services.settings):
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
    from engine.timers import sweep

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
@click.option("--database", default=None, help="数据库 URL（默认：临时 SQLite 文件，不影响正式数据）")
@click.pass_context
def simulate(ctx: click.Context, variant: str, count: int, database: str | None) -> None:
    """用模拟的经办人把整个评选活动运行到审定结束（时钟快进），输出各结局的数量。"""
    from engine.services import build, seed_calendar

    settings = ctx.obj["ctx"].settings
    if variant not in _variants(settings):
        raise click.ClickException(f"没有变体 {variant}；可用：{'、'.join(_variants(settings))}")
    db = Database(database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'simulate.db'}")
    migrate.upgrade(db)
    seed_calendar(db)
    clock = FastClock(datetime.now(timezone.utc))
    services = build(settings, db=db, clock=clock)
    deploy(services, variant, definitions.bundle_from_folder(settings.processes_dir / variant), "simulate")
    started = time.perf_counter()
    try:
        deadline = {"submit_by": (clock.now + timedelta(days=60)).astimezone(TIMEZONE).date().isoformat()}
        base = services.campaigns.config(services.campaigns.create(variant, "模拟", deadlines=deadline))
        # Spread candidates evenly over units and award types; scale quotas so that every unit's
        # smallest quota still takes its share (real quotas allow far fewer than a load test needs).
        slots = [(q["unit"], a) for q in base["quotas"] for a in base["award_types"]
                 if q["limits"].get(a, q["limits"].get("total", 0)) > 0]
        smallest = min(q["limits"].get(a, q["limits"].get("total", 0)) for q in base["quotas"]
                       for a in base["award_types"] if q["limits"].get(a, q["limits"].get("total", 0)) > 0)
        share = -(-count // len(slots))
        campaign_id = services.campaigns.create(variant, "模拟", name=f"模拟 {count} 个推荐对象", deadlines=deadline,
                                                quota_scale=max(1, -(-share // smallest) * 2))
        types = base["candidate_types"]
        with click.progressbar(length=count, label="提交推荐") as bar:
            for i in range(count):
                unit, award_type = slots[i % len(slots)]
                services.campaigns.nominate(campaign_id, unit=unit, award_type=award_type,
                                            candidate_type=types[i % len(types)],
                                            name=f"模拟对象{i + 1:05d}", actor="模拟推荐单位")
                bar.update(1)
        actors = Actors(services)
        with click.progressbar(length=count, label="评选进行") as bar:
            def progress():
                with db.transaction(write=False) as session:
                    done = session.scalar(select(func.count()).select_from(Candidate).where(
                        Candidate.campaign_id == campaign_id, Candidate.outcome.is_not(None)))
                bar.update(done - bar.pos)
            outcomes = actors.run_to_decision(campaign_id, clock, max_rounds=500, on_round=progress)
    except PingxuanError as exc:
        raise click.ClickException(exc.message) from exc
    elapsed = time.perf_counter() - started
    click.echo(f"\n变体 {variant}，{count} 个推荐对象，用时 {elapsed:.1f} 秒（{db.engine.dialect.name}）：")
    for outcome, n in sorted(outcomes.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {outcome}: {n}")
