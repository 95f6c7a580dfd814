"""A unit's staff member in the browser: log in, see the inbox, open the nomination task, submit the
form with one bad field (the error shows at the field, nothing is stored), fix it and submit."""
from __future__ import annotations

from sqlalchemy import select

from engine.people import users
from engine.storage.models import HumanTask
from engine.tasks import instance_views
from tests.api.conftest import START
from tests.browser.conftest import login, shot


def start_nomination(services, who="unit"):
    with services.db.transaction(write=False) as s:
        principal = users.find_user(s, who)
    return instance_views.start(services, principal, "sample_nomination", dict(START), "示例机械厂技术科")


def task_state(services, task_id):
    with services.db.transaction(write=False) as s:
        return s.scalar(select(HumanTask.state).where(HumanTask.task_id == task_id))


def test_staff_logs_in_fixes_a_bad_field_and_submits(page, sample, web_user):
    web_user("unit", "staff", "示例机械厂", display_name="王经办")
    view = start_nomination(sample)
    task_id = view.ready_tasks[0]["task_id"]

    page.goto(page.base + "/")
    page.get_by_label("用户名").wait_for()  # not signed in: the login page
    shot(page, "01_login")
    page.get_by_label("用户名").fill("unit")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("alert").wait_for()
    assert "密码" in page.get_by_role("alert").inner_text()
    login(page, "unit")
    header = page.get_by_test_id("current-user").inner_text()
    assert "王经办" in header and "经办人员" in header and "示例机械厂" in header

    row = page.get_by_role("row", name="示例机械厂技术科")
    row.wait_for()
    assert "填写推荐审批表" in row.inner_text() and "2025年9月30日" in row.inner_text()
    shot(page, "02_inbox_staff")
    row.get_by_role("link", name="示例机械厂技术科").click()

    page.get_by_label("推荐对象名称", exact=True).fill("示例机械厂技术科")
    page.get_by_label("主要事迹", exact=True).fill("")  # the bad field: required, left empty
    page.get_by_role("button", name="提交").click()
    field = page.locator(".ant-form-item-has-error").filter(has=page.get_by_label("主要事迹", exact=True))
    field.wait_for()
    assert "必填" in field.inner_text()
    shot(page, "03_task_field_error")
    assert task_state(sample, task_id) == "ready"

    page.get_by_label("主要事迹", exact=True).fill("攻克关键工艺难题，年节约成本三百万元。")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("暂无待办任务").wait_for()
    assert task_state(sample, task_id) == "completed"
    with sample.db.transaction(write=False) as s:
        done = s.scalar(select(HumanTask).where(HumanTask.task_id == task_id))
        assert done.completed_by == "unit"
    page.get_by_role("link", name="已办").click()
    page.get_by_role("row", name="示例机械厂技术科").wait_for()
    shot(page, "04_done_list")


def test_expired_session_returns_to_login_and_keeps_the_form(page, sample, web_user, clock):
    web_user("unit", "staff", "示例机械厂", display_name="王经办")
    task_id = start_nomination(sample).ready_tasks[0]["task_id"]
    login(page, "unit")
    page.goto(page.base + f"/tasks/{task_id}")
    page.get_by_label("主要事迹", exact=True).fill("写到一半的事迹")
    clock.advance(hours=13)  # the 12-hour session has run out on the server
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("登录已过期，请重新登录").wait_for()
    shot(page, "05_session_expired")
    page.get_by_label("用户名").fill("unit")
    page.get_by_label("密码").fill("Pingxuan-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("已恢复登录过期前填写的内容").wait_for()
    assert page.get_by_label("主要事迹", exact=True).input_value() == "写到一半的事迹"
    # Put back on the server as the draft, so a colleague (or another browser) sees it too.
    page.get_by_text("草稿已保存于").wait_for()
    from engine.forms import drafts
    with sample.db.transaction(write=False) as s:
        principal = users.find_user(s, "unit")
    assert drafts.task_form(sample, principal, task_id).data.get("deeds") == "写到一半的事迹"
    shot(page, "06_draft_restored")


def test_a_colleague_submitting_first_is_explained_and_the_input_kept(page, sample, web_user):
    web_user("unit", "staff", "示例机械厂", display_name="王经办")
    web_user("unit2", "staff", "示例机械厂", display_name="赵经办")
    view = start_nomination(sample)
    task_id = view.ready_tasks[0]["task_id"]
    login(page, "unit")
    page.goto(page.base + f"/tasks/{task_id}")
    page.get_by_label("推荐对象名称", exact=True).fill("示例机械厂技术科")
    page.get_by_label("主要事迹", exact=True).fill("我写的事迹")
    # Meanwhile the colleague submits the same task.
    from engine.tasks import task_actions
    with sample.db.transaction(write=False) as s:
        colleague = users.find_user(s, "unit2")
    task_actions.submit(sample, colleague, task_id, {"candidate_name": "示例机械厂技术科", "deeds": "同事的事迹"},
                        view.version)
    page.get_by_role("button", name="提交").click()
    dialog = page.get_by_role("dialog", name="任务已被他人改动")
    dialog.wait_for()
    page.wait_for_timeout(400)
    shot(page, "07_conflict_explained")
    dialog.get_by_role("button", name="重新加载").click()
    page.get_by_text("该任务已由他人办理，无需再提交").wait_for()
    assert page.get_by_label("主要事迹", exact=True).input_value() == "我写的事迹"
    with sample.db.transaction(write=False) as s:
        done = s.scalar(select(HumanTask).where(HumanTask.task_id == task_id))
        assert done.completed_by == "unit2"
