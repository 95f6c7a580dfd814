"""Make SpiffWorkflow deterministic inside a command, so that replaying the event log reproduces
the stored snapshot exactly.

SpiffWorkflow draws task ids from uuid4(), stamps state changes with time.time() and compares
timers with datetime.now(). Inside a command we substitute: task ids come from a per-instance
counter (uuid5 of the instance id and the counter), and every clock reads the command's one
timestamp, which is recorded on the event. Outside a command the originals apply.
"""
from __future__ import annotations

import time as _time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _spiff_timer
import SpiffWorkflow.task as _spiff_task


@dataclass
class IdSource:
    namespace: uuid.UUID
    counter: int
    issued: dict = field(default_factory=dict)  # id -> counter value: the task's creation order

    def next(self) -> uuid.UUID:
        value = uuid.uuid5(self.namespace, str(self.counter))
        self.issued[value] = self.counter
        self.counter += 1
        return value


_ids: ContextVar[IdSource | None] = ContextVar("pingxuan_ids", default=None)
_now: ContextVar[datetime | None] = ContextVar("pingxuan_now", default=None)


def current_time() -> datetime:
    """The command's timestamp inside a command, the wall clock (UTC) outside."""
    return _now.get() or datetime.now(timezone.utc)


@contextmanager
def command_context(instance_id: str, id_counter: int, at: datetime) -> Iterator[IdSource]:
    if at.tzinfo is None:
        raise ValueError("command time must be timezone-aware")
    source = IdSource(uuid.UUID(instance_id), id_counter)
    ids_token, now_token = _ids.set(source), _now.set(at.astimezone(timezone.utc))
    try:
        yield source
    finally:
        _ids.reset(ids_token)
        _now.reset(now_token)


def _task_id() -> uuid.UUID:
    source = _ids.get()
    return source.next() if source is not None else uuid.uuid4()


class _TaskClock:
    @staticmethod
    def time() -> float:
        now = _now.get()
        return now.timestamp() if now is not None else _time.time()


class _TimerDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        now = _now.get()
        if now is None:
            return datetime.now(tz)
        return now.astimezone(tz) if tz is not None else now.astimezone().replace(tzinfo=None)


def install() -> None:
    """Idempotent; engine.runtime.spiff calls it on import, before any workflow exists."""
    _spiff_task.uuid4 = _task_id
    _spiff_task.time = _TaskClock
    _spiff_timer.datetime = _TimerDatetime


install()
