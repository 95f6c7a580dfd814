"""A unit posts its publicity in the browser: choose the candidates, see the last day computed on the
working-day calendar before posting, post (the candidates enter 公示中), and print the A4 notice."""
from __future__ import annotations

from tests.api.conftest import api, app, client, people  # noqa: F401  (fixtures)
from tests.api.test_campaigns_api import capi, create, demo, nominate, open_tasks, v001  # noqa: F401
from tests.browser.conftest import login, shot


def test_unit_posts_its_publicity_with_the_last_day_shown(page, capi, v001, web_user):
    web_user("yz", "staff", "渝中区", display_name="渝中经办")
    cid = create(capi, name="制造强市先进评选")
    for name in ("公示对象甲", "公示对象乙"):
        view = nominate(capi, cid, name).json
        data = demo("001/recommend_individual.json")
        data["recommending_unit"], data["person"]["name"] = "渝中区", name
        capi.submit(view["ready_tasks"][0]["task_id"], "yuzhong", data, view["version"])
    assert len(open_tasks(v001, cid, "张贴单位公示")) == 2

    login(page, "yz")
    page.goto(page.base + f"/campaigns/{cid}/publicity")
    for name in ("公示对象甲", "公示对象乙"):
        page.get_by_role("row", name=name).get_by_role("checkbox").check()
    # Today (the server's and the browser's) is Friday 26 September 2025: the period counted from it
    # is shown at once; then a start on Monday the 29th: 29 and 30 September, the National Day and
    # Mid-Autumn holiday 1–8 October, then 9, 10 and Saturday 11 October (a 调休 workday).
    last = page.get_by_test_id("publicity-last-day")
    last.filter(has_text="2025年").wait_for()
    page.get_by_label("公示开始日期").fill("2025年9月29日")
    page.get_by_label("公示开始日期").press("Enter")
    last.filter(has_text="2025年10月11日").wait_for()
    page.get_by_label("异议受理部门").fill("渝中区人力社保局")
    page.get_by_label("受理电话").fill("023-63897023")
    shot(page, "30_publicity_choose")
    page.get_by_role("button", name="张贴公示（已选 2 个）").click()
    page.get_by_text("公示已张贴，公示期至2025年10月11日").wait_for()
    assert open_tasks(v001, cid, "张贴单位公示") == []
    stages = {c["name"]: c["stage"] for c in capi.get(f"/api/campaigns/{cid}/candidates", "office").json["items"]}
    assert all("公示中" in stages[n] for n in ("公示对象甲", "公示对象乙")), stages
    notice = page.get_by_role("region", name="公示（打印）")
    assert "公示对象甲" in notice.inner_text() and "2025年9月29日至2025年10月11日" in notice.inner_text()
    page.emulate_media(media="print")
    shot(page, "31_publicity_print_a4")
    assert page.get_by_role("button", name="打印公示（A4）").is_hidden()  # only the notice prints
