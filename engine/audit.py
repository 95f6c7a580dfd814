"""Auditor services: chain verification and replay, each in one read transaction."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .errors import NotFound
from .eventlog import ChainReport, verify_chain as _verify_chain
from .models import Instance
from .replay import ReplayReport, verify_replay


def _instance(session, instance_id: str) -> Instance:
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound(f"流程实例 {instance_id} 不存在")
    return instance


def verify_chain(services, instance_id: str) -> ChainReport:
    with services.db.transaction(write=False) as session:
        return _verify_chain(session, _instance(session, instance_id))


def replay(services, instance_id: str) -> ReplayReport:
    runtime = services.runtime
    with services.db.transaction(write=False) as session:
        return verify_replay(session, _instance(session, instance_id), runtime.specs, runtime.script_engine)


@dataclass(frozen=True)
class ScanReport:
    instances: int
    failures: list[str]  # "instance id: why", chain or replay

    @property
    def ok(self) -> bool:
        return not self.failures


def scan(services) -> ScanReport:
    """Verify the hash chain and the replay of every instance (after a restore, an upgrade …)."""
    with services.db.transaction(write=False) as session:
        ids = session.scalars(select(Instance.id).order_by(Instance.created_at, Instance.id)).all()
    failures = []
    for instance_id in ids:
        chain = verify_chain(services, instance_id)
        if not chain.ok:
            failures.append(f"{instance_id}：哈希链校验失败（{chain.reason}，第 {chain.first_bad_seq} 号事件）")
            continue
        replayed = replay(services, instance_id)
        if not replayed.ok:
            failures.append(f"{instance_id}：重放结果与存储快照不一致（{'；'.join(replayed.differences[:3])}）")
    return ScanReport(len(ids), failures)
