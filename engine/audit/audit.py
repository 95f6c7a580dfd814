"""Auditor services: chain verification and replay, each in one read transaction."""
from __future__ import annotations

from engine.audit.replay import ReplayReport, verify_replay
from engine.errors import NotFound
from engine.storage.eventlog import ChainReport
from engine.storage.eventlog import verify_chain as _verify_chain
from engine.storage.models import Instance


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
