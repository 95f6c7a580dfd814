"""Tables beside the human-task index: reassignments (转办), reminders (催办) and form drafts.

None of them is part of the workflow state. A reassignment is also an event in the instance's
hash chain (it changes who may act); reminders and drafts are not (they change nothing a replay
could check, and must not make a handler's open form stale)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, bindparam, delete
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.db import Writes
from engine.storage.models import Base
from engine.timekeeping.timeutil import UTCDateTime


class TaskAssignment(Base):
    """The one user a task was reassigned to; absent means every holder of the lane and unit."""

    __tablename__ = "task_assignments"
    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.task_id", ondelete="CASCADE"), primary_key=True)
    assignee: Mapped[str] = mapped_column(String(100))
    assigned_by: Mapped[str] = mapped_column(String(100))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_task_assignments_assignee", "assignee"),)


class TaskReminder(Base):
    __tablename__ = "task_reminders"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.task_id", ondelete="CASCADE"))
    sent_by: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(String(500))
    __table_args__ = (Index("ix_task_reminders_task", "task_id"),)


class TaskDraft(Base):
    """Unvalidated, partly filled form data of an open task; one per task, last save wins."""

    __tablename__ = "task_drafts"
    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.task_id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    saved_by: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


_FORGET = delete(TaskAssignment.__table__).where(
    TaskAssignment.__table__.c.task_id.in_(bindparam("ids", expanding=True)))


def forget_closed_assignments(writes: Writes, _instance, _workflow, closed: list[str]) -> None:
    """Runtime observer: a reassignment only matters while its task is open (the event log keeps
    the record), so rows of tasks the command closed go. The table then holds only open reassigned
    tasks, which keeps the inbox's per-user exclusion cheap however long a campaign runs."""
    if closed:
        writes.execute(_FORGET, {"ids": closed}, alone=True)
