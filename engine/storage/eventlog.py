"""The append-only event log: per-instance sequence numbers and a SHA-256 hash chain."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.storage.db import Writes
from engine.storage.models import Event, Instance

GENESIS = "0" * 64


def canonical(instance_id: str, seq: int, type_: str, actor: str, at: datetime, payload: dict) -> bytes:
    """The exact bytes a hash covers: sorted keys, no whitespace, UTF-8, ISO time in UTC."""
    body = {
        "instance_id": instance_id,
        "seq": seq,
        "type": type_,
        "actor": actor,
        "at": at.isoformat(),
        "payload": payload,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def chain_hash(prev_hash: str, event_bytes: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + event_bytes).hexdigest()


_INSERT = insert(Event.__table__)


def append(writes: Writes, instance: Instance, type_: str, actor: str, at: datetime, payload: dict) -> None:
    """Append the instance's next event; the caller's transaction also moves instance.last_seq/hash.
    Written with a plain INSERT: nothing reads the row back within the command."""
    # Round-trip through JSON so the stored payload is exactly what was hashed (no tuples, no dates).
    payload = json.loads(json.dumps(payload, ensure_ascii=False))
    seq = instance.last_seq + 1
    digest = chain_hash(instance.last_hash, canonical(instance.id, seq, type_, actor, at, payload))
    writes.execute(_INSERT, {
        "instance_id": instance.id, "seq": seq, "type": type_, "actor": actor, "at": at,
        "payload": payload, "prev_hash": instance.last_hash, "hash": digest,
    })
    instance.last_seq, instance.last_hash = seq, digest


def events_of(session: Session, instance_id: str, upto: int | None = None) -> list[Event]:
    query = select(Event).where(Event.instance_id == instance_id).order_by(Event.seq)
    if upto is not None:
        query = query.where(Event.seq <= upto)
    return list(session.scalars(query))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(session: Session, instance: Instance) -> ChainReport:
    """Walk the chain from the genesis hash; name the first event that does not fit."""
    prev, expected_seq = GENESIS, 1
    events = events_of(session, instance.id)
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(False, len(events), expected_seq, f"缺少第 {expected_seq} 号事件（序号不连续）")
        if event.prev_hash != prev:
            return ChainReport(False, len(events), event.seq, f"第 {event.seq} 号事件的前序哈希与链不符")
        digest = chain_hash(prev, canonical(instance.id, event.seq, event.type, event.actor, event.at, event.payload))
        if digest != event.hash:
            return ChainReport(False, len(events), event.seq, f"第 {event.seq} 号事件内容与其哈希不符（已被改动）")
        prev, expected_seq = event.hash, expected_seq + 1
    if prev != instance.last_hash or len(events) != instance.last_seq:
        return ChainReport(False, len(events), len(events) + 1, "事件链末端与实例记录的最新哈希不符（事件被删除或截断）")
    return ChainReport(True, len(events))
