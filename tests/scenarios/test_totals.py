"""Totals limit the final selection: however many pass the lower levels, the level that decides
selects no more than the notice's totals (000: 先进集体3个、先进个人3名; 003: 4个先进集体和8个先进个人),
and the simulated offices (as `pingxuan simulate`) screen out the rest (差额评选)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.campaigns.campaign_models import Candidate, CandidateSelection
from engine.config import REPO_ROOT
from pingxuan.actors import Actors, Policy
from tests.conftest import deploy_folder
from tests.scenarios.test_000 import V000
from tests.scenarios.test_003 import V003


@pytest.mark.parametrize("v, final_stage, commended", [
    (V000, "全国复审", "表彰"),
    (V003, "市级审核", "排序上报省评选表彰工作领导小组办公室"),
], ids=["000", "003"])
def test_final_selection_keeps_within_the_totals(services, clock, v, final_stage, commended):
    clock.set(v.get("created", v["start"]))  # the campaign opens on its notice's date (003's 联系表 deadline)
    deploy_folder(services, REPO_ROOT / "processes" / v["variant"])
    cid = services.campaigns.create(v["variant"], "专班办公室", quota_scale=10)  # quotas do not bind here
    clock.set(v["start"])
    config = services.campaigns.config(cid)
    types = config["candidate_types"]
    units = [q["unit"] for q in config["quotas"] if any(q["limits"].values())][:6]
    n = 0
    for unit in units:
        for award_type in ("collective", "individual"):
            for _ in range(2):
                services.campaigns.nominate(cid, unit=unit, award_type=award_type, candidate_type=types[n % len(types)],
                                            name=f"推荐对象{n:03d}", actor="推荐单位经办人")
                n += 1
    outcomes = Actors(services, Policy(override_reason=None)).run_to_decision(cid, clock)
    assert sum(outcomes.values()) == n and "进行中" not in outcomes
    with services.db.transaction(write=False) as s:
        won = dict(s.execute(select(Candidate.award_type, func.count()).where(
            Candidate.campaign_id == cid, Candidate.outcome == commended).group_by(Candidate.award_type)).all())
        total_stage = next(r for r in config["rules"] if r["kind"] == "total")["at"][0]
        at_final = s.scalar(select(func.count()).select_from(CandidateSelection).where(
            CandidateSelection.campaign_id == cid, CandidateSelection.stage == total_stage))
    totals = config["totals"]
    assert 0 < won.get("individual", 0) <= totals["individual"] and won.get("collective", 0) <= totals["collective"]
    assert at_final <= totals["individual"] + totals["collective"]
