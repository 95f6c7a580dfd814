"""Each opinion round asks exactly the departments its decision table names for the round and the
candidate type: for every variant and every candidate type, driven through the whole procedure.

The defect this guards against: task data lists merge rather than replace in SpiffWorkflow, so a
second round (001's 初审 after its 区县 round) asked the first round's departments again plus part of
its own list, and never 税务, 市场监管, 金融监管."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from engine.campaigns.campaign_config import load_variant_config
from engine.campaigns.campaign_models import Candidate
from engine.config import REPO_ROOT
from engine.definitions.safe_xml import parse_xml
from engine.runtime.spiff import find_task
from engine.storage.models import HumanTask
from pingxuan.actors import Actors
from tests.conftest import deploy_folder

DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"
VARIANTS = ("000", "001", "002", "003", "004")


def decision_table(variant: str) -> dict[tuple[str, str], list[str]]:
    """{(opinion stage, candidate type): departments} read from the variant's DMN file."""
    tree = parse_xml((REPO_ROOT / "processes" / variant / "departments.dmn").read_bytes())
    rows = {}
    for rule in tree.iter(f"{DMN}rule"):
        stage, kind = (e.findtext(f"{DMN}text").strip('"') for e in rule.findall(f"{DMN}inputEntry"))
        rows[(stage, kind)] = eval(rule.find(f"{DMN}outputEntry").findtext(f"{DMN}text"))  # a list literal
    return rows


def asked_rounds(services, campaign_id: str, seen: dict) -> None:
    """Record, per candidate and round, the departments whose opinion tasks are open now."""
    with services.db.transaction(write=False) as session:
        rows = session.execute(select(HumanTask, Candidate.candidate_type)
                               .join(Candidate, Candidate.id == HumanTask.instance_id)
                               .where(Candidate.campaign_id == campaign_id, HumanTask.state == "ready",
                                      HumanTask.form == "common/department_opinion.json")).all()
    for task, kind in rows:
        stage = find_task(services.runtime.workflow(task.instance_id), task.task_id).data["opinion_stage"]
        seen[(task.instance_id, stage, kind)].add(task.unit)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_round_asks_exactly_its_decision_table_row(services, clock, variant):
    table = decision_table(variant)
    clock.set(datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc))
    deploy_folder(services, REPO_ROOT / "processes" / variant)
    deadlines = {k: "2026-11-30" for k in load_variant_config(REPO_ROOT / "processes", variant)["deadlines"]}
    campaign_id = services.campaigns.create(variant, "专班办公室", deadlines=deadlines, quota_scale=20)
    config = services.campaigns.config(campaign_id)
    unit = config["quotas"][0]["unit"]
    for kind in config["candidate_types"]:
        services.campaigns.nominate(campaign_id, unit=unit, award_type="individual", candidate_type=kind,
                                    name=f"{kind}对象", actor="经办人")
    seen: dict = defaultdict(set)
    actors = Actors(services)
    for _ in range(200):  # as Actors.run_to_decision, looking at the open opinion tasks before each act
        asked_rounds(services, campaign_id, seen)
        if not actors.step(campaign_id, clock):
            break
    assert "进行中" not in actors.outcomes(campaign_id)

    stages = {stage for stage, _ in table}
    for kind in config["candidate_types"]:
        for stage in stages:
            asked = [units for (_, s, k), units in seen.items() if s == stage and k == kind]
            expected = set(table[(stage, kind)])
            if not expected:
                assert asked == [], (stage, kind)
                continue
            assert asked == [expected], f"{variant} {stage} {kind}: asked {asked}, table says {sorted(expected)}"
