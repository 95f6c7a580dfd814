"""Inbox, forms, drafts and submission through the HTTP API over the real engine."""
from __future__ import annotations

from engine.audit import audit
from tests.api.conftest import NOMINATION, OPINION_OK, START


def test_inbox_shows_only_the_tasks_of_held_lanes_and_units(api, clock, sample):
    inst = api.to_opinions(clock, sample)
    by_unit = {t["unit"]: t["task_id"] for t in inst["ready_tasks"]}
    assert set(by_unit) == {"纪检监察", "公安"}
    seen = {who: [i["task_id"] for i in api.get("/api/tasks", who).json["items"]]
            for who in ("jijian", "gongan", "unit", "other_unit", "office", "leader")}
    assert seen == {"jijian": [by_unit["纪检监察"]], "gongan": [by_unit["公安"]], "unit": [], "other_unit": [],
                    "office": [], "leader": []}
    assert api.get("/api/tasks", "auditor").json["total"] == 2
    # Another unit's task can be neither read nor acted on.
    for who in ("gongan", "office"):
        api.get(f"/api/tasks/{by_unit['纪检监察']}", who, 403)
        r = api.post(f"/api/tasks/{by_unit['纪检监察']}/submit", who, 403,
                     json={"version": inst["version"], "data": OPINION_OK})
        assert r.json["code"] == "forbidden"


def test_inbox_sorts_by_due_date_with_undated_last_and_pages(api, clock, sample):
    dated = []
    for day in ("2025-09-30", "2025-09-28", "2025-10-15"):
        dated.append(api.start(data={**START, "submit_by": day}))
    opinions = api.to_opinions(clock, sample)["ready_tasks"]  # undated, created later
    items = api.get("/api/tasks?per_page=100", "auditor").json["items"]
    dues = [i["due_at"] for i in items]
    assert dues[:3] == sorted(dues[:3]) and None not in dues[:3]
    assert dues[3:] == [None] * len(opinions)
    desc = api.get("/api/tasks?sort=-due_at&per_page=100", "auditor").json["items"]
    assert [i["due_at"] for i in desc[:3]] == sorted(dues[:3], reverse=True) and desc[3]["due_at"] is None
    # Paging walks the same order across the dated/undated boundary.
    paged = []
    for page in (1, 2, 3):
        body = api.get(f"/api/tasks?per_page=2&page={page}", "auditor").json
        assert body["total"] == 5 and body["page"] == page
        paged += [i["task_id"] for i in body["items"]]
    assert paged == [i["task_id"] for i in items]
    # Overdue and due-before filters (the clock is now 2025-10-10).
    overdue = api.get("/api/tasks?overdue=true", "auditor").json["items"]
    assert {i["due_at"][:10] for i in overdue} == {"2025-09-28", "2025-09-30"} and all(i["overdue"] for i in overdue)
    before = api.get("/api/tasks", "auditor", query_string={"due_before": "2025-09-29T12:00:00+08:00"}).json
    assert [i["due_at"][:10] for i in before["items"]] == ["2025-09-28"]
    lane = api.get("/api/tasks", "auditor", query_string={"lane": "征求意见部门"}).json
    assert lane["total"] == 2


def test_done_list_and_completed_state(api):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    api.submit(task_id, "unit", NOMINATION, inst["version"])
    done = api.get("/api/tasks?state=completed&mine=true", "unit").json["items"]
    assert [(i["task_id"], i["completed_by"]) for i in done] == [(task_id, "unit")]
    assert api.get("/api/tasks?state=completed&mine=true", "unit2").json["items"] == []


def test_form_draft_and_prefill(api):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    form = api.get(f"/api/tasks/{task_id}/form", "unit").json
    assert form["ui_schema"]["ui:order"] == ["candidate_name", "deeds"] and form["data"] == {}
    assert form["version"] == inst["version"] and form["draft_saved_at"] is None
    saved = api.put(f"/api/tasks/{task_id}/draft", "unit", json={"data": {"candidate_name": "半成品"}}).json
    form = api.get(f"/api/tasks/{task_id}/form", "unit2").json  # a colleague of the same unit sees it
    assert form["data"] == {"candidate_name": "半成品"} and form["draft_saved_at"] == saved["saved_at"]
    # Saving a draft is not an event: the version (and anyone's open form) stays valid.
    assert api.task(task_id, "unit")["version"] == inst["version"]
    api.put(f"/api/tasks/{task_id}/draft", "other_unit", 403, json={"data": {}})
    api.submit(task_id, "unit", NOMINATION, inst["version"])
    api.put(f"/api/tasks/{task_id}/draft", "unit", 409, json={"data": {}})


def test_a_partial_draft_keeps_the_fields_the_start_prefilled(api):
    from tests.api.conftest import START
    inst = api.start(data={**START, "candidate_name": "预填的名称"})
    task_id = inst["ready_tasks"][0]["task_id"]
    assert api.get(f"/api/tasks/{task_id}/form", "unit").json["data"] == {"candidate_name": "预填的名称"}
    api.put(f"/api/tasks/{task_id}/draft", "unit", json={"data": {"deeds": "只填了事迹"}})
    form = api.get(f"/api/tasks/{task_id}/form", "unit").json
    assert form["data"] == {"candidate_name": "预填的名称", "deeds": "只填了事迹"}
    # what the user typed over a prefilled field wins
    api.put(f"/api/tasks/{task_id}/draft", "unit", json={"data": {"candidate_name": "改过的名称"}})
    assert api.get(f"/api/tasks/{task_id}/form", "unit").json["data"]["candidate_name"] == "改过的名称"


def test_invalid_form_data_gives_field_errors_and_changes_nothing(api, sample):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    r = api.post(f"/api/tasks/{task_id}/submit", "unit", 422,
                 json={"version": inst["version"], "data": {"candidate_name": "", "extra": 1}})
    assert r.mimetype == "application/problem+json"
    assert r.json["errors"]["candidate_name"] == "不能为空" and r.json["errors"]["deeds"] == "必填"
    assert api.task(task_id, "unit")["version"] == inst["version"]


def test_stale_version_and_completed_task_are_409(api):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    stale = api.submit(task_id, "unit", NOMINATION, inst["version"] - 1, expect=409)
    assert "版本" in stale.json["detail"] and stale.json["code"] == "conflict"
    api.submit(task_id, "unit", NOMINATION, inst["version"])
    again = api.submit(task_id, "unit", NOMINATION, inst["version"] + 1, expect=409)
    assert "不能重复提交" in again.json["detail"]


def test_batch_submit_is_all_or_nothing(api, clock, sample):
    instances = [api.start(data={**START, "departments": ["纪检监察"]}) for _ in range(3)]
    for inst in instances:
        api.submit(inst["ready_tasks"][0]["task_id"], "unit", NOMINATION, inst["version"])
    from datetime import datetime, timezone

    clock.set(datetime(2025, 10, 10, 1, 0, tzinfo=timezone.utc))
    for inst in instances:
        sample.runtime.fire_timers(inst["id"])
    inbox = api.get("/api/tasks", "jijian").json["items"]
    assert len(inbox) == 3
    items = [{"task_id": t["task_id"], "version": api.task(t["task_id"], "jijian")["version"]} for t in inbox]
    # One bad item (wrong data) refuses the whole list and names the item.
    bad = [*items[:2], {**items[2], "data": {"opinion": {"adverse": "不知道"}}}]
    r = api.post("/api/tasks/batch-submit", "jijian", 422, json={"items": bad, "data": OPINION_OK})
    assert r.json["detail"].startswith("第 3 项") and "items.2.data.opinion.adverse" in r.json["errors"]
    assert api.get("/api/tasks", "jijian").json["total"] == 3
    done = api.post("/api/tasks/batch-submit", "jijian", 200, json={"items": items, "data": OPINION_OK}).json
    assert [res["ready_tasks"][0]["spec"] for res in done["results"]] == ["Final_review"] * 3
    assert api.get("/api/tasks", "jijian").json["total"] == 0
    for inst in instances:
        assert audit.replay(sample, inst["id"]).ok


def test_batch_refuses_someone_elses_task_by_item(api, clock, sample):
    inst = api.to_opinions(clock, sample)
    mine = next(t for t in inst["ready_tasks"] if t["unit"] == "纪检监察")
    theirs = next(t for t in inst["ready_tasks"] if t["unit"] == "公安")
    items = [{"task_id": t["task_id"], "version": inst["version"]} for t in (mine, theirs)]
    r = api.post("/api/tasks/batch-submit", "jijian", 403, json={"items": items, "data": OPINION_OK})
    assert r.json["detail"].startswith("第 2 项")
    assert api.get("/api/tasks", "jijian").json["total"] == 1


def test_instance_state_tasks_and_diagram(api, clock, sample):
    inst = api.to_opinions(clock, sample)
    shown = api.get(f"/api/instances/{inst['id']}", "unit").json
    assert shown["deployment"]["name"] == "sample" and shown["status"] == "running"
    assert len(api.get(f"/api/instances/{inst['id']}/tasks", "jijian").json) == 2
    diagram = api.get(f"/api/instances/{inst['id']}/diagram", "auditor").json
    assert diagram["xml"].lstrip().startswith("<?xml") and diagram["file"] == "sample.bpmn"
    assert {"Fill_nomination", "Post_publicity", "Publicity_period"} <= set(diagram["completed"])
    assert diagram["active"] == ["Collect_opinions"]
    api.get(f"/api/instances/{inst['id']}", "other_unit", 403)
    api.get("/api/instances/not-an-id", "auditor", 404)
    listed = api.get("/api/instances", "other_unit").json
    assert listed["total"] == 0 and api.get("/api/instances", "unit").json["total"] == 1


def test_staff_start_in_own_unit_only(api):
    r = api.post("/api/instances", "unit", 422, json={
        "process_id": "sample_nomination", "data": {**START, "recommending_unit": "另一家工厂"}})
    assert "data.recommending_unit" in r.json["errors"]
    api.post("/api/instances", "office", 403, json={"process_id": "sample_nomination", "data": START})
    api.post("/api/instances", "unit", 404, json={"process_id": "no_such_process", "data": {}})
