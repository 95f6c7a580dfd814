"""The fast ready-task scan must list exactly what SpiffWorkflow's tree walk lists, in its order."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.runtime import stepping
from engine.runtime.spiff import parse_bundle, specs_for

FIXTURES = Path(__file__).parent / "bpmn" / "stepping"


def _workflow(name: str = "branches") -> BpmnWorkflow:
    parser, _ = parse_bundle({f"{name}.bpmn": (FIXTURES / f"{name}.bpmn").read_text(encoding="utf-8")})
    specs = specs_for(parser, name)
    wf = BpmnWorkflow(specs.spec, specs.subprocess_specs)
    stepping.engine_steps(wf)
    return wf


def _names(tasks) -> list[str]:
    return [t.task_spec.bpmn_id for t in tasks]


def test_many_ready_tasks_in_spiff_order_through_completion():
    wf = _workflow()
    ready = stepping.ready_tasks(wf)
    # A, the subprocess's two branches (visited before the subprocess task's children), 3 MI children.
    assert sorted(_names(ready)) == ["A", "B1", "B2", "Each", "Each", "Each"]
    rng = random.Random(7)
    while not wf.completed:
        expected = wf.get_tasks(state=TaskState.READY)
        assert [t.id for t in stepping.ready_tasks(wf)] == [t.id for t in expected]
        assert [t.id for t in stepping.ready_tasks(wf, manual=True)] == \
            [t.id for t in wf.get_tasks(state=TaskState.READY, manual=True)]
        rng.choice(expected).run()
        stepping.engine_steps(wf)


def test_subprocess_scan_is_limited_to_that_subprocess():
    wf = _workflow()
    (inner,) = wf.get_active_subprocesses()
    assert sorted(_names(stepping.ready_tasks(inner))) == ["B1", "B2"]
    assert _names(stepping.ready_tasks(inner)) == _names(inner.get_tasks(state=TaskState.READY))


def test_verification_catches_a_wrong_order(monkeypatch):
    wf = _workflow()
    real = stepping._tree_position
    monkeypatch.setattr(stepping, "_tree_position", lambda top, w, t: [-x for x in real(top, w, t)])
    monkeypatch.setattr(stepping, "VERIFY", True)
    with pytest.raises(AssertionError, match="ready_tasks differs"):
        stepping.ready_tasks(wf)


def test_waiting_tasks_updated_in_spiff_order(monkeypatch):
    monkeypatch.setattr(stepping, "VERIFY", True)
    wf = _workflow("waiting")
    waiting = [t for t in wf.tasks.values() if t.state == TaskState.WAITING]
    assert sorted(_names(waiting)) == ["WaitA", "WaitB", "WaitC"]
    wf.update_waiting_tasks()  # checked against Spiff's walk; a wrong order raises
    real = stepping._tree_position
    monkeypatch.setattr(stepping, "_tree_position", lambda top, w, t: [-x for x in real(top, w, t)])
    with pytest.raises(AssertionError, match="update_waiting_tasks differs"):
        wf.update_waiting_tasks()
