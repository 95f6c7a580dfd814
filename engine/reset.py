"""Resetting a workflow to an earlier user task (退回, 撤回), deterministically, so that the live
command and its replay from the event log produce the same state."""
from __future__ import annotations

import copy

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

from .errors import Conflict
from .spiff import find_task
from .stepping import engine_steps


def reset_to(wf: BpmnWorkflow, task_id: str, keep_boundary: bool) -> None:
    """Make a completed user task ready again, dropping everything after it; its data is kept so
    the handler sees and corrects what was submitted.

    SpiffWorkflow's reset_from_task_id also resets the task's boundary events, which re-arms a
    deadline timer. That is right when a submitter withdraws (the deadline still binds them) and
    wrong when a reviewer sends work back after the deadline (the timer would fire at once and the
    candidate would count as withdrawn); `keep_boundary` leaves boundary events as they were."""
    task = find_task(wf, task_id)
    if task is None or not task.task_spec.manual or task.state != TaskState.COMPLETED:
        raise Conflict("要退回或撤回到的任务不存在或尚未办理")
    data = copy.deepcopy(task.data)
    if keep_boundary and isinstance(task.parent.task_spec, BoundaryEventSplit):
        for sub in [t for t in task if t.id in wf.subprocesses]:
            wf.delete_subprocess(sub)
        Workflow.reset_from_task_id(wf, task.id, data)
        if task.workflow.parent_task_id is not None:
            parent = wf.get_task_from_id(task.workflow.parent_task_id)
            wf.reset_from_task_id(parent.id, remove_subprocess=False)
            parent._set_state(TaskState.STARTED)
    else:
        wf.reset_from_task_id(task.id, data=data)
    _forget_removed_waits(wf)
    engine_steps(wf)


def _forget_removed_waits(wf: BpmnWorkflow) -> None:
    """Spiff 3.2's reset leaves removed waiting events (a timer after the reset point) registered
    with the event manager, which would then refresh a task that has no parent. A workflow loaded
    from storage would not have them either, so dropping them keeps live and replayed runs equal."""
    live = {id(wf), *(id(sp) for sp in wf.subprocesses.values())}
    for task_id, task in list(wf.event_manager.tasks.items()):
        if id(task.workflow) not in live or task.workflow.tasks.get(task_id) is not task:
            wf.event_manager.tasks.pop(task_id, None)
