"""`pingxuan simulate`: a whole campaign run to its decision by simulated staff, clock fast-forwarded.

With several workers, the recommending units are shared out among processes, each playing every
role for its units' candidates (their lists go to the offices as separate batches) with its own
fast clock; the parent shows progress from the database. The workers run side by side on both
databases: a command holds SQLite's single write lock only while its rows are written (ADR 0007).
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import click
from sqlalchemy import func, select

from engine.campaigns.campaign_models import Candidate
from engine.config import TIMEZONE, Settings
from engine.definitions import definitions
from engine.definitions.catalog import deploy
from engine.services import build, seed_calendar, tune_gc
from engine.storage import migrate
from engine.storage.db import Database

from .actors import Actors, outcome_counts
from .clock import FastClock

CACHE_MARGIN = 100  # workflows kept in memory beyond a worker's candidates
# The simulation's SQLite database grows to gigabytes; with the server's 64 MB page cache a 10,000-
# candidate run took 764 s, with 512 MB 682 s (the cost per candidate of a 1,000-candidate run).
SQLITE_CACHE_MB = 512


@dataclass(frozen=True)
class Share:
    """One worker's part of the campaign: its units and the candidates it nominates."""

    settings: Settings
    database_url: str
    campaign_id: str
    start: datetime
    units: frozenset[str]
    nominations: tuple[tuple[str, str, str, str], ...]  # (unit, award type, candidate type, name)


@dataclass
class Result:
    seconds: float
    dialect: str
    outcomes: dict[str, int]


def prepare(settings: Settings, database_url: str, variant: str, count: int, workers: int) -> list[Share]:
    """Migrate and seed the database, deploy the variant and create the campaign; returns the shares."""
    db = Database(database_url)
    try:
        migrate.upgrade(db)
        seed_calendar(db)
        start = datetime.now(timezone.utc)
        services = build(settings, db=db, clock=FastClock(start))
        deploy(services, variant, definitions.bundle_from_folder(settings.processes_dir / variant), "simulate")
        deadline = services.campaigns.deadlines_ending(variant, (start + timedelta(days=60)).astimezone(TIMEZONE).date())
        base = services.campaigns.config(services.campaigns.create(variant, "模拟", deadlines=deadline))
        # Spread candidates evenly over units and award types; scale quotas so that every unit's
        # smallest quota still takes its share (real quotas allow far fewer than a load test needs).
        limits = {(q["unit"], a): q["limits"].get(a, q["limits"].get("total", 0))
                  for q in base["quotas"] for a in base["award_types"]}
        slots = [slot for slot, limit in limits.items() if limit > 0]
        share = -(-count // len(slots))
        smallest = min(limits[slot] for slot in slots)
        campaign_id = services.campaigns.create(variant, "模拟", name=f"模拟 {count} 个推荐对象", deadlines=deadline,
                                                quota_scale=max(1, -(-share // smallest) * 2))
    finally:
        db.dispose()
    units = sorted({unit for unit, _ in slots})
    types = base["candidate_types"]
    nominations = [(*slots[i % len(slots)], types[i % len(types)], f"模拟对象{i + 1:05d}") for i in range(count)]
    shares = []
    for k in range(workers):
        mine = frozenset(units[k::workers])
        shares.append(Share(settings, database_url, campaign_id, start, mine,
                            tuple(n for n in nominations if n[0] in mine)))
    return [s for s in shares if s.nominations]


def run_share(share: Share) -> None:
    """One worker: nominate its candidates, then act on them until each has an outcome. A worker
    whose parent is gone (killed outright) stops at its next nomination or round."""
    parent = os.getppid()

    def stop_if_orphaned() -> None:
        if os.getppid() != parent:
            raise SystemExit("模拟已被中止")

    tune_gc()  # a spawned process: the command line's setting does not reach it
    settings = dataclasses.replace(share.settings, workflow_cache_size=len(share.nominations) + CACHE_MARGIN)
    clock = FastClock(share.start)
    services = build(settings, db=Database(share.database_url, sqlite_cache_mb=SQLITE_CACHE_MB), clock=clock)
    for unit, award_type, candidate_type, name in share.nominations:
        stop_if_orphaned()
        services.campaigns.nominate(share.campaign_id, unit=unit, award_type=award_type,
                                    candidate_type=candidate_type, name=name, actor="模拟推荐单位")
    Actors(services, units=set(share.units)).run_to_decision(share.campaign_id, clock, max_rounds=500,
                                                             on_round=stop_if_orphaned)
    services.db.dispose()


def run(shares: list[Share], count: int) -> Result:
    """Run each share in its own process while this one shows progress from the database."""
    started = time.perf_counter()
    db = Database(shares[0].database_url)
    try:
        _run_workers(shares, db, count)
        with db.transaction(write=False) as session:
            outcomes = outcome_counts(session, shares[0].campaign_id)
        return Result(time.perf_counter() - started, db.engine.dialect.name, outcomes)
    finally:
        db.dispose()


def _run_workers(shares: list[Share], db: Database, count: int) -> None:
    # Terminated (kill, a CI timeout): leave through the pool's exit, which terminates the workers;
    # by default they would be orphaned and go on writing. Ctrl-C reaches them directly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    context = multiprocessing.get_context("spawn")  # no database connection crosses a fork
    with context.Pool(len(shares)) as pool:
        pending = pool.map_async(run_share, shares)
        with click.progressbar(length=count, label="提交推荐") as nominated, \
                click.progressbar(length=count, label="评选进行") as decided:
            while not pending.ready():
                pending.wait(1.0)
                total, done = _progress(db, shares[0].campaign_id)
                nominated.update(total - nominated.pos)
                decided.update(done - decided.pos)
        pending.get()  # re-raises a worker's error here


def _progress(db: Database, campaign_id: str) -> tuple[int, int]:
    with db.transaction(write=False) as session:
        return tuple(session.execute(select(func.count(), func.count(Candidate.outcome))
                                     .where(Candidate.campaign_id == campaign_id)).one())
