"""Who verifies an objection: the one who posted the publicity. An objection to a unit's own
publicity goes to that unit's staff (tests in test_000/test_003's objection scenarios); one to the
city-wide publicity goes to the office, even though the same candidate passed a unit publicity
before (the verifier is set anew by every posting, never left over from the last one)."""
from __future__ import annotations

import pytest

from engine.audit import audit
from engine.errors import ValidationFailed
from pingxuan.actors import Actors
from tests.scenarios.helpers import candidate, demo, ready_tasks, setup
from tests.scenarios.test_000 import V000, nominate
from tests.scenarios.test_002 import V002
from tests.scenarios.test_003 import drive_until, in_publicity


def waiting_in_publicity_posted_by(services, instance_id, lane: str) -> bool:
    if not in_publicity(services, instance_id):
        return False
    wf = services.runtime.workflow(instance_id)
    return any(t.task_spec.name == "Period_elapses" and t.data.get("objection_lane") == lane for t in wf.get_tasks())


def test_an_objection_to_the_city_publicity_is_verified_by_the_office(services, clock):
    campaign_id = setup(services, clock, V000)
    c = nominate(services, campaign_id, V000["other_unit"], "individual", V000["individual"])
    actors = Actors(services)
    drive_until(services, clock, actors, campaign_id, c.id,
                lambda: waiting_in_publicity_posted_by(services, c.id, "专班办公室"), max_rounds=120)
    ref = {"candidate_id": c.id, "name": V000["individual"]["name"], "kind": "先进个人", "unit": V000["other_unit"]}
    services.campaigns.lodge_objection(c.id, demo("common/objection.json") | {"candidate": ref,
                                                                             "received_date": actors.today()}, "异议受理人")
    [verify] = [t for t in ready_tasks(services, c.id) if t.form == "common/objection_verification.json"]
    assert (verify.lane, verify.role, verify.unit) == ("专班办公室", "office", None)


def upheld_objection_at_the_district_publicity(services, clock):
    """A 002 candidate in the 全区公示 with an objection found true; returns (candidate, actors, ref)."""
    campaign_id = setup(services, clock, V002)
    c = nominate(services, campaign_id, V002["other_unit"], "individual", V002["individual"])
    actors = Actors(services)
    drive_until(services, clock, actors, campaign_id, c.id,
                lambda: waiting_in_publicity_posted_by(services, c.id, "专班办公室"), max_rounds=120)
    ref = {"candidate_id": c.id, "name": V002["individual"]["name"], "kind": "先进个人", "unit": V002["other_unit"]}
    services.campaigns.lodge_objection(c.id, demo("common/objection.json") | {"candidate": ref,
                                                                             "received_date": actors.today()}, "异议受理人")
    [verify] = [t for t in ready_tasks(services, c.id) if t.form == "common/objection_verification.json"]
    finding = demo("common/objection_verification.json") | {
        "candidate": ref, "date": actors.today(), "upheld": True, "finding": "经核实，反映的问题属实。",
        "reason": "反映问题属实。", "handling": "报区委、区政府批准后取消表彰资格。"}
    services.runtime.complete_task(c.id, verify.task_id, finding, "核实人", None)
    return c, actors, ref


@pytest.mark.parametrize("approved", [True, False])
def test_002_cancels_after_an_upheld_objection_only_once_approved(services, clock, approved):
    """002: "对公示有异议，经核实不宜给予表彰的，按相关程序报批后，取消表彰资格。" The upheld objection
    goes to 区委区政府 (领导机构) for approval; cancelled only if they approve."""
    c, actors, ref = upheld_objection_at_the_district_publicity(services, clock)
    assert candidate(services, c.id).outcome is None  # not yet: awaiting approval
    [approve] = [t for t in ready_tasks(services, c.id) if t.form == "common/disqualification_approval.json"]
    assert (approve.lane, approve.role, approve.unit) == ("领导机构", "leading", None)
    form = demo("common/disqualification_approval.json") | {"candidate": ref, "date": actors.today(), "approved": approved}
    if not approved:
        form.pop("approval_reference")
        with pytest.raises(ValidationFailed) as refused:  # a refusal must say why
            services.runtime.complete_task(c.id, approve.task_id, form | {"opinion": ""}, "区领导", None)
        assert "opinion" in refused.value.field_errors
    services.runtime.complete_task(c.id, approve.task_id, form, "区领导", None)
    if approved:
        got = candidate(services, c.id)
        assert got.outcome == "取消资格（不予递补）" and "属实" in got.outcome_reason
    else:
        assert candidate(services, c.id).outcome is None
        assert Actors(services).run_to_decision(candidate(services, c.id).campaign_id, clock) == {"表彰": 1}
    assert audit.replay(services, c.id).ok


def test_000_cancels_an_upheld_objection_at_once(services, clock):
    """Where the notice asks for no approval (000), an upheld objection cancels at once."""
    campaign_id = setup(services, clock, V000)
    c = nominate(services, campaign_id, V000["other_unit"], "individual", V000["individual"])
    actors = Actors(services)
    drive_until(services, clock, actors, campaign_id, c.id,
                lambda: waiting_in_publicity_posted_by(services, c.id, "专班办公室"), max_rounds=120)
    ref = {"candidate_id": c.id, "name": V000["individual"]["name"], "kind": "先进个人", "unit": V000["other_unit"]}
    services.campaigns.lodge_objection(c.id, demo("common/objection.json") | {"candidate": ref,
                                                                             "received_date": actors.today()}, "异议受理人")
    [verify] = [t for t in ready_tasks(services, c.id) if t.form == "common/objection_verification.json"]
    finding = demo("common/objection_verification.json") | {
        "candidate": ref, "date": actors.today(), "upheld": True, "finding": "经核实属实。",
        "reason": "反映问题属实。", "handling": "取消推荐资格。"}
    services.runtime.complete_task(c.id, verify.task_id, finding, "核实人", None)
    assert candidate(services, c.id).outcome == "取消资格（不予递补）"
