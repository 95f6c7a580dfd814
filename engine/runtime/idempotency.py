"""Stored answers to writes sent with an `Idempotency-Key`: a client that lost a response retries
with the same key and gets the original answer instead of a 409 it cannot tell from someone
else's success. Keys are per user, kept for KEEP (then purged), and bound to the request they
first came with: the same key on a different request is refused."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, Integer, String, Text, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.db import Database
from engine.storage.models import Base
from engine.timekeeping.timeutil import UTCDateTime

KEEP = timedelta(hours=24)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    owner: Mapped[str] = mapped_column(String(64), primary_key=True)  # the user's id
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))  # method, path and body as first sent
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_idempotency_keys_created_at", "created_at"),)


@dataclass(frozen=True)
class StoredAnswer:
    request_hash: str
    status: int
    content_type: str
    body: str


def find(db: Database, owner: str, key: str, now: datetime) -> StoredAnswer | None:
    with db.transaction(write=False) as session:
        row = session.get(IdempotencyKey, (owner, key))
        if row is None or row.created_at < now - KEEP:
            return None
        return StoredAnswer(row.request_hash, row.status, row.content_type, row.body)


def remember(db: Database, owner: str, key: str, answer: StoredAnswer, now: datetime) -> StoredAnswer:
    """Store the answer; if a concurrent request with the same key stored first, that one stands."""
    try:
        with db.transaction() as session:
            session.execute(delete(IdempotencyKey).where(
                IdempotencyKey.owner == owner, IdempotencyKey.key == key, IdempotencyKey.created_at < now - KEEP))
            session.add(IdempotencyKey(owner=owner, key=key, request_hash=answer.request_hash, status=answer.status,
                                       content_type=answer.content_type, body=answer.body, created_at=now))
    except IntegrityError:
        return find(db, owner, key, now) or answer
    return answer


def purge(db: Database, now: datetime) -> int:
    with db.transaction() as session:
        return session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEEP)).rowcount
