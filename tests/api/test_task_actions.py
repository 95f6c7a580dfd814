"""退回, 撤回, 转办, 催办: each through the API, each replayable from the event log."""
from __future__ import annotations

from datetime import datetime, timezone

from engine.audit import audit
from engine.storage.task_tables import TaskAssignment
from tests.api.conftest import NOMINATION, OPINION_OK, START


def events(api, instance_id):
    return [e["type"] for e in api.get(f"/api/audit/instances/{instance_id}/events", "auditor").json["events"]]


def test_return_to_previous_step_keeps_the_submission_and_replays(api, clock, sample):
    inst = api.to_opinions(clock, sample)
    opinion = next(t for t in inst["ready_tasks"] if t["unit"] == "公安")
    r = api.post(f"/api/tasks/{opinion['task_id']}/return", "gongan", json={"version": inst["version"], "reason": "材料不全"})
    back = r.json["ready_tasks"]
    assert [t["spec"] for t in back] == ["Fill_nomination"] and back[0]["unit"] == "示例机械厂"
    # Past the original submission deadline, yet not treated as withdrawn, and no longer overdue.
    assert back[0]["due_at"] is None
    inbox = api.get("/api/tasks", "unit").json["items"]
    assert [i["task_id"] for i in inbox] == [back[0]["task_id"]]
    assert api.get(f"/api/tasks/{back[0]['task_id']}/form", "unit").json["data"] == NOMINATION
    assert api.get("/api/tasks", "gongan").json["total"] == 0 and api.get("/api/tasks", "jijian").json["total"] == 0
    assert events(api, inst["id"])[-1] == "task_returned"
    assert audit.replay(sample, inst["id"]).ok
    # The corrected nomination goes round again.
    again = api.submit(back[0]["task_id"], "unit", {**NOMINATION, "deeds": "补充了材料。"}, r.json["version"]).json
    assert again["status"] == "running"
    clock.set(datetime(2025, 10, 30, 1, 0, tzinfo=timezone.utc))
    assert sample.runtime.fire_timers(inst["id"])
    assert api.get("/api/tasks", "gongan").json["total"] == 1
    assert audit.replay(sample, inst["id"]).ok


def test_first_step_cannot_be_returned(api):
    inst = api.start()
    r = api.post(f"/api/tasks/{inst['ready_tasks'][0]['task_id']}/return", "unit", 409,
                 json={"version": inst["version"], "reason": "无"})
    assert "第一步" in r.json["detail"]


def test_return_needs_a_reason(api):
    inst = api.start()
    r = api.post(f"/api/tasks/{inst['ready_tasks'][0]['task_id']}/return", "unit", 422, json={"version": inst["version"]})
    assert r.json["errors"] == {"reason": "必填"}


def test_withdraw_own_submission_before_next_step(api, sample, clock):
    inst = api.start(data={**START, "submit_by": "2025-10-20"})
    task_id = inst["ready_tasks"][0]["task_id"]
    after = api.submit(task_id, "unit", NOMINATION, inst["version"]).json
    api.post(f"/api/tasks/{task_id}/withdraw", "unit2", 403, json={"version": after["version"]})
    r = api.post(f"/api/tasks/{task_id}/withdraw", "unit", json={"version": after["version"], "reason": "填错了"}).json
    assert [t["task_id"] for t in r["ready_tasks"]] == [task_id]
    assert r["ready_tasks"][0]["due_at"] == "2025-10-20T16:00:00+00:00"  # the deadline binds again
    assert api.get(f"/api/tasks/{task_id}/form", "unit").json["data"] == NOMINATION
    assert audit.replay(sample, inst["id"]).ok
    # Once the next step has started (the publicity timer fired), withdrawing is refused.
    after = api.submit(task_id, "unit", NOMINATION, r["version"]).json
    clock.set(datetime(2025, 10, 10, 1, 0, tzinfo=timezone.utc))
    sample.runtime.fire_timers(inst["id"])
    version = api.get(f"/api/instances/{inst['id']}", "unit").json["version"]
    refused = api.post(f"/api/tasks/{task_id}/withdraw", "unit", 409, json={"version": version})
    assert "下一步已经开始" in refused.json["detail"]


def test_withdraw_refused_when_the_next_handler_saved_a_draft(api, clock, sample):
    inst = api.to_opinions(clock, sample)
    mine = next(t for t in inst["ready_tasks"] if t["unit"] == "纪检监察")
    theirs = next(t for t in inst["ready_tasks"] if t["unit"] == "公安")
    after = api.submit(mine["task_id"], "jijian", OPINION_OK, inst["version"]).json
    api.put(f"/api/tasks/{theirs['task_id']}/draft", "gongan", json={"data": {"opinion": {"comment": "正在核实"}}})
    r = api.post(f"/api/tasks/{mine['task_id']}/withdraw", "jijian", 409, json={"version": after["version"]})
    assert "已开始填写" in r.json["detail"]


def test_withdraw_after_the_deadline_is_refused(api, clock):
    inst = api.start()  # submit by 2025-09-30
    task_id = inst["ready_tasks"][0]["task_id"]
    after = api.submit(task_id, "unit", NOMINATION, inst["version"]).json
    clock.set(datetime(2025, 10, 2, 1, 0, tzinfo=timezone.utc))
    r = api.post(f"/api/tasks/{task_id}/withdraw", "unit", 409, json={"version": after["version"]})
    assert "截止时间" in r.json["detail"]
    assert api.get("/api/tasks", "unit").json["total"] == 0  # nothing changed


def test_transfer_to_a_colleague(api, sample):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    names = [u["name"] for u in api.get(f"/api/tasks/{task_id}/transfer-candidates", "unit").json]
    assert names == ["unit2"]  # same role and unit, not oneself
    bad = api.post(f"/api/tasks/{task_id}/transfer", "unit", 422, json={"version": inst["version"], "to": "office"})
    assert "to" in bad.json["errors"]
    moved = api.post(f"/api/tasks/{task_id}/transfer", "unit", json={"version": inst["version"], "to": "unit2",
                                                                      "reason": "出差"}).json
    assert api.get("/api/tasks", "unit").json["total"] == 0
    assert [i["assignee"] for i in api.get("/api/tasks", "unit2").json["items"]] == ["unit2"]
    r = api.submit(task_id, "unit", NOMINATION, moved["version"], expect=403)
    assert "转办" in r.json["detail"]
    # The old version is stale now: whoever had the form open must reload.
    api.submit(task_id, "unit2", NOMINATION, inst["version"], expect=409)
    with sample.db.transaction(write=False) as s:
        assert s.get(TaskAssignment, task_id).assignee == "unit2"
    api.submit(task_id, "unit2", NOMINATION, moved["version"])
    with sample.db.transaction(write=False) as s:
        assert s.get(TaskAssignment, task_id) is None  # only open tasks keep their reassignment row
    assert api.get("/api/tasks?state=completed", "unit").json["total"] == 1  # the unit's done list
    assert events(api, inst["id"]) == ["instance_started", "task_reassigned", "task_completed"]
    assert audit.replay(sample, inst["id"]).ok


def test_admin_may_transfer_any_open_task(api):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    api.post(f"/api/tasks/{task_id}/transfer", "admin", json={"version": inst["version"], "to": "unit2"})
    api.submit(task_id, "admin", NOMINATION, inst["version"] + 1, expect=403)


def test_remind_is_recorded_without_touching_the_version(api):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    assert api.post(f"/api/tasks/{task_id}/remind", "office", json={}).json == {"task_id": task_id, "reminders": 1}
    api.post(f"/api/tasks/{task_id}/remind", "leader", json={"message": "今天下班前报送"})
    detail = api.task(task_id, "unit")
    assert [r["message"] for r in detail["reminders"]] == ["请尽快办理", "今天下班前报送"]
    assert detail["version"] == inst["version"] and "submit" in detail["actions"]
    api.submit(task_id, "unit", NOMINATION, inst["version"])
    api.post(f"/api/tasks/{task_id}/remind", "office", 409, json={})
