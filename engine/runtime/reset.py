"""Resetting a workflow to an earlier user task (退回, 撤回), deterministically, so that the live
command and its replay from the event log produce the same state."""
from __future__ import annotations

import copy

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

from engine.errors import Conflict
from engine.runtime.spiff import find_task
from engine.runtime.stepping import engine_steps


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
    _reopen_reset_subprocesses(wf)
    _forget_removed_last_tasks(wf)
    engine_steps(wf)


def _forget_removed_waits(wf: BpmnWorkflow) -> None:
    """Spiff 3.2's reset leaves removed waiting events (a timer after the reset point) registered
    with the event manager, which would then refresh a task that has no parent. A workflow loaded
    from storage would not have them either, so dropping them keeps live and replayed runs equal."""
    live = {id(wf), *(id(sp) for sp in wf.subprocesses.values())}
    for task_id, task in list(wf.event_manager.tasks.items()):
        if id(task.workflow) not in live or task.workflow.tasks.get(task_id) is not task:
            wf.event_manager.tasks.pop(task_id, None)


def _forget_removed_last_tasks(wf: BpmnWorkflow) -> None:
    """A reset may remove the task a (sub)workflow completed last while `last_task` still points at
    it. Stored, that id names no task, so a workflow loaded from storage has no last task; the
    workflow in memory (the cached one, and replay's) must agree, or a 撤回 into a finished
    subprocess leaves a history that no longer replays to its snapshot."""
    for workflow in (wf, *wf.subprocesses.values()):
        last = workflow.last_task
        if last is not None and workflow.tasks.get(last.id) is not last:
            workflow.last_task = None


def _reopen_reset_subprocesses(wf: BpmnWorkflow) -> None:
    """Spiff 3.2's reset into a completed subprocess (撤回 of a form inside one) leaves the
    subprocess marked completed although it has open tasks again. Spiff then reports it complete
    at its next task completion, whatever follows (and skips it when stepping active ones), and
    the snapshot, which stores a completed subprocess once and never again, would keep its old
    shell: the history would not replay. Reopened here, it completes anew at its end event."""
    for subprocess in wf.subprocesses.values():
        if subprocess.completed and any(not t.has_state(TaskState.FINISHED_MASK) for t in subprocess.tasks.values()):
            subprocess.completed = False
