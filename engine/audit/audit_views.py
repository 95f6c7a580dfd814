"""What auditors read: the event timeline, the state as of any event, verification, exports."""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.util.task import TaskState

from engine.audit.replay import rebuild, verify_replay
from engine.errors import NotFound
from engine.runtime.spiff import all_workflows
from engine.storage.db import is_uuid
from engine.storage.eventlog import events_of, verify_chain
from engine.storage.models import Event, Instance
from engine.tasks.instance_views import progress


@dataclass
class StateAsOf:
    seq: int
    event: Event
    completed: list[str]
    active: list[str]
    tasks: list[dict] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    finished: bool = False


def _instance(session, instance_id: str) -> Instance:
    instance = session.get(Instance, instance_id) if is_uuid(instance_id) else None
    if instance is None:
        raise NotFound(f"流程实例 {instance_id} 不存在")
    return instance


def timeline(services, instance_id: str) -> tuple[Instance, list[Event]]:
    with services.db.transaction(write=False) as session:
        instance = _instance(session, instance_id)
        return instance, events_of(session, instance_id)


def state_as_of(services, instance_id: str, seq: int) -> StateAsOf:
    """Rebuilt from the definition and events 1..seq alone (never from the stored snapshot)."""
    runtime = services.runtime
    with services.db.transaction(write=False) as session:
        instance = _instance(session, instance_id)
        if not 1 <= seq <= instance.last_seq:
            raise NotFound(f"该实例共有 {instance.last_seq} 条事件，没有第 {seq} 条")
        wf, _ = rebuild(session, instance, runtime.specs, runtime.script_engine, upto=seq)
        event = events_of(session, instance_id, seq)[-1]
    completed, active = progress(wf)
    tasks = []
    for _key, w in all_workflows(wf):
        for task in w.tasks.values():
            if task.task_spec.manual and task.state in (TaskState.READY, TaskState.COMPLETED):
                tasks.append({"task_id": str(task.id), "spec": task.task_spec.bpmn_id,
                              "title": task.task_spec.bpmn_name or task.task_spec.name,
                              "lane": task.task_spec.lane, "state": TaskState.get_name(task.state).lower(),
                              "last_state_change": task.last_state_change})
    tasks.sort(key=lambda t: (t["last_state_change"], t["task_id"]))
    data = dict(wf.last_task.data) if wf.last_task is not None else {}
    return StateAsOf(seq, event, completed, active, tasks, data, wf.completed)


def verify(services, instance_id: str):
    """(chain report, replay report); replay is skipped when the chain is already broken."""
    runtime = services.runtime
    with services.db.transaction(write=False) as session:
        instance = _instance(session, instance_id)
        chain = verify_chain(session, instance)
        replay = verify_replay(session, instance, runtime.specs, runtime.script_engine) if chain.ok else None
    return chain, replay

