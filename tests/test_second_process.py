"""An instance continued by another process than the one that ran its last step (a web server
after the timer worker opened an opinion round, or after a restart): each process has its own
parsed specs, so nothing a step needs may live only in the specs of the process that ran the step
before (issue 9, item 4: a candidate stuck after its opinions, its history not replaying)."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

from engine.audit import audit
from engine.config import REPO_ROOT, Settings
from engine.services import build
from engine.storage.models import Deployment
from tests.conftest import deploy_folder
from tests.test_runtime import run_to_opinions

VARIANTS = ["000", "001", "002", "003", "004", "sample"]

OPINION = {"opinion": {"adverse": False, "comment": "同意", "signer": "经办人"}}


def a_second_process(services):
    """Services as another process builds them: its own runtime, spec library and cache."""
    return build(Settings(database_url=services.db.url), db=services.db, clock=services.runtime.clock)


def test_opinions_answered_in_another_process_complete_the_round(sample):
    view = run_to_opinions(sample)  # the opinion round was opened here ...
    other = a_second_process(sample)
    for task in view.ready_tasks:  # ... and answered there
        view = other.runtime.complete_task(view.id, task["task_id"], OPINION, "dept", view.version)
    assert [t["spec"] for t in view.ready_tasks] == ["Final_review"]
    opinions = other.runtime.workflow(view.id).get_tasks(spec_name="Final_review")[0].data["opinions"]
    assert opinions == [OPINION["opinion"]] * 2
    assert audit.replay(other, view.id).ok and audit.replay(sample, view.id).ok


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_loop_merges_once_from_the_moment_its_spec_is_loaded(services, variant):
    """Spiff wires a multi-instance child's completion to its parent's merge only when it creates
    children (check, then connect: on specs shared by threads, two rounds opened at once could also
    connect it twice and merge every answer twice). Loaded specs come wired, once."""
    deployment = deploy_folder(services, REPO_ROOT / "processes" / variant)
    with services.db.transaction(write=False) as session:
        deployment = session.get(Deployment, deployment.id)
        process_id = deployment.process_ids[0]
    specs = services.runtime.specs.get(deployment, process_id)
    loops = 0
    for process in (specs.spec, *specs.subprocess_specs.values()):
        for task_spec in process.task_specs.values():
            if isinstance(task_spec, LoopTask):
                child = process.task_specs[task_spec.task_spec]
                assert child.completed_event.n_subscribers() == 1
                assert child.completed_event.is_connected(task_spec.merge_child)
                loops += 1
    assert loops > 0
