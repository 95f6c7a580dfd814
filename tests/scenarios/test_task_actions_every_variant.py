"""撤回, 退回 and 转办 in every variant: a candidate whose submission is taken back, whose next step
is sent back and then handed to a colleague still reaches its decision, and its history replays
(the replay corpus records these histories too)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine.audit import audit
from engine.config import REPO_ROOT
from engine.errors import Conflict
from engine.people import users
from engine.people.access import Principal
from engine.tasks import task_actions
from pingxuan.actors import Actors
from tests.conftest import deploy_folder
from tests.scenarios.helpers import events, ready_tasks, setup
from tests.scenarios.test_000 import V000
from tests.scenarios.test_002 import V002
from tests.scenarios.test_003 import V003
from tests.scenarios.test_004 import V004

START = {"000": V000["start"], "001": datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc), "002": V002["start"],
         "003": V003["start"], "004": V004["start"]}
SUBMITTER = "模拟经办人"  # who pingxuan.actors submits as


def first_open_slot(config: dict) -> tuple[str, str]:
    """A unit and an award type its quota allows."""
    for quota in config["quotas"]:
        for award_type in config["award_types"]:
            if quota["limits"].get(award_type, quota["limits"].get("total", 0)) > 0:
                return quota["unit"], award_type
    raise AssertionError("no quota allows a nomination")


def holder(task, name: str) -> Principal:
    return Principal(0, name, task.role, task.unit)


def advance(actors: Actors, campaign_id: str, clock) -> None:
    """One round of work, or, with nothing open, the clock moved to the next timer and it fired."""
    assert actors.step(campaign_id, clock), "nothing open and nothing to wait for"


def only_task(services, instance_id):
    [task] = ready_tasks(services, instance_id)
    return task


@pytest.mark.parametrize("variant", sorted(START))
def test_withdrawn_returned_and_transferred_steps_still_reach_the_decision(services, clock, variant):
    v = {"000": V000, "001": {"variant": "001"}, "002": V002, "003": V003, "004": V004}[variant]
    campaign_id = setup(services, clock, v, start=START[variant])
    config = services.campaigns.config(campaign_id)
    unit, award_type = first_open_slot(config)
    instance_id = services.campaigns.nominate(campaign_id, unit=unit, award_type=award_type,
                                              candidate_type=config["candidate_types"][0], name="某某同志",
                                              actor="推荐单位经办人").id
    actors = Actors(services)
    form = only_task(services, instance_id)
    actors.act(campaign_id)

    # 撤回: the submitter takes the form back before the next step has started.
    task_actions.withdraw(services, holder(form, SUBMITTER), form.task_id, None, "材料需要补充")
    assert only_task(services, instance_id).task_id == form.task_id
    actors.act(campaign_id)

    # 退回: the first later step that has a user task before it on its path sends the case back there.
    returned_to = None
    for _ in range(40):
        advance(actors, campaign_id, clock)
        opened = ready_tasks(services, instance_id)
        if len(opened) != 1:
            continue
        try:
            task_actions.return_task(services, holder(opened[0], "下一步经办人"), opened[0].task_id, None,
                                     "请补充事迹材料")
        except Conflict as refusal:  # a step opening a (sub)process has no step before it to return to
            assert "没有可退回的上一步" in refusal.message
            continue
        returned_to = only_task(services, instance_id)
        break
    assert returned_to is not None and returned_to.task_id != opened[0].task_id

    # 转办: the next single open step is handed to a colleague of the same role and unit.
    for _ in range(40):
        advance(actors, campaign_id, clock)
        opened = ready_tasks(services, instance_id)
        if len(opened) == 1:
            break
    step = only_task(services, instance_id)
    with services.db.transaction() as session:
        users.create_user(session, "同事甲", step.role, clock(), unit=step.unit)
    task_actions.transfer(services, holder(step, "下一步经办人"), step.task_id, None, "同事甲", "出差")

    assert "进行中" not in actors.run_to_decision(campaign_id, clock)
    kinds = [e.type for e in events(services, instance_id)]
    assert {"task_withdrawn", "task_returned", "task_reassigned", "timers_fired"} <= set(kinds)
    assert audit.verify_chain(services, instance_id).ok
    assert audit.replay(services, instance_id).ok
