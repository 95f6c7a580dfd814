"""Engine steps without walking the whole task tree.

SpiffWorkflow's `do_engine_steps` asks `get_tasks(state=READY)` of each workflow over and over, and
after every task completion it walks the tree again for WAITING tasks; each walk visits the entire
tree, finished history included: half of a command's stepping time on a campaign's 130-task
workflows. Here both lists come from scanning the task dicts and sorting the few tasks found by
their tree position, which gives Spiff's depth-first order. The order matters (parallel branches
run, and issue ids, in it), so `VERIFY` makes every call check itself against Spiff's own walk; the
test suite turns it on.

(Spiff's walk also stops descending at depth 1,000; a campaign's trees are a few dozen deep.)
"""
from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskIterator, TaskState
from SpiffWorkflow.workflow import Workflow

VERIFY = False


def engine_steps(wf: BpmnWorkflow) -> None:
    """`BpmnWorkflow.do_engine_steps` (SpiffWorkflow 3.2.0) with the fast ready-task scan."""
    while _engine_pass(wf):
        pass
    wf.refresh_timers()


def _engine_pass(wf: BpmnWorkflow) -> bool:
    active = wf.get_active_subprocesses()
    for subprocess in sorted(active, key=lambda sp: sp.depth, reverse=True):
        while _run_ready(subprocess):
            pass
        if subprocess.parent_task_id is not None:
            task = wf.get_task_from_id(subprocess.parent_task_id)
            task.task_spec._update(task)
    count = _run_ready(wf)
    return count > 0 or len(wf.get_active_subprocesses()) > len(active)


def _run_ready(workflow) -> int:
    count = 0
    for task in ready_tasks(workflow):
        if not task.task_spec.manual:
            task.run()
            count += 1
    return count


def ready_tasks(workflow, manual: bool | None = None) -> list[Task]:
    """What `workflow.get_tasks(state=READY, manual=manual)` returns: READY tasks of the workflow and
    of every subprocess beneath it, in depth-first order (a subprocess's tree before its parent
    task's children)."""
    top = workflow if isinstance(workflow, BpmnWorkflow) else workflow.top_workflow
    found = [t for w in _workflows_under(top, workflow) for t in w.tasks.values()
             if t._state == TaskState.READY and (manual is None or t.task_spec.manual == manual)]
    if len(found) > 1:
        found.sort(key=lambda t: _tree_position(top, workflow, t))
    if VERIFY:
        expected = workflow.get_tasks(state=TaskState.READY, manual=manual)
        if [t.id for t in found] != [t.id for t in expected]:
            raise AssertionError("ready_tasks differs from SpiffWorkflow's walk")
    return found


def _workflows_under(top: BpmnWorkflow, workflow) -> list:
    found = [workflow]
    for subprocess in top.subprocesses.values():
        owner = subprocess.parent_workflow
        while owner is not None and owner is not workflow and owner is not top:
            owner = owner.parent_workflow
        if owner is workflow and subprocess is not workflow:
            found.append(subprocess)
    return found


def _tree_position(top: BpmnWorkflow, workflow, task: Task) -> list[int]:
    """Child indexes from the workflow's root down to the task; -1 stands for descending into a
    subprocess, which Spiff's depth-first walk visits before the parent task's own children."""
    path, node = [], task
    while True:
        parent = node.parent
        if parent is not None:
            path.append(parent._children.index(node.id))
            node = parent
            continue
        if node.workflow is workflow:
            break
        path.append(-1)
        node = top.get_task_from_id(node.workflow.parent_task_id)
    path.reverse()
    return path


def update_waiting_tasks(workflow: Workflow) -> None:
    """`Workflow.update_waiting_tasks` (SpiffWorkflow 3.2.0), which Spiff calls after every task
    completion: update each WAITING task of this workflow's own tree, in depth-first order. Spiff's
    walk is lazy, so a task that stopped waiting before its turn is skipped here too."""
    waiting = [t for t in workflow.tasks.values() if t._state == TaskState.WAITING]
    if len(waiting) > 1:
        waiting.sort(key=lambda t: _tree_position(None, workflow, t))
    if VERIFY:
        _verified_update(workflow, waiting)
        return
    for task in waiting:
        if task._state == TaskState.WAITING:
            task.task_spec._update(task)


def _verified_update(workflow: Workflow, predicted: list[Task]) -> None:
    """Spiff's own lazy walk, checked against the prediction: it may skip a predicted task that
    stopped waiting first, but must not update one the prediction lacks or in another order."""
    visited = []
    for task in TaskIterator(workflow.task_tree, state=TaskState.WAITING):
        visited.append(task.id)
        task.task_spec._update(task)
    order = [t.id for t in predicted]
    if not set(visited) <= set(order) or visited != [i for i in order if i in set(visited)]:
        raise AssertionError("update_waiting_tasks differs from SpiffWorkflow's walk")


Workflow.update_waiting_tasks = update_waiting_tasks
