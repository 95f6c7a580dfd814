"""Scenarios for variant 004: 重庆市人大代表履职贡献奖 (渝人社〔2022〕406号): 联系组/专业组/部门 nominate
(征求意见 by management authority, 党组 agreement, 单位公示) → 人代工委初审 → 联合评审 → 党组会议审定 →
网站公示 → 表彰 (先进集体, 先进个人, 优秀建议) or 通报表扬 (代表家站). Helpers live in test_003.py."""
from __future__ import annotations

import copy

import pytest

from engine.campaigns.campaigns import RatioCapBreached
from pingxuan.actors import Actors, Policy
from tests.scenarios.test_003 import (
    beijing,
    check_adverse,
    check_deadline,
    check_happy,
    check_holiday_publicity,
    check_objection,
    check_quota,
    events,
    nominate,
    ready_tasks,
    review_form,
    run_to_review,
    setup,
)

V004 = {
    "variant": "004",
    "start": beijing(2022, 10, 18),  # the day after the notice (2022-10-17)
    "deadline": "2022-10-28",
    # (unit, award type, candidate type, name, tags)
    "happy": [
        ("渝中区联系组", "collective", "其他", "市人大代表渝中区联系组", []),
        ("渝中区联系组", "station", "其他", "解放碑街道人大代表之家", []),
        ("渝中区联系组", "individual", "民主党派", "王某某", []),
        ("渝中区联系组", "suggestion", "其他", "关于加快老旧小区改造的建议", []),
        ("财政经济专业组", "individual", "机关事业单位", "陈某某", ["基层一线"]),
    ],
    "adverse": (("万州区联系组", "individual", "国有企业", "刘某某", []), "国资"),
    "objection": ("涪陵区联系组", "individual", "非公企业", "周某某", []),
    "deadline_case": ("渝北区联系组", "station", "其他", "回兴街道人大代表之家", []),
    # (unit, award type, label, limit, nominations that fit first)
    "quota": [("渝中区联系组", "station", "代表家站（通报表扬）", 5, 5),
              ("渝中区联系组", "suggestion", "优秀建议", 6, 6),
              ("市教委", "individual", "先进个人", 1, 1)],
    "quota_fill": {"candidate_type": "其他"},
    "cap": (("市人大常委会办公厅", "individual", "机关事业单位", "吴某某", []), "联合评审"),
    "quota_review": "推荐单位党组（党委）同意",
}


def test_004_happy_path(services, clock):
    check_happy(services, clock, V004, {"表彰": 4, "通报表扬": 1})


def test_004_adverse_opinion(services, clock):
    check_adverse(services, clock, V004)


def test_004_objection_upheld(services, clock):
    check_objection(services, clock, V004)


def test_004_missed_deadline(services, clock):
    check_deadline(services, clock, V004)


def test_004_quota_exceeded(services, clock):
    check_quota(services, clock, V004)


def test_004_caps_count_against_the_fixed_totals(services, clock):
    """处级干部数量原则上不超过表彰总数的20%: the base is the notice's 表彰总数 (40 + 50 + 100 = 190,
    so 38), not the list; one 处级干部 in a list of one is within it and passes without a reason."""
    spec, title = V004["cap"]
    campaign_id = setup(services, clock, V004)
    c = nominate(services, campaign_id, spec)
    form = {spec[3]: {"is_chu_level_cadre": True, "is_city_organ_internal": True, "person.admin_level": "正处级"}}
    actors = Actors(services, Policy(override_reason=None, form_data=form))
    # the pairing rule wants a 基层一线 nominee beside a 处级干部: the unit adds one
    partner = nominate(services, campaign_id, ("市人大常委会办公厅", "individual", "机关事业单位", "郑某某", ["基层一线"]))
    from tests.scenarios.test_000 import decide, drive_to
    tasks = drive_to(services, clock, actors, campaign_id, [c.id, partner.id], title)
    statuses = services.campaigns.preview(campaign_id, [t.task_id for t in tasks],
                                          [{"candidate_id": t.instance_id, "decision": "通过"} for t in tasks])
    cadres = next(s for s in statuses if s.id == "division_cadres")
    assert cadres.ok and "× 190 = 38 个" in cadres.limit and cadres.force == "advisory"
    decide(services, campaign_id, tasks, {c.id, partner.id})
    [done] = [e for e in events(services, c.id, "task_completed") if e.payload["task_id"] == tasks[0].task_id
              or e.payload["task_id"] == tasks[1].task_id]
    assert "override" not in (done.payload.get("rules") or {})


def test_004_division_cadre_needs_one_more_grassroots_nominee(services, clock):
    """如确需推荐处级干部，请该单位在推荐名额之外再推荐1名基层一线人选: alone it is refused at the
    unit's 党组 step; with a 基层一线 nominee beyond the one place it passes."""
    from tests.scenarios.test_000 import decide, drive_to
    campaign_id = setup(services, clock, V004)
    unit = "市人大常委会办公厅"
    cadre = nominate(services, campaign_id, (unit, "individual", "机关事业单位", "处级某某", []))
    form = {"处级某某": {"is_chu_level_cadre": True, "person.admin_level": "正处级"}}
    actors = Actors(services, Policy(override_reason=None, form_data=form))
    [task] = drive_to(services, clock, actors, campaign_id, [cadre.id], V004["quota_review"])
    with pytest.raises(RatioCapBreached) as exc:
        decide(services, campaign_id, [task], {cadre.id})
    assert "请该单位在推荐名额之外再推荐1名基层一线人选" in str(exc.value)
    extra = nominate(services, campaign_id, (unit, "individual", "机关事业单位", "基层某某", ["基层一线"]))
    tasks = drive_to(services, clock, actors, campaign_id, [cadre.id, extra.id], V004["quota_review"])
    decide(services, campaign_id, tasks, {cadre.id, extra.id})


@pytest.mark.parametrize("posted_on, last_day", [
    # Fri 2022-09-30 (1), 10-01..10-07 National Day, Sat 10-08 and Sun 10-09 make-up (2, 3), 10-10 (4), 10-11 (5).
    (beijing(2022, 9, 30), "2022-10-11"),
    # Tue 2025-09-30 (1), 10-01..10-08 National Day + Mid-Autumn, 10-09 (2), 10-10 (3), Sat 10-11 make-up (4),
    # Sun 10-12 rest, 10-13 (5).
    (beijing(2025, 9, 30), "2025-10-13"),
], ids=["national-day-2022", "national-day-2025"])
def test_004_unit_publicity_across_national_day(services, clock, posted_on, last_day):
    check_holiday_publicity(services, clock, V004, V004["happy"][2], posted_on, last_day)
