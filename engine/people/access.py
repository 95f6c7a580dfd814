"""Who may see and act on what. Pure rules plus the SQL they translate to; no web framework here.

A user holds lanes through their role (processes/lanes.json maps each lane to a role) and units
through their unit binding. Staff are always unit-bound: a staff task is held only by staff of the
task's unit. Office and leading-body users hold their role's tasks that carry no unit, or their own
unit's. A task reassigned (转办) to a named user is held by that user alone. Auditors and
administrators read everything and complete nothing; designers hold no tasks.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from engine.errors import PingxuanError

ROLES = {
    "designer": "流程设计人员",
    "staff": "经办人员",
    "office": "专班办公室",
    "leading": "领导机构",
    "auditor": "审计人员",
    "admin": "系统管理员",
}
READ_ALL = frozenset({"auditor", "admin"})
TASK_ROLES = frozenset({"staff", "office", "leading"})  # roles that lanes name
UNIT_BOUND = frozenset({"staff"})


class Forbidden(PingxuanError):
    code = "forbidden"
    http_status = 403


@dataclass(frozen=True)
class Principal:
    """The authenticated user as the engine sees it (no ORM state attached)."""

    id: int
    name: str
    role: str
    unit: str | None = None
    display_name: str = ""

    @property
    def reads_all(self) -> bool:
        return self.role in READ_ALL


def holds(principal: Principal, role: str | None, unit: str | None, assignee: str | None) -> bool:
    """May this user act on a task of this role and unit (and this assignee, if reassigned)?"""
    if principal.role not in TASK_ROLES or role != principal.role:
        return False
    if assignee is not None and assignee != principal.name:
        return False
    if principal.role in UNIT_BOUND:
        return unit is not None and unit == principal.unit
    return unit is None or unit == principal.unit


def may_read_task(principal: Principal, role, unit, assignee, completed_by) -> bool:
    return principal.reads_all or holds(principal, role, unit, assignee) or (
        completed_by is not None and completed_by == principal.name)


def held_clause(principal: Principal, task_table, assignee_col=None) -> ColumnElement:
    """SQL form of `holds` (auditors and administrators: every task) for inbox queries. Without
    `assignee_col`, reassignments are left out (the caller accounts for them)."""
    if principal.reads_all:
        return true()
    if principal.role not in TASK_ROLES:
        return false()
    if principal.role in UNIT_BOUND:
        if principal.unit is None:
            return false()
        unit_ok = task_table.unit == principal.unit
    elif principal.unit is None:
        unit_ok = task_table.unit.is_(None)
    else:
        unit_ok = or_(task_table.unit.is_(None), task_table.unit == principal.unit)
    if assignee_col is None:
        return and_(task_table.role == principal.role, unit_ok)
    return and_(task_table.role == principal.role, unit_ok,
                or_(assignee_col.is_(None), assignee_col == principal.name))


def require_holds(principal: Principal, role, unit, assignee, what: str = "办理") -> None:
    if not holds(principal, role, unit, assignee):
        if assignee is not None and assignee != principal.name and role == principal.role:
            raise Forbidden(f"该任务已转办给 {assignee}，您不能{what}")
        raise Forbidden(f"您的角色或所属单位无权{what}该任务")
