"""Durable timers: due rows are claimed with a lease (SKIP LOCKED on PostgreSQL) and each claimed
instance is advanced by one runtime command. APScheduler is only the alarm clock."""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import and_, or_, select, update

from engine.errors import Conflict
from engine.runtime.runtime import Runtime
from engine.storage.models import Timer

log = logging.getLogger(__name__)
# Short, and renewed while the sweep works through its batch: a worker on another host that died
# holding claims loses them within a lease. On this host, a dead worker's claims are dropped at
# once (its process id is gone), so a restarted server fires them in its first sweep.
LEASE = timedelta(seconds=30)
RENEW_EVERY = LEASE / 3


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def release_dead_local_claims(runtime: Runtime) -> int:
    """Drop the leases held by workers of this host whose process has died (kill -9, a crash)."""
    host = socket.gethostname()
    with runtime.db.transaction() as session:
        owners = session.scalars(
            select(Timer.lease_owner).distinct()
            .where(Timer.status == "waiting", Timer.lease_owner.like(f"{host}:%"))).all()
        dead = [o for o in owners if o and (pid := o.split(":")[1]).isdigit() and not _pid_alive(int(pid))]
        if not dead:
            return 0
        return session.execute(
            update(Timer).where(Timer.status == "waiting", Timer.lease_owner.in_(dead))
            .values(lease_owner=None, lease_until=None)).rowcount


def renew(runtime: Runtime, owner: str, now: datetime) -> int:
    """Extend the leases `owner` still holds (on timers not yet fired)."""
    with runtime.db.transaction() as session:
        return session.execute(
            update(Timer).where(Timer.lease_owner == owner, Timer.status == "waiting")
            .values(lease_until=now + LEASE)).rowcount


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
    retried every LEASE rather than spun on. Leases still held are renewed while the batch is
    worked through, so a slow batch is not taken over by another worker half-way."""
    owner = owner or worker_name()
    advanced, attempted = 0, set()
    release_dead_local_claims(runtime)
    while True:
        instance_ids = [i for i in claim_due(runtime, runtime.now(), owner, batch) if i not in attempted]
        if not instance_ids:
            return advanced
        renewed = time.monotonic()
        for instance_id in instance_ids:
            if time.monotonic() - renewed > RENEW_EVERY.total_seconds():
                renew(runtime, owner, runtime.now())
                renewed = time.monotonic()
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
    from engine.runtime.idempotency import purge

    scheduler.add_job(lambda: purge(runtime.db, runtime.now()), "interval", hours=1, id="idempotency-purge",
                      coalesce=True, max_instances=1)
    scheduler.start()
    return scheduler
