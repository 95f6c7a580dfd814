"""A unit's staff nominate in the browser: the quota left is shown before submitting, the nomination
starts the candidate's process and opens its 审批表; a full quota disables the button."""
from __future__ import annotations

from sqlalchemy import select

from engine.campaigns.campaign_models import Candidate
from tests.api.conftest import api, app, client, people  # noqa: F401  (fixtures)
from tests.api.test_campaigns_api import capi, create, nominate, v001  # noqa: F401
from tests.browser.conftest import login, shot


def test_staff_nominate_with_quota_shown(page, capi, v001, web_user):
    web_user("ck", "staff", "城口县", display_name="城口经办")
    cid = create(capi, name="制造强市先进评选")
    nominate(capi, cid, "城口个人0", who="chengkou")
    login(page, "ck")
    page.get_by_role("link", name="评选活动").click()
    page.get_by_role("row", name="制造强市先进评选").get_by_role("link", name="推荐").click()
    page.get_by_label("先进个人").check()
    page.get_by_text("本单位先进个人名额 3 个，已用 1 个，还可推荐 2 个").wait_for()
    page.get_by_label("推荐对象名称或姓名").fill("城口个人1")
    page.get_by_label("对象类型").click()
    page.get_by_title("国有企业").click()
    shot(page, "20_nominate_quota_shown")
    page.get_by_role("button", name="推荐", exact=True).click()
    page.get_by_text("填写先进个人推荐审批表").first.wait_for()
    shot(page, "21_recommendation_form")
    with v001.db.transaction(write=False) as s:
        names = sorted(s.scalars(select(Candidate.name).where(Candidate.campaign_id == cid, Candidate.unit == "城口县")))
    assert names == ["城口个人0", "城口个人1"]

    nominate(capi, cid, "城口个人2", who="chengkou")  # the quota is now full
    page.goto(page.base + f"/campaigns/{cid}/nominate")
    page.get_by_label("先进个人").check()
    page.get_by_text("还可推荐 0 个").wait_for()
    assert page.get_by_role("button", name="推荐", exact=True).is_disabled()
