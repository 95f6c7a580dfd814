"""Who verifies an objection: the one who posted the publicity. An objection to a unit's own
publicity goes to that unit's staff (tests in test_000/test_003's objection scenarios); one to the
city-wide publicity goes to the office, even though the same candidate passed a unit publicity
before (the verifier is set anew by every posting, never left over from the last one)."""
from __future__ import annotations

from pingxuan.actors import Actors
from tests.scenarios.helpers import demo, ready_tasks, setup
from tests.scenarios.test_000 import V000, nominate
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
