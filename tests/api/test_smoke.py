from tests.api.conftest import NOMINATION


def test_start_inbox_submit(api, people):
    inst = api.start()
    task = inst["ready_tasks"][0]
    assert task["unit"] == "示例机械厂"
    page = api.get("/api/tasks", "unit").json
    assert [i["task_id"] for i in page["items"]] == [task["task_id"]]
    assert api.get("/api/tasks", "other_unit").json["total"] == 0
    form = api.get(f"/api/tasks/{task['task_id']}/form", "unit").json
    assert form["schema"]["required"] == ["candidate_name", "deeds"]
    r = api.submit(task["task_id"], "unit", NOMINATION, inst["version"])
    assert r.json["version"] == inst["version"] + 1
