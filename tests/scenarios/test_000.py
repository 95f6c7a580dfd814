"""Scenarios for variant 000: 全国有色金属行业先进集体和先进个人评选推荐 (渝人社〔2025〕375号).

unit → 区县 → 市 → 全国, publicities in the unit, 全市 and 全国. The helpers at the top are shared
with test_002.py (one data-driven driver per variant: VARIANT dicts below)."""
from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from engine.audit import audit
from engine.campaigns.campaign_models import Candidate
from engine.campaigns.campaigns import RatioCapBreached
from engine.storage.models import Event, HumanTask, Instance, Timer
from engine.timekeeping.timers import sweep
from pingxuan.actors import Actors, Policy
from tests.scenarios.helpers import candidate, demo, events, ready_tasks, setup, waiting_timers

BEIJING_10AM = 2  # 10:00 Beijing == 02:00 UTC

V000 = {
    "variant": "000",
    "start": datetime(2025, 8, 4, BEIJING_10AM, tzinfo=timezone.utc),  # notice date (Mon)
    "deadline": "2025-08-20",
    "unit": "渝北区",
    "other_unit": "江津区",
    # 基层组织 and 一线职工 are read from the demo 审批表 (is_grassroots, is_frontline: true)
    "collective": {"name": "某某铝业公司熔铸车间", "candidate_type": "国有企业"},
    "individual": {"name": "王某某", "candidate_type": "非公企业"},
    "adverse_department": "税务",  # consulted at 市级 for 非公企业
    # 原则上可推荐1个先进集体或1名先进个人，有特别优秀的，可多推荐1个: counted where the 区县 forwards
    "quota_limit": {"key": "total", "label": "推荐对象（合计）", "limit": 1, "extra": 1, "review": "区县审核筛选",
                    "force": "binding"},
    "cap_breach": {"award_type": "individual", "candidate_type": "非公企业",
                   "form": {"person.identity": "企业负责人"}, "quote": "企业负责人评选比例不超过先进个人总数的10%"},
    "cap_review": "市级初审和初步推荐",
    "cap_force": "binding",
}


# --- shared helpers -----------------------------------------------------------------------------





def nominate(services, campaign_id, unit, award_type, spec):
    return services.campaigns.nominate(campaign_id, unit=unit, award_type=award_type,
                                       candidate_type=spec["candidate_type"], name=spec["name"],
                                       tags=spec.get("tags", ()), actor="推荐单位经办人")








def stored_counts(services) -> tuple:
    with services.db.transaction(write=False) as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Instance, Candidate, Event, HumanTask, Timer))




def run_until_publicity(services, actors, instance_id, max_rounds=50) -> None:
    """Let the actors work until the candidate waits in a publicity (no task, a timer waiting)."""
    for _ in range(max_rounds):
        if not ready_tasks(services, instance_id) and waiting_timers(services, instance_id):
            return
        assert actors.act(candidate(services, instance_id).campaign_id), "nothing to do before a publicity"
    raise AssertionError("no publicity reached")


def check_happy(services, clock, v):
    campaign_id = setup(services, clock, v)
    ids = [nominate(services, campaign_id, v["unit"] if kind == "collective" else v["other_unit"], kind, v[kind]).id
           for kind in ("collective", "individual")]
    outcomes = Actors(services).run_to_decision(campaign_id, clock)
    assert outcomes == {"表彰": 2}
    for cid in ids:
        assert candidate(services, cid).outcome == "表彰"
        assert audit.replay(services, cid).ok
        assert audit.verify_chain(services, cid).ok
    return campaign_id, ids


def check_adverse(services, clock, v):
    campaign_id = setup(services, clock, v)
    c = nominate(services, campaign_id, v["other_unit"], "individual", v["individual"])
    policy = Policy(adverse={v["individual"]["name"]: v["adverse_department"]})
    Actors(services, policy).run_to_decision(campaign_id, clock)
    got = candidate(services, c.id)
    assert got.outcome == "终止推荐（征求意见有否定意见）"
    assert v["adverse_department"] in got.outcome_reason


def check_objection(services, clock, v):
    campaign_id = setup(services, clock, v)
    c = nominate(services, campaign_id, v["other_unit"], "individual", v["individual"])
    actors = Actors(services)
    run_until_publicity(services, actors, c.id)
    ref = {"candidate_id": c.id, "name": v["individual"]["name"], "kind": "先进个人", "unit": v["other_unit"]}
    objection = demo("common/objection.json") | {"candidate": ref, "received_date": actors.today()}
    services.campaigns.lodge_objection(c.id, objection, "异议受理人")
    [verify] = [t for t in ready_tasks(services, c.id) if t.form == "common/objection_verification.json"]
    # An objection to a unit's own publicity is verified by that unit, not by the office.
    assert (verify.lane, verify.role, verify.unit) == ("推荐单位", "staff", v["other_unit"])
    finding = demo("common/objection_verification.json") | {
        "candidate": ref, "date": actors.today(), "upheld": True,
        "finding": "经核实，事迹材料中的部分数据与台账不符。", "reason": "反映问题属实。",
        "handling": "取消推荐资格，不予递补。"}
    services.runtime.complete_task(c.id, verify.task_id, finding, "核实人", None)
    got = candidate(services, c.id)
    assert got.outcome == "取消资格（不予递补）"
    assert "属实" in got.outcome_reason
    with services.db.transaction(write=False) as session:  # nobody moved up (不予递补)
        assert session.scalars(select(Candidate.id).where(Candidate.campaign_id == campaign_id)).all() == [c.id]
    assert audit.replay(services, c.id).ok


def check_deadline(services, clock, v):
    from datetime import date

    from engine.timekeeping.workdays import deadline_end
    campaign_id = setup(services, clock, v)
    c = nominate(services, campaign_id, v["unit"], "collective", v["collective"])
    clock.set(deadline_end(date.fromisoformat(v["deadline"])).astimezone(timezone.utc))
    clock.advance(seconds=1)
    sweep(services.runtime)
    assert candidate(services, c.id).outcome == "视为放弃（逾期未报送）"
    assert events(services, c.id, "timers_fired")
    assert not ready_tasks(services, c.id)


def drive_to(services, clock, actors, campaign_id, ids, title, max_rounds=80) -> list:
    """Let the actors work (firing timers when idle) until every candidate in `ids` waits at `title`;
    the actors leave those tasks alone. Returns the tasks."""
    for _ in range(max_rounds):
        tasks = [t for cid in ids for t in ready_tasks(services, cid) if t.title == title]
        if len(tasks) == len(ids):
            return tasks
        if not actors.act(campaign_id, exclude={t.instance_id for t in tasks}):
            due = [t.due_at for cid in ids for t in waiting_timers(services, cid)]
            clock.set(min(due))
            clock.advance(seconds=1)
            sweep(services.runtime)
    raise AssertionError(f"not all candidates reached {title}")


def decide(services, campaign_id, tasks, passed: set, override_reason=None):
    with services.db.transaction(write=False) as session:
        names = dict(session.execute(select(Candidate.id, Candidate.name).where(
            Candidate.id.in_([t.instance_id for t in tasks]))).all())
    form = demo("common/review_decision.json") | {"date": services.runtime.clock().date().isoformat(), "decisions": [
        {"candidate_id": t.instance_id, "candidate_name": names[t.instance_id],
         **({"decision": "通过"} if t.instance_id in passed else {"decision": "不通过", "reason": "差额评选未入选"})}
        for t in tasks]}
    return services.campaigns.batch_review(campaign_id, [t.task_id for t in tasks], form, "审核人",
                                           override_reason=override_reason)


def check_quota(services, clock, v):
    """The quota is counted where the unit forwards (its review step), not at nomination: more
    nominees than places may be nominated (差额), and the forwarding list must keep within it."""
    campaign_id = setup(services, clock, v)
    q = v["quota_limit"]
    kind = "collective" if q["key"] == "total" else q["key"]
    extra = q.get("extra", 0)
    views = [nominate(services, campaign_id, v["unit"], kind, v[kind] | {"name": f"{v[kind]['name']}{i}"})
             for i in range(q["limit"] + extra + 1)]  # nominating beyond the quota is lawful (差额)
    ids = [view.id for view in views]
    tasks = drive_to(services, clock, Actors(services), campaign_id, ids, q["review"])
    before = stored_counts(services)
    if q["force"] == "binding":
        with pytest.raises(RatioCapBreached) as exc:
            decide(services, campaign_id, tasks, set(ids))
        message = str(exc.value)
        assert v["unit"] in message and q["label"] in message and f"名额 {q['limit']} 个" in message
        assert stored_counts(services) == before  # nothing stored
        if extra:  # beyond the extra place not even a reason helps
            with pytest.raises(RatioCapBreached) as exc:
                decide(services, campaign_id, tasks, set(ids), override_reason="特别优秀")
            assert "即使填写理由也不能通过" in str(exc.value)
            with pytest.raises(RatioCapBreached):  # the extra place needs its reason
                decide(services, campaign_id, tasks, set(ids[:q["limit"] + extra]))
            reason = "该车间事迹特别优秀，经区县研究多推荐1个"
            decide(services, campaign_id, tasks, set(ids[:q["limit"] + extra]), override_reason=reason)
            [done] = [e for e in events(services, ids[0], "task_completed") if e.payload["task_id"] == tasks[0].task_id]
            assert done.payload["rules"]["override"]["reason"] == reason
            return
        decide(services, campaign_id, tasks, set(ids[:q["limit"]]))
    else:  # 原则上: the list passes, and the warning is recorded
        decide(services, campaign_id, tasks, set(ids))
        [done] = [e for e in events(services, ids[0], "task_completed") if e.payload["task_id"] == tasks[0].task_id]
        assert any(v["unit"] in w and f"名额 {q['limit']} 个" in w for w in done.payload["rules"]["warnings"])


def check_ratio_cap(services, clock, v):
    campaign_id = setup(services, clock, v)
    b = v["cap_breach"]
    c = services.campaigns.nominate(campaign_id, unit=v["other_unit"], award_type=b["award_type"],
                                    candidate_type=b["candidate_type"], name="超比例推荐对象", tags=b.get("tags", []),
                                    actor="推荐单位经办人")
    actors = Actors(services, Policy(override_reason=None, form_data={"超比例推荐对象": b.get("form", {})}))
    [task] = drive_to(services, clock, actors, campaign_id, [c.id], v["cap_review"])
    if v["cap_force"] == "advisory":  # 原则上不超过: never refused, the warning is recorded
        decide(services, campaign_id, [task], {c.id})
        [done] = [e for e in events(services, c.id, "task_completed") if e.payload["task_id"] == task.task_id]
        assert any(b["quote"] in w for w in done.payload["rules"]["warnings"])
        assert "override" not in done.payload["rules"]
        return
    with pytest.raises(RatioCapBreached) as exc:
        decide(services, campaign_id, [task], {c.id})
    assert b["quote"] in str(exc.value)
    assert ready_tasks(services, c.id)[0].task_id == task.task_id  # nothing changed
    reason = "事迹特别突出，经专班研究确需推荐"
    decide(services, campaign_id, [task], {c.id}, override_reason=reason)
    completed = [e for e in events(services, c.id, "task_completed") if e.payload["task_id"] == task.task_id]
    assert completed[-1].payload["rules"]["override"]["reason"] == reason
    assert completed[-1].payload["data"]["override_reason"] == reason


def check_holiday_publicity(services, clock, v, posted_on: datetime, last_day: str):
    """Post the unit publicity on `posted_on` and compare the stored last day and timer due date."""
    from datetime import date

    from engine.timekeeping.workdays import deadline_end
    campaign_id = setup(services, clock, v)
    c = nominate(services, campaign_id, v["unit"], "collective", v["collective"])
    actors = Actors(services)
    for _ in range(10):  # fill the recommendation form; stop at the posting task
        tasks = ready_tasks(services, c.id)
        if any(t.form == "common/publicity_posting.json" for t in tasks):
            break
        actors.act(campaign_id)
    clock.set(posted_on)
    actors.act(campaign_id)  # posts with start_date = today
    wf = services.runtime.workflow(c.id)
    values = [t.data.get("publicity_last_day") for t in wf.get_tasks() if t.data.get("publicity_last_day")]
    assert values and set(values) == {last_day}
    [timer] = [t for t in waiting_timers(services, c.id) if t.spec_name != "Deadline"]
    expected = deadline_end(date.fromisoformat(last_day)).astimezone(timezone.utc)
    assert timer.due_at.astimezone(timezone.utc) == expected


# --- variant 000 ----------------------------------------------------------------------------------

def test_000_happy_path(services, clock):
    check_happy(services, clock, V000)


def test_000_adverse_opinion(services, clock):
    check_adverse(services, clock, V000)


def test_000_objection_upheld(services, clock):
    check_objection(services, clock, V000)


def test_000_missed_deadline(services, clock):
    check_deadline(services, clock, V000)


def test_000_quota_exceeded(services, clock):
    check_quota(services, clock, V000)


def test_000_ratio_cap(services, clock):
    check_ratio_cap(services, clock, V000)


def test_000_publicity_across_national_day(services, clock):
    # Posted Fri 2025-09-26: workdays 09-26 (1), 09-28 Sun make-up (2), 09-29 (3), 09-30 (4),
    # 10-01..10-08 off, 10-09 (5).
    v = V000 | {"start": datetime(2025, 8, 4, BEIJING_10AM, tzinfo=timezone.utc)}
    check_holiday_publicity(services, clock, v, datetime(2025, 9, 26, BEIJING_10AM, tzinfo=timezone.utc), "2025-10-09")
