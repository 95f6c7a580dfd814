"""Durable timers: due rows are claimed with a lease (SKIP LOCKED on PostgreSQL) and each claimed
instance is advanced by one runtime command. APScheduler is only the alarm clock."""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import and_, or_, select, update

from .errors import Conflict
from .models import Timer
from .runtime import Runtime

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim_due(runtime: Runtime, now: datetime, owner: str, limit: int = 100) -> list[str]:
    """Lease up to `limit` due timers to `owner`; returns the distinct instance ids to advance."""
    with runtime.db.transaction() as session:
        due = (
            select(Timer.id, Timer.instance_id)
            .where(Timer.status == "waiting", Timer.due_at < now,
                   or_(Timer.lease_until.is_(None), Timer.lease_until < now))
            .order_by(Timer.due_at)
            .limit(limit)
        )
        if runtime.db.is_postgres:
            due = due.with_for_update(skip_locked=True)
        rows = session.execute(due).all()
        if not rows:
            return []
        session.execute(
            update(Timer).where(Timer.id.in_([r.id for r in rows]))
            .values(lease_owner=owner, lease_until=now + LEASE)
        )
    return list(dict.fromkeys(r.instance_id for r in rows))


def release(runtime: Runtime, instance_id: str, owner: str) -> None:
    """Drop leases this worker still holds on an instance (its timers were not all fired)."""
    with runtime.db.transaction() as session:
        session.execute(
            update(Timer).where(and_(Timer.instance_id == instance_id, Timer.lease_owner == owner,
                                     Timer.status == "waiting"))
            .values(lease_owner=None, lease_until=None)
        )


def sweep(runtime: Runtime, owner: str | None = None, batch: int = 100,
          on_progress: Callable[[int], None] | None = None) -> int:
    """Fire everything due now; returns how many instances were advanced.

    A claimed timer that does not fire keeps its lease until it expires: a broken instance is
    retried every LEASE rather than spun on."""
    owner = owner or worker_name()
    advanced, attempted = 0, set()
    while True:
        instance_ids = [i for i in claim_due(runtime, runtime.now(), owner, batch) if i not in attempted]
        if not instance_ids:
            return advanced
        for instance_id in instance_ids:
            attempted.add(instance_id)
            try:
                if runtime.fire_timers(instance_id):
                    advanced += 1
            except Conflict:
                release(runtime, instance_id, owner)  # another command moved it first; retry soon
            except Exception:  # one broken instance must not stop the others' deadlines
                log.exception("timer sweep failed for instance %s", instance_id)
        if on_progress:
            on_progress(advanced)


def start_scheduler(runtime: Runtime, every_seconds: float) -> BackgroundScheduler:
    """In-memory job store (APScheduler job stores must not be shared between processes); the
    timers themselves live in our table, so nothing is lost if this process dies."""
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    scheduler.add_job(sweep, "interval", seconds=every_seconds, args=[runtime], id="timer-sweep",
                      misfire_grace_time=None, coalesce=True, max_instances=1,
                      next_run_time=datetime.now().astimezone())  # catch up at once on start
    scheduler.start()
    return scheduler
