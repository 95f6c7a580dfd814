"""Idempotency-Key: a retry gets the first answer, nothing is done twice; keys are per user, bound
to their request, and forgotten after 24 hours."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.storage.models import Event
from tests.api.conftest import NOMINATION


def events(services) -> int:
    with services.db.transaction(write=False) as s:
        return s.scalar(select(func.count()).select_from(Event))


def submit(api, task_id, version, key=None, who="unit", expect=200, data=NOMINATION):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(f"/api/tasks/{task_id}/submit", who, expect, json={"version": version, "data": data},
                    headers=headers)


def test_a_retried_submit_gets_the_first_answer(api, sample):
    inst = api.start()
    task_id = inst["ready_tasks"][0]["task_id"]
    first = submit(api, task_id, inst["version"], key="k-1")
    assert "Idempotent-Replayed" not in first.headers
    count = events(sample)
    again = submit(api, task_id, inst["version"], key="k-1")
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert events(sample) == count
    submit(api, task_id, inst["version"], expect=409)  # without the key: the ordinary conflict
    r = submit(api, task_id, inst["version"], key="k-1", data={**NOMINATION, "deeds": "别的"}, expect=422)
    assert "另一个请求" in r.json["detail"]


def test_keys_belong_to_their_user_and_expire(api, sample, clock):
    mine = api.start()
    theirs = api.start(who="unit2")
    submit(api, mine["ready_tasks"][0]["task_id"], mine["version"], key="same")
    # Another user's identical key is theirs alone.
    r = submit(api, theirs["ready_tasks"][0]["task_id"], theirs["version"], key="same", who="unit2")
    assert "Idempotent-Replayed" not in r.headers
    clock.advance(hours=25)
    submit(api, mine["ready_tasks"][0]["task_id"], mine["version"], key="same", expect=409)


def test_a_bad_key_is_refused_and_batches_replay(api, sample):
    a, b = api.start(), api.start()
    items = [{"task_id": i["ready_tasks"][0]["task_id"], "version": i["version"]} for i in (a, b)]
    api.post("/api/tasks/batch-submit", "unit", 422, json={"items": items, "data": NOMINATION},
             headers={"Idempotency-Key": "有中文"})
    first = api.post("/api/tasks/batch-submit", "unit", 200, json={"items": items, "data": NOMINATION},
                     headers={"Idempotency-Key": "batch-1"})
    count = events(sample)
    again = api.post("/api/tasks/batch-submit", "unit", 200, json={"items": items, "data": NOMINATION},
                     headers={"Idempotency-Key": "batch-1"})
    assert again.json == first.json and events(sample) == count


def test_the_header_is_documented(client):
    doc = client.get("/api/openapi.json").json
    params = doc["paths"]["/api/tasks/{task_id}/submit"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)
