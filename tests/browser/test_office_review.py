"""The 专班办公室 reviews a list in the browser: the table shows the candidates of the 初审 step, the
ratio caps are recomputed live as decisions change, submitting a list that breaks a cap asks for the
override reason, and the list is then submitted in one go (every task completed, the reason kept)."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import HumanTask, Instance
from tests.api.conftest import api, app, client, people  # noqa: F401  (fixtures)
from tests.api.test_campaigns_api import capi, create, drive_until, nominate, open_tasks, v001  # noqa: F401
from tests.browser.conftest import login, shot

REASON = "两名处级干部均为一线攻关负责人，专班研究同意"


def test_office_review_breaking_a_cap_asks_for_a_reason(page, capi, v001, clock, web_user):
    web_user("zhuanban", "office", display_name="李专班")
    cid = create(capi, name="制造强市先进评选")
    for i in range(2):
        nominate(capi, cid, f"处级干部{i}", tags=["处级干部"])
    nominate(capi, cid, "一线职工")
    tasks = drive_until(v001, clock, cid, "初审")
    assert len(tasks) == 3

    login(page, "zhuanban")
    page.get_by_role("link", name="评选活动").click()
    page.get_by_role("link", name="制造强市先进评选").click()
    page.get_by_text("各环节人数").wait_for()
    page.locator("canvas").first.wait_for()
    shot(page, "10_campaign_dashboard")
    page.get_by_role("button", name="审核名单").click()

    for name in ("处级干部0", "处级干部1", "一线职工"):
        page.get_by_role("row", name=name).wait_for()
    caps = page.locator(".ant-card").filter(has_text="比例限制（按当前选择实时计算）")
    cadres = caps.get_by_role("row").filter(has_text="处级干部")
    cadres.filter(has_text="超出").wait_for()
    assert "2 / 3" in cadres.inner_text()
    # Rejecting one cadre is recomputed at once (1 of 2 approved is still over the cap).
    row = page.get_by_role("row", name="处级干部0")
    row.get_by_text("不通过", exact=True).click()
    cadres.filter(has_text="1 / 2").wait_for()
    row.get_by_role("textbox").fill("名额调整")
    row.get_by_text("通过", exact=True).click()
    cadres.filter(has_text="2 / 3").wait_for()
    shot(page, "11_batch_review_live_caps")

    page.get_by_role("button", name="提交审核名单（3 项）").click()
    dialog = page.get_by_role("dialog", name="超出比例限制")
    dialog.wait_for()
    assert "处级干部" in dialog.inner_text()
    assert len(open_tasks(v001, cid, "初审")) == 3  # refused: nothing stored yet
    page.wait_for_timeout(500)  # let the dialog finish opening for the screenshot
    shot(page, "12_override_reason_asked")
    dialog.get_by_label("超出比例的理由").fill(REASON)
    dialog.get_by_role("button", name="填写理由并提交").click()
    page.get_by_text("已提交审核名单（3 个推荐对象）").wait_for()
    assert open_tasks(v001, cid, "初审") == []
    with v001.db.transaction(write=False) as s:
        done = s.scalars(select(HumanTask).where(HumanTask.task_id.in_([t.task_id for t in tasks]))).all()
        assert {t.state for t in done} == {"completed"} and {t.completed_by for t in done} == {"zhuanban"}
        events = s.scalars(select(Instance.id).where(Instance.id.in_([t.instance_id for t in tasks]))).all()
        assert len(events) == 3
    shot(page, "13_batch_review_done")
