"""Variant 001 (制造强市, 渝人社〔2026〕232号) end to end through the real runtime and clock."""
from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from engine.audit import audit
from engine.campaigns.campaign_models import Candidate, CandidateSelection
from engine.campaigns.campaigns import RatioCapBreached
from engine.config import REPO_ROOT
from engine.errors import ValidationFailed
from engine.storage.models import Event, HumanTask
from engine.timekeeping.timers import sweep
from pingxuan.actors import Actors, Policy
from tests.conftest import deploy_folder
from tests.scenarios.test_000 import decide, drive_to


@pytest.fixture
def v001(services, clock):
    clock.set(datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc))  # the notice is dated 2026-06-13
    deploy_folder(services, REPO_ROOT / "processes" / "001")
    return services, services.campaigns.create("001", "专班办公室")


def nominate(services, campaign_id, name, award_type="individual", unit="渝中区", candidate_type="国有企业", tags=()):
    return services.campaigns.nominate(campaign_id, unit=unit, award_type=award_type, candidate_type=candidate_type,
                                       name=name, actor="渝中区经办人", tags=list(tags))


def candidate(services, candidate_id) -> Candidate:
    with services.db.transaction(write=False) as s:
        return s.get(Candidate, candidate_id)


def test_happy_path_to_commendation(v001, clock):
    services, cid = v001
    a = nominate(services, cid, "张某", "individual")
    b = nominate(services, cid, "某某车间", "collective", candidate_type="非公企业")
    assert Actors(services).run_to_decision(cid, clock) == {"表彰": 2}
    for view in (a, b):
        assert audit.replay(services, view.id).ok and audit.verify_chain(services, view.id).ok


def test_adverse_opinion_stops_the_candidate(v001, clock):
    services, cid = v001
    view = nominate(services, cid, "李某", candidate_type="国有企业")
    outcomes = Actors(services, Policy(adverse={"李某": "审计"})).run_to_decision(cid, clock)
    assert outcomes == {"终止推荐（征求意见有否定意见）": 1}
    assert "审计" in candidate(services, view.id).outcome_reason


def test_upheld_objection_disqualifies_without_replacement(v001, clock):
    services, cid = v001
    view = nominate(services, cid, "王某")
    actors = Actors(services)
    actors.act(cid)  # recommendation form
    actors.act(cid)  # posting of the unit publicity: the period is now running
    objection = actors.form("common/objection.json")
    objection["candidate"] = actors._ref(candidate(services, view.id))
    objection_id, _ = services.campaigns.lodge_objection(view.id, objection, "群众来信登记人")
    with services.db.transaction(write=False) as s:
        task = s.scalar(select(HumanTask).where(HumanTask.instance_id == view.id, HumanTask.state == "ready"))
    assert task.title == "核实异议"
    verification = actors.form("common/objection_verification.json")
    verification.update(candidate=objection["candidate"], upheld=True, finding="反映的问题经核实属实",
                        reason="存在违纪情形", handling="取消推荐资格")
    # The verification refers to the objection lodged, by the id lodging returned; any other is refused.
    with pytest.raises(ValidationFailed) as refused:
        services.runtime.complete_task(view.id, task.task_id, {**verification, "objection_id": "YY-001"}, "核查人", None)
    assert refused.value.field_errors == {"objection_id": f"由流程确定为“{objection_id}”，不能更改"}
    services.runtime.complete_task(view.id, task.task_id, {**verification, "objection_id": objection_id}, "核查人", None)
    assert actors.run_to_decision(cid, clock) == {"取消资格（不予递补）": 1}
    assert "属实" in candidate(services, view.id).outcome_reason
    assert audit.replay(services, view.id).ok


def test_objection_outside_publicity_is_refused(v001):
    services, cid = v001
    view = nominate(services, cid, "赵某")
    from engine.errors import Conflict

    objection = Actors(services).form("common/objection.json")
    objection["candidate"] = Actors._ref(candidate(services, view.id))
    with pytest.raises(Conflict, match="不在公示期") as refused:
        services.campaigns.lodge_objection(view.id, objection, "登记人")
    assert refused.value.message == "该推荐对象当前不在公示期，不能登记异议"
    objection["candidate"]["candidate_id"] = "someone-else"
    with pytest.raises(ValidationFailed, match="不一致"):
        services.campaigns.lodge_objection(view.id, objection, "登记人")


def test_missed_deadline_is_treated_as_withdrawn(v001, clock):
    services, cid = v001
    view = nominate(services, cid, "钱某")
    clock.set(datetime(2026, 7, 3, 15, 59, tzinfo=timezone.utc))  # 7月3日 23:59: still in time
    assert sweep(services.runtime) == 0
    clock.set(datetime(2026, 7, 3, 16, 0, 1, tzinfo=timezone.utc))
    assert sweep(services.runtime) == 1
    assert candidate(services, view.id).outcome == "视为放弃（逾期未报送）"
    with services.db.transaction(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Event).where(
            Event.instance_id == view.id, Event.type == "timers_fired")) == 1


def test_quota_is_counted_where_the_county_forwards(v001, clock):
    """各县可推荐3个集体和3名个人参评: a 县 may nominate more (差额推荐评选); its 区县审核汇总 list may
    forward at most 3 individuals, and a nominee it screens out blocks no one."""
    services, cid = v001
    ids = [nominate(services, cid, f"城口个人{i}", unit="城口县").id for i in range(4)]
    tasks = drive_to(services, clock, Actors(services), cid, ids, "区县审核汇总")
    version = services.runtime.instance(ids[0]).version
    with pytest.raises(RatioCapBreached) as caught:
        decide(services, cid, tasks, set(ids))
    message = caught.value.message
    assert "城口县" in message and "先进个人 4 个" in message and "名额 3 个" in message
    assert services.runtime.instance(ids[0]).version == version  # nothing stored
    decide(services, cid, tasks, set(ids[:3]))  # the fourth is screened out: a lawful list
    assert candidate(services, ids[3]).outcome is not None


def test_concurrent_forwarding_lists_never_exceed_a_quota(v001, clock):
    """Two clerks of 城口县 forward two lists of two at once (quota 3): one list goes through, the
    other is refused on the selected set the first one made."""
    services, cid = v001
    ids = [nominate(services, cid, f"并发{i}", unit="城口县").id for i in range(4)]
    tasks = drive_to(services, clock, Actors(services), cid, ids, "区县审核汇总")

    def attempt(pair):
        try:
            decide(services, cid, pair, {t.instance_id for t in pair})
            return True
        except RatioCapBreached:
            return False

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(attempt, [tasks[:2], tasks[2:]]))
    assert sorted(results) == [False, True]
    with services.db.transaction(write=False) as s:
        assert s.scalar(select(func.count()).select_from(CandidateSelection).where(
            CandidateSelection.stage == "审核")) == 2


def test_division_cadre_share_is_advisory_and_recorded(v001, clock):
    """处级干部表彰数量原则上不超过先进个人表彰总数的20%: 原则上, so the list is not refused; the
    warning, with the share, is recorded in each candidate's event."""
    services, cid = v001
    views = [nominate(services, cid, f"处级干部{i}") for i in range(2)]
    views.append(nominate(services, cid, "一线职工"))
    cadres = {f"处级干部{i}": {"is_chu_level_cadre": True, "person.admin_level": "正处级"} for i in range(2)}
    outcomes = Actors(services, Policy(override_reason=None, form_data=cadres)).run_to_decision(cid, clock)
    assert outcomes == {"表彰": 3}
    assert "处级干部" in candidate(services, views[0].id).tags
    with services.db.transaction(write=False) as s:
        payloads = s.scalars(select(Event.payload).where(Event.instance_id == views[0].id, Event.type == "task_completed")).all()
    warnings = [w for p in payloads for w in (p.get("rules") or {}).get("warnings", [])]
    assert any("处级干部表彰数量原则上不超过先进个人表彰总数的20%" in w and "2/3" in w for w in warnings)
    assert not any("override" in (p.get("rules") or {}) for p in payloads)


def test_declared_tags_cannot_stand_for_the_form(v001):
    """处级干部 is read from the 审批表; a nominator cannot tag it (nor leave it off) by hand."""
    services, cid = v001
    from engine.errors import ValidationFailed
    with pytest.raises(ValidationFailed) as caught:
        nominate(services, cid, "自报处级", tags=["处级干部"])
    assert "由推荐审批表的填写内容认定" in caught.value.field_errors["tags"]


def test_department_recommending_a_division_cadre_must_also_recommend_a_section_level_one(v001, clock):
    """市级有关部门…确需推荐处级干部的，须同时推荐1名科级及以下干部: the pair may exceed the one place."""
    services, cid = v001
    unit = "市发展改革委"
    cadre = nominate(services, cid, "部门处级", unit=unit, candidate_type="机关事业单位").id
    form = {"部门处级": {"is_chu_level_cadre": True, "person.admin_level": "正处级"},
            "部门科员": {"person.admin_level": "正科级"}}
    actors = Actors(services, Policy(override_reason=None, form_data=form))
    [task] = drive_to(services, clock, actors, cid, [cadre], "区县审核汇总")
    with pytest.raises(RatioCapBreached) as caught:
        decide(services, cid, [task], {cadre})
    assert "确需推荐处级干部的，须同时推荐1名科级及以下干部" in caught.value.message
    clerk = nominate(services, cid, "部门科员", unit=unit, candidate_type="机关事业单位").id
    tasks = drive_to(services, clock, actors, cid, [cadre, clerk], "区县审核汇总")
    decide(services, cid, tasks, {cadre, clerk})  # 1 名个人 + the paired one: lawful


def test_publicity_across_national_day_2025_ends_on_the_right_day(services, clock):
    clock.set(datetime(2025, 9, 29, 2, 0, tzinfo=timezone.utc))  # a re-run of the notice in 2025
    deploy_folder(services, REPO_ROOT / "processes" / "001")
    cid = services.campaigns.create("001", "专班办公室", deadlines={"submit_by": "2025-12-31"})
    view = nominate(services, cid, "孙某")
    actors = Actors(services)
    actors.act(cid)  # recommendation form
    clock.set(datetime(2025, 9, 30, 2, 0, tzinfo=timezone.utc))  # posted Tue 30 Sep 2025
    actors.act(cid)
    wf = services.runtime.workflow(view.id)
    data = wf.get_tasks(spec_name="Period_elapses")[0].data
    # 30 Sep (day 1), holiday 1–8 Oct, 9, 10, Sat 11 (调休 workday), Mon 13 Oct = day 5.
    assert data["publicity_last_day"] == "2025-10-13"
    assert data["publicity_ends_at"] == "2025-10-14T00:00:00+08:00"


def test_unanswered_departments_get_a_reminder_and_stay_open(v001, clock):
    services, cid = v001
    view = nominate(services, cid, "周某", candidate_type="机关事业单位")
    actors = Actors(services)
    while True:  # drive until the departments' opinion tasks are open
        with services.db.transaction(write=False) as s:
            opinion_tasks = s.scalars(select(HumanTask).where(
                HumanTask.instance_id == view.id, HumanTask.state == "ready", HumanTask.title == "填写征求意见表")).all()
        if opinion_tasks:
            break
        if actors.act(cid):
            continue
        due = actors._next_due(cid)
        assert due is not None, candidate(services, view.id).stage
        clock.set(due + timedelta(seconds=1))
        sweep(services.runtime)
    assert sorted(t.unit for t in opinion_tasks) == sorted(["组织人事", "纪检监察", "审计"])
    reminder_due = opinion_tasks[0].due_at  # the 催办 timer, shown as the tasks' due date
    assert reminder_due is not None
    clock.set(reminder_due + timedelta(seconds=1))
    assert sweep(services.runtime) == 1
    wf = services.runtime.workflow(view.id)
    reminded = [t for t in wf.get_tasks(spec_name="Send_reminder") if t.state == 64]
    assert len(reminded) == 1 and "opinion_reminded_at" in reminded[0].data
    with services.db.transaction(write=False) as s:  # non-interrupting: the departments can still answer
        assert s.scalar(select(func.count()).select_from(HumanTask).where(
            HumanTask.instance_id == view.id, HumanTask.state == "ready", HumanTask.title == "填写征求意见表")) == 3
    assert actors.run_to_decision(cid, clock) == {"表彰": 1}


def test_form_fields_cannot_move_process_fields(v001):
    """The 推荐审批表 has its own 推荐单位 field and opinion forms a candidate_id: submitting other
    values must neither reroute the candidate's tasks nor change whose review conclusion applies."""
    services, cid = v001
    view = nominate(services, cid, "吴某", unit="渝中区")
    form = Actors(services).form("001/recommend_individual.json")
    form["recommending_unit"] = "另一个单位"
    after = services.runtime.complete_task(view.id, view.ready_tasks[0]["task_id"], form, "渝中区经办人", view.version)
    assert [t["unit"] for t in after.ready_tasks] == ["渝中区"]  # 张贴单位公示 stays with the nominating unit
    wf = services.runtime.workflow(view.id)
    assert wf.last_task.data["recommending_unit"] == "渝中区" and wf.last_task.data["candidate_id"] == view.id
    with services.db.transaction(write=False) as s:  # the record keeps what was actually submitted
        payload = s.scalar(select(Event.payload).where(Event.instance_id == view.id, Event.type == "task_completed"))
    assert payload["data"]["recommending_unit"] == "另一个单位"
