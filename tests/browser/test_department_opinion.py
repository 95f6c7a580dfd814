"""A consulted department opens its opinion task in the browser and sees whom it vets: the candidate's
facts beside the form and the submitted 审批表 on request."""
from __future__ import annotations

from tests.api.conftest import api, app, client, people  # noqa: F401  (fixtures)
from tests.api.test_campaigns_api import capi, create, drive_until, nominate, v001  # noqa: F401
from tests.browser.conftest import login, shot


def test_department_sees_the_candidate_beside_its_opinion_form(page, capi, v001, clock, web_user):
    web_user("jjw", "staff", "纪检监察", display_name="纪检经办")
    cid = create(capi, name="制造强市先进评选")
    nominate(capi, cid, "被征求意见对象", candidate_type="机关事业单位")
    tasks = drive_until(v001, clock, cid, "填写征求意见表")
    task = next(t for t in tasks if t.unit == "纪检监察")
    page.clock.set_fixed_time(clock())
    login(page, "jjw")
    shot(page, "40_department_inbox")
    page.get_by_role("row", name="被征求意见对象").get_by_role("link").click()
    card = page.locator(".ant-card").filter(has_text="查看推荐审批表")
    card.wait_for()
    assert "被征求意见对象" in card.inner_text() and "渝中区" in card.inner_text()
    shot(page, "40_department_opinion")
    card.get_by_role("button", name="查看推荐审批表").click()
    dialog = page.get_by_role("dialog", name="推荐审批表（已提交，只读）")
    dialog.wait_for()
    page.wait_for_timeout(400)
    from engine.forms import drafts
    from engine.people import users
    with v001.db.transaction(write=False) as s:
        principal = users.find_user(s, "jjw")
    submitted = drafts.task_form(v001, principal, task.task_id).subject.data
    assert dialog.get_by_label("姓名", exact=True).input_value() == submitted["person"]["name"]
    assert dialog.get_by_label("姓名", exact=True).is_disabled() or dialog.get_by_label("姓名", exact=True).get_attribute("readonly") is not None
    shot(page, "41_submitted_recommendation")
    assert task.task_id in page.url
