"""The seam to SpiffWorkflow: parse bundles safely, (de)serialize workflows and tasks."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task

from engine.definitions.safe_xml import parse_xml
from engine.errors import DefinitionError
from engine.runtime import determinism, stepping  # noqa: F401  (install their seams before any workflow exists)


class FullDataTaskConverter(TaskConverter):
    """Stores each task's whole data rather than a delta against its parent.

    Spiff's delta is only valid while the parent's data stays as it was; we rewrite only the tasks a
    command touched, so a delta written earlier could silently go stale (a loop parent merges every
    iteration's data after its children were written)."""

    def to_dict(self, task):
        return {**_task_dict(task, self.registry.convert(task.internal_data)),
                "data": self.registry.convert(self.registry.clean(task.data)), "delta": {}}


def _task_dict(task, internal_data) -> dict:
    """Everything of a task but its data."""
    return {
        "id": str(task.id),
        "parent": str(task._parent) if task._parent is not None else None,
        "children": [str(child) for child in task._children],
        "last_state_change": task.last_state_change,
        "state": task.state,
        "task_spec": task.task_spec.name,
        "triggered": task.triggered,
        "internal_data": internal_data,
    }


# Spiff attaches debug extras to its log records (every task id of the workflow, a task's whole
# data) whenever its logger's own level is unset; that walk ran on every task completion.
for _name in ("spiff.workflow", "spiff.task"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.WARNING)

_config = dict(SPIFF_CONFIG)
_config[Task] = FullDataTaskConverter
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
REGISTRY = SERIALIZER.registry


@dataclass(frozen=True)
class ProcessSpecs:
    spec: object
    subprocess_specs: dict


def parse_bundle(files: dict[str, str]) -> tuple[SpiffBpmnParser, list[str]]:
    """Parse every .bpmn and .dmn of a bundle; returns the parser and its executable process ids."""
    parser = SpiffBpmnParser()
    try:
        for name, text in sorted(files.items()):
            if name.endswith(".bpmn"):
                parser.add_bpmn_xml(parse_xml(text, name), filename=name)
            elif name.endswith(".dmn"):
                parser.add_dmn_xml(parse_xml(text, name).getroot(), filename=name)
        return parser, parser.get_process_ids()
    except SpiffWorkflowException as exc:
        raise DefinitionError(f"流程定义解析失败：{exc}") from exc


def specs_for(parser: SpiffBpmnParser, process_id: str) -> ProcessSpecs:
    try:
        specs = ProcessSpecs(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    except SpiffWorkflowException as exc:
        raise DefinitionError(f"流程 {process_id} 无法加载：{exc}") from exc
    for process in (specs.spec, *specs.subprocess_specs.values()):
        wire_loop_merges(process)
    return specs


def wire_loop_merges(process_spec) -> None:
    """Connect each loop or multi-instance child's completion to its parent's merge, as Spiff's
    own spec deserializer does (BpmnProcessSpecConverter.from_dict).

    Spiff's parser leaves it to the first `create_child` in the process. A workflow restored here
    whose children another process created (the timer worker opened an opinion round, the web
    server takes the answers; or any restart) would then complete its children unmerged and wait
    forever, and its history would no longer replay to it. Specs are shared by every thread, so
    Spiff's check-then-connect could also connect twice (every answer merged twice). Here it runs
    once, while the spec library builds the specs under its lock; `create_child` then finds it done."""
    for task_spec in process_spec.task_specs.values():
        if isinstance(task_spec, LoopTask):
            child = process_spec.task_specs[task_spec.task_spec]
            if not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def _registry_convert(data):
    return REGISTRY.convert(REGISTRY.clean(data))


# --- workflow shells: everything but the tasks, which are stored one row each -------------------

def _workflow_attrs(wf, convert=None) -> dict:
    return {
        "data": (convert or _registry_convert)(wf.data),
        "correlations": wf.correlations,
        "last_task": str(wf.last_task.id) if wf.last_task is not None else None,
        "success": wf.success,
        "completed": wf.completed,
        "root": str(wf.task_tree.id),
    }


def _dumps(value, allow_nan: bool = False) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=allow_nan)


def _dump_plain_first(build) -> str:
    """Workflow data is plain JSON in practice, so dump it as is first (the registry walk over
    every subprocess's data was a third of a command's cost); `build(convert)` makes the dict."""
    try:
        return _dumps(build(lambda data: data))
    except (TypeError, ValueError):
        return _dumps(build(None), allow_nan=True)


def workflow_shell_json(wf: BpmnWorkflow) -> str:
    """The top workflow's shell as stored: without its tasks and without its subprocesses."""
    return _dump_plain_first(lambda convert: _top_shell(wf, convert))


def subprocess_shell_json(sp) -> str:
    return _dump_plain_first(lambda convert: _subprocess_shell(sp, convert))


def _top_shell(wf: BpmnWorkflow, convert=None) -> dict:
    return {**_workflow_attrs(wf, convert), "bpmn_events": REGISTRY.convert(wf.bpmn_events)}


def _subprocess_shell(sp, convert=None) -> dict:
    return {**_workflow_attrs(sp, convert), "parent_task_id": str(sp.parent_task_id), "spec": sp.spec.name}


def workflow_shell(wf: BpmnWorkflow, convert=None) -> dict:
    """The whole shell, subprocesses included (what replay compares)."""
    shell = _top_shell(wf, convert)
    shell["subprocesses"] = {str(sp_id): _subprocess_shell(sp, convert) for sp_id, sp in wf.subprocesses.items()}
    return shell


# Task data here is JSON already (form input, script results of plain values), so it is dumped
# directly; Spiff's registry walk costs ~100x more on large forms and is used only when the data
# holds something JSON cannot (then the converter tags it and restore turns it back).

def task_shape_json(task: Task) -> str:
    """A task's stored JSON without its data (stored apart, once per distinct value)."""
    try:
        return _dumps({**_task_dict(task, task.internal_data), "typename": "Task"})
    except (TypeError, ValueError):
        return _dumps({**_task_dict(task, REGISTRY.convert(task.internal_data)), "typename": "Task"}, True)


def task_data_json(task: Task) -> str:
    try:
        return _dumps(task.data)
    except (TypeError, ValueError):
        return _dumps(_registry_convert(task.data), True)


def restore_workflow(specs: ProcessSpecs, shell: dict, subprocess_shells: dict[str, dict],
                     tasks: dict[str, list[tuple[str, str]]], script_engine) -> BpmnWorkflow:
    """Rebuild a workflow from its shell, its subprocesses' shells (in creation order) and tasks as
    (shape JSON, data JSON), grouped by workflow key ("" = top), parents before children.

    Mirrors BpmnWorkflowConverter.from_dict, but takes the parsed specs instead of serialized ones:
    specs belong to the deployment, not to each instance."""
    wf = BpmnWorkflow(specs.spec, specs.subprocess_specs, script_engine=script_engine, deserializing=True)
    _restore_tasks(wf, tasks.get("", []))
    _restore_attrs(wf, shell)
    wf.bpmn_events = REGISTRY.restore(shell.get("bpmn_events", []))
    _restore_subprocesses(wf, subprocess_shells, tasks)
    return wf


def _restore_tasks(wf, rows: list[tuple[str, str]]) -> None:
    wf.tasks = {}
    for shape, data in rows:
        dct = json.loads(shape)
        dct["data"] = json.loads(data)  # parsed per task: tasks sharing a value must not share a dict
        REGISTRY.restore(dct, workflow=wf)  # the task adds itself to wf.tasks


def _restore_attrs(wf, dct: dict) -> None:
    wf.task_tree = wf.tasks.get(UUID(dct["root"]))
    wf.success = dct["success"]
    wf.completed = dct.get("completed", False)
    wf.correlations = dct.get("correlations", {})
    wf.last_task = wf.tasks.get(UUID(dct["last_task"])) if dct.get("last_task") else None
    wf.data = REGISTRY.restore(dct.get("data", {}))


def _restore_subprocesses(top: BpmnWorkflow, shells: dict, tasks: dict) -> None:
    # In the shell's (creation) order: a subprocess's parent task always exists before it does.
    for key, dct in shells.items():
        parent_task = top.get_task_from_id(UUID(key))
        sp = BpmnSubWorkflow(top.subprocess_specs[dct["spec"]], parent_task.id, top, deserializing=True)
        _restore_tasks(sp, tasks.get(key, []))
        _restore_attrs(sp, dct)
        top.subprocesses[parent_task.id] = sp
        sp.completed_event.connect(parent_task.task_spec._on_subworkflow_completed, parent_task)


def all_workflows(wf: BpmnWorkflow):
    """(key, workflow) for the top workflow ("") and each subprocess (its parent task id)."""
    yield "", wf
    for sp_id, sp in wf.subprocesses.items():
        yield str(sp_id), sp


def full_state(wf: BpmnWorkflow) -> dict:
    """Everything replay must reproduce, as plain JSON-able data (specs excluded)."""
    state = workflow_shell(wf)
    state["tasks"] = {
        key: {str(t.id): REGISTRY.convert(t) for t in w.tasks.values()} for key, w in all_workflows(wf)
    }
    return json.loads(json.dumps(state, ensure_ascii=False))


def find_task(wf: BpmnWorkflow, task_id: str) -> Task | None:
    """The task with this id anywhere in the workflow, or None (Spiff raises instead)."""
    try:
        return wf.get_task_from_id(UUID(str(task_id)))
    except (TaskNotFoundException, ValueError):
        return None
