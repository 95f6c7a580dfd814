"""A review list in the browser: the table shows the candidates awaiting the step, every rule of
the notice is recomputed live as decisions change, submitting a list that breaks a binding rule asks
for the override reason, and the list is then submitted in one go (every task completed, the reason
kept in each event).

The rule here is 001's quota, counted where a county forwards (区县审核汇总): 城口县 "可推荐3个集体
和3名个人参评" nominated four individuals, and its reviewer selects among them."""
from __future__ import annotations

from sqlalchemy import select

from engine.storage.models import Event, HumanTask
from tests.api.conftest import api, app, client, people  # noqa: F401  (fixtures)
from tests.api.test_campaigns_api import capi, create, drive_until, nominate, open_tasks, v001  # noqa: F401
from tests.browser.conftest import login, shot

REASON = "四名同志均为县重点产业链一线攻关骨干，经县委研究同意报送"
STEP = "区县审核汇总"


def test_review_breaking_a_quota_asks_for_a_reason(page, capi, v001, clock, web_user):
    web_user("chengkou_review", "staff", unit="城口县", display_name="王审核")
    cid = create(capi, name="制造强市先进评选")
    names = [f"城口个人{i}" for i in range(4)]
    for name in names:
        nominate(capi, cid, name, who="chengkou")
    tasks = drive_until(v001, clock, cid, STEP)
    assert len(tasks) == 4

    login(page, "chengkou_review")
    page.get_by_role("link", name="评选活动").click()
    page.get_by_role("link", name="制造强市先进评选").click()
    page.get_by_text("各环节人数").wait_for()
    shot(page, "10_campaign_dashboard")
    # Each candidate's 审批表 downloads from the table (a Word file generated from the record).
    href = page.get_by_role("row", name="城口个人0").get_by_role("link", name="审批表").get_attribute("href")
    answer = page.request.get(page.base + href)
    assert answer.status == 200 and answer.body()[:2] == b"PK", (answer.status, answer.text()[:200])
    page.get_by_role("button", name="审核名单").click()

    for name in names:
        page.get_by_role("row", name=name).wait_for()
    rules = page.locator(".ant-card").filter(has_text="名额与比例（按当前选择实时计算）")
    quota = rules.get_by_role("row").filter(has_text="城口县").filter(has_text="先进个人")
    quota.filter(has_text="超出").wait_for()
    # Screening one out is recomputed at once: three individuals are within the quota.
    row = page.get_by_role("row", name="城口个人3")
    row.get_by_text("不通过", exact=True).click()
    quota.filter(has_text="符合").wait_for()
    row.get_by_role("textbox").fill("差额推荐，未入选")
    row.get_by_text("通过", exact=True).click()
    quota.filter(has_text="超出").wait_for()
    shot(page, "11_batch_review_live_rules")

    page.get_by_role("button", name="提交审核名单（4 项）").click()
    dialog = page.get_by_role("dialog", name="超出比例限制")
    dialog.wait_for()
    assert "城口县" in dialog.inner_text()
    assert len(open_tasks(v001, cid, STEP)) == 4  # refused: nothing stored yet
    page.wait_for_timeout(500)  # let the dialog finish opening for the screenshot
    shot(page, "12_override_reason_asked")
    dialog.get_by_label("超出比例的理由").fill(REASON)
    dialog.get_by_role("button", name="填写理由并提交").click()
    page.get_by_text("已提交审核名单（4 个推荐对象）").wait_for()
    assert open_tasks(v001, cid, STEP) == []
    with v001.db.transaction(write=False) as s:
        done = s.scalars(select(HumanTask).where(HumanTask.task_id.in_([t.task_id for t in tasks]))).all()
        assert {t.state for t in done} == {"completed"} and {t.completed_by for t in done} == {"chengkou_review"}
        payloads = [e.payload for e in s.scalars(select(Event).where(
            Event.instance_id.in_([t.instance_id for t in tasks]), Event.type == "task_completed"))
            if e.payload.get("task_id") in {t.task_id for t in tasks}]
    assert len(payloads) == 4 and all(p["rules"]["override"]["reason"] == REASON for p in payloads), payloads[0]
    shot(page, "13_batch_review_done")
