"""Replay: rebuild an instance from its definition and its events alone, and compare the result
with the stored snapshot. Same inputs, same code (appliers), same recorded times and task ids."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from engine.definitions.definitions import SpecLibrary
from engine.errors import NotFound
from engine.runtime.appliers import apply
from engine.runtime.determinism import command_context
from engine.runtime.runtime import new_workflow
from engine.runtime.snapshot import load
from engine.runtime.spiff import full_state
from engine.storage.eventlog import events_of
from engine.storage.models import Deployment, Event, Instance


@dataclass
class ReplayReport:
    ok: bool
    events: int
    differences: list[str] = field(default_factory=list)


def rebuild(session: Session, instance: Instance, specs: SpecLibrary, script_engine,
            upto: int | None = None,
            after_each: Callable[[Event, BpmnWorkflow, int], None] | None = None) -> tuple[BpmnWorkflow, int]:
    """The workflow as of event `upto` (all events if None), and the id counter after it;
    `after_each(event, workflow, counter)` sees the state after every event (the replay corpus
    checks each step, not only the end)."""
    events = events_of(session, instance.id, upto)
    if not events or events[0].type != "instance_started":
        raise NotFound("该实例没有可重放的事件")
    deployment = session.get_one(Deployment, instance.deployment_id)
    process = specs.get(deployment, instance.process_id)
    shadow = SimpleNamespace(id=instance.id, id_counter=0)
    live, _ = new_workflow(shadow, process, script_engine, events[0].at)
    counter = shadow.id_counter
    for event in events:
        with command_context(instance.id, counter, event.at) as ids:
            apply(live.workflow, event.type, event.payload)
        counter = ids.counter
        if after_each is not None:
            after_each(event, live.workflow, counter)
    return live.workflow, counter


def verify_replay(session: Session, instance: Instance, specs: SpecLibrary, script_engine) -> ReplayReport:
    replayed, counter = rebuild(session, instance, specs, script_engine)
    deployment = session.get_one(Deployment, instance.deployment_id)
    stored = load(session, instance, specs.get(deployment, instance.process_id), script_engine).workflow
    differences = compare(full_state(stored), full_state(replayed))
    if counter != instance.id_counter:
        differences.append(f"任务编号计数不一致：存储为 {instance.id_counter}，重放为 {counter}")
    return ReplayReport(not differences, instance.last_seq, differences)


def compare(stored: dict, replayed: dict) -> list[str]:
    """Human-readable differences, tasks first (the likeliest place for tampering to show)."""
    out: list[str] = []
    stored_tasks, replayed_tasks = stored.pop("tasks"), replayed.pop("tasks")
    for key in sorted(set(stored_tasks) | set(replayed_tasks)):
        a, b = stored_tasks.get(key, {}), replayed_tasks.get(key, {})
        for task_id in sorted(set(a) | set(b)):
            if task_id not in b:
                out.append(f"任务 {a[task_id]['task_spec']}（{task_id}）只存在于存储的快照中")
            elif task_id not in a:
                out.append(f"任务 {b[task_id]['task_spec']}（{task_id}）只在重放结果中出现")
            else:
                for name in sorted(set(a[task_id]) | set(b[task_id])):
                    if a[task_id].get(name) != b[task_id].get(name):
                        out.append(f"任务 {a[task_id]['task_spec']}（{task_id}）的 {name} 不一致："
                                   f"存储为 {a[task_id].get(name)!r}，重放为 {b[task_id].get(name)!r}")
    for name in sorted(set(stored) | set(replayed)):
        if stored.get(name) != replayed.get(name):
            out.append(f"流程属性 {name} 不一致：存储为 {stored.get(name)!r}，重放为 {replayed.get(name)!r}")
    return out
