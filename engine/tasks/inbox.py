"""Inbox queries over the human-task index: the tasks a user holds, filtered, paged, by due date.

Sorting by due date puts undated tasks last in either direction. Neither database can do that
and still walk the (state, role, unit, due_at) index in order (SQLite sorts NULLs first, and a
NULLS LAST clause there forces a sort), so a page is read from two ordered ranges instead: dated
tasks by due date, then undated ones by creation time. Each range is an index scan that stops at
the page's end. The total is counted on the index alone; see `_count`."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from engine.campaigns.campaign_models import Campaign, Candidate
from engine.errors import ValidationFailed
from engine.people.access import Principal, held_clause
from engine.storage.models import HumanTask, Instance
from engine.storage.task_tables import TaskAssignment

if TYPE_CHECKING:
    from engine.storage.db import Database

STATES = ("ready", "completed", "cancelled")
SORTS = ("due_at", "-due_at", "created_at", "-created_at")
MAX_PER_PAGE = 100



@dataclass
class InboxFilter:
    state: str | None = "ready"  # None: any state
    lane: str | None = None
    unit: str | None = None
    role: str | None = None
    spec: str | None = None
    instance_id: str | None = None
    due_before: datetime | None = None
    overdue: bool = False
    completed_by_me: bool = False
    sort: str = "due_at"
    page: int = 1
    per_page: int = 20
    campaign_id: str | None = None
    name_contains: str | None = None  # part of the candidate's name (the instance's business key)
    after: str | None = None  # keyset cursor from the previous page (sort by due date only)


@dataclass
class InboxItem:
    task_id: str
    instance_id: str
    spec: str
    title: str
    lane: str | None
    role: str | None
    unit: str | None
    form: str | None
    state: str
    due_at: datetime | None
    overdue: bool
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None
    assignee: str | None
    business_key: str | None = None
    process_id: str | None = None
    campaign_id: str | None = None
    campaign_name: str | None = None


@dataclass
class InboxPage:
    items: list[InboxItem] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    next_cursor: str | None = None  # pass as `after` for the next page; None on the last page


_COLUMNS = (HumanTask.task_id, HumanTask.instance_id, HumanTask.spec_name, HumanTask.title, HumanTask.lane,
            HumanTask.role, HumanTask.unit, HumanTask.form, HumanTask.state, HumanTask.due_at,
            HumanTask.created_at, HumanTask.completed_at, HumanTask.completed_by, TaskAssignment.assignee)


def _where(principal: Principal, f: InboxFilter, now: datetime) -> list:
    """Conditions on human_tasks alone; reassignments are handled by the callers."""
    clauses = [held_clause(principal, HumanTask)]
    if f.state is not None:
        clauses.append(HumanTask.state == f.state)
    for column, value in ((HumanTask.lane, f.lane), (HumanTask.unit, f.unit), (HumanTask.role, f.role),
                          (HumanTask.spec_name, f.spec), (HumanTask.instance_id, f.instance_id)):
        if value is not None:
            clauses.append(column == value)
    if f.due_before is not None:
        clauses.append(HumanTask.due_at <= f.due_before)
    if f.overdue:
        clauses.append(HumanTask.due_at < now)
    if f.completed_by_me:
        clauses.append(HumanTask.completed_by == principal.name)
    if f.campaign_id is not None:
        clauses.append(HumanTask.instance_id.in_(select(Candidate.id).where(Candidate.campaign_id == f.campaign_id)))
    if f.name_contains:
        clauses.append(HumanTask.instance_id.in_(
            select(Instance.id).where(Instance.business_key.contains(f.name_contains, autoescape=True))))
    return clauses


def encode_cursor(item: InboxItem) -> str:
    key = {"d": item.due_at.isoformat() if item.due_at else None, "c": item.created_at.isoformat(), "t": item.task_id}
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime | None, datetime, str]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        due = datetime.fromisoformat(key["d"]) if key["d"] is not None else None
        return due, datetime.fromisoformat(key["c"]), str(key["t"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed("分页游标无效，请从第一页重新查看", {"after": "无效的分页游标"}) from exc


def _after_page(session: Session, principal: Principal, clauses, cursor: str, per_page: int) -> list:
    """The page after a cursor in due-date order: the rest of the dated range past the key, then the
    undated range; each an index range scan from the key, however deep the page (no OFFSET)."""
    due, created, task_id = decode_cursor(cursor)
    rows = []
    if due is not None:
        past_key = or_(HumanTask.due_at > due, and_(HumanTask.due_at == due, HumanTask.task_id > task_id))
        rows = session.execute(_page_query(principal, [*clauses, HumanTask.due_at.is_not(None), past_key])
                               .order_by(HumanTask.due_at, HumanTask.task_id).limit(per_page)).all()
        undated_from = []
    else:
        undated_from = [or_(HumanTask.created_at > created,
                            and_(HumanTask.created_at == created, HumanTask.task_id > task_id))]
    if len(rows) < per_page:
        rows += session.execute(_page_query(principal, [*clauses, HumanTask.due_at.is_(None), *undated_from])
                                .order_by(HumanTask.created_at, HumanTask.task_id)
                                .limit(per_page - len(rows))).all()
    return rows


def _page_query(principal: Principal, clauses):
    query = (select(*_COLUMNS).select_from(HumanTask)
             .outerjoin(TaskAssignment, TaskAssignment.task_id == HumanTask.task_id).where(*clauses))
    if not principal.reads_all:
        # NOT EXISTS rather than a filter on the joined assignee, so that the planner can walk the
        # index in due-date order and stop at the page's end.
        other = aliased(TaskAssignment)
        query = query.where(~exists().where(other.task_id == HumanTask.task_id, other.assignee != principal.name))
    return query


def _count(session: Session, principal: Principal, clauses) -> int:
    """Counted on the task index alone (no per-row join), less the matching tasks reassigned to
    someone else, which are few and found from the assignment side."""
    n = session.scalar(select(func.count()).select_from(HumanTask).where(*clauses)) or 0
    if not principal.reads_all and n:
        # A correlated EXISTS probed by key for each (open, reassigned) task: as a join, SQLite
        # walks every matching task, and PostgreSQL turns EXISTS into a hash semi-join that reads
        # them all from the heap. OFFSET 0 keeps PostgreSQL from flattening the subquery.
        matching = select(HumanTask.task_id).where(HumanTask.task_id == TaskAssignment.task_id, *clauses).offset(0)
        n -= session.scalar(select(func.count()).select_from(TaskAssignment)
                            .where(TaskAssignment.assignee != principal.name, matching.exists())) or 0
    return n


def inbox(db: Database, principal: Principal, f: InboxFilter, now: datetime) -> InboxPage:
    with db.transaction(write=False) as session:
        return _inbox(session, principal, f, now)


def _inbox(session: Session, principal: Principal, f: InboxFilter, now: datetime) -> InboxPage:
    per_page = max(1, min(f.per_page, MAX_PER_PAGE))
    page = max(1, f.page)
    offset, clauses = (page - 1) * per_page, _where(principal, f, now)
    if session.get_bind().dialect.name == "postgresql":
        # psycopg prepares a statement after five runs, and PostgreSQL may then switch to a generic
        # plan that ignores the actual role, unit and offset (measured: 40 ms instead of 6 ms).
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    total = _count(session, principal, clauses)
    if f.after is not None:
        if f.sort != "due_at":
            raise ValidationFailed("分页游标只用于按截止时间排序", {"after": "只能与 sort=due_at 同用"})
        rows = _after_page(session, principal, clauses, f.after, per_page)
    elif f.sort in ("due_at", "-due_at"):
        order = HumanTask.due_at.asc() if f.sort == "due_at" else HumanTask.due_at.desc()
        rows = session.execute(_page_query(principal, [*clauses, HumanTask.due_at.is_not(None)])
                               .order_by(order, HumanTask.task_id).offset(offset).limit(per_page)).all()
        if len(rows) < per_page and offset + len(rows) < total:
            # The page reaches past the dated tasks: continue with the undated ones.
            n_dated = _count(session, principal, [*clauses, HumanTask.due_at.is_not(None)])
            rows += session.execute(_page_query(principal, [*clauses, HumanTask.due_at.is_(None)])
                                    .order_by(HumanTask.created_at, HumanTask.task_id)
                                    .offset(max(0, offset - n_dated)).limit(per_page - len(rows))).all()
    else:
        order = HumanTask.created_at.asc() if f.sort == "created_at" else HumanTask.created_at.desc()
        rows = session.execute(_page_query(principal, clauses).order_by(order, HumanTask.task_id)
                               .offset(offset).limit(per_page)).all()
    items = [_item(row, now) for row in rows]
    _add_instance_facts(session, items)
    next_cursor = encode_cursor(items[-1]) if f.sort == "due_at" and len(items) == per_page else None
    return InboxPage(items, total, page, per_page, next_cursor)


def _item(row, now: datetime) -> InboxItem:
    return InboxItem(
        task_id=row.task_id, instance_id=row.instance_id, spec=row.spec_name, title=row.title, lane=row.lane,
        role=row.role, unit=row.unit, form=row.form, state=row.state, due_at=row.due_at,
        overdue=row.state == "ready" and row.due_at is not None and row.due_at < now,
        created_at=row.created_at, completed_at=row.completed_at, completed_by=row.completed_by,
        assignee=row.assignee)


def _add_instance_facts(session: Session, items: list[InboxItem]) -> None:
    ids = {i.instance_id for i in items}
    if not ids:
        return
    facts = dict((r.id, r) for r in session.execute(
        select(Instance.id, Instance.business_key, Instance.process_id, Campaign.id.label("campaign_id"),
               Campaign.name.label("campaign_name"))
        .outerjoin(Candidate, Candidate.id == Instance.id).outerjoin(Campaign, Campaign.id == Candidate.campaign_id)
        .where(Instance.id.in_(ids))))
    for item in items:
        fact = facts.get(item.instance_id)
        if fact is not None:
            item.business_key, item.process_id = fact.business_key, fact.process_id
            item.campaign_id, item.campaign_name = fact.campaign_id, fact.campaign_name


def task_row(session: Session, task_id: str) -> tuple[HumanTask, str | None] | None:
    """The indexed task and its assignee, or None."""
    row = session.execute(select(HumanTask, TaskAssignment.assignee)
                          .outerjoin(TaskAssignment, TaskAssignment.task_id == HumanTask.task_id)
                          .where(HumanTask.task_id == task_id)).first()
    return (row[0], row[1]) if row is not None else None
