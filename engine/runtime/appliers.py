"""How each kind of event changes a workflow. Live commands and replay share these, which is what
makes replay a proof: the same inputs through the same code at the same recorded times."""
from __future__ import annotations

from collections.abc import Callable

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition as SpiffMessage

from engine.errors import Conflict
from engine.runtime.reset import reset_to
from engine.runtime.spiff import find_task
from engine.runtime.stepping import engine_steps

PROTECTED = "_protected"  # task-data key listing the start fields that submissions cannot overwrite


def protect_routing(data: dict, lanes: dict) -> dict:
    """Start data whose routing fields (each lane's `unit_from` in lanes.json) are protected, on
    top of any the caller protected (a campaign protects all its start fields)."""
    routing = {info.get("unit_from") for info in lanes.values()} - {None}
    protected = set(data.get(PROTECTED) or ()) | (routing & set(data))
    if not protected:
        return data
    return {**data, PROTECTED: sorted(protected)}


def _started(wf: BpmnWorkflow, payload: dict) -> None:
    wf.task_tree.data.update(payload.get("data") or {})
    for task in wf.task_tree.children:
        task.data.update(payload.get("data") or {})
    engine_steps(wf)


def instance_item(task) -> str | None:
    """The name of the item a multi-instance task hands each instance (an opinion task's
    `department`): the process decides it, so no form may change it."""
    parent = task.parent
    item = getattr(parent.task_spec, "input_item", None) if parent is not None else None
    if item is None or task.task_spec.name != getattr(parent.task_spec, "task_spec", None):
        return None
    return item.bpmn_id


def process_owned(task) -> dict:
    """Task data the process set and a submission must not move: the start fields (who recommends,
    which candidate …, which route tasks and match review conclusions) and a multi-instance item."""
    keys = [*task.data.get(PROTECTED, ()), PROTECTED, instance_item(task)]
    return {key: task.data[key] for key in keys if key is not None and key in task.data}


def _task_completed(wf: BpmnWorkflow, payload: dict) -> None:
    task = find_task(wf, payload["task_id"])
    if task is None:
        raise Conflict("任务不存在或已失效")
    # The event keeps the form exactly as submitted; what the process owns is put back over it.
    kept = process_owned(task)
    task.data.update(payload.get("data") or {})
    task.data.update(kept)
    task.run()
    engine_steps(wf)


def _timers_fired(wf: BpmnWorkflow, payload: dict) -> None:
    # Spiff 3.2 only notices elapsed timers when asked; then the engine must take the next steps.
    wf.refresh_timers()
    engine_steps(wf)


def _cancelled(wf: BpmnWorkflow, payload: dict) -> None:
    wf.cancel()


def _task_returned(wf: BpmnWorkflow, payload: dict) -> None:  # 退回: sent back to the previous step
    reset_to(wf, payload["to_task_id"], keep_boundary=True)


def _task_withdrawn(wf: BpmnWorkflow, payload: dict) -> None:  # 撤回: the submitter takes it back
    reset_to(wf, payload["task_id"], keep_boundary=False)


def _task_reassigned(wf: BpmnWorkflow, payload: dict) -> None:  # 转办: who may act changed, not the state
    if find_task(wf, payload["task_id"]) is None:
        raise Conflict("任务不存在或已失效")


class MessageNotWaiting(Conflict):
    """No event of the workflow waits for this message now (an objection outside publicity)."""


def _message_received(wf: BpmnWorkflow, payload: dict) -> None:
    """An outside message (e.g. an objection during publicity) for a waiting message event."""
    event = BpmnEvent(SpiffMessage(payload["name"]), payload.get("payload") or {})
    if wf.event_manager.catch(event, internal=False) == 0:
        # Events recorded before the refusal text left the payload still carry it.
        raise MessageNotWaiting(payload.get("not_waiting") or f"流程当前不接收“{payload['name']}”")
    engine_steps(wf)


APPLIERS: dict[str, Callable[[BpmnWorkflow, dict], None]] = {
    "instance_started": _started,
    "task_completed": _task_completed,
    "timers_fired": _timers_fired,
    "instance_cancelled": _cancelled,
    "message_received": _message_received,
    "task_returned": _task_returned,
    "task_withdrawn": _task_withdrawn,
    "task_reassigned": _task_reassigned,
}


def apply(wf: BpmnWorkflow, event_type: str, payload: dict) -> None:
    APPLIERS[event_type](wf, payload)
