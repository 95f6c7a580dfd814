"""Scenarios for variant 003: 山西省制造业振兴升级先进集体和先进个人 (忻人社函〔2025〕7号), 忻州 recommending
to the province: unit (单位公示) → 县级初审 (公安 + opinions by type, written report) → 市级审核 → 全市公示 →
排序上报省. Runs through the real runtime with the test clock, on every backend.

The helpers here are reused by test_004.py; each variant is one data dict (V003 below)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.audit import audit
from engine.campaigns.campaigns import RatioCapBreached
from engine.config import TIMEZONE
from engine.timekeeping.timers import sweep
from engine.timekeeping.workdays import deadline_end
from pingxuan.actors import Actors, Policy
from tests.scenarios.helpers import (
    candidate,
    candidate_count,
    deadlines_after,
    demo,
    events,
    ready_tasks,
    setup,
    waiting_timers,
)


def beijing(y, m, d, hour=10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=TIMEZONE)


V003 = {
    "variant": "003",
    "created": beijing(2025, 1, 27),  # the office opens the campaign after the notice (2025-01-26)
    "start": beijing(2025, 2, 10),  # Mon, after the Spring Festival, before the 2025-02-28 deadline
    "deadline": "2025-02-28",  # 推荐材料报送 (the 联系表 deadline 2025-02-08 is per county, not per candidate)
    "decision": "排序上报省评选表彰工作领导小组办公室",
    # (unit, award type, candidate type, name, tags)
    "happy": [
        ("忻府区", "collective", "企业", "忻州某某装备制造有限公司", []),  # 制造业企业: from its 审批表
        ("忻府区", "individual", "机关事业单位", "张某某", []),
        ("宁武县", "individual", "企业职工", "李某某", []),
    ],
    "adverse": (("原平市", "individual", "机关事业单位", "赵某某", []), "纪检监察"),
    "objection": ("定襄县", "individual", "企业", "钱某某", []),
    "deadline_case": ("五台县", "collective", "企业", "五台县某某铸造有限公司", []),
    # (unit, award type, label, limit, nominations that fit first)
    "quota": [("宁武县", "collective", "先进集体", 0, 0), ("五台县", "individual", "先进个人", 1, 1)],
    "quota_fill": {"candidate_type": "企业职工"},
    "cap_free": (("市级", "individual", "机关事业单位", "孙某某", []), "市级审核"),
    "quota_review": "县级初审",
}


# --- helpers (shared with test_004.py) ------------------------------------------------------------





def nominate(services, campaign_id, spec):
    unit, award_type, candidate_type, name, tags = spec
    return services.campaigns.nominate(campaign_id, unit=unit, award_type=award_type, candidate_type=candidate_type,
                                       name=name, tags=tags, actor="推荐单位经办人")












def drive_until(services, clock, actors, campaign_id, instance_id, stop, max_rounds=80) -> None:
    """Let the actors work (moving the clock to the next timer when idle) until `stop()` is true."""
    for _ in range(max_rounds):
        if stop():
            return
        if not actors.act(campaign_id):
            timers = waiting_timers(services, instance_id)
            assert timers, "the candidate stopped before the expected point"
            clock.set(min(t.due_at for t in timers) + timedelta(seconds=1))
            sweep(services.runtime)
    raise AssertionError("expected point not reached")


def in_publicity(services, instance_id) -> bool:
    """Waiting in a publicity period: no task open, the publicity timer waiting."""
    wf = services.runtime.workflow(instance_id)
    return (not ready_tasks(services, instance_id) and bool(waiting_timers(services, instance_id))
            and any(t.task_spec.name == "Period_elapses" and t.state == TaskState.WAITING for t in wf.get_tasks()))


def ref(c, spec) -> dict:
    return {"candidate_id": c.id, "name": spec[3], "kind": {"collective": "先进集体"}.get(spec[1], "先进个人"),
            "unit": spec[0]}


# --- checks ------------------------------------------------------------------------------------------

def check_happy(services, clock, v, expected: dict):
    campaign_id = setup(services, clock, v)
    ids = [nominate(services, campaign_id, spec).id for spec in v["happy"]]
    assert Actors(services).run_to_decision(campaign_id, clock) == expected
    for cid in ids:
        assert candidate(services, cid).outcome in expected
        assert audit.replay(services, cid).ok
        assert audit.verify_chain(services, cid).ok
    return campaign_id, ids


def check_adverse(services, clock, v):
    spec, department = v["adverse"]
    campaign_id = setup(services, clock, v)
    c = nominate(services, campaign_id, spec)
    Actors(services, Policy(adverse={spec[3]: department})).run_to_decision(campaign_id, clock)
    got = candidate(services, c.id)
    assert got.outcome == "终止推荐（征求意见有否定意见）"
    assert department in got.outcome_reason
    assert audit.replay(services, c.id).ok


def check_objection(services, clock, v):
    spec = v["objection"]
    campaign_id = setup(services, clock, v)
    c = nominate(services, campaign_id, spec)
    actors = Actors(services)
    drive_until(services, clock, actors, campaign_id, c.id, lambda: in_publicity(services, c.id))
    objection = demo("common/objection.json") | {"candidate": ref(c, spec), "received_date": actors.today()}
    services.campaigns.lodge_objection(c.id, objection, "异议受理人")
    [verify] = [t for t in ready_tasks(services, c.id) if t.form == "common/objection_verification.json"]
    assert (verify.lane, verify.role, verify.unit) == ("推荐单位", "staff", spec[0])  # the unit that posted
    finding = demo("common/objection_verification.json") | {
        "candidate": ref(c, spec), "date": actors.today(), "upheld": True,
        "finding": "经核实，推荐材料中的部分事迹与实际不符。", "reason": "反映问题属实。",
        "handling": "取消推荐资格，不予递补。"}
    services.runtime.complete_task(c.id, verify.task_id, finding, "核实人", None)
    got = candidate(services, c.id)
    assert got.outcome == "取消资格（不予递补）"
    assert "属实" in got.outcome_reason
    assert candidate_count(services, campaign_id) == 1  # 不予递补: nobody moved up
    assert not ready_tasks(services, c.id) and not waiting_timers(services, c.id)
    assert audit.replay(services, c.id).ok


def check_deadline(services, clock, v):
    spec = v["deadline_case"]
    campaign_id = setup(services, clock, v)
    c = nominate(services, campaign_id, spec)
    last_moment = deadline_end(date.fromisoformat(v["deadline"]))  # 24:00 of the deadline day, Beijing
    clock.set(last_moment - timedelta(seconds=1))
    sweep(services.runtime)
    assert candidate(services, c.id).outcome is None  # still in time on the deadline day
    clock.set(last_moment + timedelta(seconds=1))
    sweep(services.runtime)
    assert candidate(services, c.id).outcome == "视为放弃（逾期未报送）"
    assert events(services, c.id, "timers_fired")
    assert not ready_tasks(services, c.id)
    # a withdrawn nomination gives its place back
    assert nominate(services, campaign_id, spec[:3] + ("替补推荐对象", []))


def check_quota(services, clock, v):
    """The quota (名额分配表) is counted on the list the unit forwards, not at nomination: nominating
    more is lawful (差额), a list beyond the quota is refused with the unit, count and quota named."""
    from tests.scenarios.test_000 import decide, drive_to
    campaign_id = setup(services, clock, v)
    for unit, award_type, label, limit, _fits in v["quota"]:
        ids = [nominate(services, campaign_id, (unit, award_type, v["quota_fill"]["candidate_type"],
                                                f"{unit}{award_type}推荐对象{i}", [])).id for i in range(limit + 1)]
        tasks = drive_to(services, clock, Actors(services), campaign_id, ids, v["quota_review"])
        before = candidate_count(services, campaign_id), services.runtime.instance(ids[0]).version
        with pytest.raises(RatioCapBreached) as exc:
            decide(services, campaign_id, tasks, set(ids))
        message = str(exc.value)
        assert unit in message and f"{label} {limit + 1} 个" in message and f"名额 {limit} 个" in message
        assert (candidate_count(services, campaign_id), services.runtime.instance(ids[0]).version) == before
        decide(services, campaign_id, tasks, set(ids[:limit]))  # within the quota: lawful


def run_to_review(services, clock, v, campaign_id, c, title, actors):
    def at_review():
        return [t for t in ready_tasks(services, c.id) if t.title == title]
    drive_until(services, clock, actors, campaign_id, c.id, lambda: bool(at_review()))
    [task] = at_review()
    return task


def review_form(actors, c, name) -> dict:
    return demo("common/review_decision.json") | {"date": actors.today(), "decisions": [
        {"candidate_id": c.id, "candidate_name": name, "decision": "通过"}]}


def check_holiday_publicity(services, clock, v, spec, posted_on: datetime, last_day: str):
    """Post the unit publicity on `posted_on`; the period must end at 24:00 of `last_day` (Beijing)."""
    # fill in time, post later; a campaign run in a later year has that year's 报送 deadline
    campaign_id = setup(services, clock, v, start=min(v["start"], posted_on),
                        deadlines=deadlines_after(services, v, last_day))
    c = nominate(services, campaign_id, spec)
    actors = Actors(services)
    drive_until(services, clock, actors, campaign_id, c.id,
                lambda: any(t.form == "common/publicity_posting.json" for t in ready_tasks(services, c.id)))
    clock.set(posted_on)
    actors.act(campaign_id)  # posts the list with start_date = today
    assert in_publicity(services, c.id)
    wf = services.runtime.workflow(c.id)
    assert {t.data["publicity_last_day"] for t in wf.get_tasks() if "publicity_last_day" in t.data} == {last_day}
    ends = deadline_end(date.fromisoformat(last_day))
    [timer] = waiting_timers(services, c.id)
    assert timer.due_at.astimezone(timezone.utc) == ends.astimezone(timezone.utc)
    clock.set(ends - timedelta(minutes=1))  # 23:59 on the last day: still posted
    sweep(services.runtime)
    assert in_publicity(services, c.id)
    clock.set(ends + timedelta(seconds=1))
    sweep(services.runtime)
    assert not in_publicity(services, c.id) and ready_tasks(services, c.id)  # moved on to the next step
    assert events(services, c.id, "timers_fired")


# --- variant 003 ----------------------------------------------------------------------------------

def test_003_happy_path(services, clock):
    check_happy(services, clock, V003, {V003["decision"]: 3})


def test_003_adverse_opinion(services, clock):
    check_adverse(services, clock, V003)


def test_003_objection_upheld(services, clock):
    check_objection(services, clock, V003)


def test_003_missed_deadline(services, clock):
    check_deadline(services, clock, V003)


def test_003_quota_exceeded(services, clock):
    check_quota(services, clock, V003)


def test_003_no_ratio_caps(services, clock):
    """003 fixes no ratio caps: the 市级审核 list passes without any override reason."""
    spec, title = V003["cap_free"]
    campaign_id = setup(services, clock, V003)
    c = nominate(services, campaign_id, spec)
    actors = Actors(services, Policy(override_reason=None))
    task = run_to_review(services, clock, V003, campaign_id, c, title, actors)
    services.campaigns.batch_review(campaign_id, [task.task_id], review_form(actors, c, spec[3]), "市工作专班")
    [done] = [e for e in events(services, c.id, "task_completed") if e.payload["task_id"] == task.task_id]
    assert "override" not in (done.payload.get("rules") or {})
    assert Actors(services).run_to_decision(campaign_id, clock) == {V003["decision"]: 1}


@pytest.mark.parametrize("posted_on, last_day", [
    # Sun 2025-01-26 is a make-up workday (the notice's own date): 01-26 (1), 01-27 (2),
    # 01-28..02-04 Spring Festival, 02-05 (3), 02-06 (4), 02-07 (5).
    (beijing(2025, 1, 26), "2025-02-07"),
    # Fri 2026-02-13 (1), Sat 02-14 make-up (2), 02-15..02-23 Spring Festival, 02-24 (3), 02-25 (4), 02-26 (5).
    (beijing(2026, 2, 13), "2026-02-26"),
], ids=["spring-festival-2025", "spring-festival-2026"])
def test_003_unit_publicity_across_spring_festival(services, clock, posted_on, last_day):
    check_holiday_publicity(services, clock, V003, V003["happy"][0], posted_on, last_day)
