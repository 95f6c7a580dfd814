"""Instances (one per candidate) as users see them: start, state, list, diagram with progress."""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from engine.definitions.definitions import latest_for_process
from engine.definitions.safe_xml import parse_xml
from engine.errors import NotFound, ValidationFailed
from engine.people.access import READ_ALL, Forbidden, Principal
from engine.runtime.appliers import PROTECTED
from engine.runtime.runtime import InstanceView
from engine.runtime.spiff import all_workflows
from engine.storage.db import is_uuid
from engine.storage.models import Deployment, Event, HumanTask, Instance

WIDE_READERS = READ_ALL | {"office", "leading"}  # campaign-wide roles read every candidate
_BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass
class InstanceState:
    view: InstanceView
    process_id: str
    deployment_id: int
    deployment_name: str
    deployment_version: int
    business_key: str | None
    created_at: object
    updated_at: object


@dataclass
class Diagram:
    process_id: str
    file: str
    xml: str
    completed: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)


def readable_clause(principal: Principal):
    """SQL condition on Instance for the instances this user may read."""
    if principal.role in WIDE_READERS:
        return Instance.id.is_not(None)
    if principal.role != "staff" or principal.unit is None:
        return Instance.id.is_(None)
    own_unit = exists().where(HumanTask.instance_id == Instance.id, HumanTask.role == "staff",
                              HumanTask.unit == principal.unit)
    started = exists().where(Event.instance_id == Instance.id, Event.seq == 1, Event.actor == principal.name)
    return or_(own_unit, started)


def require_readable(session: Session, principal: Principal, instance_id: str) -> Instance:
    instance = session.get(Instance, instance_id) if is_uuid(instance_id) else None
    if instance is None:
        raise NotFound(f"流程实例 {instance_id} 不存在")
    if principal.role not in WIDE_READERS and not session.scalar(
            select(func.count()).select_from(Instance).where(Instance.id == instance_id, readable_clause(principal))):
        raise Forbidden("您无权查看该流程实例")
    return instance


def start(services, principal: Principal, process_id: str, data: dict, business_key: str | None) -> InstanceView:
    """Only a holder of the start event's lane may start; a unit-bound starter's unit is written
    into the lane's unit field (lanes.json `unit_from`), so the first task lands in their inbox."""
    runtime = services.runtime
    with services.db.transaction(write=False) as session:
        deployment = latest_for_process(session, process_id)
        spec = runtime.specs.get(deployment, process_id).spec
    lane = next((s.lane for s in spec.task_specs.values() if isinstance(s, StartEvent) and s.lane), None)
    info = runtime.lanes.get(lane or "", {})
    if info.get("role", "office") != principal.role:
        raise Forbidden(f"您的角色不能发起此流程（发起环节属于“{lane or '专班办公室'}”）")
    if PROTECTED in data:
        raise ValidationFailed("启动数据中含有不允许的字段", field_errors={f"data.{PROTECTED}": "不允许的字段"})
    unit_field = info.get("unit_from")
    if unit_field and principal.unit is not None:
        given = data.get(unit_field)
        if given is not None and given != principal.unit:
            raise ValidationFailed("只能以本单位名义发起", field_errors={f"data.{unit_field}": f"应为本单位“{principal.unit}”"})
        data = {**data, unit_field: principal.unit}
    return runtime.start(process_id, data, actor=principal.name, business_key=business_key)


def state(services, principal: Principal, instance_id: str) -> InstanceState:
    with services.db.transaction(write=False) as session:
        instance = require_readable(session, principal, instance_id)
        deployment = session.get(Deployment, instance.deployment_id)
        view = services.runtime.view(session, instance.id)
        return InstanceState(view, instance.process_id, deployment.id, deployment.name, deployment.version,
                             instance.business_key, instance.created_at, instance.updated_at)


def listing(services, principal: Principal, status: str | None, process_id: str | None,
            page: int, per_page: int) -> tuple[list[Instance], int]:
    clauses = [readable_clause(principal)]
    if status:
        clauses.append(Instance.status == status)
    if process_id:
        clauses.append(Instance.process_id == process_id)
    with services.db.transaction(write=False) as session:
        total = session.scalar(select(func.count()).select_from(Instance).where(*clauses))
        rows = list(session.scalars(select(Instance).where(*clauses).order_by(Instance.created_at.desc(), Instance.id)
                                    .offset((page - 1) * per_page).limit(per_page)))
    return rows, total or 0


def progress(wf) -> tuple[list[str], list[str]]:
    """BPMN element ids that have completed, and those active now (ready, waiting or running)."""
    completed, active = set(), set()
    for _key, w in all_workflows(wf):
        for task in w.tasks.values():
            bpmn_id = getattr(task.task_spec, "bpmn_id", None)
            if not bpmn_id:
                continue
            if task.state == TaskState.COMPLETED:
                completed.add(bpmn_id)
            elif task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED):
                active.add(bpmn_id)
    return sorted(completed), sorted(active)


def process_xml(deployment: Deployment, process_id: str) -> tuple[str, str]:
    """(file name, XML) of the bundle file that defines `process_id`."""
    for name, text in sorted(deployment.files.items()):
        if not name.endswith(".bpmn"):
            continue
        tree = parse_xml(text, name)
        if any(p.get("id") == process_id for p in tree.iter(f"{{{_BPMN_NS}}}process")):
            return name, text
    raise NotFound(f"部署版本中没有流程 {process_id} 的图")


def diagram(services, principal: Principal, instance_id: str) -> Diagram:
    with services.db.transaction(write=False) as session:
        instance = require_readable(session, principal, instance_id)
        deployment = session.get(Deployment, instance.deployment_id)
    wf = services.runtime.workflow(instance_id)
    file, xml = process_xml(deployment, instance.process_id)
    completed, active = progress(wf)
    return Diagram(instance.process_id, file, xml, completed, active)

