"""How each kind of event changes a workflow. Live commands and replay share these, which is what
makes replay a proof: the same inputs through the same code at the same recorded times."""
from __future__ import annotations

from typing import Callable

from SpiffWorkflow.bpmn import BpmnWorkflow

from .errors import Conflict
from .spiff import find_task


def _started(wf: BpmnWorkflow, payload: dict) -> None:
    wf.task_tree.data.update(payload.get("data") or {})
    for task in wf.task_tree.children:
        task.data.update(payload.get("data") or {})
    wf.do_engine_steps()


def _task_completed(wf: BpmnWorkflow, payload: dict) -> None:
    task = find_task(wf, payload["task_id"])
    if task is None:
        raise Conflict("任务不存在或已失效")
    task.data.update(payload.get("data") or {})
    task.run()
    wf.do_engine_steps()


def _timers_fired(wf: BpmnWorkflow, payload: dict) -> None:
    # Spiff 3.2 only notices elapsed timers when asked; then the engine must take the next steps.
    wf.refresh_timers()
    wf.do_engine_steps()


def _cancelled(wf: BpmnWorkflow, payload: dict) -> None:
    wf.cancel()


APPLIERS: dict[str, Callable[[BpmnWorkflow, dict], None]] = {
    "instance_started": _started,
    "task_completed": _task_completed,
    "timers_fired": _timers_fired,
    "instance_cancelled": _cancelled,
}


def apply(wf: BpmnWorkflow, event_type: str, payload: dict) -> None:
    APPLIERS[event_type](wf, payload)
