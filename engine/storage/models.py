"""Tables of the runtime. The event log is the record of truth; everything else is derived from it."""
from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.timekeeping.timeutil import UTCDateTime


class Base(DeclarativeBase):
    # Every model here maps one Table; typed so, Core statements on `Model.__table__` type-check.
    __table__: ClassVar[Table]


class Deployment(Base):
    """A content-hashed bundle of BPMN/DMN files plus the form schemas they reference."""

    __tablename__ = "deployments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # bundle name, e.g. the folder under processes/
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … per name
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    files: Mapped[dict] = mapped_column(JSON)  # {relative path: text}
    process_ids: Mapped[list] = mapped_column(JSON)  # executable top-level processes in the bundle
    deployed_by: Mapped[str] = mapped_column(String(100))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("name", "version"),)


class Instance(Base):
    __tablename__ = "instances"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id"))
    process_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # running | completed | cancelled
    version: Mapped[int] = mapped_column(Integer)  # optimistic lock: bumped by every command
    # The top workflow's shell: everything but its tasks and subprocesses. Read only when the
    # workflow is not cached (a campaign's shell is small, its subprocesses' are not).
    snapshot: Mapped[str] = mapped_column(Text, deferred=True)
    id_counter: Mapped[int] = mapped_column(Integer)  # next deterministic task id
    last_seq: Mapped[int] = mapped_column(Integer)  # sequence number of the newest event
    last_hash: Mapped[str] = mapped_column(String(64))
    business_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_instances_status", "status"),)
    # SQLAlchemy adds "AND version = :old" to every UPDATE and raises StaleDataError on 0 rows.
    __mapper_args__ = {"version_id_col": version}


class TaskSnapshot(Base):
    """One serialized SpiffWorkflow task without its data; only tasks a command touched are rewritten."""

    __tablename__ = "task_snapshots"
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True
    )
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)  # creation order: parents before children
    workflow: Mapped[str] = mapped_column(String(36))  # "" for the top workflow, else subprocess id
    body: Mapped[str] = mapped_column(Text)
    data_digest: Mapped[str] = mapped_column(String(32))  # the task's data: a TaskData row


class TaskData(Base):
    """A task data value, stored once per instance however many tasks hold it: a candidate's ~130
    tasks hold a few dozen distinct values of ~4 KB (each step copies its predecessor's data)."""

    __tablename__ = "task_data"
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(32), primary_key=True)  # BLAKE2b-128 of the body, hex
    body: Mapped[str] = mapped_column(Text)


class SubprocessShell(Base):
    """One subprocess's shell (its data, last task, completion); rewritten only when it changed."""

    __tablename__ = "subprocess_shells"
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True
    )
    subprocess_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # its parent task's id
    seq: Mapped[int] = mapped_column(Integer)  # creation order: a parent before its nested subprocesses
    body: Mapped[str] = mapped_column(Text)


class HumanTask(Base):
    """Index of user tasks for inboxes; rebuilt from the workflow after every command."""

    __tablename__ = "human_tasks"
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    spec_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    lane: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    form: Mapped[str | None] = mapped_column(String(300), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[str] = mapped_column(String(20))  # ready | completed | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    __table_args__ = (
        Index("ix_human_tasks_inbox", "state", "role", "unit", "due_at"),
        Index("ix_human_tasks_instance", "instance_id"),
        # auditors and administrators list every open task by due date or creation time: no role/unit prefix
        Index("ix_human_tasks_state_due", "state", "due_at"),
        Index("ix_human_tasks_state_created", "state", "created_at"),
    )


class Timer(Base):
    __tablename__ = "timers"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(36))
    spec_name: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))  # waiting | fired | cancelled
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id"),
        Index("ix_timers_due", "status", "due_at"),
    )


class Event(Base):
    """Append-only, hash-chained per instance: hash = sha256(prev_hash + canonical event)."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)


class Holiday(Base):
    """A day that departs from the Mon–Fri rule: a statutory rest day or a 调休 make-up workday."""

    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # rest | workday
    name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(300))


class CalendarYear(Base):
    """Years whose schedule is known; a period reaching any other year is an error, not a guess."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Tables defined in their own modules register on the same metadata (migrations, create_all). Only
# modules that define tables belong here: each imports nothing but this module's Base and leaf
# modules, so that importing any engine module first never meets a half-initialised one.
from engine.campaigns import campaign_models  # noqa: E402,F401
from engine.documents import job_rows  # noqa: E402,F401
from engine.forms import uploads  # noqa: E402,F401
from engine.people import users  # noqa: E402,F401
from engine.runtime import idempotency  # noqa: E402,F401
from engine.storage import task_tables  # noqa: E402,F401
