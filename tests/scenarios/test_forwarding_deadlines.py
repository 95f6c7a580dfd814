"""Deadlines as the notices mean them: "于X月X日前报送 … 未在规定时间内报送的视为放弃" is the date the
forwarded materials reach the next level (after the unit's publicity, the opinions and the lower
level's review), so the deadline sits on the step that forwards them (issue 10, deliverable 4).

For every variant: forwarding on the deadline day works; a candidate still waiting at the forwarding
step when the deadline passes ends there as 视为放弃 by the timer, and its place is free for another;
a completion after the deadline that the timer has not caught yet (timer worker down) is refused by
the engine's command, with nothing changed."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine.audit import audit
from engine.campaigns.campaign_models import Candidate
from engine.campaigns.campaigns import RatioCapBreached
from engine.config import TIMEZONE
from engine.storage.models import Event, HumanTask, Instance, Timer
from engine.timekeeping.step_deadlines import DeadlinePassed
from engine.timekeeping.timers import sweep
from engine.timekeeping.workdays import deadline_end
from pingxuan.actors import Actors
from tests.scenarios.helpers import candidate, demo, events, ready_tasks, setup, waiting_timers
from tests.scenarios.test_000 import decide


def beijing(y, m, d, hour=10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=TIMEZONE)


LATE = "视为放弃（逾期未报送）"

# Per variant: who nominates what (a unit whose quota for it is 1), the step that forwards (its
# title in the BPMN) and, where the unit's quota is counted before it forwards, that review step.
VARIANTS = {
    # 各区县按程序研究决定本区县推荐对象，于8月20日前……报送: the 区县's screening is its decision to forward
    "000": {"variant": "000", "start": beijing(2025, 8, 4), "unit": "渝北区", "award_type": "collective",
            "candidate_type": "国有企业", "forward": "区县审核筛选", "quota_step": None},
    # 各推荐单位于2026年7月3日前……完成推荐对象报送 (after its 审核汇总 and the opinions it collects)
    "001": {"variant": "001", "start": beijing(2026, 6, 15), "unit": "市发展改革委", "award_type": "collective",
            "candidate_type": "国有企业", "forward": "报送推荐对象（填报信息、上传征求意见表）", "quota_step": "区县审核汇总"},
    # 推荐材料请于2024年1月12日前报送至工作专班办公室，逾期未送达视为弃权 (after the unit's publicity)
    "002": {"variant": "002", "start": beijing(2023, 12, 25), "unit": "区经济信息委", "award_type": "collective",
            "candidate_type": "机关事业单位", "forward": "报送推荐材料至工作专班办公室", "quota_step": None},
    # 县级初审……出具书面推荐报告报市专班办公室; 于2025年2月28日前……报送至市工作专班办公室，逾期不报视为自动放弃
    "003": {"variant": "003", "created": beijing(2025, 1, 27), "start": beijing(2025, 2, 10), "unit": "五台县",
            "award_type": "individual", "candidate_type": "企业职工", "forward": "出具书面推荐报告",
            "quota_step": "县级初审"},
    # 经推荐单位党组（党委）同意，并……在本单位公示5个工作日后，报送市人大常委会人代工委; 于2022年10月28日前报送
    "004": {"variant": "004", "start": beijing(2022, 10, 18), "unit": "市教委", "award_type": "individual",
            "candidate_type": "其他", "forward": "报送推荐材料至市人大常委会人代工委",
            "quota_step": "推荐单位党组（党委）同意"},
}


def nominate(services, campaign_id, v, name):
    return services.campaigns.nominate(campaign_id, unit=v["unit"], award_type=v["award_type"],
                                       candidate_type=v["candidate_type"], name=name, actor="推荐单位经办人").id


def drive(services, clock, actors, campaign_id, ids, title, hold=(), max_rounds=80) -> list:
    """Let the actors work (firing timers when idle) until every candidate in `ids` waits at `title`;
    the candidates in `hold` are left where they are."""
    for _ in range(max_rounds):
        tasks = [t for cid in ids for t in ready_tasks(services, cid) if t.title == title]
        if len(tasks) == len(ids):
            return tasks
        if not actors.act(campaign_id, exclude={t.instance_id for t in tasks} | set(hold)):
            clock.set(min(t.due_at for cid in ids for t in waiting_timers(services, cid)))
            clock.advance(seconds=1)
            sweep(services.runtime)
    raise AssertionError(f"not every candidate reached {title}")


def deadline_of(services, campaign_id) -> datetime:
    """24:00 Beijing time of the campaign's 报送 day."""
    return deadline_end(date.fromisoformat(services.campaigns.config(campaign_id)["deadlines"]["submit_by"]))


def forward(services, campaign_id, task):
    """The forwarding unit completes the step with its form (a list decision where the step is a review)."""
    if task.form == "common/review_decision.json":
        return decide(services, campaign_id, [task], {task.instance_id})
    return services.runtime.complete_task(task.instance_id, task.task_id, demo(task.form), "推荐单位经办人", None)


def stored(services) -> tuple:
    with services.db.transaction(write=False) as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Instance, Candidate, Event, HumanTask, Timer))


def quota_used(services, campaign_id, v) -> int:
    quotas = services.campaigns.dashboard(campaign_id, unit=v["unit"])["quotas"]
    return next(q["used"] for q in quotas if q["award_type"] == v["award_type"] or q["award_type"] == "total")


def ended_at_forwarding(services, instance_id) -> bool:
    """The candidate ended at the forwarding step's own 视为放弃 end event (not the nomination's)."""
    wf = services.runtime.workflow(instance_id)
    return any(t.task_spec.bpmn_id == "End_late_forward" and t.state == TaskState.COMPLETED for t in wf.get_tasks())


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_forwarding_on_the_deadline_day_goes_on(services, clock, variant):
    v = VARIANTS[variant]
    campaign_id = setup(services, clock, v)
    a = nominate(services, campaign_id, v, "按时报送对象")
    [task] = drive(services, clock, Actors(services), campaign_id, [a], v["forward"])
    assert task.due_at.astimezone(timezone.utc) == deadline_of(services, campaign_id)  # the inbox shows the 报送 day
    clock.set(deadline_of(services, campaign_id) - timedelta(minutes=1))  # 23:59 of the 报送 day
    forward(services, campaign_id, task)
    assert all(t.title != v["forward"] for t in ready_tasks(services, a))
    clock.advance(minutes=2)
    sweep(services.runtime)  # the deadline passes once the materials are forwarded: nothing happens
    assert candidate(services, a).outcome is None  # in the running at the next level
    assert not ended_at_forwarding(services, a)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_late_forwarding_ends_as_abandoned_and_frees_the_place(services, clock, variant):
    v = VARIANTS[variant]
    campaign_id = setup(services, clock, v)
    a = nominate(services, campaign_id, v, "逾期对象")
    b = nominate(services, campaign_id, v, "候补对象") if v["quota_step"] else None
    actors = Actors(services)
    if b is not None:  # both reach the step that counts the unit's quota; A takes the only place
        tasks = drive(services, clock, actors, campaign_id, [a, b], v["quota_step"])
        [task_a] = [t for t in tasks if t.instance_id == a]
        [task_b] = [t for t in tasks if t.instance_id == b]
        decide(services, campaign_id, [task_a], {a})
        with pytest.raises(RatioCapBreached):  # the place is taken while A is in the running
            decide(services, campaign_id, [task_b], {b})
    drive(services, clock, actors, campaign_id, [a], v["forward"], hold={b} if b else ())
    used = quota_used(services, campaign_id, v)

    clock.set(deadline_of(services, campaign_id) + timedelta(seconds=1))
    sweep(services.runtime)

    got = candidate(services, a)
    assert got.outcome == LATE
    assert LATE in services.campaigns.config(campaign_id)["outcomes"]["quota_returned"]
    assert ended_at_forwarding(services, a)
    assert events(services, a, "timers_fired") and not ready_tasks(services, a)
    assert quota_used(services, campaign_id, v) == used - 1  # its place is given back
    assert audit.replay(services, a).ok and audit.verify_chain(services, a).ok
    if b is not None:  # another candidate of the unit can now take the place
        decide(services, campaign_id, [task_b], {b})
        assert [e for e in events(services, b, "task_completed") if e.payload["task_id"] == task_b.task_id]
        # (B itself now reaches its 报送 after the deadline too: arriving late, it is 视为放弃 at once)
        assert candidate(services, b).outcome in (None, LATE)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_late_completion_is_refused_when_the_timer_has_not_fired(services, clock, variant):
    v = VARIANTS[variant]
    campaign_id = setup(services, clock, v)
    a = nominate(services, campaign_id, v, "迟报对象")
    [task] = drive(services, clock, Actors(services), campaign_id, [a], v["forward"])
    day = date.fromisoformat(services.campaigns.config(campaign_id)["deadlines"]["submit_by"])
    clock.set(deadline_of(services, campaign_id) + timedelta(hours=9))  # the next morning; no sweep ran
    before = (stored(services), services.runtime.instance(a).version)
    with pytest.raises(DeadlinePassed) as refused:
        forward(services, campaign_id, task)
    assert str(refused.value) == f"已超过报送截止日期（{day.year}年{day.month}月{day.day}日），视为放弃"
    assert (stored(services), services.runtime.instance(a).version) == before  # nothing changed
    assert [t.task_id for t in ready_tasks(services, a)] == [task.task_id]
    sweep(services.runtime)  # the timer worker is back: the candidate ends as the notice says
    assert candidate(services, a).outcome == LATE
